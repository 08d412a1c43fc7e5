// AppController, part two: building requests, streaming replies into the model and the store,
// and the model's life cycle. (Split from app_controller.cpp to keep files short.)
#include <QFileInfo>

#include "app/app_controller.h"
#include "app/chat_request.h"
#include "app/engine_worker.h"
#include "app/settings.h"

using folio::MessageState;
using folio::PathEntry;

namespace {

// Finish reasons that leave the reply unfinished (offer Continue).
bool isInterrupted(folio::FinishReason reason) {
    return reason == folio::FinishReason::Cancelled || reason == folio::FinishReason::Length ||
           reason == folio::FinishReason::Error;
}

}  // namespace

void AppController::startReply(qint64 userMessageId, qint64 continueId) {
    auto conversation = m_store->conversation(m_currentId);
    if (!conversation) {
        failed(conversation.error());
        return;
    }
    auto path = m_store->activePath(m_currentId);
    if (!path) {
        failed(path.error());
        return;
    }
    // History: the active path up to and including the user message (thinking left out).
    QList<folio::HistoryTurn> turns;
    for (PathEntry& e : *path) {
        turns.append({e.message.role, e.message.content, tokensOf(e)});
        if (e.message.id == userMessageId) break;
    }
    const QString system = systemPromptFor(*conversation);
    const int budget = std::max(m_contextSize - std::min(m_maxReplyTokens, m_contextSize / 4), 0);
    folio::HistoryPlan plan = folio::planHistory(system, std::max(m_worker->countTokens(system), 0),
                                                 turns, m_worker->templateOverheadPerMessage(), budget);

    folio::GenerationRequest request;
    request.messages = std::move(plan.messages);
    request.thinking = m_thinkingEnabled;
    request.sampling = folio::samplingForPreset(m_settings->samplingPreset());
    request.maxTokens = m_maxReplyTokens;

    m_replyText.clear();
    m_replyThinking.clear();
    m_thinkingMs = 0;
    bool startsInThinking = false;
    if (continueId > 0) {
        auto m = m_store->message(continueId);
        if (!m) return;
        m_replyText = m->content;
        m_replyThinking = m->thinking;
        m_thinkingMs = m->thinkingMs;
        // Continue the unfinished block: inside the thinking when no answer has started yet.
        startsInThinking = m_replyText.isEmpty() && !m_replyThinking.isEmpty();
        QString prefix = m_replyThinking.isEmpty() ? QString() : "<think>\n" + m_replyThinking;
        if (!startsInThinking && !prefix.isEmpty()) prefix += "\n</think>\n\n";
        request.continueAssistant = (prefix + m_replyText).toStdString();
        if (failed(m_store->finishMessage(continueId, m_replyText, m_replyThinking, m_thinkingMs,
                                          MessageState::Streaming, {})))
            return;
        m_replyId = continueId;
    } else {
        auto id = m_store->addMessage(m_currentId, userMessageId, "assistant", QString(),
                                      MessageState::Streaming);
        if (!id) {
            failed(id.error());
            return;
        }
        m_replyId = *id;
    }
    // A continuation already past the thinking block only appends answer text.
    using Start = folio::ThinkParser::Start;
    m_parser = std::make_unique<folio::ThinkParser>(
        startsInThinking ? Start::InThinking : continueId > 0 ? Start::InAnswer : Start::Detect);
    m_replyConversationId = m_currentId;
    m_stopRequested = false;
    m_replyDirty = false;
    m_requestId = m_worker->submit(std::move(request));
    reloadMessages();
    m_checkpointTimer.start();
    setPrefill(0);
    setStatus(plan.droppedTurns > 0
                  ? tr("%n earlier message(s) left out to fit the context window.", "", plan.droppedTurns)
                  : QString());
    emit generatingChanged();
}

void AppController::onPrefill(quint64 requestId, int done, int total) {
    if (requestId != m_requestId || total <= 0) return;
    setPrefill(double(done) / total);
}

