// Conversation export to Markdown and JSON, and JSON import: round trip through the store keeps
// every message, the tree and the active branches; malformed input gives a named error.
#include <QHash>
#include <QTemporaryDir>
#include <QtTest>

#include "app/conversation_export.h"
#include "app/conversation_store.h"
#include "app/database.h"

using namespace folio;

class StoreExportTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_db.open(m_dir.filePath("export.sqlite3")).ok());
        ConversationStore store(m_db);
        m_id = *store.createConversation("Export me", true);
        QVERIFY(store.setSystemPrompt(m_id, "You are terse.", true).ok());
        QVERIFY(store.setPinned(m_id, true).ok());
        const qint64 u1 = *store.addMessage(m_id, 0, "user", "What is 2+2?");
        const qint64 a1 = *store.addMessage(m_id, u1, "assistant", "", MessageState::Streaming);
        QVERIFY(store
                    .finishMessage(a1, "**4**", "Simple arithmetic.", 320, MessageState::Complete,
                                   QJsonObject{{"tokens", 3}, {"ttftMs", 95.5}})
                    .ok());
        QVERIFY(store.setTokenCount(a1, 3).ok());
        const qint64 a1b =
            *store.addMessage(m_id, u1, "assistant", "Four, cut short", MessageState::Interrupted);
        QVERIFY(store.activate(a1).ok());  // the first reply stays on the active path
        *store.addMessage(m_id, a1b, "user", "and 3+3? 中文也行");
        *store.editMessage(u1, "What is 2+3?");
        QVERIFY(store.activate(u1).ok());  // back to the original question
    }

    void markdownShowsTheActivePath() {
        auto dump = ConversationStore(m_db).dump(m_id);
        QVERIFY(dump.ok());
        const QString md = exportMarkdown(*dump);
        QVERIFY(md.startsWith("# Export me\n"));
        QVERIFY(md.contains("System prompt: You are terse."));
        QVERIFY(md.contains("## User\n\nWhat is 2+2?\n"));
        QVERIFY(md.contains("<details><summary>Thinking</summary>\n\nSimple arithmetic."));
        QVERIFY(md.contains("**4**"));
        QVERIFY(!md.contains("What is 2+3?"));     // inactive branch
        QVERIFY(!md.contains("Four, cut short"));  // inactive sibling
        QVERIFY(md.indexOf("What is 2+2?") < md.indexOf("**4**"));
    }

    void jsonRoundTripKeepsTheTree() {
        ConversationStore store(m_db);
        auto original = store.dump(m_id);
        QVERIFY(original.ok());
        const QByteArray json = exportJson(*original);
        auto parsed = parseConversationJson(json);
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
        auto newId = store.import(*parsed);
        QVERIFY2(newId.ok(), newId.ok() ? "" : newId.error().message.c_str());
        QVERIFY(*newId != m_id);
        auto copy = store.dump(*newId);
        QVERIFY(copy.ok());

        const ConversationRecord& a = original->conversation;
        const ConversationRecord& b = copy->conversation;
        QCOMPARE(b.title, a.title);
        QCOMPARE(b.createdAt, a.createdAt);
        QCOMPARE(b.updatedAt, a.updatedAt);
        QCOMPARE(b.pinned, a.pinned);
        QCOMPARE(b.thinkingEnabled, a.thinkingEnabled);
        QCOMPARE(b.hasSystemPrompt, a.hasSystemPrompt);
        QCOMPARE(b.systemPrompt, a.systemPrompt);
        QCOMPARE(copy->messages.size(), original->messages.size());
        QHash<qint64, qint64> idMap;  // original id -> copy id (same order)
        for (int i = 0; i < original->messages.size(); ++i) {
            const MessageRecord& x = original->messages[i];
            const MessageRecord& y = copy->messages[i];
            idMap.insert(x.id, y.id);
            QCOMPARE(y.parentId, x.parentId == 0 ? 0 : idMap.value(x.parentId));
            QCOMPARE(y.role, x.role);
            QCOMPARE(y.content, x.content);
            QCOMPARE(y.thinking, x.thinking);
            QCOMPARE(y.thinkingMs, x.thinkingMs);
            QCOMPARE(y.state, x.state);
            QCOMPARE(y.active, x.active);
            QCOMPARE(y.createdAt, x.createdAt);
            QCOMPARE(y.stats, x.stats);
            QCOMPARE(y.tokenCount, x.tokenCount);
        }
        // Exporting the copy gives the same document apart from ids.
        auto again = parseConversationJson(exportJson(*copy));
        QVERIFY(again.ok());
        QCOMPARE(exportMarkdown(*again), exportMarkdown(*original));
    }

    void badJsonIsRejectedWithAReason_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("reason");
        const QByteArray good = exportJson(*ConversationStore(m_db).dump(m_id));
        QTest::addRow("truncated") << good.left(good.size() / 2) << "not valid JSON";
        QTest::addRow("array") << QByteArray("[1,2]") << "top level";
        QTest::addRow("other format") << QByteArray(R"({"format":"x","version":1})") << "format";
        QTest::addRow("future version")
            << QByteArray(R"({"format":"folio-conversation","version":9})") << "version";
        QByteArray badRole = good;
        badRole.replace("\"role\": \"user\"", "\"role\": \"robot\"");
        QTest::addRow("bad role") << badRole << "role";
        QByteArray badTime = good;
        badTime.replace("\"createdAt\": \"", "\"createdAt\": \"yesterday ");
        QTest::addRow("bad time") << badTime << "createdAt";
        QByteArray orphan = good;
        orphan.replace("\"parentId\": 0", "\"parentId\": 987654");
        QTest::addRow("orphan") << orphan << "parentId";
        QByteArray noMessages = good;
        noMessages.replace("\"messages\"", "\"messagez\"");
        QTest::addRow("no messages") << noMessages << "messages";
    }
    void badJsonIsRejectedWithAReason() {
        QFETCH(QByteArray, json);
        QFETCH(QString, reason);
        auto parsed = parseConversationJson(json);
        QVERIFY(!parsed.ok());
        const QString message = QString::fromStdString(parsed.error().message);
        QVERIFY2(message.contains(reason), qPrintable(message));
    }

private:
    QTemporaryDir m_dir;
    Database m_db;
    qint64 m_id = 0;
};

QTEST_GUILESS_MAIN(StoreExportTest)
#include "store_export_test.moc"
