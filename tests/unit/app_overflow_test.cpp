// The context-overflow choice with the default model and a 512-token context: when the history
// no longer fits, the controller waits for the user's answer instead of silently dropping turns;
// "drop" sends the newest turns only (and is remembered), "summarize" asks the model for a summary
// of the oldest turns, stores it as a system note and sends it in their place.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "app/app_controller.h"
#include "app/application.h"
#include "app/conversation_store.h"
#include "app/database.h"
#include "app/settings.h"
#include "support/test_env.h"

namespace {

const int kTimeoutMs = 300000;
const int kContext = 512;

// About 150 tokens of filler around a fact that only the oldest turn holds.
QString longTurn(const QString& fact) {
    QString text = fact + ' ';
    for (int i = 0; i < 14; ++i)
        text += QStringLiteral("The harbour was quiet and the boats rested. ");
    return text;
}

bool requestContains(const std::vector<folio::ChatMessage>& messages, const QString& needle) {
    for (const folio::ChatMessage& m : messages)
        if (QString::fromStdString(m.content).contains(needle)) return true;
    return false;
}

}  // namespace

class AppOverflowTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<AppContext> m_context;
    folio::Database m_db;  // a second connection, to write long histories quickly

    // A conversation of four long turns whose first one names the cat; selected.
    qint64 seedConversation(const QString& title) {
        folio::ConversationStore store(m_db);
        auto id = store.createConversation(title);
        if (!id) return 0;
        qint64 parent = 0;
        const QStringList facts{"My cat is called Mochi.", "Nice cat.", "She likes fish.",
                                "Noted."};
        for (int i = 0; i < facts.size(); ++i) {
            auto m =
                store.addMessage(*id, parent, i % 2 ? "assistant" : "user", longTurn(facts[i]));
            if (!m) return 0;
            parent = *m;
        }
        m_context->controller()->selectConversation(*id);
        return *id;
    }

private slots:
    void initTestCase() {
        FOLIO_REQUIRE_MODEL();
        QVERIFY(m_dir.isValid());
        AppOptions options;
        options.dataDir = m_dir.path();
        options.headlessSmoke = true;  // load below, with a small context
        m_context = std::make_unique<AppContext>(options);
        m_context->settings()->setSamplingPreset("precise");
        m_context->settings()->setContextSize(kContext);
        AppController* app = m_context->controller();
        app->setMaxReplyTokens(24);
        app->loadModel(folio::test::modelPath());
        QTRY_VERIFY_WITH_TIMEOUT(app->modelReady() || app->statusText().contains("Could not"),
                                 kTimeoutMs);
        QVERIFY2(app->modelReady(), qPrintable(app->statusText()));
        QCOMPARE(app->contextSize(), kContext);
        QVERIFY(m_db.open(m_context->databasePath()).ok());
    }

    void dropIsAskedThenRemembered() {
        AppController* app = m_context->controller();
        QVERIFY(seedConversation("drop") > 0);
        qInfo("context used: %d of %d", app->contextUsed(), kContext);
        QVERIFY(app->contextUsed() > kContext - 24);  // the meter already shows the overflow
        QSignalSpy overflow(app, &AppController::contextOverflowChanged);
        QSignalSpy finished(app, &AppController::replyFinished);
        app->send("What is my cat called?");
        QVERIFY(app->contextOverflow());
        QVERIFY(app->overflowTurns() >= 2);
        QVERIFY(!app->generating());  // nothing was sent before the user chose
        QCOMPARE(app->messages()->count(), 5);

        app->resolveOverflow("drop");
        QVERIFY(!app->contextOverflow());
        QVERIFY(app->generating());
        QVERIFY(finished.wait(kTimeoutMs) || finished.count() == 1);
        const auto sent = app->lastRequestMessages();
        QVERIFY(!requestContains(sent, "Mochi"));  // the oldest turn was left out
        QVERIFY(requestContains(sent, "What is my cat called?"));
        QCOMPARE(app->messages()->count(), 6);

        // The answer is remembered for this conversation: the next overflow drops at once.
        overflow.clear();
        app->send("And what does she like?");
        QVERIFY(app->generating());
        QVERIFY(!app->contextOverflow());
        QVERIFY(finished.wait(kTimeoutMs) || finished.count() == 2);
    }

    void summaryReplacesTheOldestTurns() {
        AppController* app = m_context->controller();
        const qint64 id = seedConversation("summary");
        QVERIFY(id > 0);
        QSignalSpy finished(app, &AppController::replyFinished);
        app->send("What is my cat called?");
        QVERIFY(app->contextOverflow());
        app->resolveOverflow("summarize");
        QVERIFY(app->generating());
        QVERIFY(app->summarizing());
        // The summary request carries the oldest turn; it is not a reply (nothing in the view).
        QVERIFY(requestContains(app->lastRequestMessages(), "Mochi"));
        QCOMPARE(app->messages()->count(), 5);
        QVERIFY(finished.wait(kTimeoutMs) || finished.count() == 1);
        QVERIFY(!app->summarizing());

        // Stored: question, system note (the summary), reply.
        auto path = folio::ConversationStore(m_db).activePath(id);
        QVERIFY(path.ok());
        QCOMPARE(path->size(), 7);
        const folio::MessageRecord note = path->at(5).message;
        QCOMPARE(note.role, QString("system"));
        QVERIFY(!note.content.trimmed().isEmpty());
        QCOMPARE(path->at(6).message.role, QString("assistant"));
        QCOMPARE(path->at(6).message.parentId, note.id);
        qInfo("summary: %s", qPrintable(note.content.left(300)));

        // The reply's request: the summary in the system prompt instead of the summarised turns.
        const auto sent = app->lastRequestMessages();
        QCOMPARE(sent.front().role, std::string("system"));
        const QString system = QString::fromStdString(sent.front().content);
        QVERIFY(system.contains("Summary of the earlier part of this conversation"));
        QVERIFY(system.contains(note.content));
        for (size_t i = 1; i < sent.size(); ++i)
            QVERIFY(!QString::fromStdString(sent[i].content).contains("My cat is called Mochi."));
        QCOMPARE(app->messages()->at(5).role, QString("system"));
        QVERIFY(app->contextUsed() <= kContext);  // the meter counts the summary, not the turns
    }

    void cleanupTestCase() { m_context.reset(); }
};

QTEST_GUILESS_MAIN(AppOverflowTest)
#include "app_overflow_test.moc"
