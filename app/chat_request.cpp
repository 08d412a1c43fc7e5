#include "app/chat_request.h"

#include <algorithm>

namespace folio {
namespace {

struct Preset {
    const char* name;
    SamplingParams (*make)();
};

SamplingParams precise() { return {0.2f, 20, 0.9f, 0.0f, 0, 1.0f, 64, 0, {}}; }
SamplingParams creative() { return {1.0f, 40, 0.95f, 0.0f, 0, 1.0f, 64, 0, {}}; }

const Preset kPresets[] = {
    {"qwen3-thinking", &SamplingParams::qwen3Thinking},
    {"qwen3-non-thinking", &SamplingParams::qwen3NonThinking},
    {"precise", &precise},
    {"creative", &creative},
};

const char* const kReasonNames[] = {"end", "stop", "length", "cancelled", "error"};

}  // namespace

SamplingParams samplingForPreset(const QString& name) {
    for (const Preset& p : kPresets)
        if (name == p.name) return p.make();
    return SamplingParams::qwen3NonThinking();
}

HistoryPlan planHistory(const QString& systemPrompt, int systemTokens, const QList<HistoryTurn>& turns,
                        int overheadPerMessage, int budgetTokens) {
    HistoryPlan plan;
    int used = systemPrompt.isEmpty() ? 0 : systemTokens + overheadPerMessage;
    // Walk back from the newest turn while it fits; the newest one is kept regardless.
    qsizetype first = turns.size();
    while (first > 0) {
        const int cost = turns[first - 1].tokens + overheadPerMessage;
        if (first < turns.size() && used + cost > budgetTokens) break;
        used += cost;
        --first;
    }
    while (first > 0 && first < turns.size() - 1 && turns[first].role == "assistant") {
        used -= turns[first].tokens + overheadPerMessage;
        ++first;
    }
    if (!systemPrompt.isEmpty()) plan.messages.push_back({"system", systemPrompt.toStdString()});
    for (qsizetype i = first; i < turns.size(); ++i)
        plan.messages.push_back({turns[i].role.toStdString(), turns[i].content.toStdString()});
    plan.droppedTurns = int(first);
    plan.promptTokens = used;
    return plan;
}

QJsonObject statsJson(const GenerationResult& r) {
    return QJsonObject{
        {"ttftMs", r.timeToFirstTokenMs},
        {"tokensPerSecond", r.decodeTokensPerSecond},
        {"tokens", r.generatedTokens},
        {"promptTokens", r.promptTokens},
        {"reusedPromptTokens", r.reusedPromptTokens},
        {"prefillTokensPerSecond", r.prefillTokensPerSecond},
        {"finishReason", kReasonNames[int(r.reason)]},
    };
}

QString formatStats(const QJsonObject& stats) {
    if (stats.isEmpty()) return {};
    return QStringLiteral("TTFT %1 ms · %2 tok/s · %3 tokens")
        .arg(qRound(stats.value("ttftMs").toDouble()))
        .arg(stats.value("tokensPerSecond").toDouble(), 0, 'f', 1)
        .arg(stats.value("tokens").toInt());
}

}  // namespace folio
