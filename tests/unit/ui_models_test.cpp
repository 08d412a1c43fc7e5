// The sidebar and chat item models: streaming cost, change notifications, sort order, paging.
#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTimeZone>
#include <QtTest>

#include "ui/conversation_list_model.h"
#include "ui/message_list_model.h"

namespace {

MessageItem message(qint64 id, const QString& role, const QString& text = {}) {
    MessageItem item;
    item.id = id;
    item.role = role;
    item.text = text;
    return item;
}

ConversationItem conversation(qint64 id, int minutesAgo, bool pinned = false) {
    static const QDateTime kNow(QDate(2025, 1, 1), QTime(12, 0), Qt::UTC);
    return {id, QStringLiteral("chat %1").arg(id), kNow.addSecs(-60 * minutesAgo), pinned};
}

QList<qint64> ids(const ConversationListModel& model) {
    QList<qint64> out;
    for (int row = 0; row < model.rowCount(); ++row) out.append(model.at(row).id);
    return out;
}

// 10,000 conversations, conversation i updated i minutes ago (so sorted order = ascending id).
QList<ConversationItem> manyConversations() {
    QList<ConversationItem> items;
    for (int i = 9999; i >= 0; --i) items.append(conversation(i, i));
    return items;
}

}  // namespace

class UiModelsTest : public QObject {
    Q_OBJECT

private slots:
    void messageRolesAreNamedForQml() {
        MessageListModel model;
        const QHash<int, QByteArray> names = model.roleNames();
        for (const char* name : {"messageId", "role", "text", "thinking", "thinkingMs", "streaming",
                                 "interrupted", "branchIndex", "branchCount", "stats"})
            QVERIFY2(names.values().contains(name), name);
        MessageItem item = message(7, "assistant", "hi");
        item.branchIndex = 1;
        item.branchCount = 3;
        model.appendMessage(item);
        const QModelIndex idx = model.index(0);
        QCOMPARE(model.data(idx, MessageListModel::MessageIdRole).toLongLong(), 7);
        QCOMPARE(model.data(idx, MessageListModel::BranchCountRole).toInt(), 3);
        QCOMPARE(model.get(0).value("branchIndex").toInt(), 1);
        QVERIFY(model.get(5).isEmpty());
    }

    void appendTextNotifiesOnlyThatRowAndRole() {
        MessageListModel model;
        QAbstractItemModelTester tester(&model);
        model.setMessages({message(1, "user", "question"), message(2, "assistant")});
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        const int kPieces = 20000;
        for (int i = 0; i < kPieces; ++i) model.appendText(2, QStringLiteral("ab"));
        QCOMPARE(changed.size(), kPieces);
        for (const QList<QVariant>& args : changed) {
            QCOMPARE(args.at(0).toModelIndex().row(), 1);
            QCOMPARE(args.at(1).toModelIndex().row(), 1);
            // The text and what is shown of it (a streaming row is never truncated).
            QCOMPARE(args.at(2).value<QList<int>>(),
                     (QList<int>{MessageListModel::TextRole, MessageListModel::DisplayTextRole,
                                 MessageListModel::TextLengthRole}));
        }
        QCOMPARE(model.at(1).text.size(), 2 * kPieces);
        QCOMPARE(model.at(0).text, QStringLiteral("question"));
    }

    void appendTextCostDoesNotGrowWithTextLength() {
        // Time the same batch of appends on a short and on a ~4 MB text: an implementation that
        // copies or rescans the text per piece is hundreds of times slower on the long one.
        auto timeAppends = [](int initialChars) {
            MessageListModel model;
            model.appendMessage(message(1, "assistant", QString(initialChars, QChar('x'))));
            QElapsedTimer timer;
            timer.start();
            for (int i = 0; i < 20000; ++i) model.appendText(1, QStringLiteral("piece "));
            return timer.nsecsElapsed();
        };
        timeAppends(10);  // warm up
        const qint64 shortText = timeAppends(10);
        const qint64 longText = timeAppends(4'000'000);
        QVERIFY2(
            longText < 20 * shortText + 20'000'000,
            qPrintable(QStringLiteral("short %1 ns, long %2 ns").arg(shortText).arg(longText)));
    }

