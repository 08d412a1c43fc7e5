#pragma once
// The messages of the current conversation, as the chat view shows them.
// Long texts: QML lays out a TextEdit's whole text at once, which takes a second for a
// 64K-character paste, so a message longer than kPreviewChars shows `displayText`, a preview of its
// start, until expand() (the "Show all" button). `text` stays the whole message (copy, edit); a
// reply that streams in this view is always shown whole. Thread-safety: GUI thread only (like every
// item model). The app feeds it from queued signals; the engine thread never touches it.
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
        DisplayTextRole,  // what the view lays out: text, or its preview while truncated
        TruncatedRole,    // displayText is a preview; expand() shows all
        TextLengthRole,   // text.size(), for "Show all (N characters)"
    };
    Q_ENUM(Role)

    explicit MessageListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int count() const { return static_cast<int>(m_items.size()); }

    // Longest text shown whole without expand(), UTF-16 units.
    static constexpr int kPreviewChars = 2000;  // laid out in ~20 ms on a loaded 2-core machine
    // The start of `text` shown in place of a long one: at most `limit` units, cut at the last line
    // break (else space) in the second half of that span, never inside a surrogate pair. Returns
    // `text` itself when it is not longer than `limit`.
    static QString previewOf(const QString& text, int limit = kPreviewChars);

    void setMessages(const QList<MessageItem>& items);  // resets the model
    // Brings the rows in step with `items` without a reset: the leading rows with the same ids are
    // updated in place (dataChanged for the roles that changed, keeping their delegates and their
    // expanded state; a row that was streaming stays expanded), the rest are replaced.
    void syncMessages(const QList<MessageItem>& items);
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

    // Shows the whole text of a truncated row (the "Show all" button); no-op out of range.
    Q_INVOKABLE void expand(int row);
    // For QML: the row as a map of role name -> value; empty when out of range.
    Q_INVOKABLE QVariantMap get(int row) const;
    // For QML (copy last reply): text of the last assistant message, empty when none.
    Q_INVOKABLE QString lastAssistantText() const;

signals:
    void countChanged();

private:
    void updateRow(int row, const MessageItem& item);
    void appendPiece(qint64 id, const QString& piece, QString MessageItem::*field, int role);

    QList<MessageItem> m_items;
};
