#pragma once
// Page citations in model replies: "[p.12]", "[p. 3]", "[pp. 4-6]", "[Document 2, p.5]" and
// "第12页" become Markdown links to folio://doc/<id>/page/<n>, which the app opens in the page
// viewer. Pure functions; thread-safe.
#include <QString>
#include <QVector>

namespace folio {

struct CitationTarget {
    qint64 documentId = 0;
    int pageCount = 0;  // pages outside 1..pageCount are not linked; 0 = unknown (link any)
};

struct Citation {
    qsizetype start = 0;  // UTF-16 offset of the citation in the text
    qsizetype length = 0;
    int document = 0;  // 1-based "Document N" if the citation names one, else 0
    int page = 0;      // the first page cited
};

// Citations in text order. Citations already written as links ("[p.3](...)") are skipped.
QVector<Citation> findCitations(const QString& text);

// Replaces each citation with a Markdown link. A citation without a document number refers to
// the first target; one that names a document outside targets, or a page outside its range, is
// left as it is. withClaims: each link also carries the sentence it supports (citedSentence(),
// see passage_match.h), so that the viewer can highlight the passage on the page.
QString linkifyCitations(const QString& text, const QVector<CitationTarget>& targets,
                         bool withClaims = false);

// folio://doc/<id>/page/<n>, with "?q=<the claim, percent-encoded>" when claim is not empty
// (at most kMaxClaimChars of it).
QString citationUrl(qint64 documentId, int page, const QString& claim = {});
constexpr int kMaxClaimChars = 300;
// Parses a citationUrl(); false for anything else. claim (optional) receives the decoded claim.
bool parseCitationUrl(const QString& url, qint64* documentId, int* page, QString* claim = nullptr);

}  // namespace folio
