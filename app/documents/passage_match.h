#pragma once
// Finding the passage of a page that a reply's sentence cites, so the page viewer can highlight
// it: "The notice period is 90 days [p.4]." -> the sentence on page 4 about the notice period.
//
// Matching works on tokens: runs of letters and digits (lower-cased) and single Chinese
// characters, so English and Chinese text are handled alike. Text quoted in the claim ("…", “…”,
// 「…」) that occurs on the page (case and spacing ignored) wins; otherwise the page is cut into
// sentences and the sentence, or pair of adjacent sentences, whose words and word pairs overlap
// the claim's most (Dice coefficient) is chosen, when it shares enough with the claim.
//
// Pure functions; thread-safe.
#include <QRectF>
#include <QString>
#include <QVector>

namespace folio {

struct TextSpan {
    qsizetype start = 0;  // UTF-16 offset
    qsizetype length = 0;
    bool isEmpty() const { return length <= 0; }
    bool operator==(const TextSpan&) const = default;
};

// The span of pageText the claim refers to; empty when nothing on the page matches it well
// enough (the viewer then shows the page without a highlight).
TextSpan findCitedPassage(const QString& pageText, const QString& claim);

// The sentence of reply that the citation at [citationStart, citationStart + citationLength)
// supports: the text before it back to the previous sentence end ("… is 90 days [p.4]."), or,
// when the citation opens its sentence ("[p.4]: the term …"), the text after it. Other citations
// and Markdown emphasis are removed. Empty when the reply has no words around the citation.
QString citedSentence(const QString& reply, qsizetype citationStart, qsizetype citationLength);

// One word of a page's text layer, as poppler gives it (Poppler::Page::textList()).
struct WordBox {
    QString text;
    QRectF rect;  // in page fractions: x and width / page width, y and height / page height
};

// The rectangles to highlight for the claim, in page fractions: the words of the best-matching
// passage (the words joined by spaces form the page text), merged into one rectangle per line.
// Empty when the passage is not found.
QVector<QRectF> highlightBoxes(const QVector<WordBox>& words, const QString& claim);

}  // namespace folio
