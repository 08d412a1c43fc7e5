#pragma once
// RemoteEngine: a conversation's replies from an OpenAI-compatible server instead of the local
// model: vLLM, llama.cpp's llama-server, Ollama, LM Studio, or another Folio.
// A GenerationRequest goes out as POST {base}/chat/completions (or /completions for a raw
// prompt) with stream = true; the server-sent events come back as the same signals EngineWorker
// gives (textArrived, finished with a GenerationResult), so the chat, its stop button, documents
// and citations work unchanged. Text sent here LEAVES THIS COMPUTER: the window says so.
//
// GUI thread only (QNetworkAccessManager).
#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>

#include "engine/runtime/engine.h"

class QNetworkReply;

namespace folio {

struct RemoteEndpoint {
    QString baseUrl;            // "http://gpu-box:8000/v1"
    QString apiKey;             // sent as a bearer token when set
    QString model;              // one of listModels()
    int contextLength = 32768;  // what the server said, else a common default
    // A request fails when the server sends nothing for this long (a busy server reading a long
    // prompt still sends; Folio's own API server sends a comment line every second).
    int timeoutMs = 600000;
};

// What /v1/models said: the ids, and the context length when the server tells it (vLLM's
// max_model_len, llama.cpp's meta.n_ctx_train); 0 when not.
struct RemoteModels {
    QStringList ids;
    QHash<QString, int> contextLength;
};

class RemoteEngine : public QObject {
    Q_OBJECT

public:
    static constexpr quint64 kFirstId = quint64(1) << 48;  // above the local engine's ids

    explicit RemoteEngine(QObject* parent = nullptr);
    ~RemoteEngine() override;  // aborts open requests (no signals after)

    void setEndpoint(const RemoteEndpoint& endpoint) { m_endpoint = endpoint; }
    const RemoteEndpoint& endpoint() const { return m_endpoint; }
    bool configured() const { return !m_endpoint.baseUrl.isEmpty() && !m_endpoint.model.isEmpty(); }

    // Starts a streamed request; returns its id (never one the local engine uses).
    quint64 submit(const GenerationRequest& request);
    // The request stops (the connection is closed); finished reports Cancelled.
    void cancel(quint64 requestId);
    // GET {base}/models; done(models, error) with an error message when it failed.
    void listModels(const QString& baseUrl, const QString& apiKey,
                    std::function<void(RemoteModels, QString)> done);

signals:
    void textArrived(quint64 requestId, const QString& batch);
    void finished(quint64 requestId, const folio::GenerationResult& result);

private:
    struct Stream {
        QNetworkReply* reply = nullptr;
        QByteArray buffer;  // bytes not yet split into events
        GenerationResult result;
        qint64 startMs = 0;
        bool cancelled = false;
        bool done = false;
        int timeoutMs = 0;
        QString error;
    };

    QNetworkRequest requestFor(const QString& path, const QString& baseUrl, const QString& apiKey,
                               int timeoutMs) const;
    void onReadyRead(quint64 id);
    void onFinished(quint64 id);
    void handleEvent(quint64 id, Stream& s, const QByteArray& data);

    QNetworkAccessManager m_network;
    RemoteEndpoint m_endpoint;
    QHash<quint64, Stream> m_streams;
    quint64 m_nextId = kFirstId;
};

}  // namespace folio
