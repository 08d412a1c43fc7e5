#pragma once
// The sidebar's conversations: pinned first, then most recently updated first (ties: higher id
// first, so the order is total and stable). The full list is held in memory, but rows are exposed
// to views lazily in pages of kPageSize through canFetchMore()/fetchMore(), so a list of 10,000
// conversations costs one page of delegates at start.
// Thread-safety: GUI thread only.
#include <QAbstractListModel>
#include <QList>
#include <QVariantMap>

#include "ui/conversation_item.h"

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(int totalCount READ totalCount NOTIFY countChanged)

public:
    enum Role {
        ConversationIdRole = Qt::UserRole + 1,
        TitleRole,
        UpdatedAtRole,
        PinnedRole,
    };
    Q_ENUM(Role)
    static constexpr int kPageSize = 200;

    explicit ConversationListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

    int count() const { return m_loaded; }  // rows exposed so far
    int totalCount() const { return static_cast<int>(m_all.size()); }

    void setConversations(const QList<ConversationItem>& items);  // resets; exposes one page
    void upsert(const ConversationItem& item);  // insert or update, then move to its sorted place
    void remove(qint64 id);                     // no-op for unknown ids
    int rowOf(qint64 id) const;                 // -1 when absent or not fetched yet
    ConversationItem at(int row) const;         // a default item when out of range

    Q_INVOKABLE QVariantMap get(int row) const;  // for QML; empty when out of range

signals:
    void countChanged();

private:
    int indexOf(qint64 id) const;                            // index in m_all, -1 when absent
    int sortedPosition(const ConversationItem& item) const;  // insertion index in m_all
    void insertNew(const ConversationItem& item);
    void replaceExisting(int from, const ConversationItem& item);

    QList<ConversationItem> m_all;  // sorted; rows [0, m_loaded) are visible to views
    int m_loaded = 0;
    bool m_fetching = false;  // views may call fetchMore() again from rowsInserted handlers
};
