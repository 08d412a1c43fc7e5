#include "app/engine_worker.h"

#include <QFile>
#include <QMetaObject>

#include "app/remote/remote_engine.h"
#include "app/token_counter.h"

namespace {

QVariantMap summaryMap(const folio::ModelSummary& s) {
    return QVariantMap{
        {"path", QString::fromStdString(s.path)},
        {"name", QString::fromStdString(s.name)},
        {"architecture", QString::fromStdString(s.architecture)},
        {"quantization", QString::fromStdString(s.quantization)},
        {"device", QString::fromStdString(s.device)},
        {"contextLength", s.contextLength},
        {"kvType", QString::fromStdString(s.kvType)},
        {"kvBytesPerToken", double(s.kvBytesPerToken)},
        {"trainContextLength", s.trainContextLength},
        {"supportsThinking", s.supportsThinking},
        {"parameters", double(s.parameters)},
    };
}

}  // namespace

EngineWorker::EngineWorker(QObject* parent)
    : QObject(parent), m_engine(std::make_unique<folio::Engine>()) {
    qRegisterMetaType<folio::GenerationResult>();
}

EngineWorker::~EngineWorker() {
    m_engine.reset();  // cancels and joins the engine thread: no callback runs after this line
}

void EngineWorker::loadModel(const folio::LoadOptions& options) {
    m_ready = false;
    m_engine->load(
        options,
        [this](float fraction) {
            QMetaObject::invokeMethod(
                this, [this, fraction] { emit loadProgress(fraction); }, Qt::QueuedConnection);
        },
        [this](folio::Expected<folio::ModelSummary> result) {
            const bool ok = result.ok();
            const QVariantMap summary = ok ? summaryMap(*result) : QVariantMap();
            const QString error = ok ? QString() : QString::fromStdString(result.error().message);
            QMetaObject::invokeMethod(
                this,
                [this, ok, summary, error] {
                    m_ready = ok;
                    emit modelLoaded(ok, summary, error);
                },
                Qt::QueuedConnection);
        });
}

void EngineWorker::setRemoteEngine(folio::RemoteEngine* remote) {
    if (m_remote) m_remote->disconnect(this);
    m_remote = remote;
    if (!remote) {
        m_useRemote = false;
        return;
    }
    connect(remote, &folio::RemoteEngine::textArrived, this, &EngineWorker::textArrived);
    connect(remote, &folio::RemoteEngine::finished, this, &EngineWorker::finished);
}

void EngineWorker::setUseRemote(bool on) {
    m_useRemote = on;
}

bool EngineWorker::modelReady() const {
    return usingRemote() ? m_remote->configured() : m_ready;
}

quint64 EngineWorker::submit(folio::GenerationRequest request) {
    if (usingRemote()) return m_remote->submit(request);
    // The engine may start (and call back) before submit() returns the id, so the callbacks read
    // the id from this cell under m_mutex, which is held until the cell is filled. The engine
    // thread can wait here only for the length of Engine::submit (it just queues the request).
    auto id = std::make_shared<quint64>(0);
    folio::GenerationCallbacks callbacks;
    callbacks.onPrefill = [this, id](int done, int total) {
        quint64 rid;
        {
            std::lock_guard lock(m_mutex);
            rid = *id;
        }
        QMetaObject::invokeMethod(
            this, [this, rid, done, total] { emit prefillProgress(rid, done, total); },
            Qt::QueuedConnection);
    };
    callbacks.onText = [this, id](std::string_view text) {
        quint64 rid;
        {
            std::lock_guard lock(m_mutex);
            rid = *id;
        }
        bufferText(rid, text);
    };
    callbacks.onFinished = [this, id](const folio::GenerationResult& result) {
        quint64 rid;
        {
            std::lock_guard lock(m_mutex);
            rid = *id;
        }
        QMetaObject::invokeMethod(
            this,
            [this, rid, result] {
                flush();  // text always arrives before finished
                emit finished(rid, result);
            },
            Qt::QueuedConnection);
    };
    std::lock_guard lock(m_mutex);  // holds back callbacks until the id is known
    *id = m_engine->submit(std::move(request), std::move(callbacks));
    return *id;
}

void EngineWorker::bufferText(quint64 requestId, std::string_view text) {
    bool post = false;
    {
        std::lock_guard lock(m_mutex);
        m_pending[requestId].append(text);
        post = !m_flushQueued;
        m_flushQueued = true;
    }
    if (post)
        QMetaObject::invokeMethod(
            this, [this] { flush(); }, Qt::QueuedConnection);
}

void EngineWorker::flush() {
    QHash<quint64, std::string> batches;
    {
        std::lock_guard lock(m_mutex);
        batches.swap(m_pending);
        m_flushQueued = false;
    }
    for (auto it = batches.cbegin(); it != batches.cend(); ++it)
        if (!it.value().empty()) emit textArrived(it.key(), QString::fromStdString(it.value()));
}

quint64 EngineWorker::submitDirect(folio::GenerationRequest request,
                                   folio::GenerationCallbacks callbacks) {
    return m_engine->submit(std::move(request), std::move(callbacks));
}

void EngineWorker::cancel(quint64 requestId) {
    if (m_remote && requestId >= folio::RemoteEngine::kFirstId) return m_remote->cancel(requestId);
    m_engine->cancel(requestId);
}

void EngineWorker::forgetSaved(const QString& directory, const QString& tag) {
    m_engine->forgetSaved(
        QFile::encodeName(directory).toStdString(), tag.toStdString(), [this, tag](int files) {
            QMetaObject::invokeMethod(
                this, [this, tag, files] { emit savedMemoryForgotten(tag, files); },
                Qt::QueuedConnection);
        });
}

void EngineWorker::cancelAll() {
    m_engine->cancelAll();
}

int EngineWorker::countTokens(const QString& text) const {
    if (!m_ready && usingRemote()) return TokenCounter::estimate(text);
    return m_engine->countTokens(text.toStdString());
}

int EngineWorker::templateOverheadPerMessage() const {
    if (!m_ready && usingRemote()) return 5;  // ChatML's <|im_start|>role\n ... <|im_end|>\n
    return m_engine->templateOverheadPerMessage();
}
