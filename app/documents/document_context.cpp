#include "app/documents/document_context.h"

#include <QRegularExpression>
#include <QSet>
#include <algorithm>

namespace folio {
namespace {

// English words too common to say what a question is about.
const QSet<QString>& stopWords() {
    static const QSet<QString> kWords = {
        "the",     "and",      "for",   "are",   "was",   "were",     "what",  "which", "who",
        "whom",    "whose",    "when",  "where", "why",   "how",      "does",  "did",   "can",
        "could",   "should",   "would", "will",  "shall", "may",      "might", "must",  "this",
        "that",    "these",    "those", "there", "their", "they",     "them",  "with",  "within",
        "without", "from",     "into",  "onto",  "about", "under",    "over",  "than",  "then",
        "any",     "all",      "each",  "some",  "such",  "not",      "nor",   "but",   "you",
        "your",    "our",      "his",   "her",   "its",   "has",      "have",  "had",   "been",
        "being",   "say",      "says",  "said",  "tell",  "document", "page",  "pages", "please",
        "explain", "describe", "give",  "list",  "find",
    };
    return kWords;
}

// Chinese question words and particles removed before making trigrams.
// Longer words first: "多长时间" goes before "多长" would leave "时间".
const char* const kChineseQuestionWords[] = {
    "多长时间", "什么",   "哪些", "哪里", "哪一页", "哪页", "多少", "是否", "怎么", "如何",
    "请问",     "为什么", "文件", "文档", "合同中", "关于", "规定", "约定", "具体", "时间",
    "哪家",     "哪个",   "多长", "多久", "谁",     "吗",   "呢",   "吧",   "的",   "了",
    "是",       "在",     "有",   "？",   "?",      "，",   "、",
};

bool isHan(QChar c) {
    const char16_t u = c.unicode();
    return (u >= 0x4E00 && u <= 0x9FFF) || (u >= 0x3400 && u <= 0x4DBF) ||
           (u >= 0xF900 && u <= 0xFAFF);
}

void addTerm(QStringList& terms, const QString& term) {
    if (!terms.contains(term)) terms << term;
}

void addChineseGrams(QStringList& terms, QString run, int gram) {
    for (const char* word : kChineseQuestionWords) run.replace(QString::fromUtf8(word), " ");
    for (const QString& part : run.split(' ', Qt::SkipEmptyParts)) {
        if (gram <= 0) {  // whole runs
            if (part.size() >= 2) addTerm(terms, part);
            continue;
        }
        if (part.size() < gram) {
            if (part.size() == 2) addTerm(terms, part);  // unicode61 can still match it
            continue;
        }
        for (qsizetype i = 0; i + gram <= part.size(); ++i) addTerm(terms, part.mid(i, gram));
    }
}

// A candidate page: index into documents and into that document's pages.
struct PageRef {
    int doc = 0;
    int page = 0;
    bool operator==(const PageRef& o) const { return doc == o.doc && page == o.page; }
};
using Selection = QVector<QVector<bool>>;  // [doc][page index] included

}  // namespace

QString pageRanges(const QVector<int>& pages) {
    QStringList parts;
    for (qsizetype i = 0; i < pages.size();) {
        qsizetype j = i;
        while (j + 1 < pages.size() && pages[j + 1] == pages[j] + 1) ++j;
        parts << (j == i ? QString::number(pages[i])
                         : QStringLiteral("%1-%2").arg(pages[i]).arg(pages[j]));
        i = j + 1;
    }
    return parts.join(QStringLiteral(", "));
}

namespace {

QString pageBlock(const PageText& page) {
    return pageMarker(page.page) + '\n' + page.text.trimmed() + '\n';
}

QString renderBlock(const QVector<ContextDocument>& docs, const Selection& sel, ContextMode mode) {
    QString out = QStringLiteral(
        "The user attached the documents below. Each page starts with its page marker, such as "
        "[p.1]. Cite the pages you rely on with these markers.\n");
    if (mode == ContextMode::Retrieval)
        out += QStringLiteral(
            "The documents are too long to include in full: only the pages most "
            "relevant to the question are included.\n");
    for (int d = 0; d < docs.size(); ++d) {
        const ContextDocument& doc = docs[d];
        QVector<int> included;
        for (int p = 0; p < doc.pages.size(); ++p)
            if (sel[d][p]) included << doc.pages[p].page;
        // One multi-arg call: chained arg() would replace markers such as "%1" in the title.
        out += QStringLiteral("\n=== Document %1: %2 (%3 pages) ===\n")
                   .arg(QString::number(d + 1), doc.title, QString::number(doc.pages.size()));
        if (mode == ContextMode::Retrieval)
            out += QStringLiteral("Included pages: %1\n")
                       .arg(included.isEmpty() ? QStringLiteral("none") : pageRanges(included));
        for (int p = 0; p < doc.pages.size(); ++p)
            if (sel[d][p]) out += pageBlock(doc.pages[p]);
    }
    out += QStringLiteral("=== End of documents ===\n");
    return out;
}

Selection emptySelection(const QVector<ContextDocument>& docs, bool value) {
    Selection sel;
    for (const ContextDocument& d : docs) sel.push_back(QVector<bool>(d.pages.size(), value));
    return sel;
}

// Candidate pages, most wanted first: retrieval hits, then their neighbours, then the rest in
// document order (so leftover budget still carries context).
QVector<PageRef> candidateOrder(const QString& question, const QVector<ContextDocument>& docs,
                                const PageRanker& rank) {
    QVector<PageRef> hits;
    const QString query = documentSearchQuery(question);
    if (!query.isEmpty() && rank) {
        QVector<qint64> ids;
        for (const ContextDocument& d : docs) ids << d.id;
        for (const PageHit& hit : rank(query, ids)) {
            for (int d = 0; d < docs.size(); ++d) {
                if (docs[d].id != hit.documentId) continue;
                for (int p = 0; p < docs[d].pages.size(); ++p)
                    if (docs[d].pages[p].page == hit.page && !hits.contains(PageRef{d, p}))
                        hits.push_back({d, p});
            }
        }
    }
    QVector<PageRef> order = hits;
    for (const PageRef& h : hits)
        for (int delta : {-1, 1}) {
            const PageRef n{h.doc, h.page + delta};
            if (n.page >= 0 && n.page < docs[h.doc].pages.size() && !order.contains(n)) order << n;
        }
    for (int d = 0; d < docs.size(); ++d)
        for (int p = 0; p < docs[d].pages.size(); ++p)
            if (!order.contains(PageRef{d, p})) order << PageRef{d, p};
    return order;
}

DocumentContext makeContext(const QVector<ContextDocument>& docs, const Selection& sel,
                            ContextMode mode, QString text, int tokens) {
    DocumentContext out;
    out.text = std::move(text);
    out.tokens = tokens;
    out.mode = mode;
    for (int d = 0; d < docs.size(); ++d) {
        UsedPages used{docs[d].id, {}};
        for (int p = 0; p < docs[d].pages.size(); ++p)
            if (sel[d][p]) used.pages << docs[d].pages[p].page;
        if (!used.pages.isEmpty()) out.used << used;
    }
    return out;
}

Expected<DocumentContext> retrieve(const QString& question, const QVector<ContextDocument>& docs,
                                   int budget, const TokenCounter& count, const PageRanker& rank) {
    Selection sel = emptySelection(docs, false);
    const int header = count(renderBlock(docs, sel, ContextMode::Retrieval));
    if (header < 0) return makeError("cannot count tokens: no model is loaded");
    if (header > budget) return DocumentContext{};
    int remaining = budget - header;
    QVector<PageRef> chosen;  // in the order they were picked
    for (const PageRef& ref : candidateOrder(question, docs, rank)) {
        // +4: the page's entry in the "Included pages" list.
        const int cost = count(pageBlock(docs[ref.doc].pages[ref.page])) + 4;
        if (cost > remaining) continue;
        remaining -= cost;
        sel[ref.doc][ref.page] = true;
        chosen << ref;
    }
    // Token counts are not exactly additive: recount the real block, dropping the last-picked
    // pages until it fits.
    for (;;) {
        QString text = renderBlock(docs, sel, ContextMode::Retrieval);
        const int tokens = count(text);
        if (tokens <= budget || chosen.isEmpty()) {
            if (tokens > budget) return DocumentContext{};
            return makeContext(docs, sel, ContextMode::Retrieval, std::move(text), tokens);
        }
        sel[chosen.last().doc][chosen.last().page] = false;
        chosen.removeLast();
    }
}

}  // namespace

int DocumentContext::pagesUsed() const {
    int n = 0;
    for (const UsedPages& u : used) n += int(u.pages.size());
    return n;
}

QString pageMarker(int page) {
    return QStringLiteral("[p.%1]").arg(page);
}

int documentTokenBudget(int contextTokens, int systemTokens, int historyTokens, int replyReserve) {
    return std::max(0, contextTokens - systemTokens - historyTokens - replyReserve);
}

QStringList questionKeyTerms(const QString& question, int chineseGram) {
    QStringList terms;
    const QString q = question.toLower();
    qsizetype i = 0;
    while (i < q.size()) {
        if (isHan(q[i])) {
            qsizetype j = i;
            while (j < q.size() && isHan(q[j])) ++j;
            addChineseGrams(terms, q.mid(i, j - i), chineseGram);
            i = j;
        } else if (q[i].isLetterOrNumber()) {
            qsizetype j = i;
            while (j < q.size() && q[j].isLetterOrNumber() && !isHan(q[j])) ++j;
            const QString word = q.mid(i, j - i);
            if (word.size() >= 3 && !stopWords().contains(word)) addTerm(terms, word);
            i = j;
        } else {
            ++i;
        }
    }
    return terms;
}

QString documentSearchQuery(const QString& question) {
    QStringList quoted;
    for (QString term : questionKeyTerms(question))
        quoted << '"' + term.replace('"', QStringLiteral("\"\"")) + '"';
    return quoted.join(QStringLiteral(" OR "));
}

Expected<DocumentContext> buildDocumentContext(const QString& question,
                                               const QVector<ContextDocument>& documents,
                                               int budgetTokens, const TokenCounter& count,
                                               const PageRanker& rank, int retrievalBudgetTokens) {
    if (budgetTokens <= 0 || documents.isEmpty()) return DocumentContext{};
    const Selection all = emptySelection(documents, true);
    QString whole = renderBlock(documents, all, ContextMode::WholeDocuments);
    const int tokens = count(whole);
    if (tokens < 0) return makeError("cannot count tokens: no model is loaded");
    if (tokens <= budgetTokens)
        return makeContext(documents, all, ContextMode::WholeDocuments, std::move(whole), tokens);
    if (retrievalBudgetTokens > 0) budgetTokens = std::min(budgetTokens, retrievalBudgetTokens);
    return retrieve(question, documents, budgetTokens, count, rank);
}

Expected<QVector<ContextDocument>> conversationDocuments(const DocumentStore& store,
                                                         qint64 conversationId) {
    Expected<QVector<DocumentInfo>> attached = store.attached(conversationId);
    if (!attached) return attached.error();
    QVector<ContextDocument> documents;
    for (const DocumentInfo& info : *attached) {
        Expected<QVector<PageText>> pages = store.pages(info.id);
        if (!pages) return pages.error();
        documents.push_back({info.id, info.title, std::move(*pages)});
    }
    return documents;
}

PageRanker storeRanker(const DocumentStore& store) {
    constexpr int kMaxHits = 200;
    return [&store](const QString& expression, const QVector<qint64>& ids) {
        Expected<QVector<PageHit>> hits = store.search(expression, ids, kMaxHits);
        return hits ? *hits : QVector<PageHit>();
    };
}

Expected<DocumentContext> buildConversationContext(const DocumentStore& store,
                                                   qint64 conversationId, const QString& question,
                                                   int budgetTokens, const TokenCounter& count) {
    Expected<QVector<ContextDocument>> documents = conversationDocuments(store, conversationId);
    if (!documents) return documents.error();
    return buildDocumentContext(question, *documents, budgetTokens, count, storeRanker(store));
}

}  // namespace folio
