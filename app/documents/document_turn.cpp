#include "app/documents/document_turn.h"

#include <QLocale>
#include <QRegularExpression>
#include <QSet>
#include <algorithm>
#include <cmath>

#include "app/documents/calculation.h"
#include "app/documents/citations.h"
#include "app/documents/passage_match.h"

namespace folio {
namespace {

constexpr int kMaxFocusClauses = 3;
constexpr int kMaxQuoteChars = 700;    // of one quoted clause
constexpr int kLongClauseChars = 300;  // longer clauses are quoted by their matching sentences
constexpr int kMaxCandidates = 6;      // pairs put before the model for "list all conflicts"
// A clause is about the question when it holds this share of the weight of the question's
// telling terms (half: "institution" may be missing where "arbitration" and "dispute" are not).
constexpr double kMinFocusShare = 0.5;
// ... or this much weight on its own (about two terms that few clauses hold): a long question
// may hold words no clause has while its subject is there.
constexpr double kMinFocusWeight = 4.0;

bool isChinese(const QString& text) {
    for (QChar c : text)
        if (c.unicode() >= 0x4E00 && c.unicode() <= 0x9FFF) return true;
    return false;
}

// The fixed texts of the focus, per language.
struct FocusTexts {
    const char* excerpts;
    const char* differ;
    const char* agree;
    const char* noShared;
    const char* candidates;
    const char* candidate;
    const char* usesDefinition;
    const char* noCandidates;
    const char* notFound;
    const char* question;
    const char* cite;
    const char* answer;
    const char* judge;
    const char* judgeDiffer;
    const char* judgeAgree;
    const char* judgeList;
    const char* judgeNone;
    const char* sources;
    // How the reply begins when Folio's search or check has decided (DocumentTurn::answerStart).
    const char* startNotStated;
    const char* startConflict;
    const char* startNoConflict;
    const char* startList;
    const char* startNoList;
};
const FocusTexts kEnglish = {
    "Excerpts quoted from the document:",
    "Folio's check: %1 says %2, but %3 says %4 (the %5). These clauses conflict.",
    "Folio's check: %1 and %2 both say %3 (the %4), so they do not conflict on it.",
    "Folio's check: the two clauses state no value about the same subject.",
    "Folio's check found these clauses that state different values for the same subject:",
    "%1 and %2: the %3 is %4 in one and %5 in the other.",
    "Folio's check: %2 uses “%3” as %1 defines it (%4) and does not define it otherwise, so they "
    "do not conflict on it.",
    "Folio's check found no two clauses that state different values for the same subject.",
    "Folio searched every page: the document does not mention this. Answer: \"The document does "
    "not state this.\"",
    "Question: ",
    "Answer in one or two sentences, using only the document, and end each sentence with the page "
    "it comes from in square brackets.",
    "Answer in one sentence, from the excerpts and the document.",
    "Say whether they conflict and why, quoting both clauses with their pages.",
    "Begin your answer with \"Yes, they conflict:\" and give both values with their pages.",
    "Begin your answer with \"No, they do not conflict:\" and give the value with both pages.",
    "List each conflict found above: the two clauses with their pages and the two values.",
    "Answer: \"Folio found no clauses that contradict each other.\"",
    "Clauses compared:",
    "The document does not state this.",
    "Yes, they conflict:",
    "No, they do not conflict:",
    "These clauses contradict each other:\n1.",
    "Folio found no clauses that contradict each other.",
};
const FocusTexts kChinese = {
    "文档原文摘录：",
    "Folio 核对：%1规定%2，而%3规定%4（%5）。这两条存在冲突。",
    "Folio 核对：%1和%2都规定%3（%4），两条在这一点上不冲突。",
    "Folio 核对：两条没有关于同一事项的数值。",
    "Folio 核对发现以下条款就同一事项规定了不同的值：",
    "%1与%2：%3分别为%4和%5，不一致。",
    "Folio 核对：%2使用的“%3”即%1所定义的%4，没有另行定义，两条在这一点上不冲突。",
    "Folio 核对没有发现就同一事项规定不同值的条款。",
    "Folio 检索了每一页：文档中没有相关内容。请回答：“文档中未提及。”",
    "问题：",
    "请只依据文档，用一两句话回答，每句末尾用方括号注明所在页码。",
    "请依据上面的摘录和文档，用一句话回答。",
    "请说明是否存在冲突及原因，并引用两条原文及页码。",
    "请以“是的，存在冲突：”开头回答，并写出两个不同的值及页码。",
    "请以“不存在冲突：”开头回答，并写出两条共同的值及页码。",
    "请逐条列出上面找到的冲突：两个条款及页码、两个不同的值。",
    "请回答：“没有发现相互矛盾的条款。”",
    "比对的条款：",
    "文档中未提及。",
    "是的，存在冲突：",
    "不存在冲突：",
    "以下条款相互矛盾：\n1.",
    "没有发现相互矛盾的条款。",
};

const FocusTexts& textsFor(bool chinese) {
    return chinese ? kChinese : kEnglish;
}

QString valueText(const QString& value, bool chinese) {
    if (value.startsWith(QChar(0x201C))) return value;  // a definition, quoted as written
    bool isNumber = false;
    const qlonglong amount = value.toLongLong(&isNumber);
    if (isNumber && amount >= 10000)
        return QLocale(QLocale::English).toString(amount);  // 1,280,000
    if (!chinese) return value;
    static const struct {
        const char* en;
        const char* zh;
    } kUnits[] = {{" business days", "个工作日"},
                  {" days", "日"},
                  {" months", "个月"},
                  {" years", "年"},
                  {"arbitration", "仲裁"},
                  {"court", "诉讼（法院）"}};
    QString v = value;
    for (const auto& u : kUnits) v.replace(QString::fromUtf8(u.en), QString::fromUtf8(u.zh));
    return v;
}

// A clause of one document: which document, which clause.
struct ClauseRef {
    int document = 0;
    int clause = 0;
};

// The clause as quoted to the model and the reader. A long clause (a paper's section) is cut to
// its sentences that hold one of the terms, so a small model is not buried in filler.
QString quoted(const Clause& clause, const QStringList& terms = {}) {
    QString text = clause.text;
    const qsizetype heading = text.indexOf('\n');  // the caption already names the heading
    if (heading > 0 && heading < 80) text = text.mid(heading + 1);
    text = text.simplified();
    if (text.size() > kLongClauseChars && !terms.isEmpty()) {
        static const QRegularExpression kEnd(QStringLiteral(R"((?<=[。；！？!?])|(?<=\.)\s+)"));
        QStringList kept;
        for (const QString& sentence : text.split(kEnd, Qt::SkipEmptyParts))
            if (std::any_of(terms.begin(), terms.end(), [&](const QString& t) {
                    return sentence.contains(t, Qt::CaseInsensitive);
                }))
                kept << sentence.trimmed();
        if (!kept.isEmpty()) text = kept.join(QStringLiteral(" \u2026 "));
    }
    if (text.size() > kMaxQuoteChars) text = text.left(kMaxQuoteChars) + QChar(0x2026);
    return clauseCaption(clause) + QStringLiteral(": \u00ab") + text + QStringLiteral("\u00bb");
}

// Clauses the question is about: the ones it names by number, else the ones sharing most of its
// key terms (the title counts three times).
struct Focus {
    QVector<ClauseRef> clauses;
    QStringList terms;      // the question's telling terms (for quoting long clauses)
    bool notFound = false;  // the question has telling terms and no clause holds enough of them
};

// A run of Chinese question text cut into words: the longest pieces (2+ characters) the document
// has, left to right; what lies between them is kept as one piece the document lacks ("项目经理" ->
// "项目", "经理" when the document has "项目" only). No dictionary: the document is the dictionary.
QStringList chineseSegments(const QString& run, const QString& documentText) {
    QStringList out;
    QString missing;
    auto flush = [&] {
        if (missing.size() >= 2) out << missing;
        missing.clear();
    };
    for (qsizetype i = 0; i < run.size();) {
        qsizetype best = 0;
        for (qsizetype len = std::min<qsizetype>(run.size() - i, 8); len >= 2 && best == 0; --len)
            if (documentText.contains(run.mid(i, len))) best = len;
        if (best == 0) {
            missing += run[i++];
            continue;
        }
        flush();
        out << run.mid(i, best);
        i += best;
    }
    flush();
    return out;
}

// pair: the question compares two parts; the two best clauses are taken even when the second is
// a weak match.
Focus focusClauses(const QString& question, const QVector<QVector<Clause>>& clauses, bool pair) {
    Focus focus;
    QVector<ClauseRef>& out = focus.clauses;
    for (int n : referencedClauseNumbers(question))
        for (int d = 0; d < clauses.size(); ++d)
            for (int c = 0; c < clauses[d].size(); ++c)
                if (clauses[d][c].number == n && !clauses[d][c].label.isEmpty() &&
                    out.size() < kMaxFocusClauses) {
                    out << ClauseRef{d, c};  // the first clause of that number in each document
                    break;
                }
    if (!out.isEmpty()) return focus;
    // Key terms weighted by how few clauses contain them: "合同" or "agreement" in every clause
    // says nothing about which clause is meant, and a term in no clause at all ("保险",
    // "insurance") weighs most. English words are matched by their first five letters ("arbitrates"
    // finds "arbitration"), Chinese by character pairs.
    QString all;  // every clause, to cut the question's Chinese runs into words the document has
    for (const QVector<Clause>& doc : clauses)
        for (const Clause& c : doc) all += c.text.toLower() + '\n';
    QStringList terms;
    for (const QString& t : questionKeyTerms(question, 0)) {
        const QStringList parts = isChinese(t) ? chineseSegments(t, all) : QStringList{t.left(5)};
        for (const QString& part : parts)
            if (!terms.contains(part)) terms << part;
    }
    int total = 0;
    for (const QVector<Clause>& doc : clauses) total += int(doc.size());
    QVector<double> weight(terms.size(), 0);
    double informative = 0;  // the weight of the question's telling terms
    for (int i = 0; i < terms.size(); ++i) {
        int df = 0;
        for (const QVector<Clause>& doc : clauses)
            for (const Clause& c : doc) df += c.text.contains(terms[i], Qt::CaseInsensitive);
        if (df * 3 <= total * 2) weight[i] = std::log((total + 1.0) / (df + 0.5));
        informative += weight[i];
    }
    struct Scored {
        ClauseRef ref;
        double score;
    };
    QVector<Scored> scored;
    for (int d = 0; d < clauses.size(); ++d)
        for (int c = 0; c < clauses[d].size(); ++c) {
            double found = 0;
            double score = 0;
            for (int i = 0; i < terms.size(); ++i) {
                if (weight[i] <= 0 || !clauses[d][c].text.contains(terms[i], Qt::CaseInsensitive))
                    continue;
                found += weight[i];
                score += weight[i] *
                         (clauses[d][c].title.contains(terms[i], Qt::CaseInsensitive) ? 3 : 1);
            }
            if (found > 0 &&
                (pair || found >= kMinFocusShare * informative || found >= kMinFocusWeight))
                scored << Scored{{d, c}, score};
        }
    focus.notFound = informative > 0 && scored.isEmpty();
    for (int i = 0; i < terms.size(); ++i)
        if (weight[i] > 0) focus.terms << terms[i];
    std::stable_sort(scored.begin(), scored.end(),
                     [](const Scored& a, const Scored& b) { return a.score > b.score; });
    // Only clauses close to the best (a weak match is noise for a small model), but the two best
    // for a comparison ("do the abstract and the dataset section agree?").
    for (const Scored& s : scored)
        if (out.size() < 2 && (pair || s.score * 2 >= scored.first().score)) out << s.ref;
    return focus;
}

QString pairLine(const FocusTexts& t, const QVector<Clause>& clauses, const ClausePair& p,
                 bool differ, bool chinese) {
    const QString a = clauseCaption(clauses[p.first]);
    const QString b = clauseCaption(clauses[p.second]);
    const QString subject = subjectName(p.subject, chinese ? "zh_CN" : "en");
    if (differ)
        return QString::fromUtf8(t.differ).arg(a, valueText(p.firstValue, chinese), b,
                                               valueText(p.secondValue, chinese), subject);
    if (p.usesDefinition)
        return QString::fromUtf8(t.usesDefinition).arg(a, b, definedTerm(p.subject), p.firstValue);
    return QString::fromUtf8(t.agree).arg(a, b, valueText(p.firstValue, chinese), subject);
}

// Pages first..last of a document into `pages` (one entry per document, pages ascending).
void addPages(QVector<UsedPages>& pages, qint64 documentId, int first, int last) {
    auto it = std::find_if(pages.begin(), pages.end(),
                           [&](const UsedPages& u) { return u.documentId == documentId; });
    if (it == pages.end()) it = pages.insert(pages.end(), UsedPages{documentId, {}});
    for (int p = first; p <= last; ++p)
        if (!it->pages.contains(p)) it->pages << p;
    std::sort(it->pages.begin(), it->pages.end());
}

// The pages the model read: the block's and those of the clauses quoted after the question (in
// retrieval mode they may lie outside the block; reading whole, the block has them already).
QVector<UsedPages> pagesRead(const DocumentTurn& turn) {
    QVector<UsedPages> read = turn.context.used;
    for (const UsedPages& quoted : turn.quotedPages)
        for (int page : quoted.pages) addPages(read, quoted.documentId, page, page);
    return read;
}

// The clauses a conflict answer relies on (the two named, then those of every candidate pair),
// quoted with their pages: computed here, where the clause table is at hand, and shown after
// the reply by finishDocumentAnswer.
QStringList comparedQuotes(const QVector<Clause>& clauses, QVector<int> shown,
                           const QVector<ClausePair>& pairs) {
    for (const ClausePair& p : pairs)
        for (int c : {p.first, p.second})
            if (!shown.contains(c)) shown << c;
    QStringList out;
    for (int c : shown) out << quoted(clauses[c]);
    return out;
}

void addConflictFocus(DocumentTurn& turn, const QVector<QVector<Clause>>& clauses,
                      const QVector<ClauseRef>& focus, bool chinese, QStringList& lines) {
    const FocusTexts& t = textsFor(chinese);
    if (focus.size() >= 2 && focus[0].document == focus[1].document) {
        const QVector<Clause>& doc = clauses[focus[0].document];
        const PairComparison c = compareClauses(doc, focus[0].clause, focus[1].clause);
        for (const ClausePair& p : c.differing) lines << pairLine(t, doc, p, true, chinese);
        // A term used as defined says nothing more next to a conflict, and with both lines in
        // front of it the 1.5B model began "yes, they conflict" and ended "they do not".
        for (const ClausePair& p : c.agreeing)
            if (!p.usesDefinition || c.differing.isEmpty())
                lines << pairLine(t, doc, p, false, chinese);
        if (c.differing.isEmpty() && c.agreeing.isEmpty()) lines << QString::fromUtf8(t.noShared);
        turn.candidates = c.differing;
        turn.checkedAgreeing = c.differing.isEmpty() && !c.agreeing.isEmpty();
        turn.comparedClauses = comparedQuotes(doc, {focus[0].clause, focus[1].clause}, c.differing);
        return;
    }
    // No two clauses named: every candidate pair of the (first) document.
    for (int d = 0; d < clauses.size(); ++d) {
        const QVector<ClausePair> pairs = findConflictCandidates(clauses[d]);
        if (pairs.isEmpty()) continue;
        lines << QString::fromUtf8(t.candidates);
        int n = 0;
        for (const ClausePair& p : pairs) {
            if (n++ >= kMaxCandidates) break;
            lines << QStringLiteral("%1. ").arg(n) +
                         QString::fromUtf8(t.candidate)
                             .arg(clauseCaption(clauses[d][p.first]),
                                  clauseCaption(clauses[d][p.second]),
                                  subjectName(p.subject, chinese ? "zh_CN" : "en"),
                                  valueText(p.firstValue, chinese),
                                  valueText(p.secondValue, chinese));
            turn.candidates << p;
        }
        turn.comparedClauses = comparedQuotes(clauses[d], {}, turn.candidates);
        return;
    }
    lines << QString::fromUtf8(t.noCandidates);
}

// "List all conflicts", "有哪些矛盾": no pair named, every candidate wanted.
bool isListQuestion(const QString& question) {
    static const QRegularExpression kList(
        QStringLiteral(R"(\ball\b|\blist\b|\bany\b|所有|全部|列出|哪些|有无)"),
        QRegularExpression::CaseInsensitiveOption);
    return kList.match(question).hasMatch();
}

QString focusText(DocumentTurn& turn, const QString& question, const DocumentTurnOptions& options) {
    const bool chinese = isChinese(question);
    const FocusTexts& t = textsFor(chinese);
    QVector<QVector<Clause>> clauses;
    for (const ContextDocument& d : turn.documents) clauses << findClauses(d.pages);
    const bool conflict = options.conflictCandidates && turn.kind == QuestionKind::Conflict;
    const Focus found = focusClauses(question, clauses, conflict && !isListQuestion(question));
    const QVector<ClauseRef>& focus = found.clauses;
    QStringList lines;
    // "List all conflicts" names no clause: excerpts matched on its words would be noise.
    const bool quote = !focus.isEmpty() && (!conflict || focus.size() >= 2 ||
                                            !referencedClauseNumbers(question).isEmpty());
    if (options.focusExcerpts && quote) {
        lines << QString::fromUtf8(t.excerpts);
        for (const ClauseRef& r : focus) {
            const Clause& clause = clauses[r.document][r.clause];
            lines << quoted(clause, found.terms);
            addPages(turn.quotedPages, turn.documents[r.document].id, clause.firstPage,
                     clause.lastPage);
        }
    }
    if (conflict) addConflictFocus(turn, clauses, focus, chinese, lines);
    // A figure the question asks to compute (the penalty for N days): Folio computes it.
    std::optional<Calculation> calculation;
    if (options.calculations && !conflict)
        calculation = latePaymentPenalty(question, clauses, chinese);
    if (calculation) lines << calculation->promptLine;
    const bool notFound = found.notFound && !calculation;
    if (options.focusExcerpts && notFound && !conflict) lines << QString::fromUtf8(t.notFound);
    if (lines.isEmpty() && !options.citeInstruction) return question;
    // The question last but for the rule: a small model follows what it read most recently.
    if (!lines.isEmpty()) lines << QString();
    lines << QString::fromUtf8(t.question) + question;
    const bool namedPair = focus.size() >= 2;
    // A small model follows the check when told how to begin; the check is what decides.
    const char* judge = !namedPair ? (turn.candidates.isEmpty() ? t.judgeNone : t.judgeList)
                        : !turn.candidates.isEmpty() ? t.judgeDiffer
                        : turn.checkedAgreeing       ? t.judgeAgree
                                                     : t.judge;
    if (conflict)
        lines << QString::fromUtf8(judge);
    else if (!notFound && (options.citeInstruction || quote))
        lines << QString::fromUtf8(options.citeInstruction ? t.cite : t.answer);
    if (options.steerAnswers) {
        const char* start = nullptr;
        if (conflict)
            start = !namedPair ? (turn.candidates.isEmpty() ? t.startNoList : t.startList)
                    : !turn.candidates.isEmpty() ? t.startConflict
                    : turn.checkedAgreeing       ? t.startNoConflict
                                                 : nullptr;
        else if (notFound && options.focusExcerpts)
            start = t.startNotStated;
        if (start) turn.answerStart = QString::fromUtf8(start);
        if (calculation) turn.answerStart = calculation->answerStart;
    }
    return lines.join('\n');
}

// --- citations -----------------------------------------------------------------------------

// Features of text for matching a statement to a page: numbers, words of 2+ letters, and pairs of
// adjacent Chinese characters.
QSet<QString> features(const QString& text) {
    QSet<QString> out;
    static const QRegularExpression kWord(
        QStringLiteral(R"([0-9][0-9,.]*[0-9]|[0-9]|[A-Za-z]{2,}|[\x{4E00}-\x{9FFF}]+)"));
    auto it = kWord.globalMatch(text.toLower());
    while (it.hasNext()) {
        const QString w = it.next().captured(0);
        if (w.at(0).unicode() >= 0x4E00) {
            for (qsizetype i = 0; i + 2 <= w.size(); ++i) out.insert(w.mid(i, 2));
        } else {
            QString v = w;
            out.insert(v.remove(','));
        }
    }
    return out;
}

bool hasDigit(const QString& s) {
    return std::any_of(s.begin(), s.end(), [](QChar c) { return c.isDigit(); });
}

// The page of the context that best supports the statement, or 0. A number of the statement
// missing from the page rules the page out.
int supportingPage(const QString& statement, const DocumentTurn& turn) {
    // "第13条" / "Article 13" name a clause, and the page may write it "第十三条".
    static const QRegularExpression kClauseRef(
        QStringLiteral(
            R"(第\s*[0-9]+\s*条|(?:Article|Clause|Section|Art\.)\s*[0-9]+(?:\.[0-9]+)*)"),
        QRegularExpression::CaseInsensitiveOption);
    QString text = statement;
    text.remove(kClauseRef);
    const QSet<QString> want = features(text);
    if (want.size() < 3) return 0;
    int best = 0;
    double bestScore = 0;
    for (const UsedPages& used : pagesRead(turn))
        for (const ContextDocument& doc : turn.documents) {
            if (doc.id != used.documentId) continue;
            for (const PageText& page : doc.pages) {
                if (!used.pages.contains(page.page)) continue;
                const QSet<QString> have = features(page.text);
                int shared = 0;
                bool numbersFound = true;
                for (const QString& f : want) {
                    if (have.contains(f))
                        ++shared;
                    else if (hasDigit(f) && f.size() >= 2)
                        numbersFound = false;
                }
                const double score = double(shared) / want.size();
                if (numbersFound && score > bestScore) {
                    bestScore = score;
                    best = page.page;
                }
            }
        }
    return bestScore >= 0.5 ? best : 0;
}

const PageText* findPage(const DocumentTurn& turn, int page) {
    for (const ContextDocument& doc : turn.documents)
        for (const PageText& p : doc.pages)
            if (p.page == page) return &p;
    return nullptr;
}

// Statements (sentences or list items) of the answer, as [start, end) offsets.
QVector<QPair<qsizetype, qsizetype>> statements(const QString& text) {
    QVector<QPair<qsizetype, qsizetype>> out;
    qsizetype start = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        const bool end =
            c == '\n' || c == QChar(0x3002) || c == QChar(0xFF1B) ||
            ((c == '.' || c == ';') && (i + 1 == text.size() || text[i + 1].isSpace()) &&
             !(i > 0 && text[i - 1].isDigit() && i + 1 < text.size() && text[i + 1].isDigit()));
        if (end) {
            out << qMakePair(start, i);
            start = i + 1;
        }
    }
    if (start < text.size()) out << qMakePair(start, text.size());
    return out;
}

QString checkCitations(const QString& answer, const DocumentTurn& turn, bool chinese) {
    const QString unverified =
        chinese ? QStringLiteral("（未核实）") : QStringLiteral(" (unverified)");
    QString out;
    qsizetype copied = 0;
    for (const auto& [start, end] : statements(answer)) {
        const QString statement = answer.mid(start, end - start);
        const QVector<Citation> cites = findCitations(statement);
        out += answer.mid(copied, start - copied);
        copied = start;
        if (cites.isEmpty()) {
            const int page = supportingPage(statement, turn);
            out += statement;
            if (page > 0) {
                // Before trailing spaces, so the citation sits at the statement's end.
                while (out.endsWith(' ')) out.chop(1);
                out += QStringLiteral(" [p.%1]").arg(page);
            }
            copied = end;
            continue;
        }
        // Each citation: kept when its page supports the statement, else marked unverified.
        qsizetype pos = 0;
        bool anyVerified = false;
        for (const Citation& c : cites) {
            out += statement.mid(pos, c.start + c.length - pos);
            pos = c.start + c.length;
            const PageText* page = findPage(turn, c.page);
            const QString claim = citedSentence(statement, c.start, c.length);
            const bool ok =
                page &&
                !findCitedPassage(page->text, claim.isEmpty() ? statement : claim).isEmpty();
            if (ok)
                anyVerified = true;
            else
                out += unverified;
        }
        out += statement.mid(pos);
        if (!anyVerified) {
            const int page = supportingPage(statement, turn);
            if (page > 0) out += QStringLiteral(" [p.%1]").arg(page);
        }
        copied = end;
    }
    out += answer.mid(copied);
    return out;
}

}  // namespace

