#pragma once
// The clause table of a document: its numbered clauses and headings with the pages they span
// (issue 19). "第五条 付款方式", "第5条", "一、总则", "Article 5. Payment", "Clause 12",
// "Section 3.2 Training", "附件一：费用明细", "Schedule 1: Price" each open a clause that runs to
// the next heading, across pages; page footers ("第 3 页", "Page 3") are left out. The text before
// the first heading is the preamble (number 0).
//
// Used to quote the clauses a question names and to compare clauses (conflicts.h). Computed from
// the stored page texts when a question is asked: a 100-page document takes about a millisecond.
// Pure functions; thread-safe.
#include <QString>
#include <QStringList>
#include <QVector>

#include "app/documents/document_store.h"

namespace folio {

struct Clause {
    QString label;  // as written: "第五条", "Article 5", "3.2", "附件一"; empty for the preamble
    int number =
        0;  // 5 for 第五条 / 第5条 / Article 5 / Clause 5 / 五、; 0 when not a plain number
    QString title;  // the rest of the heading line: "付款方式"
    QString text;   // the whole clause, heading line first, lines joined by '\n'
    int firstPage = 0;
    int lastPage = 0;
};

// The clauses of a document in order. A document without headings gives one preamble clause.
QVector<Clause> findClauses(const QVector<PageText>& pages);

// The clause numbers a question names, in order: "第5条和第十二条" -> {5, 12}; "Articles 5 and 12",
// "Clause 5", "Art. 5", "Section 3" too.
QVector<int> referencedClauseNumbers(const QString& question);

// 五 -> 5, 十二 -> 12, 二十 -> 20, 一百零五 -> 105; -1 for anything else.
int chineseNumberValue(const QString& digits);

// "第五条 付款方式 [p.2]" or "Article 5 (Payment) [p.2-3]": how the app names a clause to the
// model.
QString clauseCaption(const Clause& clause);

}  // namespace folio
