// AppController with the real engine and the default model: a reply streams into the message
// model and the store, Stop takes effect within a token, Continue extends an interrupted reply,
// and the GUI event loop keeps running while tokens stream.
#include "app/app_controller.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include "app/application.h"
#include "app/conversation_store.h"
#include "app/database.h"
#include "app/settings.h"
#include "support/test_env.h"

namespace {

const int kLoadTimeoutMs = 180000;
const int kReplyTimeoutMs = 300000;

// Under ThreadSanitizer (the tsan preset) every memory access on the GUI thread is instrumented
// and several times slower, so the event-loop gap measures TSan, not the hand-off: it is reported
// but not checked there. Release and ASan runs check it.
#if defined(__SANITIZE_THREAD__)
constexpr bool kStallMeasurable = false;
#else
constexpr bool kStallMeasurable = true;
#endif

// Measures the longest gap between ticks of a 5 ms timer: how long the event loop stalled.
class StallMeter : public QObject {
public:
    StallMeter() {
        m_timer.setInterval(5);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            if (m_clock.isValid())
                m_worst = std::max(m_worst, m_clock.restart());
            else
                m_clock.start();
        });
        m_timer.start();
    }
    qint64 worstMs() const { return m_worst; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_worst = 0;
};

}  // namespace

class AppControllerTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        FOLIO_REQUIRE_MODEL();
        QVERIFY(m_dir.isValid());
        AppOptions options;
        options.dataDir = m_dir.path();
        options.modelPath = folio::test::modelPath();
        m_context = std::make_unique<AppContext>(options);
        m_context->settings()->setSamplingPreset("precise");
        AppController* app = m_context->controller();
        QVERIFY(app->databaseError().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(app->modelReady() || app->statusText().contains("Could not"),
                                 kLoadTimeoutMs);
        QVERIFY2(app->modelReady(), qPrintable(app->statusText()));
        QVERIFY(app->contextSize() > 0);
        QVERIFY(app->countTokens("Hello world") > 0);
    }

    void sendStreamsIntoModelAndStore() {
        AppController* app = m_context->controller();
        app->setMaxReplyTokens(48);
        QSignalSpy finished(app, &AppController::replyFinished);
        StallMeter meter;
        app->send("What is 2+2? Answer briefly.");
        QVERIFY(app->generating());
        QVERIFY(app->currentConversationId() > 0);
        MessageListModel* messages = app->messages();
        QCOMPARE(messages->count(), 2);
        QCOMPARE(messages->at(0).role, QString("user"));
        QCOMPARE(messages->at(1).role, QString("assistant"));
        QVERIFY(messages->at(1).streaming);
        QTRY_VERIFY_WITH_TIMEOUT(!messages->at(1).text.isEmpty(), kReplyTimeoutMs);
        QVERIFY(finished.wait(kReplyTimeoutMs) || finished.count() == 1);
        qInfo("worst event-loop gap while streaming: %lld ms",
              static_cast<long long>(meter.worstMs()));
        if (kStallMeasurable)
            QVERIFY2(meter.worstMs() < 50, "the GUI thread stalled while streaming");
        QVERIFY(!app->generating());
        const MessageItem reply = messages->at(1);
        QVERIFY(!reply.streaming);
        QVERIFY(!reply.text.isEmpty());
        QVERIFY(reply.stats.contains("tok/s"));
        QCOMPARE(app->prefillProgress(), -1.0);
        QVERIFY(app->contextUsed() > 0);

        folio::Database db;  // a second connection sees what the controller committed
        QVERIFY(db.open(m_context->databasePath()).ok());
        auto path = folio::ConversationStore(db).activePath(app->currentConversationId());
        QVERIFY(path.ok());
        QCOMPARE(path->size(), 2);
        QCOMPARE(path->at(0).message.content, QString("What is 2+2? Answer briefly."));
        QCOMPARE(path->at(1).message.content, reply.text);
        QVERIFY(path->at(1).message.state != folio::MessageState::Streaming);
        QVERIFY(!path->at(1).message.stats.isEmpty());
    }

    void stopTakesEffectWithinATokenAndContinueExtends() {
        AppController* app = m_context->controller();
        app->setMaxReplyTokens(400);
        app->newConversation();
        QSignalSpy finished(app, &AppController::replyFinished);
        app->send("Write a long story about a lighthouse keeper. Use at least 300 words.");
        MessageListModel* messages = app->messages();
        QTRY_VERIFY_WITH_TIMEOUT(messages->at(1).text.size() > 20, kReplyTimeoutMs);
        app->stop();
        const int atStop = int(messages->at(1).text.size());
        QVERIFY(finished.wait(kReplyTimeoutMs) || finished.count() == 1);
        const MessageItem stopped = messages->at(1);
        qInfo("text at stop: %d chars, after: %lld", atStop,
              static_cast<long long>(stopped.text.size()));
        QVERIFY(stopped.interrupted);
        // Within a token: at most what was already in flight (a couple of tokens) arrives later.
        QVERIFY(stopped.text.size() - atStop <= 40);

        app->setMaxReplyTokens(8);
        app->continueReply();
        QVERIFY(app->generating());
        QVERIFY(finished.wait(kReplyTimeoutMs) || finished.count() == 2);
        const MessageItem continued = messages->at(1);
        QCOMPARE(continued.id, stopped.id);  // the same message grows
        QVERIFY(continued.text.startsWith(stopped.text));
        QVERIFY(continued.text.size() > stopped.text.size());
    }

    void regenerateAddsASiblingAndSwitchingShowsBoth() {
        AppController* app = m_context->controller();
        app->setMaxReplyTokens(6);
        QSignalSpy finished(app, &AppController::replyFinished);
        const qint64 before = app->messages()->at(1).id;
        app->regenerate();
        QVERIFY(finished.wait(kReplyTimeoutMs) || finished.count() == 1);
        const MessageItem second = app->messages()->at(1);
        QVERIFY(second.id != before);
        QCOMPARE(second.branchIndex, 1);
        QCOMPARE(second.branchCount, 2);
        app->switchBranch(second.id, -1);
        QCOMPARE(app->messages()->at(1).id, before);
        QCOMPARE(app->messages()->at(1).branchIndex, 0);
    }

    // The 8-bit KV cache setting reaches the engine on the next load: the controller reports it,
    // each token of context costs little more than half, and replies still stream.
    void eightBitKvCacheAppliesOnTheNextLoad() {
        AppController* app = m_context->controller();
        QCOMPARE(app->kvCacheType(), QString("f16"));
        const double f16Bytes = app->kvBytesPerToken();
        QVERIFY(f16Bytes > 0);
        m_context->settings()->setKvCache("q8_0");
        app->loadModel(folio::test::modelPath());
        QTRY_VERIFY_WITH_TIMEOUT(
            app->kvCacheType() == "q8_0" || app->statusText().contains("Could not"),
            kLoadTimeoutMs);
        QVERIFY2(app->modelReady(), qPrintable(app->statusText()));
        QCOMPARE(app->kvBytesPerToken(), f16Bytes * 9 / 16);  // 1.125 bytes per value, not 2

        app->setMaxReplyTokens(24);
        app->newConversation();
        QSignalSpy finished(app, &AppController::replyFinished);
        app->send("Name a primary colour.");
        QVERIFY(finished.wait(kReplyTimeoutMs) || finished.count() == 1);
        QVERIFY(!app->messages()->at(1).text.trimmed().isEmpty());
        m_context->settings()->setKvCache("f16");
    }

    void cleanupTestCase() { m_context.reset(); }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<AppContext> m_context;
};

QTEST_GUILESS_MAIN(AppControllerTest)
#include "app_controller_test.moc"
