#pragma once
// ApiServer: the loaded model offered to other programs as an OpenAI-compatible HTTP API:
// GET /v1/models, POST /v1/chat/completions and /v1/completions, streamed (server-sent
// events) or not, behind a bearer token. Off by default (Settings → API server); it listens on
// 127.0.0.1 unless the user allows other computers.
//
// Sharing the engine with the window. A request is admitted into a bounded queue (429 beyond
// it), then submitted to the one engine through EngineWorker::submitDirect: it waits its turn
// behind the window's replies and theirs behind it, and never touches the window's state. The
// engine's prefix cache serves API requests too (a client that resends a long system prompt
// reads it once). A streamed request whose client goes away is cancelled at the next token.
//
// Threads. cpp-httplib listens on its own thread and answers each connection on a worker of its
// pool; a worker waits for its request's text from the engine thread. This QObject (start, stop,
// the properties the window shows) lives on the GUI thread; activeRequestsChanged is delivered
// there. The HTTP parsing is cpp-httplib's, the wire format openai_protocol.h's.
#include <QObject>
#include <QString>
#include <memory>

class EngineWorker;

namespace folio {

class ApiServer : public QObject {
    Q_OBJECT
    Q_PROPERTY(bool running READ running NOTIFY stateChanged)
    Q_PROPERTY(QString baseUrl READ baseUrl NOTIFY stateChanged)  // "http://127.0.0.1:8080/v1"
    Q_PROPERTY(QString error READ error NOTIFY stateChanged)      // why it is not running
    // Requests admitted and not yet answered (running or waiting for the engine).
    Q_PROPERTY(int activeRequests READ activeRequests NOTIFY activeRequestsChanged)

public:
    struct Options {
        QString host = QStringLiteral("127.0.0.1");
        int port = 8080;  // 0: any free port (tests)
        QString token;    // the bearer token every request must carry; empty refuses all
        int queueLimit = 64;
    };

    explicit ApiServer(EngineWorker* worker, QObject* parent = nullptr);
    ~ApiServer() override;  // stops: open requests are cancelled, the threads joined

    // Listens (after stopping a running server); false with error() when the address cannot be
    // bound (a port in use).
    bool start(const Options& options);
    void stop();
    // The model /v1/models lists and requests run on; an empty id: none loaded (503).
    void setModel(const QString& id, int contextLength);

    bool running() const;
    QString baseUrl() const;
    QString error() const { return m_error; }
    int activeRequests() const;
    int port() const;               // the bound port; 0 when stopped
    int cancelledRequests() const;  // streamed requests stopped because their client left

signals:
    void stateChanged();
    void activeRequestsChanged();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    EngineWorker* m_worker;
    QString m_error;
};

// A new random bearer token ("folio-" and 40 hex digits), from the system's random source.
QString newApiToken();

}  // namespace folio
