#include "app/documents/passage_match.h"

#include <QRegularExpression>
#include <QSet>
#include <algorithm>

#include "app/documents/citations.h"

namespace folio {
namespace {

// A candidate needs this Dice overlap with the claim, and this many shared words, to be
// highlighted: below that the "best" sentence is usually an unrelated one.
constexpr double kMinDice = 0.12;
constexpr int kMinSharedFeatures = 2;
// Quoted text shorter than this (after normalising) is too common to locate a passage.
constexpr int kMinQuoteChars = 6;

// Frequent English words that say nothing about which passage is meant.
const QSet<QString>& stopWords() {
    static const QSet<QString> kWords = {
        "a",     "an",       "the",  "of",   "to",   "in",    "on",     "at",    "by",    "for",
        "and",   "or",       "is",   "are",  "was",  "were",  "be",     "been",  "it",    "its",
        "this",  "that",     "with", "as",   "from", "shall", "will",   "may",   "must",  "not",
        "which", "who",      "has",  "have", "any",  "all",   "such",   "there", "their", "they",
        "page",  "document", "p",    "pp",   "says", "said",  "states", "stated"};
    return kWords;
}

bool isHan(QChar c) {
    return c.script() == QChar::Script_Han;
}

struct Token {
    QString text;
    qsizetype start = 0;
    qsizetype end = 0;  // one past the last character
};

// Runs of letters/digits (lower-cased) and single Han characters, with their offsets.
QVector<Token> tokenize(const QString& text, qsizetype from = 0, qsizetype to = -1) {
    if (to < 0) to = text.size();
    QVector<Token> out;
    qsizetype i = from;
    while (i < to) {
        const QChar c = text[i];
        if (isHan(c)) {
            out.push_back({QString(c), i, i + 1});
            ++i;
        } else if (c.isLetterOrNumber()) {
            qsizetype j = i;
            while (j < to && text[j].isLetterOrNumber() && !isHan(text[j])) ++j;
            out.push_back({text.mid(i, j - i).toLower(), i, j});
            i = j;
        } else {
            ++i;
        }
    }
    return out;
}

// The features compared: content words (no stop words) and pairs of adjacent content words.
QSet<QString> features(const QVector<Token>& tokens) {
    QSet<QString> out;
    QString previous;
    for (const Token& t : tokens) {
        if (stopWords().contains(t.text)) continue;
        out.insert(t.text);
        if (!previous.isEmpty()) out.insert(previous + QLatin1Char(' ') + t.text);
        previous = t.text;
    }
    return out;
}

// Sentence spans of text: ends at . ! ? ; followed by a space (so "5.2" stays whole), at Chinese
// sentence punctuation, and at blank lines. Leading and trailing spaces are trimmed.
QVector<TextSpan> sentences(const QString& text) {
    QVector<TextSpan> out;
    auto push = [&](qsizetype a, qsizetype b) {
        while (a < b && text[a].isSpace()) ++a;
        while (b > a && text[b - 1].isSpace()) --b;
        if (b > a) out.push_back({a, b - a});
    };
    qsizetype start = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        const bool next = i + 1 < text.size();
        // "Clause 9. Warranty" is one sentence: a full stop after a digit numbers a heading.
        const bool digitDot = c == '.' && i > 0 && text[i - 1].isDigit();
        const bool latinEnd = (c == '.' || c == '!' || c == '?' || c == ';') && !digitDot &&
                              (!next || text[i + 1].isSpace());
        const bool hanEnd =
            c == QChar(0x3002) || c == QChar(0xFF01) || c == QChar(0xFF1F) || c == QChar(0xFF1B);
        bool blankLine = false;
        if (c == '\n') {
            qsizetype j = i + 1;
            while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r')) ++j;
            blankLine = j < text.size() && text[j] == '\n';
        }
        if (latinEnd || hanEnd || blankLine) {
            push(start, i + 1);
            start = i + 1;
        }
    }
    push(start, text.size());
    return out;
}

// Lower-cased text with every run of spaces made one space, and where each character came from.
QString normalized(const QString& text, QVector<qsizetype>* origin) {
    QString out;
    bool space = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i].isSpace()) {
            space = !out.isEmpty();
            continue;
        }
        if (space) {
            out += QLatin1Char(' ');
            if (origin) origin->push_back(i);
            space = false;
        }
        out += text[i].toLower();
        if (origin) origin->push_back(i);
    }
    return out;
}