void AppController::onText(quint64 requestId, const QString& batch) {
    if (requestId != m_requestId) return;
    if (m_prefillProgress >= 0) setPrefill(-1);
    const folio::ThinkParser::Output out = m_parser->feed(batch);
    if (!out.thinking.isEmpty()) {
        if (!m_thinkingClock.isValid()) m_thinkingClock.start();
        m_replyThinking += out.thinking;
        m_messages.appendThinking(m_replyId, out.thinking);
    }
    if (out.thinkingEnded && m_thinkingClock.isValid()) {
        m_thinkingMs += m_thinkingClock.elapsed();
        m_thinkingClock.invalidate();
    }
    if (!out.text.isEmpty()) {
        m_replyText += out.text;
        m_messages.appendText(m_replyId, out.text);
    }
    m_replyDirty = true;
}

void AppController::checkpoint() {
    if (m_requestId == 0 || !m_replyDirty) return;
    m_replyDirty = false;
    failed(m_store->updateContent(m_replyId, m_replyText, m_replyThinking));
}

void AppController::onFinished(quint64 requestId, const folio::GenerationResult& result) {
    if (requestId != m_requestId) return;
    const folio::ThinkParser::Output rest = m_parser->finish();
    m_replyThinking += rest.thinking;
    m_replyText += rest.text;
    if (m_thinkingClock.isValid()) {
        m_thinkingMs += m_thinkingClock.elapsed();
        m_thinkingClock.invalidate();
    }
    const bool interrupted = isInterrupted(result.reason);
    const qint64 replyId = m_replyId;
    m_checkpointTimer.stop();
    m_requestId = 0;
    m_parser.reset();
    const QJsonObject stats = folio::statsJson(result);
    failed(m_store->finishMessage(replyId, m_replyText, m_replyThinking, m_thinkingMs,
                                  interrupted ? MessageState::Interrupted : MessageState::Complete,
                                  stats));
    setPrefill(-1);
    if (result.reason == folio::FinishReason::Error) {
        const QString message = QString::fromStdString(result.error);
        setStatus(message);
        emit errorOccurred(message);
    } else if (result.reason == folio::FinishReason::Length) {
        setStatus(tr("The reply reached its length limit; Continue can extend it."));
    }
    if (auto c = m_store->conversation(m_replyConversationId)) m_conversations.upsert(ConversationItem{c->id, c->title, c->updatedAt, c->pinned});
    if (m_replyConversationId == m_currentId) reloadMessages();
    m_replyConversationId = 0;
    emit generatingChanged();
    emit replyFinished(replyId);
}

// --- model ---------------------------------------------------------------------------------------

void AppController::loadModel(const QString& path) {
    if (m_requestId != 0) stop();
    folio::LoadOptions options;
    options.modelPath = path.toStdString();
    options.threads = m_settings->threads();
    options.contextLength = m_settings->contextSize();
    options.device = m_settings->device() == "gpu" ? folio::Device::Gpu : folio::Device::Cpu;
    m_modelName = QFileInfo(path).completeBaseName();
    m_deviceName.clear();
    m_contextSize = 0;
    emit modelChanged();
    setStatus(tr("Loading model… %1%").arg(0));
    m_worker->loadModel(options);
}

void AppController::onLoadProgress(double fraction) {
    setStatus(tr("Loading model… %1%").arg(qRound(fraction * 100)));
}

void AppController::onModelLoaded(bool ok, const QVariantMap& summary, const QString& error) {
    if (!ok) {
        m_modelName.clear();
        const QString message = tr("Could not load the model: %1").arg(error);
        setStatus(message);
        emit modelChanged();
        emit errorOccurred(message);
        return;
    }
    const QString name = summary.value("name").toString();
    if (!name.isEmpty()) m_modelName = name;
    m_deviceName = summary.value("device").toString();
    m_contextSize = summary.value("contextLength").toInt();
    setStatus(m_databaseError.isEmpty() ? QString() : m_databaseError);
    emit modelChanged();
    updateContextUsed();
}
