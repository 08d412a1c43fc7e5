#pragma once
// Splits a streamed Qwen3-style reply into its thinking block and the visible answer.
//
// The reply may begin (after optional whitespace) with "<think>"; everything up to "</think>" is
// thinking, the rest is the answer. Tags may arrive split across pieces: the parser holds back
// only the few characters that could still start a tag, so each feed() costs O(piece).
// A "<think>" later in the answer is ordinary text (e.g. code that mentions the tag).
// Not thread-safe; one parser per reply.
#include <QString>

namespace folio {

class ThinkParser {
public:
    // Detect: look for "<think>" at the start. InThinking: the prompt already opened the block
    // (a template, or continuing an unfinished thought), so only "</think>" is expected.
    // InAnswer: everything is answer text (continuing a reply past its thinking).
    enum class Start { Detect, InThinking, InAnswer };
    explicit ThinkParser(Start start = Start::Detect);

    struct Output {
        QString text;                // new answer text
        QString thinking;            // new thinking text
        bool thinkingEnded = false;  // "</think>" was consumed by this call
    };

    Output feed(const QString& piece);
    // End of the reply: releases whatever was held back (an unfinished tag is plain text).
    Output finish();

    bool inThinking() const { return m_phase == Phase::Thinking; }
    bool sawThinking() const { return m_sawThinking; }

private:
    enum class Phase { Start, Thinking, Answer };
    QStringView skipNewlines(const QString& s);  // drops leading whitespace after a tag
    void emitText(Output& out, const QString& s);
    void emitThinking(Output& out, const QString& s);

    Phase m_phase;
    QString m_pending;            // held-back characters that may begin a tag
    bool m_skipNewlines = false;  // drop newlines right after a tag
    bool m_sawThinking = false;
};

}  // namespace folio