// The first quotation in the claim that occurs on the page.
TextSpan findQuote(const QString& pageText, const QString& claim) {
    static const QRegularExpression kQuote(
        QString::fromUtf8(R"re("([^"]+)"|“([^”]+)”|「([^」]+)」|『([^』]+)』)re"));
    QVector<qsizetype> origin;
    const QString page = normalized(pageText, &origin);
    auto it = kQuote.globalMatch(claim);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        QString quote;
        for (int g = 1; g <= 4 && quote.isEmpty(); ++g) quote = m.captured(g);
        quote = normalized(quote, nullptr);
        if (quote.size() < kMinQuoteChars) continue;
        const qsizetype at = page.indexOf(quote);
        if (at < 0) continue;
        const qsizetype first = origin[at];
        const qsizetype last = origin[at + quote.size() - 1];
        return {first, last + 1 - first};
    }
    return {};
}

double dice(const QSet<QString>& a, const QSet<QString>& b, int* shared) {
    if (a.isEmpty() || b.isEmpty()) return 0;
    int n = 0;
    for (const QString& f : a) n += b.contains(f) ? 1 : 0;
    *shared = n;
    return 2.0 * n / double(a.size() + b.size());
}

}  // namespace

TextSpan findCitedPassage(const QString& pageText, const QString& claim) {
    if (pageText.trimmed().isEmpty() || claim.trimmed().isEmpty()) return {};
    if (TextSpan quoted = findQuote(pageText, claim); !quoted.isEmpty()) return quoted;
    const QSet<QString> wanted = features(tokenize(claim));
    if (wanted.isEmpty()) return {};
    const QVector<TextSpan> parts = sentences(pageText);
    TextSpan best;
    double bestScore = 0;
    // Single sentences first, then adjacent pairs: on a tie the shorter passage stays.
    for (int width = 1; width <= 2; ++width) {
        for (int i = 0; i + width <= parts.size(); ++i) {
            const TextSpan& a = parts[i];
            const TextSpan& b = parts[i + width - 1];
            const TextSpan span{a.start, b.start + b.length - a.start};
            int shared = 0;
            const double score =
                dice(wanted, features(tokenize(pageText, span.start, span.start + span.length)),
                     &shared);
            if (shared >= kMinSharedFeatures && score >= kMinDice && score > bestScore) {
                bestScore = score;
                best = span;
            }
        }
    }
    return best;
}

QString citedSentence(const QString& reply, qsizetype citationStart, qsizetype citationLength) {
    if (citationStart < 0 || citationStart > reply.size()) return {};
    static const QString kEnds = QString::fromUtf8(".!?;\n。！？；");
    auto isEnd = [&](qsizetype i) {
        const QChar c = reply[i];
        if (c == '.') return i + 1 >= reply.size() || reply[i + 1].isSpace();
        return kEnds.contains(c);
    };
    // Before the citation: back over spaces and the end of the sentence it follows, then to
    // the previous sentence end.
    qsizetype end = citationStart;
    while (end > 0 && (reply[end - 1].isSpace() || isEnd(end - 1))) --end;
    qsizetype begin = end;
    while (begin > 0 && !isEnd(begin - 1)) --begin;
    QString sentence = reply.mid(begin, end - begin);
    if (tokenize(sentence).size() < 3) {  // the citation opens its sentence
        qsizetype from = std::min(reply.size(), citationStart + citationLength);
        qsizetype to = from;
        while (to < reply.size() && !isEnd(to)) ++to;
        sentence = reply.mid(from, to - from);
    }
    // Other citations and Markdown emphasis are not part of the claim.
    const QVector<Citation> others = findCitations(sentence);
    for (auto it = others.crbegin(); it != others.crend(); ++it)
        sentence.remove(it->start, it->length);
    static const QRegularExpression kMarkup(
        QString::fromUtf8(R"re([*_`#>]+|^[\s:：,，-]+|\(\s*\)|（\s*）|[\s(（【\[]+$)re"));
    sentence.remove(kMarkup);
    return sentence.simplified();
}

QVector<QRectF> highlightBoxes(const QVector<WordBox>& words, const QString& claim) {
    QString text;
    QVector<qsizetype> starts;
    for (const WordBox& w : words) {
        if (!text.isEmpty()) text += QLatin1Char(' ');
        starts.push_back(text.size());
        text += w.text;
    }
    const TextSpan span = findCitedPassage(text, claim);
    QVector<QRectF> lines;
    if (span.isEmpty()) return lines;
    for (int i = 0; i < words.size(); ++i) {
        const qsizetype a = starts[i];
        const qsizetype b = a + words[i].text.size();
        if (b <= span.start || a >= span.start + span.length) continue;
        const QRectF& r = words[i].rect;
        // Same line: the previous box overlaps this one vertically by at least half its height.
        if (!lines.isEmpty()) {
            QRectF& last = lines.last();
            const double overlap =
                std::min(last.bottom(), r.bottom()) - std::max(last.top(), r.top());
            if (overlap >= 0.5 * std::min(last.height(), r.height()) && r.left() >= last.left()) {
                last = last.united(r);
                continue;
            }
        }
        lines.push_back(r);
    }
    return lines;
}

}  // namespace folio
