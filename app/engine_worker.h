#pragma once
// EngineWorker: the bridge between folio::Engine (which owns its own thread) and the GUI thread.
//
// Engine callbacks run on the engine thread; they only append to a small buffer under a mutex
// and post a queued call, so the engine thread never waits for the GUI. On the GUI thread the
// buffered pieces are delivered as one immutable batch per event-loop turn (textArrived), so a
// busy GUI sees fewer, larger batches instead of a queue of single tokens. Order per request:
// prefillProgress* textArrived* finished (exactly once).
//
// Lives on the GUI thread; all methods are called there. The destructor stops the engine (joining
// its thread) before anything else, so no callback can outlive this object.
#include <QHash>
#include <QObject>
#include <QString>
#include <QVariantMap>
#include <memory>
#include <mutex>
#include <string>

#include "engine/runtime/engine.h"

Q_DECLARE_METATYPE(folio::GenerationResult)

namespace folio {
class RemoteEngine;
}

class EngineWorker : public QObject {
    Q_OBJECT

public:
    explicit EngineWorker(QObject* parent = nullptr);
    ~EngineWorker() override;

    // Starts loading; progress then modelLoaded follow.
    void loadModel(const folio::LoadOptions& options);
    // Queues a generation; returns its id (> 0).
    quint64 submit(folio::GenerationRequest request);
    // For a caller on another thread (the API server, app/api): the engine's own callbacks, run
    // on the engine thread; nothing reaches this object's signals, so the window's replies never
    // see these requests. Thread-safe, as cancel() is.
    quint64 submitDirect(folio::GenerationRequest request, folio::GenerationCallbacks callbacks);
    void cancel(quint64 requestId);
    void cancelAll();
    // Deletes the KV blocks saved under directory that hold text tagged `tag` (a deleted chat or
    // document; Engine::forgetSaved), after the queued requests; savedMemoryForgotten follows.
    void forgetSaved(const QString& directory, const QString& tag);

    // Where submit() sends requests: the local engine, or (useRemote) the remote engine
    // (app/remote), whose signals come out as this object's, so its callers need not know. The
    // API server's submitDirect always runs locally.
    void setRemoteEngine(folio::RemoteEngine* remote);
    void setUseRemote(bool on);
    bool usingRemote() const { return m_useRemote && m_remote; }

    // A model answers: the local one is loaded, or the remote engine is in use and set up.
    bool modelReady() const;
    bool localModelReady() const { return m_ready; }
    // Token count of plain text with the loaded tokenizer; -1 without a model. On the remote
    // engine without a local model: TokenCounter::estimate (English counts high, which keeps
    // budgets safe).
    int countTokens(const QString& text) const;
    int templateOverheadPerMessage() const;

signals:
    void loadProgress(double fraction);  // 0..1
    // ok: summary has path, name, architecture, quantization, device, contextLength (int),
    // trainContextLength (int), supportsThinking (bool). !ok: error says why.
    void modelLoaded(bool ok, const QVariantMap& summary, const QString& error);
    void textArrived(quint64 requestId, const QString& batch);
    void prefillProgress(quint64 requestId, int done, int total);
    void finished(quint64 requestId, const folio::GenerationResult& result);
    void savedMemoryForgotten(const QString& tag, int files);

private:
    // Called on the engine thread.
    void bufferText(quint64 requestId, std::string_view text);
    // GUI thread: emits everything buffered so far.
    void flush();

    std::unique_ptr<folio::Engine> m_engine;
    bool m_ready = false;
    folio::RemoteEngine* m_remote = nullptr;
    bool m_useRemote = false;

    std::mutex m_mutex;                     // guards the two members below
    QHash<quint64, std::string> m_pending;  // request id -> UTF-8 not yet delivered
    bool m_flushQueued = false;
};
