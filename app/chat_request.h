#pragma once
// Pure helpers the controller uses to build a generation request: sampling presets, fitting the
// history into the context window, and per-reply statistics. No Qt objects, no engine calls:
// thread-compatible and unit-tested on their own (tests/unit/app_chat_request_test.cpp).
#include <QJsonObject>
#include <QList>
#include <QString>
#include <vector>

#include "engine/runtime/types.h"

namespace folio {

// "qwen3-thinking" | "qwen3-non-thinking" | "precise" | "creative"; unknown names give the
// non-thinking preset.
SamplingParams samplingForPreset(const QString& name);

struct HistoryTurn {
    QString role;     // "user" | "assistant"
    QString content;  // the visible text (earlier thinking is never sent back)
    int tokens = 0;   // token count of content
};

struct HistoryPlan {
    std::vector<ChatMessage> messages;  // system prompt (if any) then the kept turns
    int droppedTurns = 0;               // oldest turns left out to fit
    int promptTokens = 0;               // estimate of what is sent, template overhead included
};

// Keeps the system prompt and the newest turns whose tokens (plus overheadPerMessage each) fit in
// budgetTokens. The last turn is always kept (it is what the user just asked), and the kept part
// never starts with an assistant turn.
HistoryPlan planHistory(const QString& systemPrompt, int systemTokens,
                        const QList<HistoryTurn>& turns, int overheadPerMessage, int budgetTokens);

// --- the context budget: system prompt + history + the reserve for the reply <= context size.

// Tokens held back for the reply: the reply limit, but never more than a quarter of the context.
int replyReserveTokens(int contextSize, int maxReplyTokens);
// Tokens the prompt (system prompt, history, template overhead) may use; >= 0.
int promptBudgetTokens(int contextSize, int maxReplyTokens);
// Upper bound of a summary of earlier turns: 256 tokens, at most an eighth of the prompt budget.
int summaryBudgetTokens(int promptBudget);

// The system prompt sent when earlier turns were summarised: the prompt, then the summary under
// a fixed heading (either part may be empty).
QString systemWithSummary(const QString& systemPrompt, const QString& summary);

// The request asking the model to summarise turns[0, count) (with the summary they extend, if
// any) in at most maxSummaryTokens. When the transcript does not fit in inputBudget tokens every
// turn is shortened in proportion, so that each of them keeps its beginning.
std::vector<ChatMessage> summaryRequest(const QString& previousSummary,
                                        const QList<HistoryTurn>& turns, int count,
                                        int maxSummaryTokens, int inputBudget);

// Statistics of one reply, stored as JSON with the message.
QJsonObject statsJson(const GenerationResult& result);
// "TTFT 120 ms · 35.2 tok/s · 128 tokens"; empty for empty stats.
QString formatStats(const QJsonObject& stats);

}  // namespace folio
