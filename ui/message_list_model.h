#pragma once
// The messages of the current conversation, as the chat view shows them.
// Thread-safety: GUI thread only (like every item model). The app feeds it from queued signals;
// the engine thread never touches it.
#include <QAbstractListModel>
#include <QList>
#include <QVariantMap>

#include "ui/message_item.h"

class MessageListModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    enum Role {
        MessageIdRole = Qt::UserRole + 1,
        RoleRole,
        TextRole,
        ThinkingRole,
        ThinkingMsRole,
        StreamingRole,
        InterruptedRole,
        BranchIndexRole,
        BranchCountRole,
        StatsRole,
    };
    Q_ENUM(Role)

    explicit MessageListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int count() const { return static_cast<int>(m_items.size()); }

    void setMessages(const QList<MessageItem>& items);  // resets the model
    void appendMessage(const MessageItem& item);
    // Streaming: amortised O(piece.size()) for the last rows (the search for the row starts at the
    // end), emits dataChanged for that row and the text (or thinking) role only. Unknown ids are
    // ignored (a late batch for a message that was removed).
    void appendText(qint64 id, const QString& piece);
    void appendThinking(qint64 id, const QString& piece);
    // Replaces the row with item.id; emits dataChanged for the roles whose value changed.
    void updateMessage(const MessageItem& item);
    void removeFrom(int row);  // drops rows >= row; no-op when row >= count()
    void clear();
    int rowOf(qint64 id) const;     // -1 when absent
    MessageItem at(int row) const;  // a default item when out of range

    // For QML: the row as a map of role name -> value; empty when out of range.
    Q_INVOKABLE QVariantMap get(int row) const;
    // For QML (copy last reply): text of the last assistant message, empty when none.
    Q_INVOKABLE QString lastAssistantText() const;

signals:
    void countChanged();

private:
    void appendPiece(qint64 id, const QString& piece, QString MessageItem::*field, int role);

    QList<MessageItem> m_items;
};
