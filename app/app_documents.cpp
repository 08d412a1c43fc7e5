// The documents part of a chat request (issue 8): attached documents go into the system message,
// after the user's system prompt, so that a follow-up question starts with the same tokens and
// the engine reuses the document's KV cache instead of reading it again.
#include <algorithm>

#include "app/app_controller.h"
#include "app/documents/document_context.h"
#include "app/engine_worker.h"

QString AppController::withDocuments(const QString& system, const History& history) const {
    if (!m_documentProvider || m_currentId <= 0 || history.turns.isEmpty()) return system;
    const QString question = history.turns.last().content;
    const int overhead = m_worker->templateOverheadPerMessage();
    int historyTokens = 0;
    for (const folio::HistoryTurn& t : history.turns) historyTokens += t.tokens + overhead;
    const int systemTokens = std::max(m_worker->countTokens(system), 0) + overhead;
    const int budget =
        folio::documentTokenBudget(m_contextSize, systemTokens, historyTokens, m_maxReplyTokens);
    if (budget <= 0) return system;
    const QString block = m_documentProvider(m_currentId, question, budget);
    if (block.isEmpty()) return system;
    return system.isEmpty() ? block : system + QStringLiteral("\n\n") + block;
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
    emit currentConversationChanged();
    refreshConversations();
    return m_currentId;
}
