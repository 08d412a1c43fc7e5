// ConversationStore: CRUD, pinning and order, undoable delete, search (English, Chinese, short
// terms), message checkpoints, and the branch tree (edit, regenerate, switch, active path).
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include "app/conversation_store.h"
#include "app/database.h"

using namespace folio;

namespace {

QStringList titles(const Expected<QList<ConversationRecord>>& list) {
    QStringList out;
    if (list.ok())
        for (const ConversationRecord& c : *list) out << c.title;
    return out;
}

QStringList pathContents(const Expected<QList<PathEntry>>& path) {
    QStringList out;
    if (path.ok())
        for (const PathEntry& e : *path) out << e.message.content;
    return out;
}

}  // namespace

class StoreConversationTest : public QObject {
    Q_OBJECT

private slots:
    void init() {
        m_db = std::make_unique<Database>();
        auto report = m_db->open(m_dir.filePath(QStringLiteral("%1.sqlite3").arg(m_counter++)));
        QVERIFY(report.ok());
        m_store = std::make_unique<ConversationStore>(*m_db);
    }
    void cleanup() {
        m_store.reset();
        m_db.reset();
    }

    void createRenameAndRead() {
        auto id = m_store->createConversation("First", true);
        QVERIFY(id.ok());
        auto c = m_store->conversation(*id);
        QVERIFY(c.ok());
        QCOMPARE(c->title, QString("First"));
        QVERIFY(c->thinkingEnabled);
        QVERIFY(!c->hasSystemPrompt);
        QVERIFY(m_store->renameConversation(*id, "Renamed").ok());
        QCOMPARE(m_store->conversation(*id)->title, QString("Renamed"));
        QVERIFY(m_store->setSystemPrompt(*id, "Be terse.", true).ok());
        c = m_store->conversation(*id);
        QVERIFY(c->hasSystemPrompt);
        QCOMPARE(c->systemPrompt, QString("Be terse."));
        QVERIFY(m_store->setThinkingEnabled(*id, false).ok());
        QVERIFY(!m_store->conversation(*id)->thinkingEnabled);
        QVERIFY(!m_store->renameConversation(9999, "nope").ok());
        QVERIFY(!m_store->conversation(9999).ok());
    }

    void listIsPinnedFirstThenNewest() {
        const qint64 a = *m_store->createConversation("a");
        QThread::msleep(3);
        const qint64 b = *m_store->createConversation("b");
        QThread::msleep(3);
        *m_store->createConversation("c");
        QCOMPARE(titles(m_store->listConversations()), (QStringList{"c", "b", "a"}));
        QVERIFY(m_store->setPinned(a, true).ok());
        QCOMPARE(titles(m_store->listConversations()), (QStringList{"a", "c", "b"}));
        QThread::msleep(3);
        QVERIFY(m_store->addMessage(b, 0, "user", "new activity").ok());  // bumps updated_at
        QCOMPARE(titles(m_store->listConversations()), (QStringList{"a", "b", "c"}));
    }

    void deleteIsUndoableUntilPurged() {
        const qint64 a = *m_store->createConversation("keep");
        const qint64 b = *m_store->createConversation("drop");
        QVERIFY(m_store->addMessage(b, 0, "user", "searchable words").ok());
        QVERIFY(m_store->deleteConversation(b).ok());
        QCOMPARE(titles(m_store->listConversations()), QStringList{"keep"});
        QCOMPARE(titles(m_store->search("searchable")), QStringList{});
        QVERIFY(m_store->undoDelete(b).ok());
        QCOMPARE(titles(m_store->search("searchable")), QStringList{"drop"});
        QVERIFY(m_store->deleteConversation(b).ok());
        QCOMPARE(*m_store->purgeDeleted(), 1);
        QVERIFY(!m_store->conversation(b).ok());
        QSqlQuery q(m_db->connection());
        QVERIFY(q.exec("SELECT count(*) FROM messages") && q.next());
        QCOMPARE(q.value(0).toInt(), 0);  // ON DELETE CASCADE
        QVERIFY(m_store->conversation(a).ok());
        QCOMPARE(m_db->integrityCheck(), QString("ok"));
    }

    void searchEnglishChineseAndShortTerms() {
        const qint64 en = *m_store->createConversation("Rust borrow checker");
        QVERIFY(m_store->addMessage(en, 0, "user", "How do lifetimes work with closures?").ok());
        const qint64 zh = *m_store->createConversation("旅行计划");
        const qint64 zhUser = *m_store->addMessage(zh, 0, "user", "我想去北京看长城，有什么建议？");
        *m_store->createConversation("Unrelated");

        QCOMPARE(titles(m_store->search("borrow")), QStringList{"Rust borrow checker"});
        QCOMPARE(titles(m_store->search("LIFETIME")), QStringList{"Rust borrow checker"});  // case
        QCOMPARE(titles(m_store->search("clos")), QStringList{"Rust borrow checker"});  // prefix
        QCOMPARE(titles(m_store->search("rust closures")), QStringList{"Rust borrow checker"});
        QCOMPARE(titles(m_store->search("rust 长城")), QStringList{});  // all terms must match
        QCOMPARE(titles(m_store->search("看长城")), QStringList{"旅行计划"});
        QCOMPARE(titles(m_store->search("长城")), QStringList{"旅行计划"});  // 2 chars: LIKE
        QCOMPARE(titles(m_store->search("计划")), QStringList{"旅行计划"});  // title, LIKE
        QCOMPARE(titles(m_store->search("50%")), QStringList{});       // wildcards are literal
        QCOMPARE(titles(m_store->search("\"quoted")), QStringList{});  // no FTS syntax error
        QVERIFY(m_store->search("\"quoted").ok());
        QCOMPARE(m_store->search("  ")->size(), 3);  // empty query lists everything

        // The index follows renames and content updates.
        QVERIFY(m_store->renameConversation(en, "Ownership notes").ok());
        QCOMPARE(titles(m_store->search("borrow")), QStringList{});
        QCOMPARE(titles(m_store->search("ownership")), QStringList{"Ownership notes"});
        const qint64 reply =
            *m_store->addMessage(zh, zhUser, "assistant", "", MessageState::Streaming);
        QVERIFY(m_store->updateContent(reply, "故宫和颐和园也值得一去", "").ok());
        QCOMPARE(titles(m_store->search("颐和园")), QStringList{"旅行计划"});
    }

