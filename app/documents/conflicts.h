#pragma once
// Candidate conflicts between clauses, found without the model (issue 19): pairs of clauses that
// state a fact of the same kind about the same subject with different values — two payment
// deadlines (30 and 60 days), two totals (the price clause and the schedule's total), two notice
// periods, arbitration in one clause and a court in another, two participant counts, a term
// defined one way in the definitions and another way later ("工作日" as statutory working days,
// then "本条所称“工作日”包括星期六"). The model then judges each pair with both clauses quoted in
// front of it.
//
// A fact is a number with its unit in one sentence (durations, amounts, rates, counts) or a
// dispute forum; its subject is the first subject in kSubjects (conflicts.cpp) whose key words
// the sentence contains, so "保密期限为本合同终止后3年" is about confidentiality, not termination.
// A definition (a quoted term with 指 / 是指 / 包括 / means / includes) is a fact whose subject is
// "term:" and the term, lower case and singular, so definitions of one term are compared.
// Pure functions; thread-safe.
#include <QString>
#include <QVector>

#include "app/documents/clauses.h"

namespace folio {

enum class FactKind { Duration, Amount, Rate, Count, Forum, Definition };

struct ClauseFact {
    FactKind kind = FactKind::Duration;
    QString subject;  // "payment", "termination", ... (kSubjects), or "term:business day"
    QString value;    // normalised: "30 days", "1280000", "0.05%", "64", "arbitration", or a
                    // definition in quotes: "“中华人民共和国法定工作日”", "“includes a Saturday”"
    QString quote;  // the sentence it was read from
};

// The facts of one clause's text.
QVector<ClauseFact> clauseFacts(const QString& clauseText);

struct ClausePair {
    int first = 0;   // index into the clause list
    int second = 0;  // > first
    QString subject;
    QString firstValue;
    QString secondValue;
    QString firstQuote;
    QString secondQuote;
    // Agreeing only: `second` uses the term that `first` defines and defines it nowhere itself,
    // so it means what the definition says (both values are that definition).
    bool usesDefinition = false;
};

// Candidate conflicts among clauses, in clause order, at most one per pair of clauses.
QVector<ClausePair> findConflictCandidates(const QVector<Clause>& clauses);

// The facts two given clauses state about shared subjects: differing (a candidate) or agreeing.
// A term one clause defines and the other only uses (of 2+ Chinese characters or 4+ letters, so
// "日" and "day" in every duration do not count) is agreeing, with usesDefinition set.
struct PairComparison {
    QVector<ClausePair> differing;
    QVector<ClausePair> agreeing;
};
PairComparison compareClauses(const QVector<Clause>& clauses, int first, int second);

// The term of a definition's subject ("business day" for "term:business day"); empty for others.
QString definedTerm(const QString& subject);

// "payment deadline" / "付款期限" for a subject key, in the language ("en" or "zh_CN"); for a
// definition, "definition of “business day”" / "“工作日”的定义".
QString subjectName(const QString& subject, const QString& language);

}  // namespace folio
