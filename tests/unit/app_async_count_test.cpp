// AppController with the default model: a long message is counted off the GUI thread.
// send() returns at once with an estimate in the context meter; the exact count arrives later,
// updates the meter and starts the reply. The composer's draft is counted the same way, and Stop
// while the count runs sends nothing.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "app/app_controller.h"
#include "app/application.h"
#include "app/documents/documents_controller.h"
#include "app/settings.h"
#include "support/test_env.h"

namespace {

const int kTimeoutMs = 300000;

// About 6,000 tokens of varied text: well over the controller's synchronous counting budget.
QString longMessage(int lines) {
    QString text;
    for (int i = 1; i <= lines; ++i)
        text += QStringLiteral("Line %1: the keeper noted a calm sea and %2 gulls.\n")
                    .arg(i)
                    .arg(i * 7);
    return text + QStringLiteral("Summarise the log in one word.");
}

}  // namespace

class AppAsyncCountTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<AppContext> m_context;

private slots:
    void initTestCase() {
        FOLIO_REQUIRE_MODEL();
        QVERIFY(m_dir.isValid());
        AppOptions options;
        options.dataDir = m_dir.path();
        options.headlessSmoke = true;  // loaded below
        m_context = std::make_unique<AppContext>(options);
        m_context->settings()->setSamplingPreset("precise");
        m_context->settings()->setContextSize(8192);
        AppController* app = m_context->controller();
        app->loadModel(folio::test::modelPath());
        QTRY_VERIFY_WITH_TIMEOUT(app->modelReady() || app->statusText().contains("Could not"),
                                 kTimeoutMs);
        QVERIFY2(app->modelReady(), qPrintable(app->statusText()));
    }

    void draftIsEstimatedThenCounted() {
        AppController* app = m_context->controller();
        const QString draft = longMessage(100);
        const int exact = app->countTokens(draft);
        QSignalSpy changed(app, &AppController::draftTokensChanged);
        app->countDraft(draft);
        QCOMPARE(app->draftTokens(), TokenCounter::estimate(draft));  // at once
        QTRY_COMPARE(app->draftTokens(), exact);
        QVERIFY(changed.count() >= 2);
        // A newer draft supersedes a pending count; an empty one is 0 at once.
        app->countDraft(draft + draft);
        app->countDraft(QString());
        QCOMPARE(app->draftTokens(), 0);
        QTest::qWait(300);
        QCOMPARE(app->draftTokens(), 0);
    }

    void longMessageIsCountedOffTheGuiThreadThenSent() {
        AppController* app = m_context->controller();
        app->setMaxReplyTokens(2);
        const QString text = longMessage(400);
        const int exact = app->countTokens(text);
        QVERIFY(exact > 5000);
        QSignalSpy finished(app, &AppController::replyFinished);
        QSignalSpy meter(app, &AppController::contextUsedChanged);
        app->send(text);
        // Nothing counted yet: an estimate, the question shown, no reply row, but generating.
        QVERIFY(app->generating());
        QVERIFY(!app->contextExact());
        QVERIFY(app->contextUsed() >= TokenCounter::estimate(text));
        QCOMPARE(app->messages()->count(), 1);
        QCOMPARE(app->messages()->at(0).text, text);
        QVERIFY(app->messages()->get(0).value("truncated").toBool());

        // The count arrives: the meter is exact and the reply starts with the whole text.
        QTRY_VERIFY_WITH_TIMEOUT(app->contextExact(), kTimeoutMs);
        QVERIFY(app->contextUsed() >= exact);
        QVERIFY(app->contextUsed() < exact + 200);  // + system prompt and template overhead
        QVERIFY(meter.count() >= 2);
        QTRY_COMPARE(app->messages()->count(), 2);
        QVERIFY(app->generating());
        QCOMPARE(QString::fromStdString(app->lastRequestMessages().back().content), text);
        app->stop();
        QVERIFY(finished.wait(kTimeoutMs) || finished.count() == 1);
        QVERIFY(!app->generating());
    }

    // A document attached to a chat is in the meter before anything is sent: the document bar's
    // model counts it with the model's tokenizer (off the GUI thread) and the meter adds it.
    void attachedDocumentIsInTheMeterBeforeTheFirstReply() {
        AppController* app = m_context->controller();
        folio::DocumentsController* documents = m_context->documents();
        const QString path = m_dir.filePath("lighthouse-log.txt");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(longMessage(120).toUtf8());
        file.close();
        QSignalSpy added(documents, &folio::DocumentsController::documentAdded);
        QVERIFY(documents->addFile(path));
        QVERIFY(added.wait(kTimeoutMs));
        app->newConversation();
        const int before = app->contextUsed();
        const qint64 conversation = app->ensureConversation("Lighthouse log");
        QVERIFY(conversation > 0);
        QVERIFY(documents->attachTo(conversation, added.first().at(0).toLongLong()));
        folio::AttachedDocuments* attached = documents->attached();
        QCOMPARE(attached->count(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(!attached->counting(), kTimeoutMs);
        QCOMPARE(attached->mode(), QString("whole"));
        const int block = attached->blockTokens();
        QVERIFY(block > app->countTokens(longMessage(120)));  // the text plus page markers
        QTRY_COMPARE(app->contextUsed(), before + block);
        QVERIFY(app->documentBudget() > block);
        // Detached: out of the meter again.
        QVERIFY(documents->detachFrom(conversation, added.first().at(0).toLongLong()));
        QTRY_COMPARE(app->contextUsed(), before);
        // A map-reduce summary joins the chat as a complete exchange (the document bar's
        // Summary of a long document); nothing for an empty answer or an unknown chat.
        QVERIFY(app->addExchange(conversation, "Summarise the log.", "Calm seas, many gulls."));
        QCOMPARE(app->messages()->count(), 2);
        QCOMPARE(app->messages()->at(1).text, QString("Calm seas, many gulls."));
        QVERIFY(!app->addExchange(conversation, "Again?", "  "));
        QCOMPARE(app->messages()->count(), 2);
    }

    void stopWhileCountingSendsNothing() {
        AppController* app = m_context->controller();
        app->newConversation();
        QSignalSpy generating(app, &AppController::generatingChanged);
        QSignalSpy finished(app, &AppController::replyFinished);
        app->send(longMessage(300));
        QVERIFY(app->generating());
        app->stop();
        QVERIFY(!app->generating());
        QTRY_VERIFY_WITH_TIMEOUT(app->contextExact(), kTimeoutMs);  // the count still lands
        QTest::qWait(200);
        QCOMPARE(app->messages()->count(), 1);  // no reply was started
        QCOMPARE(finished.count(), 0);
        QCOMPARE(generating.count(), 2);
    }

    void cleanupTestCase() { m_context.reset(); }
};

QTEST_GUILESS_MAIN(AppAsyncCountTest)
#include "app_async_count_test.moc"
