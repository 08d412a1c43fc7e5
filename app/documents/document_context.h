#pragma once
// The document block of a prompt: the attached documents' text, with page markers ("[p.12]") so
// the model can cite pages, fitted into a token budget.
//
// When every attached document fits, all of it goes in (mode WholeDocuments): follow-up questions
// then render the same block, so the engine's prefix cache serves it without prefilling it again.
// When it does not fit, the pages most relevant to the question are chosen (mode Retrieval): FTS5
// bm25 over pages with the question's key terms, best first while they fit, then put in document
// and page order; `used` says which pages went in so the UI can show them.
//
// Document text stays plain text: it goes into a message's content, which the engine never parses
// for special tokens, so "<|im_start|>" inside a PDF cannot open a new turn.
//
// Pure functions (no database, no engine): ranking and token counting are passed in.
#include <QString>
#include <QStringList>
#include <QVector>
#include <functional>

#include "app/documents/document_store.h"
#include "engine/status.h"

namespace folio {

struct ContextDocument {
    qint64 id = 0;
    QString title;
    QVector<PageText> pages;  // in page order
};

enum class ContextMode { WholeDocuments, Retrieval };

struct UsedPages {
    qint64 documentId = 0;
    QVector<int> pages;  // ascending
};

struct DocumentContext {
    QString text;    // the block; empty when nothing fits or nothing is attached
    int tokens = 0;  // counter(text); always <= the budget
    ContextMode mode = ContextMode::WholeDocuments;
    QVector<UsedPages> used;  // one entry per document that contributed pages
    int pagesUsed() const;
};

// Token count of plain text with the loaded model's tokenizer (e.g. Engine::countTokens).
using TokenCounter = std::function<int(const QString&)>;
// Pages matching an FTS5 expression, best first (DocumentStore::search fits).
using PageRanker = std::function<QVector<PageHit>(const QString& matchExpression,
                                                  const QVector<qint64>& documentIds)>;

// Tokens left for documents: context - system - history - replyReserve, never negative.
int documentTokenBudget(int contextTokens, int systemTokens, int historyTokens, int replyReserve);

// The question's key terms: words of 3+ letters that are not stop words (en), and trigrams (or
// chineseGram-grams; 0: the whole runs) of Chinese runs with question words removed (zh).
// Lower-cased, unique, in question order.
QStringList questionKeyTerms(const QString& question, int chineseGram = 3);
// An FTS5 MATCH expression that ORs the quoted key terms; empty when there are none.
QString documentSearchQuery(const QString& question);

// Builds the block. budgetTokens <= 0 or no documents gives an empty block. Errors only for a
// counter that returns a negative count (no model loaded). retrievalBudgetTokens > 0 caps the
// block in retrieval mode (the documents do not fit whole): a question needs the relevant pages,
// not a full window, and every prompt token costs time to first token.
Expected<DocumentContext> buildDocumentContext(const QString& question,
                                               const QVector<ContextDocument>& documents,
                                               int budgetTokens, const TokenCounter& count,
                                               const PageRanker& rank,
                                               int retrievalBudgetTokens = 0);

// The attached documents of a conversation (in attach order) with their pages.
Expected<QVector<ContextDocument>> conversationDocuments(const DocumentStore& store,
                                                         qint64 conversationId);
// The store's FTS5 page search as a PageRanker (a bad expression ranks nothing: page order).
PageRanker storeRanker(const DocumentStore& store);

// The block for a conversation: its attached documents (in attach order) from the store, ranked
// with the store's FTS5 search. The glue the chat controller calls before each request.
Expected<DocumentContext> buildConversationContext(const DocumentStore& store,
                                                   qint64 conversationId, const QString& question,
                                                   int budgetTokens, const TokenCounter& count);

// "1-3, 7, 9-10" for {1, 2, 3, 7, 9, 10} (ascending pages).
QString pageRanges(const QVector<int>& pages);

// The page marker written before each page's text: "[p.12]".
QString pageMarker(int page);

}  // namespace folio
