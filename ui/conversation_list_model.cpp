#include "ui/conversation_list_model.h"

#include <algorithm>

namespace {

// Strict weak order of the sidebar: pinned, then newest, then higher id.
bool comesBefore(const ConversationItem& a, const ConversationItem& b) {
    if (a.pinned != b.pinned) return a.pinned;
    if (a.updatedAt != b.updatedAt) return a.updatedAt > b.updatedAt;
    return a.id > b.id;
}

}  // namespace

ConversationListModel::ConversationListModel(QObject* parent) : QAbstractListModel(parent) {}

int ConversationListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : m_loaded;
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ConversationItem& item = m_all.at(index.row());
    switch (role) {
        case Qt::DisplayRole:
        case TitleRole:
            return item.title;
        case ConversationIdRole:
            return item.id;
        case UpdatedAtRole:
            return item.updatedAt;
        case PinnedRole:
            return item.pinned;
        default:
            return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const {
    return {{ConversationIdRole, "conversationId"},
            {TitleRole, "title"},
            {UpdatedAtRole, "updatedAt"},
            {PinnedRole, "pinned"}};
}

bool ConversationListModel::canFetchMore(const QModelIndex& parent) const {
    return !parent.isValid() && m_loaded < totalCount();
}

void ConversationListModel::fetchMore(const QModelIndex& parent) {
    if (m_fetching || !canFetchMore(parent)) return;
    m_fetching = true;
    const int last = qMin(m_loaded + kPageSize, totalCount()) - 1;
    beginInsertRows(QModelIndex(), m_loaded, last);
    m_loaded = last + 1;
    endInsertRows();
    m_fetching = false;
    emit countChanged();
}

void ConversationListModel::setConversations(const QList<ConversationItem>& items) {
    beginResetModel();
    m_all = items;
    std::stable_sort(m_all.begin(), m_all.end(), comesBefore);
    m_loaded = qMin(kPageSize, totalCount());
    endResetModel();
    emit countChanged();
}

int ConversationListModel::indexOf(qint64 id) const {
    for (int i = 0; i < totalCount(); ++i) {
        if (m_all.at(i).id == id) return i;
    }
    return -1;
}

int ConversationListModel::sortedPosition(const ConversationItem& item) const {
    const auto it = std::lower_bound(m_all.begin(), m_all.end(), item, comesBefore);
    return static_cast<int>(it - m_all.begin());
}

void ConversationListModel::upsert(const ConversationItem& item) {
    const int from = indexOf(item.id);
    if (from < 0)
        insertNew(item);
    else
        replaceExisting(from, item);
}

void ConversationListModel::insertNew(const ConversationItem& item) {
    const int to = sortedPosition(item);
    // Show it when it lands inside the fetched rows, or right after them when all were fetched
    // (otherwise a fully loaded list would suddenly need a fetchMore for one row).
    const bool visible = to < m_loaded || m_loaded == totalCount();
    if (visible) beginInsertRows(QModelIndex(), to, to);
    m_all.insert(to, item);
    if (visible) {
        ++m_loaded;
        endInsertRows();
    }
    emit countChanged();
}

void ConversationListModel::replaceExisting(int from, const ConversationItem& item) {
    // Work out where the item lands in the list without it, and whether that is inside the
    // fetched prefix (same rule as insertNew), then tell the view as one move, insert or remove.
    const bool wasVisible = from < m_loaded;
    const int loadedWithout = m_loaded - (wasVisible ? 1 : 0);
    m_all.removeAt(from);
    const int to = sortedPosition(item);
    const bool willBeVisible = to < loadedWithout || loadedWithout == totalCount();
    m_all.insert(from, item);  // back in place (with the new data) until the view is told

    if (wasVisible && willBeVisible) {
        if (from != to) {
            // beginMoveRows takes the destination in pre-move coordinates.
            beginMoveRows(QModelIndex(), from, from, QModelIndex(), to > from ? to + 1 : to);
            m_all.move(from, to);
            endMoveRows();
        }
        const QModelIndex idx = index(to);
        emit dataChanged(idx, idx);
    } else if (wasVisible) {  // sorts past the fetched rows: it leaves the view
        beginRemoveRows(QModelIndex(), from, from);
        m_all.move(from, to);
        --m_loaded;
        endRemoveRows();
        emit countChanged();
    } else if (willBeVisible) {  // an unfetched row sorts into view
        m_all.removeAt(from);
        beginInsertRows(QModelIndex(), to, to);
        m_all.insert(to, item);
        ++m_loaded;
        endInsertRows();
        emit countChanged();
    } else {
        m_all.move(from, to);
    }
}

void ConversationListModel::remove(qint64 id) {
    const int i = indexOf(id);
    if (i < 0) return;
    const bool visible = i < m_loaded;
    if (visible) beginRemoveRows(QModelIndex(), i, i);
    m_all.removeAt(i);
    if (visible) {
        --m_loaded;
        endRemoveRows();
    }
    emit countChanged();
}

int ConversationListModel::rowOf(qint64 id) const {
    const int i = indexOf(id);
    return i < m_loaded ? i : -1;
}

ConversationItem ConversationListModel::at(int row) const {
    return (row >= 0 && row < m_loaded) ? m_all.at(row) : ConversationItem{};
}

QVariantMap ConversationListModel::get(int row) const {
    if (row < 0 || row >= m_loaded) return {};
    const ConversationItem& item = m_all.at(row);
    return {{QStringLiteral("conversationId"), item.id},
            {QStringLiteral("title"), item.title},
            {QStringLiteral("updatedAt"), item.updatedAt},
            {QStringLiteral("pinned"), item.pinned}};
}
