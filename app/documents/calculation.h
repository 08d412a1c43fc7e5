#pragma once
// Figures a question asks Folio to compute from the document, computed by Folio rather than the
// model (a small model multiplies badly): today the late-payment penalty for a number of days,
// from the clause's daily rate and the contract's total price ("the penalty in Art. 9 applied to
// the amount in Art. 3"). The reply then begins with the figure, its formula and both clauses'
// pages; the model adds the rest. Where the rate is not daily, or a fact is missing, nothing is
// computed and the model answers alone.
// Pure functions; thread-safe.
#include <QString>
#include <QVector>
#include <optional>

#include "app/documents/clauses.h"

namespace folio {

struct Calculation {
    QString answerStart;  // the reply's first sentence: the figure, the formula, the pages
    QString promptLine;   // the same for the prompt, marked as Folio's calculation
    double result = 0;
};

// The late-payment penalty for the days the question names, when it asks for it: "If the
// Customer pays the whole contract price 10 days late, how much is the penalty?",
// "如果甲方逾期10日支付全部合同价款，违约金是多少元？". clauses: per document, as findClauses
// gives.
std::optional<Calculation> latePaymentPenalty(const QString& question,
                                              const QVector<QVector<Clause>>& clauses,
                                              bool chinese);

}  // namespace folio
