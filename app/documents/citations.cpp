#include "app/documents/citations.h"

#include <QRegularExpression>
#include <QUrl>

#include "app/documents/passage_match.h"

namespace folio {
namespace {

// Each citation form: its pattern, and which capture groups hold the document and page numbers
// (0 = none).
struct CitationForm {
    const char* pattern;
    int documentGroup;
    int pageGroup;
};
const CitationForm kForms[] = {
    // [p.12] [p. 3] [pp. 4-6] [page 7] [Document 2, p.5] [Doc 2 p.5]
    {R"(\[(?:(?:document|doc)\.?\s*(\d+)\s*[,:;]?\s*)?(?:pp?\.|pages?)\s*(\d+)(?:\s*[-–]\s*\d+)?\])",
     1, 2},
    // 第12页, 第 3 页, 文档2第5页
    {R"((?:文档\s*(\d+)\s*)?第\s*(\d+)\s*页)", 1, 2},
};

const QRegularExpression& formRegex(int i) {
    static const QRegularExpression kRegex[] = {
        QRegularExpression(QString::fromUtf8(kForms[0].pattern),
                           QRegularExpression::CaseInsensitiveOption),
        QRegularExpression(QString::fromUtf8(kForms[1].pattern)),
    };
    return kRegex[i];
}

}  // namespace

QVector<Citation> findCitations(const QString& text) {
    QVector<Citation> found;
    for (int f = 0; f < int(std::size(kForms)); ++f) {
        auto it = formRegex(f).globalMatch(text);
        while (it.hasNext()) {
            const QRegularExpressionMatch m = it.next();
            const qsizetype end = m.capturedEnd(0);
            if (end < text.size() && text[end] == '(') continue;  // already a Markdown link
            Citation c;
            c.start = m.capturedStart(0);
            c.length = m.capturedLength(0);
            c.document = m.captured(kForms[f].documentGroup).toInt();
            c.page = m.captured(kForms[f].pageGroup).toInt();
            found.push_back(c);
        }
    }
    std::sort(found.begin(), found.end(),
              [](const Citation& a, const Citation& b) { return a.start < b.start; });
    // A "第N页" inside a bracketed citation would overlap it; keep the first.
    QVector<Citation> out;
    for (const Citation& c : found)
        if (out.isEmpty() || c.start >= out.last().start + out.last().length) out.push_back(c);
    return out;
}

QString linkifyCitations(const QString& text, const QVector<CitationTarget>& targets,
                         bool withClaims) {
    if (targets.isEmpty()) return text;
    QString out;
    qsizetype pos = 0;
    for (const Citation& c : findCitations(text)) {
        const int index = c.document == 0 ? 0 : c.document - 1;
        if (index >= targets.size()) continue;
        const CitationTarget& t = targets[index];
        if (c.page < 1 || (t.pageCount > 0 && c.page > t.pageCount)) continue;
        const QString label = text.mid(c.start, c.length);
        out += text.mid(pos, c.start - pos);
        // Markdown link text may not hold unescaped brackets.
        QString inner = label;
        if (inner.startsWith('[') && inner.endsWith(']')) inner = inner.mid(1, inner.size() - 2);
        const QString claim = withClaims ? citedSentence(text, c.start, c.length) : QString();
        out += QStringLiteral("[%1](%2)").arg(inner, citationUrl(t.documentId, c.page, claim));
        pos = c.start + c.length;
    }
    out += text.mid(pos);
    return out;
}

QString citationUrl(qint64 documentId, int page, const QString& claim) {
    QString url = QStringLiteral("folio://doc/%1/page/%2").arg(documentId).arg(page);
    if (!claim.isEmpty())
        url += QStringLiteral("?q=") +
               QString::fromLatin1(QUrl::toPercentEncoding(claim.left(kMaxClaimChars)));
    return url;
}

bool parseCitationUrl(const QString& url, qint64* documentId, int* page, QString* claim) {
    static const QRegularExpression kUrl(
        QStringLiteral("^folio://doc/(\\d+)/page/(\\d+)(?:\\?q=([A-Za-z0-9%._~-]*))?$"));
    const QRegularExpressionMatch m = kUrl.match(url);
    if (!m.hasMatch()) return false;
    bool okId = false;
    bool okPage = false;
    const qint64 id = m.captured(1).toLongLong(&okId);
    const int p = m.captured(2).toInt(&okPage);
    if (!okId || !okPage || p < 1) return false;
    if (documentId) *documentId = id;
    if (page) *page = p;
    if (claim) *claim = QUrl::fromPercentEncoding(m.captured(3).toLatin1());
    return true;
}

}  // namespace folio
