// A chat on a real remote engine: llama.cpp's llama-server, built from the
// llama-cpp-python source distribution by scripts/build-llama-server (scripts/run-tests does it
// and sets FOLIO_LLAMA_SERVER), serving the default model on loopback with an API key. The app,
// without a model of its own, connects from Settings, runs a chat there (streamed reply, usage),
// stops a long reply (the server's slot is freed: the next question is answered at once), and
// answers a question about an attached document from it. Skips when the server is not built.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include "app/app_controller.h"
#include "app/application.h"
#include "app/documents/documents_controller.h"
#include "app/remote/remote_engines.h"
#include "support/headless_app.h"
#include "support/test_env.h"
#include "ui/message_list_model.h"

namespace {

const int kTimeoutMs = 600000;
const char* const kKey = "llama-server-test-key";

QString llamaServer() {
    const QString env = qEnvironmentVariable("FOLIO_LLAMA_SERVER");
    if (!env.isEmpty()) return env;
    return QDir::homePath() + "/.cache/folio/llama-server/build/bin/llama-server";
}

}  // namespace

class RemoteLlamaServerTest : public QObject {
    Q_OBJECT
    QProcess m_server;
    QString m_baseUrl;

private slots:
    void initTestCase() {
        if (!folio::test::haveModel() || !QFileInfo(llamaServer()).isExecutable()) return;
        const int port = folio::test::freeLoopbackPort();
        m_server.setProcessChannelMode(QProcess::MergedChannels);
        m_server.start(llamaServer(), {"-m", folio::test::modelPath(), "--host", "127.0.0.1",
                                       "--port", QString::number(port), "-c", "4096", "-t", "2",
                                       "--api-key", kKey, "--alias", "peer-model"});
        QVERIFY2(m_server.waitForStarted(30000), qPrintable(m_server.errorString()));
        m_baseUrl = QString("http://127.0.0.1:%1/v1").arg(port);
    }

    void aChatRunsOnLlamaServer() {
        FOLIO_REQUIRE_MODEL();
        if (m_baseUrl.isEmpty())
            QSKIP("llama-server is not built (scripts/build-llama-server; FOLIO_LLAMA_SERVER)");
        QTemporaryDir dir;
        const std::unique_ptr<AppContext> owner = folio::test::headlessApp(dir.path());
        AppContext& context = *owner;
        AppController* app = context.controller();
        folio::RemoteEngines* remote = context.remoteEngines();

        // The server loads its model first (503 meanwhile): connect until it lists it.
        QElapsedTimer clock;
        clock.start();
        while (!remote->configured() && clock.elapsed() < 120000 &&
               m_server.state() == QProcess::Running) {
            remote->connectTo(m_baseUrl, kKey);
            QTRY_VERIFY_WITH_TIMEOUT(!remote->busy(), 60000);
            if (!remote->configured()) QTest::qWait(500);
        }
        QVERIFY2(remote->configured(),
                 qPrintable(remote->statusText() + "\n" + QString::fromUtf8(m_server.readAll())));
        QCOMPARE(remote->model(), QString("peer-model"));

        app->setConversationEngine("remote");
        QVERIFY(app->modelReady());
        app->setMaxReplyTokens(16);
        QSignalSpy finished(app, &AppController::replyFinished);
        QSignalSpy errors(app, &AppController::errorOccurred);
        app->send("Name one colour.");
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        QCOMPARE(errors.count(), 0);
        const QVariantMap reply = app->messages()->get(1);
        qInfo("llama-server reply: %s (%s)", qPrintable(reply.value("text").toString()),
              qPrintable(reply.value("stats").toString()));
        // (The app's sampling is not greedy: the reply may run to its 16-token limit, which the
        // chat marks as interrupted so that Continue can extend it.)
        QVERIFY(!reply.value("text").toString().trimmed().isEmpty());

        // Stop a long reply: it is kept, and the server answers the next question.
        app->setMaxReplyTokens(1500);
        app->send("Write a long story about a lighthouse keeper.");
        QTRY_VERIFY_WITH_TIMEOUT(app->messages()->count() == 4 &&
                                     app->messages()->get(3).value("text").toString().size() > 20,
                                 kTimeoutMs);
        app->stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kTimeoutMs);
        QVERIFY(app->messages()->get(3).value("interrupted").toBool());

        // A question about an attached document, answered from the document.
        const QString path = dir.filePath("terms.txt");
        QFile doc(path);
        QVERIFY(doc.open(QIODevice::WriteOnly));
        doc.write("Service terms.\nArticle 9. The late-payment penalty is 0.7% per day.\n");
        doc.close();
        folio::DocumentsController* documents = context.documents();
        QSignalSpy added(documents, &folio::DocumentsController::documentAdded);
        QVERIFY(documents->addFile(path));
        QVERIFY(added.wait(kTimeoutMs));
        QVERIFY(
            documents->attachTo(app->currentConversationId(), added.first().at(0).toLongLong()));
        app->setMaxReplyTokens(40);
        app->send("What is the late-payment penalty?");
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, kTimeoutMs);
        const QString answer =
            app->messages()->get(app->messages()->count() - 1).value("text").toString();
        qInfo("document answer: %s", qPrintable(answer));
        QVERIFY2(answer.contains("0.7"), qPrintable(answer));
        QCOMPARE(errors.count(), 0);
    }

    void cleanupTestCase() {
        if (m_server.state() == QProcess::NotRunning) return;
        m_server.terminate();
        if (!m_server.waitForFinished(10000)) m_server.kill();
    }
};

QTEST_MAIN(RemoteLlamaServerTest)
#include "remote_llama_server_test.moc"