bool isConflictQuestion(const QString& question) {
    static const QRegularExpression kConflict(
        QStringLiteral(
            R"(冲突|矛盾|不一致|是否一致|相符|抵触|conflict|contradict|inconsisten|consistent|discrepanc|the same)"),
        QRegularExpression::CaseInsensitiveOption);
    return kConflict.match(question).hasMatch();
}

Expected<DocumentTurn> prepareDocumentTurn(const QString& question,
                                           const QVector<ContextDocument>& documents,
                                           int budgetTokens, const TokenCounter& count,
                                           const PageRanker& rank,
                                           const DocumentTurnOptions& options) {
    DocumentTurn turn;
    turn.userMessage = question;
    turn.documents = documents;
    turn.kind = isConflictQuestion(question) ? QuestionKind::Conflict : QuestionKind::General;
    Expected<DocumentContext> context = buildDocumentContext(
        question, documents, budgetTokens, count, rank, options.retrievalBudgetTokens);
    if (!context) return context.error();
    turn.context = std::move(*context);
    turn.systemBlock = turn.context.text;
    if (turn.systemBlock.isEmpty()) return turn;
    turn.userMessage = focusText(turn, question, options);
    return turn;
}

QJsonObject documentTurnStats(const DocumentTurn& turn) {
    if (turn.systemBlock.isEmpty()) return {};
    QStringList pages;
    for (const UsedPages& u : pagesRead(turn)) pages << pageRanges(u.pages);
    return QJsonObject{
        {"documentTokens", turn.context.tokens},
        {"documentMode", turn.context.mode == ContextMode::Retrieval ? "retrieval" : "whole"},
        {"documentPages", pages.join(QStringLiteral("; "))},
    };
}

QString finishDocumentAnswer(const QString& answer, const DocumentTurn& turn,
                             const DocumentTurnOptions& options) {
    if (turn.systemBlock.isEmpty()) return answer;
    const bool chinese = isChinese(turn.userMessage);
    QString out = options.checkCitations ? checkCitations(answer, turn, chinese) : answer;
    if (options.conflictCandidates && !turn.comparedClauses.isEmpty()) {
        // The clauses compared, so the reader can check the judgement.
        QStringList lines{QString(), QString::fromUtf8(textsFor(chinese).sources)};
        for (const QString& clause : turn.comparedClauses) lines << QStringLiteral("- ") + clause;
        out = out.trimmed() + '\n' + lines.join('\n');
    }
    return out;
}

}  // namespace folio
