// A chat on a remote engine when the server fails (app/remote): a fault-injecting
// server on loopback answers Folio's requests with an HTTP error (401, 404, 429, 500), a stream
// that stops in the middle, a malformed event, nothing at all (timeout), or is down. Each time the
// window shows a clear message, the partial reply is kept as interrupted, nothing is lost, and the
// same chat works again once the server does (retry). No model needed.
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include "app/app_controller.h"
#include "app/application.h"
#include "app/remote/remote_engines.h"
#include "support/headless_app.h"
#include "ui/message_list_model.h"

namespace {

const int kTimeoutMs = 30000;

// An HTTP/1.1 server on loopback that answers every request by the current mode; GET /models
// always lists one model.
class FaultServer : public QObject {
public:
    enum class Mode {
        Ok,
        Status401,
        Status404,
        Status429,
        Status500,
        CutStream,
        Malformed,
        Silent
    };

    FaultServer() {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = m_server.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, this, [this, s] { onData(s); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    QString baseUrl() const { return QString("http://127.0.0.1:%1/v1").arg(m_server.serverPort()); }
    void setMode(Mode m) { m_mode = m; }
    void close() { m_server.close(); }

private:
    void onData(QTcpSocket* s) {
        QByteArray& buf = m_buffers[s];
        buf += s->readAll();
        const qsizetype head = buf.indexOf("\r\n\r\n");
        if (head < 0) return;
        const qsizetype length = buf.left(head).toLower().contains("content-length:")
                                     ? buf.mid(buf.toLower().indexOf("content-length:") + 15, 20)
                                           .split('\r')
                                           .first()
                                           .trimmed()
                                           .toInt()
                                     : 0;
        if (buf.size() < head + 4 + length) return;
        const bool models = buf.startsWith("GET ");
        m_buffers.remove(s);
        if (models) return reply(s, 200, "application/json", R"({"data":[{"id":"fault-model"}]})");
        switch (m_mode) {
            case Mode::Status401:
                return error(s, 401, "Incorrect API key provided.");
            case Mode::Status404:
                return error(s, 404, "The model does not exist.");
            case Mode::Status429:
                return error(s, 429, "Rate limit reached, retry later.");
            case Mode::Status500:
                return error(s, 500, "The server had an error.");
            case Mode::Silent:
                return;  // never answers
            case Mode::CutStream:
                return stream(s, {chunk("Partial "), chunk("answer")}, false);
            case Mode::Malformed:
                return stream(s, {chunk("Before "), "data: {\"choices\": [\n\n"}, false);
            case Mode::Ok:
                return stream(
                    s,
                    {chunk("All "), chunk("good."),
                     R"(data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"
                     "\n\n",
                     R"(data: {"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2}})"
                     "\n\n",
                     "data: [DONE]\n\n"},
                    true);
        }
    }
    static QByteArray chunk(const char* text) {
        return QByteArray(R"(data: {"choices":[{"index":0,"delta":{"content":")") + text +
               R"("},"finish_reason":null}]})" + "\n\n";
    }
    void reply(QTcpSocket* s, int status, const char* type, const QByteArray& body) {
        s->write(QString("HTTP/1.1 %1 X\r\nContent-Type: %2\r\nContent-Length: %3\r\n"
                         "Connection: close\r\n\r\n")
                     .arg(status)
                     .arg(type)
                     .arg(body.size())
                     .toUtf8() +
                 body);
        s->disconnectFromHost();
    }
    void error(QTcpSocket* s, int status, const char* message) {
        reply(s, status, "application/json",
              QByteArray(R"({"error":{"message":")") + message +
                  R"(","type":"server_error","param":null,"code":null}})");
    }
    // Events, then the connection closes (complete: after [DONE]; else mid-stream).
    void stream(QTcpSocket* s, const QList<QByteArray>& events, bool) {
        s->write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n");
        for (const QByteArray& e : events) s->write(e);
        s->flush();
        s->disconnectFromHost();
    }

    QTcpServer m_server;
    Mode m_mode = Mode::Ok;
    QHash<QTcpSocket*, QByteArray> m_buffers;
};

