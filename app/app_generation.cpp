// AppController, part two: building requests, streaming replies into the model and the store,
// and the model's life cycle. (Split from app_controller.cpp to keep files short.)
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include "app/app_controller.h"
#include "app/chat_request.h"
#include "app/engine_worker.h"
#include "app/saved_tags.h"
#include "app/settings.h"
#include "engine/runtime/kv_cache.h"

using folio::MessageState;
using folio::PathEntry;

namespace {

// Finish reasons that leave the reply unfinished (offer Continue).
bool isInterrupted(folio::FinishReason reason) {
    return reason == folio::FinishReason::Cancelled || reason == folio::FinishReason::Length ||
           reason == folio::FinishReason::Error;
}

const char* const kSummaryThrough = "summaryThrough";  // stats key of a summary note
const int kSummaryInstructionTokens = 96;  // generous bound of summaryRequest()'s fixed text

}  // namespace

AppController::History AppController::historyUpTo(QList<PathEntry>& path, qint64 untilId) {
    History h;
    for (PathEntry& e : path) {
        const folio::MessageRecord& m = e.message;
        if (m.role == "system") {
            // A summary note replaces the turns up to the last one it covers.
            const qsizetype covered = h.ids.indexOf(m.stats.value(kSummaryThrough).toInteger());
            if (covered >= 0) {
                h.turns.remove(0, covered + 1);
                h.ids.remove(0, covered + 1);
                h.summary = m.content;
            }
        } else {
            int tokens = tokensOf(e);
            if (tokens < 0) {
                tokens = TokenCounter::estimate(m.content);
                h.exact = false;
            }
            h.turns.append({m.role, m.content, tokens});
            h.ids.append(m.id);
        }
        if (m.id == untilId) break;
    }
    return h;
}

void AppController::setOverflow(qint64 userId, int turns) {
    m_overflow = {userId != 0 ? m_currentId : 0, userId, turns};
    emit contextOverflowChanged();
}

void AppController::resolveOverflow(const QString& choice) {
    const PendingOverflow pending = m_overflow;
    if (pending.userId == 0) return;
    setOverflow(0, 0);
    if (pending.conversationId != m_currentId || generating()) return;
    if (choice == QLatin1String("drop")) {
        m_overflowChoices.insert(pending.conversationId, OverflowChoice::Drop);
        startReply(pending.userId, 0, false);
    } else if (choice == QLatin1String("summarize")) {
        m_overflowChoices.insert(pending.conversationId, OverflowChoice::Summarize);
        startSummary(pending.userId);
    } else {
        setStatus(tr("Nothing was sent; Regenerate answers the last message."));
    }
}

void AppController::startSummary(qint64 userMessageId) {
    auto conversation = m_store->conversation(m_currentId);
    auto path = m_store->activePath(m_currentId);
    if (!conversation || !path) {
        failed(!conversation ? conversation.error() : path.error());
        return;
    }
    const History history = historyUpTo(*path, userMessageId);
    const QString system =
        folio::systemWithSummary(systemPromptFor(*conversation), history.summary);
    const int budget = folio::promptBudgetTokens(contextSize(), m_maxReplyTokens);
    const int summaryTokens = folio::summaryBudgetTokens(budget);
    // Summarise enough turns that what is left, with the summary, fits.
    const folio::HistoryPlan plan =
        folio::planHistory(system, std::max(m_worker->countTokens(system), 0), history.turns,
                           m_worker->templateOverheadPerMessage(), budget - summaryTokens);
    if (plan.droppedTurns <= 0) {
        startReply(userMessageId, 0, false);
        return;
    }
    // The summary request: instructions, then the transcript ("User: " etc. per turn).
    const int inputBudget = std::max(
        contextSize() - summaryTokens - kSummaryInstructionTokens - 4 * plan.droppedTurns, 0);
    folio::GenerationRequest request;
    request.messages = folio::summaryRequest(history.summary, history.turns, plan.droppedTurns,
                                             summaryTokens, inputBudget);
    request.thinking = false;
    request.sampling = folio::samplingForPreset("precise");
    request.maxTokens = summaryTokens;
    request.savedTags = {folio::conversationTag(m_currentId)};
    m_lastRequestMessages = request.messages;
    m_summary = {true, userMessageId, history.ids.at(plan.droppedTurns - 1), QString()};
    m_replyConversationId = m_currentId;
    m_stopRequested = false;
    emit replyStarting();
    m_requestId = m_worker->submit(std::move(request));
    setPrefill(0);
    setStatus(tr("Summarising %n earlier message(s)…", "", plan.droppedTurns));
    emit generatingChanged();
}

