#include "ui/message_list_model.h"

namespace {

bool truncated(const MessageItem& m) {
    return !m.streaming && !m.expanded && m.text.size() > MessageListModel::kPreviewChars;
}

// Role table: name exposed to QML and the accessor for each role (variants in a table).
struct RoleInfo {
    int role;
    const char* name;
    QVariant (*get)(const MessageItem&);
};

const RoleInfo kRoles[] = {
    {MessageListModel::MessageIdRole, "messageId",
     [](const MessageItem& m) { return QVariant(m.id); }},
    {MessageListModel::RoleRole, "role", [](const MessageItem& m) { return QVariant(m.role); }},
    {MessageListModel::TextRole, "text", [](const MessageItem& m) { return QVariant(m.text); }},
    {MessageListModel::ThinkingRole, "thinking",
     [](const MessageItem& m) { return QVariant(m.thinking); }},
    {MessageListModel::ThinkingMsRole, "thinkingMs",
     [](const MessageItem& m) { return QVariant(m.thinkingMs); }},
    {MessageListModel::StreamingRole, "streaming",
     [](const MessageItem& m) { return QVariant(m.streaming); }},
    {MessageListModel::InterruptedRole, "interrupted",
     [](const MessageItem& m) { return QVariant(m.interrupted); }},
    {MessageListModel::BranchIndexRole, "branchIndex",
     [](const MessageItem& m) { return QVariant(m.branchIndex); }},
    {MessageListModel::BranchCountRole, "branchCount",
     [](const MessageItem& m) { return QVariant(m.branchCount); }},
    {MessageListModel::StatsRole, "stats", [](const MessageItem& m) { return QVariant(m.stats); }},
    {MessageListModel::DisplayTextRole, "displayText",
     [](const MessageItem& m) {
         return QVariant(truncated(m) ? MessageListModel::previewOf(m.text) : m.text);
     }},
    {MessageListModel::TruncatedRole, "truncated",
     [](const MessageItem& m) { return QVariant(truncated(m)); }},
    {MessageListModel::TextLengthRole, "textLength",
     [](const MessageItem& m) { return QVariant(int(m.text.size())); }},
};

const RoleInfo* findRole(int role) {
    for (const RoleInfo& info : kRoles) {
        if (info.role == role) return &info;
    }
    return nullptr;
}

}  // namespace

MessageListModel::MessageListModel(QObject* parent) : QAbstractListModel(parent) {}

int MessageListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : count();
}

QVariant MessageListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const MessageItem& item = m_items.at(index.row());
    if (role == Qt::DisplayRole) return item.text;
    const RoleInfo* info = findRole(role);
    return info ? info->get(item) : QVariant();
}

QHash<int, QByteArray> MessageListModel::roleNames() const {
    QHash<int, QByteArray> names;
    for (const RoleInfo& info : kRoles) names.insert(info.role, info.name);
    return names;
}

QString MessageListModel::previewOf(const QString& text, int limit) {
    if (limit < 0 || text.size() <= limit) return text;
    qsizetype cut = text.lastIndexOf(QLatin1Char('\n'), limit - 1);
    if (cut < limit / 2) cut = text.lastIndexOf(QLatin1Char(' '), limit - 1);
    if (cut < limit / 2) cut = limit;
    if (cut > 0 && text.at(cut - 1).isHighSurrogate()) --cut;
    return text.left(cut);
}

void MessageListModel::setMessages(const QList<MessageItem>& items) {
    const int before = count();
    beginResetModel();
    m_items = items;
    endResetModel();
    if (before != count()) emit countChanged();
}

void MessageListModel::appendMessage(const MessageItem& item) {
    beginInsertRows(QModelIndex(), count(), count());
    m_items.append(item);
    endInsertRows();
    emit countChanged();
}

void MessageListModel::appendPiece(qint64 id, const QString& piece, QString MessageItem::*field,
                                   int role) {
    if (piece.isEmpty()) return;
    const int row = rowOf(id);
    if (row < 0) return;
    // Non-const access detaches only if shared; the string itself grows geometrically.
    (m_items[row].*field).append(piece);
    const QModelIndex idx = index(row);
    // A streaming row is never truncated: its displayText is the text itself.
    if (field == &MessageItem::text)
        emit dataChanged(idx, idx, {role, DisplayTextRole, TextLengthRole});
    else
        emit dataChanged(idx, idx, {role});
}

void MessageListModel::appendText(qint64 id, const QString& piece) {
    appendPiece(id, piece, &MessageItem::text, TextRole);
}

void MessageListModel::appendThinking(qint64 id, const QString& piece) {
    appendPiece(id, piece, &MessageItem::thinking, ThinkingRole);
}

void MessageListModel::syncMessages(const QList<MessageItem>& items) {
    const int before = count();
    int same = 0;
    while (same < before && same < items.size() && m_items.at(same).id == items.at(same).id) ++same;
    removeFrom(same);
    for (int row = 0; row < same; ++row) {
        MessageItem next = items.at(row);
        const MessageItem& old = m_items.at(row);
        next.expanded = next.expanded || old.expanded || old.streaming;
        updateRow(row, next);
    }
    if (same < items.size()) {
        beginInsertRows(QModelIndex(), same, int(items.size()) - 1);
        for (qsizetype i = same; i < items.size(); ++i) m_items.append(items.at(i));
        endInsertRows();
    }
    if (count() != before) emit countChanged();
}

void MessageListModel::expand(int row) {
    if (row < 0 || row >= count() || m_items.at(row).expanded) return;
    MessageItem item = m_items.at(row);
    item.expanded = true;
    updateRow(row, item);
}

void MessageListModel::updateMessage(const MessageItem& item) {
    const int row = rowOf(item.id);
    if (row >= 0) updateRow(row, item);
}

void MessageListModel::updateRow(int row, const MessageItem& item) {
    const MessageItem old = m_items.at(row);
    m_items[row] = item;
    QList<int> changed;
    for (const RoleInfo& info : kRoles) {
        if (info.get(old) != info.get(item)) changed.append(info.role);
    }
    if (changed.isEmpty()) return;
    const QModelIndex idx = index(row);
    emit dataChanged(idx, idx, changed);
}

void MessageListModel::removeFrom(int row) {
    row = qMax(row, 0);
    if (row >= count()) return;
    beginRemoveRows(QModelIndex(), row, count() - 1);
    m_items.erase(m_items.begin() + row, m_items.end());
    endRemoveRows();
    emit countChanged();
}

void MessageListModel::clear() {
    removeFrom(0);
}

int MessageListModel::rowOf(qint64 id) const {
    // From the end: streaming and updates almost always target the last rows.
    for (int row = count() - 1; row >= 0; --row) {
        if (m_items.at(row).id == id) return row;
    }
    return -1;
}

MessageItem MessageListModel::at(int row) const {
    return (row >= 0 && row < count()) ? m_items.at(row) : MessageItem{};
}

QVariantMap MessageListModel::get(int row) const {
    QVariantMap map;
    if (row < 0 || row >= count()) return map;
    for (const RoleInfo& info : kRoles)
        map.insert(QString::fromLatin1(info.name), info.get(m_items.at(row)));
    return map;
}

QString MessageListModel::lastAssistantText() const {
    for (int row = count() - 1; row >= 0; --row) {
        if (m_items.at(row).role == QLatin1String("assistant")) return m_items.at(row).text;
    }
    return {};
}
