#include "app/think_parser.h"

#include <algorithm>

namespace folio {
namespace {

const QString kOpen = QStringLiteral("<think>");
const QString kClose = QStringLiteral("</think>");

// Length of the longest suffix of s that is a proper prefix of tag.
qsizetype partialTagSuffix(const QString& s, const QString& tag) {
    for (qsizetype n = std::min(s.size(), tag.size() - 1); n > 0; --n)
        if (QStringView(s).right(n) == QStringView(tag).left(n)) return n;
    return 0;
}

}  // namespace

ThinkParser::ThinkParser(Start start)
    : m_phase(start == Start::InThinking ? Phase::Thinking
              : start == Start::InAnswer ? Phase::Answer
                                         : Phase::Start),
      m_skipNewlines(start == Start::InThinking),
      m_sawThinking(start == Start::InThinking) {}

QStringView ThinkParser::skipNewlines(const QString& s) {
    qsizetype from = 0;
    if (m_skipNewlines) {
        while (from < s.size() && s[from].isSpace()) ++from;
        if (from < s.size()) m_skipNewlines = false;
    }
    return QStringView(s).mid(from);
}

void ThinkParser::emitText(Output& out, const QString& s) {
    out.text += skipNewlines(s);
}

void ThinkParser::emitThinking(Output& out, const QString& s) {
    out.thinking += skipNewlines(s);
}

ThinkParser::Output ThinkParser::feed(const QString& piece) {
    Output out;
    QString buffer = m_pending + piece;
    m_pending.clear();
    if (m_phase == Phase::Start) {
        qsizetype i = 0;
        while (i < buffer.size() && buffer[i].isSpace()) ++i;
        const QStringView rest = QStringView(buffer).mid(i);
        if (rest.startsWith(kOpen)) {
            m_phase = Phase::Thinking;
            m_sawThinking = true;
            m_skipNewlines = true;
            buffer = rest.mid(kOpen.size()).toString();
        } else if (QStringView(kOpen).startsWith(rest)) {
            m_pending = buffer;  // whitespace or a partial "<think>": wait for more
            return out;
        } else {
            m_phase = Phase::Answer;
        }
    }
    if (m_phase == Phase::Thinking) {
        const qsizetype close = buffer.indexOf(kClose);
        if (close < 0) {
            const qsizetype hold = partialTagSuffix(buffer, kClose);
            emitThinking(out, buffer.left(buffer.size() - hold));
            m_pending = buffer.right(hold);
            return out;
        }
        emitThinking(out, buffer.left(close));
        out.thinkingEnded = true;
        m_phase = Phase::Answer;
        m_skipNewlines = true;
        buffer = buffer.mid(close + kClose.size());
    }
    emitText(out, buffer);
    return out;
}

ThinkParser::Output ThinkParser::finish() {
    Output out;
    const QString rest = m_pending;
    m_pending.clear();
    if (m_phase == Phase::Thinking)
        emitThinking(out, rest);
    else
        emitText(out, rest);
    return out;
}

}  // namespace folio