void AppController::finishSummary(const folio::GenerationResult& result) {
    const SummaryJob job = m_summary;
    m_summary = {};
    m_requestId = 0;
    setPrefill(-1);
    const qint64 conversationId = m_replyConversationId;
    m_replyConversationId = 0;
    const QString text = job.text.trimmed();
    if (result.reason == folio::FinishReason::Cancelled ||
        result.reason == folio::FinishReason::Error || text.isEmpty()) {
        const QString message = result.reason == folio::FinishReason::Error
                                    ? QString::fromStdString(result.error)
                                    : tr("The summary was not made; nothing was sent.");
        setStatus(message);
        if (result.reason != folio::FinishReason::Cancelled) emit errorOccurred(message);
        emit generatingChanged();
        return;
    }
    // Stored as a system note between the question and its reply, so that it stays in this
    // branch, shows in the chat and survives restarts.
    auto noteId = m_store->addMessage(conversationId, job.userId, "system", text);
    if (!noteId) {
        failed(noteId.error());
        emit generatingChanged();
        return;
    }
    failed(m_store->finishMessage(*noteId, text, QString(), 0, MessageState::Complete,
                                  QJsonObject{{kSummaryThrough, job.throughId}}));
    emit generatingChanged();
    if (conversationId != m_currentId) return;
    reloadMessages();
    startReply(*noteId, 0, false);
}

void AppController::startReply(qint64 userMessageId, qint64 continueId, bool askOnOverflow) {
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
    if (m_overflow.userId != 0) setOverflow(0, 0);
    m_syncCountChars = kSyncCountChars;
    // History: the active path up to and including the user message (thinking left out), with
    // summarised turns replaced by their summary. The plan needs exact token counts; missing ones
    // are computed off the GUI thread and the reply resumes from onCounted().
    const History history = historyUpTo(*path, userMessageId);
    if (!history.exact) {
        waitForCounts(userMessageId, continueId, askOnOverflow);
        return;
    }
    const QString system = withDocuments(
        folio::systemWithSummary(systemPromptFor(*conversation), history.summary), history);
    const int systemTokens = textTokens(system);
    if (systemTokens < 0) {
        waitForCounts(userMessageId, continueId, askOnOverflow);
        return;
    }
    const int budget = folio::promptBudgetTokens(contextSize(), m_maxReplyTokens);
    folio::HistoryPlan plan = folio::planHistory(system, systemTokens, history.turns,
                                                 m_worker->templateOverheadPerMessage(), budget);
    if (plan.droppedTurns > 0 && askOnOverflow && continueId == 0) {
        switch (m_overflowChoices.value(m_currentId, OverflowChoice::Ask)) {
            case OverflowChoice::Ask:
                setOverflow(userMessageId, plan.droppedTurns);
                setStatus(tr("This conversation no longer fits in the context window."));
                return;
            case OverflowChoice::Summarize:
                startSummary(userMessageId);
                return;
            case OverflowChoice::Drop:
                break;
        }
    }

    folio::GenerationRequest request;
    request.messages = std::move(plan.messages);
    // The question's focus (quoted clauses, conflict candidates, the rule to cite pages) goes into
    // the last user message only: the cached prefix (system + documents + history) is untouched.
    if (!m_documentTurn.systemBlock.isEmpty() && !request.messages.empty() &&
        request.messages.back().role == "user")
        request.messages.back().content = m_documentTurn.userMessage.toStdString();
    request.thinking = m_thinkingEnabled;
    request.sampling = folio::samplingForPreset(m_settings->samplingPreset());
    request.maxTokens = m_maxReplyTokens;
    request.ignoreEndOfGeneration = m_ignoreEndOfText;
    request.savedTags = folio::savedTagsFor(m_currentId, m_documentTurn.documents);
    m_lastRequestMessages = request.messages;

    m_replyText.clear();
    m_replyThinking.clear();
    m_thinkingMs = 0;
    bool startsInThinking = false;
    bool startsInAnswer = continueId > 0;
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
        // Where Folio's search or check decided, the reply begins with its verdict (a thinking
        // model reasons on its own and is not steered).
        const QString start = m_thinkingEnabled ? QString() : m_documentTurn.answerStart;
        m_replyText = start;
        request.continueAssistant = start.toStdString();
        startsInAnswer = !start.isEmpty();
        auto id = m_store->addMessage(m_currentId, userMessageId, "assistant", start,
                                      MessageState::Streaming);
        if (!id) {
            failed(id.error());
            return;
        }
        m_replyId = *id;
    }
    // A continuation already past the thinking block only appends answer text.
    using Start = folio::ThinkParser::Start;
    m_parser = std::make_unique<folio::ThinkParser>(startsInThinking ? Start::InThinking
                                                    : startsInAnswer ? Start::InAnswer
                                                                     : Start::Detect);
    m_replyConversationId = m_currentId;
    m_stopRequested = false;
    m_replyDirty = false;
    emit replyStarting();
    m_requestId = m_worker->submit(std::move(request));
    reloadMessages();
    m_checkpointTimer.start();
    setPrefill(0);
    setStatus(
        plan.droppedTurns > 0
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
    if (m_summary.active) {
        m_summary.text += batch;
        return;
    }
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
    if (m_summary.active) {
        finishSummary(result);
        return;
    }
    const folio::ThinkParser::Output rest = m_parser->finish();
    m_replyThinking += rest.thinking;
    m_replyText += rest.text;
    if (m_thinkingClock.isValid()) {
        m_thinkingMs += m_thinkingClock.elapsed();
        m_thinkingClock.invalidate();
    }
    const bool interrupted = isInterrupted(result.reason);
    // Citations checked against the pages, and the clauses a conflict answer relies on.
    if (!interrupted && !m_documentTurn.systemBlock.isEmpty())
        m_replyText = folio::finishDocumentAnswer(m_replyText, m_documentTurn);
    const qint64 replyId = m_replyId;
    m_checkpointTimer.stop();
    m_requestId = 0;
    m_parser.reset();
    m_prefillSpeed.add(result.promptTokens - result.reusedPromptTokens,
                       result.prefillTokensPerSecond);
    QJsonObject stats = folio::statsJson(result);
    const QJsonObject documentStats = folio::documentTurnStats(m_documentTurn);
    for (auto it = documentStats.begin(); it != documentStats.end(); ++it)
        stats.insert(it.key(), it.value());
    m_documentTurn = {};
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
    if (auto c = m_store->conversation(m_replyConversationId))
        m_conversations.upsert(ConversationItem{c->id, c->title, c->updatedAt, c->pinned});
    if (m_replyConversationId == m_currentId) reloadMessages();
    m_replyConversationId = 0;
    emit generatingChanged();
    emit replyFinished(replyId);
}

