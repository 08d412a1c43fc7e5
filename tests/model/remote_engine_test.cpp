// A chat on a remote OpenAI-compatible engine (app/remote): the "server" is Folio's
// own API server (app/api) on the default model, the client an app with no model of its own.
// Settings connect (the key kept in an owner-only file, not in the settings), the chat set to
// the server streams its reply, stop cancels it on the server, a question about an attached
// document is answered from the document, a wrong key is a clear message, and after a restart
// the server and the chat's choice are still there.
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "app/api/api_server.h"
#include "app/app_controller.h"
#include "app/application.h"
#include "app/documents/documents_controller.h"
#include "app/engine_worker.h"
#include "app/remote/remote_engines.h"
#include "app/settings.h"
#include "support/headless_app.h"
#include "support/test_env.h"

namespace {

const int kTimeoutMs = 600000;
const char* const kToken = "folio-remote-test-key";

// An app without a model of its own.
AppContext* openClient(const QString& dir, std::unique_ptr<AppContext>& holder) {
    holder = folio::test::headlessApp(dir);
    return holder.get();
}

}  // namespace

class RemoteEngineTest : public QObject {
    Q_OBJECT
    EngineWorker m_serverWorker;
    std::unique_ptr<folio::ApiServer> m_server;

private slots:
    void initTestCase() {
        if (!folio::test::haveModel()) return;
        QSignalSpy loaded(&m_serverWorker, &EngineWorker::modelLoaded);
        folio::LoadOptions options;
        options.modelPath = folio::test::modelPath().toStdString();
        options.contextLength = 8192;
        m_serverWorker.loadModel(options);
        QVERIFY(loaded.wait(kTimeoutMs));
        QVERIFY(loaded.first().at(0).toBool());
        m_server = std::make_unique<folio::ApiServer>(&m_serverWorker);
        m_server->setModel("folio-server-model", 8192);
        folio::ApiServer::Options o;
        o.port = 0;
        o.token = kToken;
        QVERIFY(m_server->start(o));
    }

    void aChatRunsOnTheServer() {
        FOLIO_REQUIRE_MODEL();
        QTemporaryDir dir;
        std::unique_ptr<AppContext> holder;
        AppContext* client = openClient(dir.path(), holder);
        AppController* app = client->controller();
        folio::RemoteEngines* remote = client->remoteEngines();
        QVERIFY(!app->modelReady());

        // A wrong key: a clear message, nothing kept.
        remote->connectTo(m_server->baseUrl(), "wrong");
        QTRY_VERIFY_WITH_TIMEOUT(!remote->busy(), 30000);
        QVERIFY2(remote->statusText().contains("401"), qPrintable(remote->statusText()));
        QVERIFY(!remote->configured());

        remote->connectTo(m_server->baseUrl(), kToken);
        QTRY_VERIFY_WITH_TIMEOUT(remote->configured(), 30000);
        QCOMPARE(remote->models(), QStringList{"folio-server-model"});
        QCOMPARE(remote->model(), QString("folio-server-model"));
        const QString keyFile = dir.filePath("remote-engine.key");
        QFile key(keyFile);
        QVERIFY(key.exists());
        QCOMPARE(key.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());
        QFile ini(dir.filePath("settings.ini"));
        QVERIFY(ini.open(QIODevice::ReadOnly));
        QVERIFY(!ini.readAll().contains(kToken));  // the key is not in the settings

        // The chat on the server: a streamed reply.
        app->setConversationEngine("remote");
        QVERIFY(app->modelReady());
        QCOMPARE(app->modelName(), QString("folio-server-model"));
        QCOMPARE(app->contextSize(), 32768);  // the server did not say: the default
        app->setMaxReplyTokens(12);
        QSignalSpy finished(app, &AppController::replyFinished);
        app->send("Name one colour.");
        QVERIFY(finished.wait(kTimeoutMs));
        QCOMPARE(app->messages()->count(), 2);
        const QString reply = app->messages()->get(1).value("text").toString();
        qInfo("remote reply: %s", qPrintable(reply));
        QVERIFY(!reply.trimmed().isEmpty());
        const qint64 chat = app->currentConversationId();

        // Stop: the reply keeps what came, the server's request is cancelled.
        app->setMaxReplyTokens(600);
        const int cancelledBefore = m_server->cancelledRequests();
        app->send("Write a long story about a lighthouse keeper.");
        QTRY_VERIFY_WITH_TIMEOUT(app->messages()->count() == 4 &&
                                     !app->messages()->get(3).value("text").toString().isEmpty(),
                                 kTimeoutMs);
        app->stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(m_server->cancelledRequests() > cancelledBefore, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(m_server->activeRequests(), 0, 30000);

        // A question about a document attached to the chat: the document goes to the server.
        const QString path = dir.filePath("terms.txt");
        QFile doc(path);
        QVERIFY(doc.open(QIODevice::WriteOnly));
        doc.write("Service terms.\nArticle 9. The late-payment penalty is 0.7% per day.\n");
        doc.close();
        folio::DocumentsController* documents = client->documents();
        QSignalSpy added(documents, &folio::DocumentsController::documentAdded);
        QVERIFY(documents->addFile(path));
        QVERIFY(added.wait(kTimeoutMs));
        QVERIFY(documents->attachTo(chat, added.first().at(0).toLongLong()));
        app->setMaxReplyTokens(40);
        app->send("What is the late-payment penalty?");
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, kTimeoutMs);
        QVERIFY(app->lastRequestMessages().front().content.find("0.7% per day") !=
                std::string::npos);
        qInfo("document answer: %s",
              qPrintable(
                  app->messages()->get(app->messages()->count() - 1).value("text").toString()));

        // Back to this computer: no local model here.
        app->setConversationEngine("");
        QVERIFY(!app->modelReady());
        app->setConversationEngine("remote");

        // A restart: the server, its key and the chat's engine are kept.
        holder.reset();
        client = openClient(dir.path(), holder);
        QVERIFY(client->remoteEngines()->configured());
        QVERIFY(client->remoteEngines()->hasKey());
        client->controller()->selectConversation(chat);
        QCOMPARE(client->controller()->conversationEngine(), QString("remote"));
        QVERIFY(client->controller()->modelReady());

        // Forgetting the server: the chat runs here again, the key file is gone.
        client->remoteEngines()->forget();
        QCOMPARE(client->controller()->conversationEngine(), QString());
        QVERIFY(!QFile::exists(keyFile));
    }

    void cleanupTestCase() { m_server.reset(); }
};

QTEST_MAIN(RemoteEngineTest)
#include "remote_engine_test.moc"
