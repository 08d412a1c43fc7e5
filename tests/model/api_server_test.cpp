// The OpenAI-compatible API server (app/api) inside the app, on the default model, driven by
// the official openai Python client as a real client (tests/api/openai_client_check.py):
// models, chat and completions streamed and not, stop strings, seeds, the 401 / 400 / 404 / 429
// / 503 paths, an over-long prompt, a client that closes its stream (its request is cancelled),
// 50 concurrent clients. Meanwhile a chat in the window is answered as usual. Also: Settings
// turn the server on (with a new key) and off; a malformed HTTP request gets a 400.
#include "app/api/api_server.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include "app/app_controller.h"
#include "app/application.h"
#include "app/settings.h"
#include "support/headless_app.h"
#include "support/synthetic_model.h"
#include "support/test_env.h"

namespace {

const int kTimeoutMs = 900000;

QString checkScript() {
    return folio::test::sourceDir() + "/tests/api/openai_client_check.py";
}

// Runs one phase of the client script against the server; its output is printed.
bool runPhase(folio::ApiServer* api, const QString& token, const QString& phase,
              QString* output = nullptr) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(folio::test::python(),
            {checkScript(), "--base-url", api->baseUrl(), "--key", token, "--phase", phase});
    // The app's event loop keeps running: the server's progress signals and a window reply.
    if (!QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, kTimeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    const QString out = QString::fromUtf8(p.readAll());
    qInfo().noquote() << "--- phase" << phase << "---\n" << out;
    if (output) *output = out;
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

bool haveOpenAiClient() {
    QProcess p;
    p.start(folio::test::python(), {"-c", "import openai"});
    return p.waitForFinished(60000) && p.exitCode() == 0;
}

}  // namespace

class ApiServerTest : public QObject {
    Q_OBJECT

private slots:
    void settingsTurnTheServerOnAndOff() {
        QTemporaryDir dir;
        const std::unique_ptr<AppContext> owner = folio::test::headlessApp(dir.path());
        AppContext& context = *owner;
        Settings* settings = context.settings();
        folio::ApiServer* api = context.api();
        QVERIFY(!api->running());  // off by default
        QVERIFY(settings->apiToken().isEmpty());
        const int port = folio::test::freeLoopbackPort();
        settings->setApiPort(port);
        settings->setApiEnabled(true);
        QVERIFY(api->running());
        QVERIFY(settings->apiToken().startsWith("folio-"));  // made on first use
        QCOMPARE(settings->apiToken().size(), 46);
        QCOMPARE(api->baseUrl(), QString("http://127.0.0.1:%1/v1").arg(port));

        // Not a well-formed HTTP request: a 400, and the server goes on.
        for (int i = 0; i < 2; ++i) {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, quint16(port));
            QVERIFY(socket.waitForConnected(5000));
            socket.write("GARBAGE \x01\x02 / NOT-HTTP\r\n\r\n");
            QVERIFY(socket.waitForReadyRead(5000));
            QVERIFY2(socket.readAll().startsWith("HTTP/1.1 400"), "a 400 status line");
        }

        // A port in use: the error is shown, nothing crashes.
        QTcpServer squatter;
        QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
        settings->setApiPort(squatter.serverPort());
        QVERIFY(!api->running());
        QVERIFY(api->error().contains(QString::number(squatter.serverPort())));

        settings->setApiPort(port);
        QVERIFY(api->running());
        settings->setApiEnabled(false);
        QVERIFY(!api->running());
    }

    void theOpenAiClientUsesTheModel() {
        FOLIO_REQUIRE_MODEL();
        if (!haveOpenAiClient())
            QSKIP("the openai Python package is missing (scripts/setup installs it into .venv)");
        QTemporaryDir dir;
        const std::unique_ptr<AppContext> owner = folio::test::headlessApp(dir.path());
        AppContext& context = *owner;
        Settings* settings = context.settings();
        settings->setContextSize(8192);
        settings->setApiPort(folio::test::freeLoopbackPort());
        settings->setApiEnabled(true);
        folio::ApiServer* api = context.api();
        QVERIFY(api->running());
        const QString token = settings->apiToken();

        // No model yet: 503.
        QVERIFY(runPhase(api, token, "no_model"));

        AppController* app = context.controller();
        app->setMaxReplyTokens(16);
        app->loadModel(folio::test::modelPath());
        QTRY_VERIFY_WITH_TIMEOUT(app->modelReady(), kTimeoutMs);

        // A chat in the window while the clients run: answered, and only with its own reply.
        QSignalSpy finished(app, &AppController::replyFinished);
        QTimer::singleShot(3000, app, [app] { app->send("Name one colour."); });
        QSignalSpy active(api, &folio::ApiServer::activeRequestsChanged);
        QVERIFY(runPhase(api, token, "main"));
        QVERIFY(active.count() > 0);  // the window heard the server was busy
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        QCOMPARE(app->messages()->count(), 2);
        QVERIFY(!app->messages()->get(1).value("text").toString().trimmed().isEmpty());
        QCOMPARE(app->lastRequestMessages().back().content, std::string("Name one colour."));
        // The client that closed its stream: its request was cancelled, not run to the end.
        QTRY_VERIFY_WITH_TIMEOUT(api->cancelledRequests() >= 1, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(api->activeRequests(), 0, 60000);

        // A queue of two: the rest get 429 and some are answered.
        folio::ApiServer::Options small;
        small.port = api->port();
        small.token = token;
        small.queueLimit = 2;
        QVERIFY(api->start(small));
        QVERIFY(runPhase(api, token, "overload"));
        QTRY_COMPARE_WITH_TIMEOUT(api->activeRequests(), 0, 120000);
    }
};

QTEST_MAIN(ApiServerTest)
#include "api_server_test.moc"