// --- model ---------------------------------------------------------------------------------------

void AppController::loadModel(const QString& path) {
    if (generating()) stop();
    folio::LoadOptions options;
    options.modelPath = path.toStdString();
    options.threads = m_settings->threads();
    options.contextLength = m_settings->contextSize();
    options.device = m_settings->device() == "gpu" ? folio::Device::Gpu : folio::Device::Cpu;
    // Settings::kvCache() is always a name the cache knows ("f16" or "q8_0").
    options.kvType = folio::KvCache::typeFromName(m_settings->kvCache().toStdString())
                         .value_or(folio::KvType::F16);
    if (!m_savedMemoryDir.isEmpty() && m_settings->savedMemoryGb() > 0) {
        options.kvDiskDirectory = QFile::encodeName(m_savedMemoryDir).toStdString();
        options.kvDiskMaxBytes = int64_t(m_settings->savedMemoryGb()) << 30;
    }
    m_modelName = QFileInfo(path).completeBaseName();
    m_deviceName.clear();
    m_kvCacheType.clear();
    m_kvBytesPerToken = 0;
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
    m_kvCacheType = summary.value("kvType").toString();
    m_kvBytesPerToken = summary.value("kvBytesPerToken").toDouble();
    m_contextSize = summary.value("contextLength").toInt();
    m_prefillSpeed.reset(qint64(summary.value("parameters").toDouble()));
    m_messageTokens.clear();  // another tokenizer: counted again on demand
    m_textTokens.clear();
    setStatus(m_databaseError.isEmpty() ? QString() : m_databaseError);
    emit modelChanged();
    updateContextUsed();
}

// --- saved memory (the engine's KV disk tier) ----------------------------------------------------

namespace {
// The saved blocks under dir (every model's folder); kv_disk.h names them *.kvb.
QStringList savedBlockFiles(const QString& dir) {
    QStringList files;
    if (dir.isEmpty()) return files;
    QDirIterator it(dir, {QStringLiteral("*.kvb")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) files << it.next();
    return files;
}
}  // namespace

double AppController::savedMemoryBytes() const {
    double total = 0;
    for (const QString& file : savedBlockFiles(m_savedMemoryDir)) total += QFileInfo(file).size();
    return total;
}

void AppController::forgetSavedMemory(const std::string& tag) {
    if (!m_savedMemoryDir.isEmpty())
        m_worker->forgetSaved(m_savedMemoryDir, QString::fromStdString(tag));
}

// Files only: the engine keeps writing into its model folder; a block it believes saved and
// finds gone is computed again.
void AppController::clearSavedMemory() {
    for (const QString& file : savedBlockFiles(m_savedMemoryDir)) QFile::remove(file);
}