// The app's next chat on the fault server (connected from Settings, a 1.5 s timeout); null when
// it did not connect.
AppController* chatOnServer(AppContext& context, FaultServer& server) {
    folio::RemoteEngines* remote = context.remoteEngines();
    remote->connectTo(server.baseUrl(), "key");
    if (!QTest::qWaitFor([&] { return remote->configured(); }, kTimeoutMs)) return nullptr;
    folio::RemoteEndpoint e = remote->engine()->endpoint();
    e.timeoutMs = 1500;
    remote->engine()->setEndpoint(e);
    context.controller()->setConversationEngine("remote");
    return context.controller();
}

}  // namespace

class RemoteFailuresTest : public QObject {
    Q_OBJECT

private slots:
    void everyFailureIsAClearMessageAndLosesNothing() {
        QTemporaryDir dir;
        FaultServer server;
        const std::unique_ptr<AppContext> owner = folio::test::headlessApp(dir.path());
        AppController* app = chatOnServer(*owner, server);
        QVERIFY(app);
        QSignalSpy finished(app, &AppController::replyFinished);
        QSignalSpy errors(app, &AppController::errorOccurred);

        // Each failure: the question stays, the reply is kept (interrupted), the message is clear.
        struct Case {
            FaultServer::Mode mode;
            const char* says;     // in the message shown
            const char* partial;  // what the reply keeps
        };
        const Case cases[] = {
            {FaultServer::Mode::Status401, "401: Incorrect API key provided.", ""},
            {FaultServer::Mode::Status404, "404: The model does not exist.", ""},
            {FaultServer::Mode::Status429, "429: Rate limit reached", ""},
            {FaultServer::Mode::Status500, "500: The server had an error.", ""},
            {FaultServer::Mode::CutStream, "closed the stream before the reply's end",
             "Partial answer"},
            {FaultServer::Mode::Malformed, "a stream Folio cannot read", "Before"},
            {FaultServer::Mode::Silent, "sent nothing for 1.5 s", ""},
        };
        int replies = 0;
        for (const Case& c : cases) {
            server.setMode(c.mode);
            errors.clear();
            app->send(QString("Question %1").arg(++replies));
            QTRY_COMPARE_WITH_TIMEOUT(finished.count(), replies, kTimeoutMs);
            QCOMPARE(errors.count(), 1);
            const QString message = errors.first().at(0).toString();
            QVERIFY2(message.contains(c.says), qPrintable(message));
            QCOMPARE(app->statusText(), message);
            const QVariantMap reply = app->messages()->get(app->messages()->count() - 1);
            QCOMPARE(reply.value("text").toString().trimmed(), QString(c.partial).trimmed());
            QVERIFY(reply.value("interrupted").toBool());
        }
        QCOMPARE(app->messages()->count(), 2 * replies);  // every question and reply kept

        // The server is down: a clear message too.
        server.close();
        errors.clear();
        app->send("Anyone there?");
        ++replies;
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), replies, kTimeoutMs);
        QCOMPARE(errors.count(), 1);
        QVERIFY2(errors.first().at(0).toString().contains("could not be reached"),
                 qPrintable(errors.first().at(0).toString()));
    }

    void aRetryWorksOnceTheServerDoes() {
        QTemporaryDir dir;
        FaultServer server;
        const std::unique_ptr<AppContext> owner = folio::test::headlessApp(dir.path());
        AppController* app = chatOnServer(*owner, server);
        QVERIFY(app);
        QSignalSpy finished(app, &AppController::replyFinished);

        server.setMode(FaultServer::Mode::CutStream);
        app->send("Tell me.");
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        QVERIFY(app->messages()->get(1).value("interrupted").toBool());

        server.setMode(FaultServer::Mode::Ok);
        app->regenerate();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kTimeoutMs);
        const QVariantMap reply = app->messages()->get(app->messages()->count() - 1);
        QCOMPARE(reply.value("text").toString(), QString("All good."));
        QVERIFY(!reply.value("interrupted").toBool());
        QCOMPARE(reply.value("branchCount").toInt(), 2);  // the interrupted one is kept too
    }
};

QTEST_MAIN(RemoteFailuresTest)
#include "remote_failures_test.moc"
