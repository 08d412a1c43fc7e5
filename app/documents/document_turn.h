#pragma once
// One question about the attached documents, as the app sends it and as it shows the answer
// (issue 19). The chat controller and the document-QA benchmark (bench/docqa) both call these,
// so the benchmark measures what a person gets in the window.
//
// Before the request (prepareDocumentTurn):
//   - the document block (document_context.h) goes into the system message, after the user's
//     system prompt: the same block for every question of a conversation, so the engine's prefix
//     cache serves it and only the question is prefilled;
//   - after the question, in the user message (so the cached prefix is untouched), the focus: the
//     clauses the question names, quoted verbatim with their pages; for a conflict question the
//     candidate pairs of clauses found without the model (conflicts.h); and the rule to cite pages.
// After the reply (finishDocumentAnswer): page citations checked against the page text (a
// statement without one gets the page it was found on; one the page does not support is marked
// unverified), and for conflict questions the quoted clauses the answer relies on.
//
// Pure functions (no database, no engine): token counting and page ranking are passed in.
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include "app/documents/clauses.h"
#include "app/documents/conflicts.h"
#include "app/documents/document_context.h"

namespace folio {

// Which helping steps run; each is kept only where the benchmark shows it helps.
struct DocumentTurnOptions {
    bool focusExcerpts = true;       // quote the clauses the question names
    bool conflictCandidates = true;  // conflict questions: candidate pairs found without the model
    bool checkCitations = true;      // attach / verify [p.N] after the reply
    // Ask for [p.N] after each statement. Off: the 0.5B model then answers "[1]" or a bare
    // bracket more often, and checkCitations attaches the pages anyway (docs/quality.md).
    bool citeInstruction = false;
    // Where Folio's search or check decided (nothing in the document is about the question; the
    // two clauses differ or agree), the reply begins with that verdict and the model goes on
    // from it: a 0.5B model given the verdict in the prompt still contradicts it.
    bool steerAnswers = true;
    // Figures the question asks to compute from the document (the late-payment penalty for N
    // days: rate x price x days, calculation.h) are computed by Folio and begin the reply.
    bool calculations = true;
    // Tokens of the document block in retrieval mode, at most: a look-up needs a few pages, and a
    // small model on a laptop CPU reads a few hundred prompt tokens a second. The app sets it
    // from the model's speed (retrieval_cap.h); 6000 is the 0.5B model's on 2 server cores.
    int retrievalBudgetTokens = 6000;
};

enum class QuestionKind { General, Conflict };

struct DocumentTurn {
    QString systemBlock;  // the document block; empty when no document is attached or none fits
    QString userMessage;  // the focus, then the question (or the question alone)
    QString answerStart;  // the reply's first words, from Folio's check; empty: the model's own
    QuestionKind kind = QuestionKind::General;
    DocumentContext context;
    QVector<ContextDocument> documents;  // the attached documents (for the citation check)
    QVector<ClausePair> candidates;      // conflict candidates put before the model
    bool checkedAgreeing = false;        // the two clauses named state the same values
    QStringList comparedClauses;  // conflict questions: the clauses compared, quoted with pages
    // Pages of the clauses quoted after the question. In retrieval mode they may lie outside the
    // retrieved pages, and the reply may rest on them: the citation check looks at both.
    QVector<UsedPages> quotedPages;
};

// "Is there a conflict", "do X and Y contradict", "是否冲突", "矛盾", "不一致"...
bool isConflictQuestion(const QString& question);

// Builds the turn. budgetTokens: tokens left for the document block (documentTokenBudget).
Expected<DocumentTurn> prepareDocumentTurn(const QString& question,
                                           const QVector<ContextDocument>& documents,
                                           int budgetTokens, const TokenCounter& count,
                                           const PageRanker& rank,
                                           const DocumentTurnOptions& options = {});

// The answer as shown and stored: citations checked and completed (see the header comment).
QString finishDocumentAnswer(const QString& answer, const DocumentTurn& turn,
                             const DocumentTurnOptions& options = {});

// What the reply's statistics record about the documents: {"documentTokens", "documentMode"
// ("whole" or "retrieval"), "documentPages" ("1-8" or "3, 5-7"; several documents joined by
// "; ")}. Empty when no document was in the prompt.
QJsonObject documentTurnStats(const DocumentTurn& turn);

}  // namespace folio
