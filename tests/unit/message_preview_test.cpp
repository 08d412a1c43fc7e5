// Long messages in the chat model: the preview shown instead of a 64K-character text, the
// "Show all" expansion, and syncMessages() updating rows in place (so a reload does not rebuild
// every delegate and lay out every text again).
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

#include "ui/message_list_model.h"

namespace {

MessageItem message(qint64 id, const QString& role, const QString& text) {
    MessageItem item;
    item.id = id;
    item.role = role;
    item.text = text;
    return item;
}

QVariant role(const MessageListModel& model, int row, int role) {
    return model.data(model.index(row), role);
}

}  // namespace

class MessagePreviewTest : public QObject {
    Q_OBJECT

private slots:
    void shortTextIsItsOwnPreview() {
        QCOMPARE(MessageListModel::previewOf("hello", 10), QString("hello"));
        QCOMPARE(MessageListModel::previewOf("0123456789", 10), QString("0123456789"));
    }

    void previewCutsAtTheLastLineBreakInTheSecondHalf() {
        // Line break at 7 (second half of 10): cut there; the break itself is left out.
        QCOMPARE(MessageListModel::previewOf("abc def\nghijkl", 10), QString("abc def"));
        // Only a line break in the first half: the last space in the second half wins.
        QCOMPARE(MessageListModel::previewOf("ab\ncdef ghijklmn", 10), QString("ab\ncdef"));
    }

    void previewWithoutBreaksCutsAtTheLimit() {
        QCOMPARE(MessageListModel::previewOf(QString(25, 'x'), 10), QString(10, 'x'));
    }

    void previewNeverSplitsASurrogatePair() {
        // U+1F600 is two UTF-16 units; the limit falls between them.
        const QString text = QString(9, 'x') + QString::fromUcs4(U"\U0001F600") + "yyyy";
        const QString preview = MessageListModel::previewOf(text, 10);
        QCOMPARE(preview, QString(9, 'x'));
        QVERIFY(!preview.back().isHighSurrogate());
    }

    void longMessagesShowAPreviewUntilExpanded() {
        MessageListModel model;
        QAbstractItemModelTester tester(&model);
        const QString longText = QString("word ").repeated(20000);  // 100,000 characters
        model.setMessages({message(1, "user", longText), message(2, "user", "short")});
        QCOMPARE(role(model, 0, MessageListModel::TextRole).toString(), longText);
        const QString shown = role(model, 0, MessageListModel::DisplayTextRole).toString();
        QVERIFY(shown.size() <= MessageListModel::kPreviewChars);
        QVERIFY(shown.size() > MessageListModel::kPreviewChars / 2);
        QVERIFY(longText.startsWith(shown));
        QVERIFY(role(model, 0, MessageListModel::TruncatedRole).toBool());
        QCOMPARE(role(model, 0, MessageListModel::TextLengthRole).toInt(), 100000);
        QVERIFY(!role(model, 1, MessageListModel::TruncatedRole).toBool());
        QCOMPARE(role(model, 1, MessageListModel::DisplayTextRole).toString(), QString("short"));
        QCOMPARE(model.lastAssistantText(), QString());  // users' texts are not replies

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.expand(0);
        QCOMPARE(changed.count(), 1);
        const QList<int> roles = changed.at(0).at(2).value<QList<int>>();
        QVERIFY(roles.contains(MessageListModel::DisplayTextRole));
        QVERIFY(roles.contains(MessageListModel::TruncatedRole));
        QVERIFY(!roles.contains(MessageListModel::TextRole));
        QCOMPARE(role(model, 0, MessageListModel::DisplayTextRole).toString(), longText);
        QVERIFY(!role(model, 0, MessageListModel::TruncatedRole).toBool());
        model.expand(0);  // already whole: nothing changes
        model.expand(7);  // out of range: ignored
        QCOMPARE(changed.count(), 1);
        QVERIFY(model.get(0).value("displayText").toString() == longText);
    }

    void streamingTextIsNeverTruncated() {
        MessageListModel model;
        MessageItem reply = message(5, "assistant", QString());
        reply.streaming = true;
        model.setMessages({reply});
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        const QString piece = QString("tok ").repeated(1500);  // 6,000 characters
        model.appendText(5, piece);
        QCOMPARE(changed.count(), 1);
        QVERIFY(
            changed.at(0).at(2).value<QList<int>>().contains(MessageListModel::DisplayTextRole));
        QCOMPARE(role(model, 0, MessageListModel::DisplayTextRole).toString(), piece);
        QVERIFY(!role(model, 0, MessageListModel::TruncatedRole).toBool());
        model.appendThinking(5, "hmm");  // thinking does not touch the shown text
        QCOMPARE(changed.at(1).at(2).value<QList<int>>(),
                 QList<int>{MessageListModel::ThinkingRole});
    }

    void syncKeepsRowsAndTheirExpandedState() {
        MessageListModel model;
        QAbstractItemModelTester tester(&model);
        const QString longText = QString("line of text\n").repeated(1000);  // 13,000 characters
        MessageItem reply = message(2, "assistant", longText);
        reply.streaming = true;
        model.setMessages({message(1, "user", longText), reply});
        model.expand(0);

        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        // The reply finished (a reload from the store: not streaming, not expanded) and a new
        // message follows.
        MessageItem finished = message(2, "assistant", longText);
        finished.stats = "12 tokens";
        model.syncMessages({message(1, "user", longText), finished, message(3, "user", "next")});
        QCOMPARE(reset.count(), 0);
        QCOMPARE(removed.count(), 0);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(model.count(), 3);
        QCOMPARE(changed.count(), 1);  // row 1 only: row 0 did not change
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 1);
        // Both stay whole: row 0 was expanded, row 1 streamed in this view.
        QVERIFY(!role(model, 0, MessageListModel::TruncatedRole).toBool());
        QVERIFY(!role(model, 1, MessageListModel::TruncatedRole).toBool());
        QCOMPARE(model.at(1).stats, QString("12 tokens"));

        // Another branch from row 1 on: the rows after the common prefix are replaced.
        model.syncMessages({message(1, "user", longText), message(9, "assistant", longText)});
        QCOMPARE(model.count(), 2);
        QCOMPARE(model.at(1).id, 9);
        QVERIFY(role(model, 1, MessageListModel::TruncatedRole).toBool());
        model.syncMessages({});
        QCOMPARE(model.count(), 0);
    }
};

QTEST_GUILESS_MAIN(MessagePreviewTest)
#include "message_preview_test.moc"
