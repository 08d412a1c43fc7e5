#include "app/read_ahead.h"

#include "app/chat_request.h"
#include "app/engine_worker.h"

namespace folio {

ReadAhead::ReadAhead(EngineWorker* worker, SystemSource source, Busy busy, QObject* parent)
    : QObject(parent), m_worker(worker), m_source(std::move(source)), m_busy(std::move(busy)) {
    m_timer.setSingleShot(true);
    m_timer.setInterval(kDelayMs);
    connect(&m_timer, &QTimer::timeout, this, &ReadAhead::start);
    connect(worker, &EngineWorker::prefillProgress, this, &ReadAhead::onPrefill);
    connect(worker, &EngineWorker::finished, this, &ReadAhead::onFinished);
}

ReadAhead::~ReadAhead() {
    cancel();
}

void ReadAhead::schedule() {
    m_timer.start();
}

void ReadAhead::cancel() {
    m_timer.stop();
    if (m_requestId != 0) m_worker->cancel(m_requestId);
}

void ReadAhead::forget() {
    cancel();
    m_read.clear();
}

void ReadAhead::start() {
    // Not on a remote engine: its server keeps (or not) its own cache.
    if (!m_worker->modelReady() || m_worker->usingRemote() || m_busy()) return;
    ReadAheadPrompt prompt = m_source();
    const QString system = prompt.system;
    if (system.isEmpty() || system == m_read) return;
    if (m_requestId != 0) {
        if (system == m_reading) return;
        m_worker->cancel(m_requestId);  // the documents changed: read the new ones after it
        m_timer.start();
        return;
    }
    GenerationRequest request;
    // The system message as the next reply renders it; the empty question after it is never
    // answered (one token), only its prefix matters.
    request.messages = {{"system", system.toStdString()}, {"user", std::string()}};
    request.sampling = samplingForPreset(QStringLiteral("precise"));
    request.maxTokens = 1;
    request.savedTags = std::move(prompt.savedTags);
    m_reading = system;
    m_requestId = m_worker->submit(std::move(request));
    setProgress(0);
}

void ReadAhead::onPrefill(quint64 requestId, int done, int total) {
    if (requestId == m_requestId && total > 0) setProgress(double(done) / total);
}

void ReadAhead::onFinished(quint64 requestId, const GenerationResult& result) {
    if (requestId != m_requestId) return;
    m_requestId = 0;
    if (result.reason != FinishReason::Cancelled && result.reason != FinishReason::Error)
        m_read = m_reading;
    m_reading.clear();
    setProgress(-1);
}

void ReadAhead::setProgress(double progress) {
    if (progress == m_progress) return;
    m_progress = progress;
    emit progressChanged();
}

}  // namespace folio