    void appendThinkingAndUnknownIds() {
        MessageListModel model;
        model.appendMessage(message(3, "assistant"));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.appendThinking(3, "hmm");
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(2).value<QList<int>>(),
                 QList<int>{MessageListModel::ThinkingRole});
        model.appendText(99, "lost");  // a late batch for a removed message is ignored
        model.appendText(3, "");
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.at(0).thinking, QStringLiteral("hmm"));
        QCOMPARE(model.at(0).text, QString());
    }

    void updateMessageReportsChangedRolesOnly() {
        MessageListModel model;
        model.setMessages({message(1, "user", "q"), message(2, "assistant", "a")});
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        MessageItem item = model.at(1);
        item.streaming = false;
        item.stats = QStringLiteral("TTFT 120 ms");
        model.updateMessage(item);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 1);
        QCOMPARE(changed.at(0).at(2).value<QList<int>>(), QList<int>{MessageListModel::StatsRole});
        model.updateMessage(item);  // unchanged: no signal
        QCOMPARE(changed.size(), 1);
    }

    void removeFromClearAndRowOf() {
        MessageListModel model;
        QAbstractItemModelTester tester(&model);
        QSignalSpy counts(&model, &MessageListModel::countChanged);
        model.setMessages({message(1, "user"), message(2, "assistant"), message(3, "user"),
                           message(4, "assistant", "last")});
        QCOMPARE(model.rowOf(3), 2);
        QCOMPARE(model.rowOf(42), -1);
        QCOMPARE(model.lastAssistantText(), QStringLiteral("last"));
        model.removeFrom(2);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.rowOf(3), -1);
        model.removeFrom(5);  // past the end: nothing
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.at(7).id, 0);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.lastAssistantText(), QString());
        QCOMPARE(counts.size(), 3);
    }

    void conversationsSortPinnedThenNewest() {
        ConversationListModel model;
        QAbstractItemModelTester tester(&model);
        model.setConversations({conversation(1, 30), conversation(2, 5), conversation(3, 60, true),
                                conversation(4, 1), conversation(5, 90, true)});
        QCOMPARE(ids(model), (QList<qint64>{3, 5, 4, 2, 1}));
        QCOMPARE(model.roleNames().value(ConversationListModel::UpdatedAtRole), "updatedAt");
    }

    void upsertMovesInsertsAndUpdates() {
        ConversationListModel model;
        QAbstractItemModelTester tester(&model);
        model.setConversations({conversation(1, 30), conversation(2, 20), conversation(3, 10)});
        QCOMPARE(ids(model), (QList<qint64>{3, 2, 1}));
        QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
        model.upsert(conversation(1, 0));  // a new message: to the top, as a move
        QCOMPARE(ids(model), (QList<qint64>{1, 3, 2}));
        QCOMPARE(moved.size(), 1);
        ConversationItem renamed = model.at(1);
        renamed.title = QStringLiteral("renamed");
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.upsert(renamed);  // same place: only dataChanged
        QCOMPARE(ids(model), (QList<qint64>{1, 3, 2}));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.at(1).title, QStringLiteral("renamed"));
        model.upsert(conversation(2, 50, true));  // pinned: first
        QCOMPARE(ids(model), (QList<qint64>{2, 1, 3}));
        model.upsert(conversation(9, 15));  // new
        QCOMPARE(ids(model), (QList<qint64>{2, 1, 3, 9}));
        model.remove(1);
        model.remove(77);
        QCOMPARE(ids(model), (QList<qint64>{2, 3, 9}));
        QCOMPARE(model.rowOf(9), 2);
    }

    // No QAbstractItemModelTester with paging: it calls fetchMore() from inside its own change
    // handlers and then reports the nested insert as a change in flight.
    void fetchMorePagesThroughTenThousand() {
        ConversationListModel model;
        model.setConversations(manyConversations());
        QCOMPARE(model.totalCount(), 10000);
        QCOMPARE(model.rowCount(), ConversationListModel::kPageSize);
        QCOMPARE(model.at(0).id, 0);
        QCOMPARE(model.at(199).id, 199);
        QCOMPARE(model.rowOf(5000), -1);  // not fetched yet
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        int pages = 1;
        while (model.canFetchMore({})) {
            model.fetchMore({});
            ++pages;
        }
        QCOMPARE(pages, 10000 / ConversationListModel::kPageSize);
        QCOMPARE(inserted.size(), pages - 1);
        QCOMPARE(inserted.first().at(1).toInt(), 200);
        QCOMPARE(inserted.first().at(2).toInt(), 399);
        QCOMPARE(model.rowCount(), 10000);
        QCOMPARE(model.at(9999).id, 9999);
        QCOMPARE(model.rowOf(5000), 5000);
    }

    void upsertAroundThePageBoundary() {
        ConversationListModel model;
        model.setConversations(manyConversations());
        model.upsert(conversation(9000, -5));  // unfetched row becomes newest: appears at row 0
        QCOMPARE(model.rowCount(), 201);
        QCOMPARE(model.at(0).id, 9000);
        model.upsert(conversation(3, 20000));  // fetched row sorts past the page: leaves the view
        QCOMPARE(model.rowCount(), 200);
        QCOMPARE(model.rowOf(3), -1);
        model.upsert(conversation(20000, 30000));  // new and oldest: stays unfetched
        QCOMPARE(model.rowCount(), 200);
        QCOMPARE(model.totalCount(), 10001);
        while (model.canFetchMore({})) model.fetchMore({});
        QCOMPARE(model.at(model.rowCount() - 1).id, 20000);
        QCOMPARE(model.at(model.rowCount() - 2).id, 3);
    }
};

QTEST_GUILESS_MAIN(UiModelsTest)
#include "ui_models_test.moc"
