// The documents part of a chat request: attached documents go into the system message,
// after the user's system prompt, so that a follow-up question starts with the same tokens and
// the engine reuses the document's KV cache instead of reading it again.
#include <QTimer>
#include <algorithm>

#include "app/app_controller.h"
#include "app/chat_request.h"
#include "app/documents/document_context.h"
#include "app/documents/engine_generator.h"
#include "app/engine_worker.h"
#include "app/saved_tags.h"

namespace {
QString systemWithBlock(const QString& system, const QString& block) {
    if (block.isEmpty()) return system;
    return system.isEmpty() ? block : system + QStringLiteral("\n\n") + block;
}
}  // namespace

int AppController::documentBudgetFor(const QString& system, const History& history) const {
    const int overhead = m_worker->templateOverheadPerMessage();
    int historyTokens = 0;
    for (const folio::HistoryTurn& t : history.turns) historyTokens += t.tokens + overhead;
    const int systemTokens = std::max(m_worker->countTokens(system), 0) + overhead;
    return folio::documentTokenBudget(contextSize(), systemTokens, historyTokens, m_maxReplyTokens);
}

QString AppController::withDocuments(const QString& system, const History& history) {
    m_documentTurn = {};
    if (!m_documentProvider || m_currentId <= 0 || history.turns.isEmpty()) return system;
    const int budget = documentBudgetFor(system, history);
    if (budget <= 0) return system;
    const QString question = history.turns.last().content;
    m_documentTurn = m_documentProvider(m_currentId, question, budget, retrievalCap());
    return systemWithBlock(system, m_documentTurn.systemBlock);
}

folio::ReadAheadPrompt AppController::readAheadPrompt() {
    if (!m_documentProvider || m_currentId <= 0 || !m_worker->modelReady()) return {};
    auto conversation = m_store->conversation(m_currentId);
    auto path = m_store->activePath(m_currentId);
    if (!conversation || !path) return {};
    const History history = historyUpTo(*path, -1);
    if (!history.exact) return {};
    const QString system =
        folio::systemWithSummary(systemPromptFor(*conversation), history.summary);
    const int budget = documentBudgetFor(system, history);
    if (budget <= 0) return {};
    const folio::DocumentTurn turn =
        m_documentProvider(m_currentId, QString(), budget, retrievalCap());
    if (turn.systemBlock.isEmpty() || turn.context.mode != folio::ContextMode::WholeDocuments)
        return {};
    return {systemWithBlock(system, turn.systemBlock),
            folio::savedTagsFor(m_currentId, turn.documents)};
}

qint64 AppController::ensureConversation(const QString& title) {
    if (m_currentId > 0) return m_currentId;
    auto id = m_store->createConversation(
        title.trimmed().isEmpty() ? tr("Document") : title.trimmed(), m_thinkingEnabled);
    if (!id) {
        failed(id.error());
        return 0;
    }
    m_currentId = *id;
    m_currentTitle = title.trimmed();
    if (!m_engine.isEmpty()) failed(m_store->setEngine(m_currentId, m_engine));
    emit currentConversationChanged();
    refreshConversations();
    return m_currentId;
}

namespace {

// The map-reduce summarizer's link to the loaded model: one request at a time through the
// EngineWorker, its text gathered from textArrived and handed over on finished. GUI thread.
class EngineWorkerGenerator : public QObject, public folio::SummaryGenerator {
public:
    EngineWorkerGenerator(EngineWorker* worker, std::function<QString()> modelKey)
        : m_worker(worker), m_modelKey(std::move(modelKey)) {
        connect(worker, &EngineWorker::textArrived, this, [this](quint64 id, const QString& b) {
            if (id == m_request) m_text += b;
        });
        connect(worker, &EngineWorker::finished, this,
                [this](quint64 id, const folio::GenerationResult& r) {
                    if (id != m_request) return;
                    m_request = 0;
                    auto done = std::move(m_done);
                    m_done = nullptr;
                    if (r.reason == folio::FinishReason::Error)
                        done(folio::makeError(r.error));
                    else if (r.reason == folio::FinishReason::Cancelled)
                        done(folio::makeError("the summary was cancelled"));
                    else
                        done(m_text);
                });
    }

    void generate(const QString& system, const QString& user, int maxTokens,
                  std::function<void(folio::Expected<QString>)> done) override {
        if (!m_worker->modelReady()) {
            QTimer::singleShot(0, this, [done] { done(folio::makeError("no model is loaded")); });
            return;
        }
        folio::GenerationRequest request;
        request.messages = {{"system", system.toStdString()}, {"user", user.toStdString()}};
        request.sampling = folio::samplingForPreset(QStringLiteral("precise"));
        request.maxTokens = maxTokens;
        request.savedTags = m_savedTags;
        m_text.clear();
        m_done = std::move(done);
        m_request = m_worker->submit(std::move(request));
    }
    void cancel() override {
        if (m_request != 0) m_worker->cancel(m_request);
    }
    int countTokens(const QString& text) const override { return m_worker->countTokens(text); }
    QString modelKey() const override { return m_modelKey ? m_modelKey() : QString(); }
    void setDocument(qint64 documentId) override { m_savedTags = {folio::documentTag(documentId)}; }

private:
    EngineWorker* m_worker;
    std::function<QString()> m_modelKey;
    quint64 m_request = 0;  // 0: none running
    std::vector<std::string> m_savedTags;
    QString m_text;
    std::function<void(folio::Expected<QString>)> m_done;
};

}  // namespace

std::unique_ptr<folio::SummaryGenerator> folio::makeEngineWorkerGenerator(
    EngineWorker* worker, std::function<QString()> modelKey) {
    return std::make_unique<EngineWorkerGenerator>(worker, std::move(modelKey));
}