    void checkpointFinishAndInterruptedRecovery() {
        const qint64 c = *m_store->createConversation("chat");
        const qint64 user = *m_store->addMessage(c, 0, "user", "hello");
        const qint64 reply =
            *m_store->addMessage(c, user, "assistant", "", MessageState::Streaming);
        QVERIFY(m_store->updateContent(reply, "Hel", "thinking so far").ok());
        auto m = m_store->message(reply);
        QCOMPARE(m->content, QString("Hel"));
        QCOMPARE(m->thinking, QString("thinking so far"));
        QCOMPARE(m->state, MessageState::Streaming);
        QCOMPARE(*m_store->markStreamingInterrupted(), 1);
        QCOMPARE(m_store->message(reply)->state, MessageState::Interrupted);
        const QJsonObject stats{{"ttftMs", 120}, {"tokensPerSecond", 35.5}, {"tokens", 12}};
        QVERIFY(m_store->finishMessage(reply, "Hello!", "done", 840, MessageState::Complete, stats)
                    .ok());
        m = m_store->message(reply);
        QCOMPARE(m->state, MessageState::Complete);
        QCOMPARE(m->thinkingMs, qint64(840));
        QCOMPARE(m->stats, stats);
        QCOMPARE(m->tokenCount, -1);
        QVERIFY(m_store->setTokenCount(reply, 3).ok());
        QCOMPARE(m_store->message(reply)->tokenCount, 3);
        QCOMPARE(*m_store->markStreamingInterrupted(), 0);
    }

    void branchingEditRegenerateAndSwitch() {
        const qint64 c = *m_store->createConversation("tree");
        const qint64 u1 = *m_store->addMessage(c, 0, "user", "q1");
        const qint64 a1 = *m_store->addMessage(c, u1, "assistant", "a1");
        const qint64 u2 = *m_store->addMessage(c, a1, "user", "q2");
        *m_store->addMessage(c, u2, "assistant", "a2");
        QCOMPARE(pathContents(m_store->activePath(c)), (QStringList{"q1", "a1", "q2", "a2"}));

        // Regenerate: a sibling assistant reply under the same user message.
        const qint64 a2b = *m_store->addMessage(c, u2, "assistant", "a2 again");
        auto path = m_store->activePath(c);
        QCOMPARE(pathContents(path), (QStringList{"q1", "a1", "q2", "a2 again"}));
        QCOMPARE(path->last().branchIndex, 1);
        QCOMPARE(path->last().branchCount, 2);

        // Edit the first question: a new branch from the root with nothing under it yet.
        const qint64 u1b = *m_store->editMessage(u1, "q1 edited");
        path = m_store->activePath(c);
        QCOMPARE(pathContents(path), QStringList{"q1 edited"});
        QCOMPARE(path->first().branchIndex, 1);
        QCOMPARE(path->first().branchCount, 2);
        *m_store->addMessage(c, u1b, "assistant", "a1 for edit");
        QCOMPARE(pathContents(m_store->activePath(c)), (QStringList{"q1 edited", "a1 for edit"}));

        // Switch back: the old branch remembers its own choice (the regenerated reply).
        QCOMPARE(*m_store->switchBranch(u1b, -1), u1);
        QCOMPARE(pathContents(m_store->activePath(c)), (QStringList{"q1", "a1", "q2", "a2 again"}));
        QCOMPARE(*m_store->switchBranch(a2b, -1), a2b - 1);
        QCOMPARE(pathContents(m_store->activePath(c)), (QStringList{"q1", "a1", "q2", "a2"}));
        QCOMPARE(*m_store->switchBranch(a2b - 1, -5), a2b - 1);  // clamped
        QCOMPARE(*m_store->switchBranch(u1, +1), u1b);
        QCOMPARE(pathContents(m_store->activePath(c)), (QStringList{"q1 edited", "a1 for edit"}));

        QVERIFY(!m_store->editMessage(a1, "assistants are not edited").ok());
        QCOMPARE(m_store->messages(c)->size(), 7);
    }

private:
    QTemporaryDir m_dir;
    int m_counter = 0;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<ConversationStore> m_store;
};

QTEST_GUILESS_MAIN(StoreConversationTest)
#include "store_conversation_test.moc"
