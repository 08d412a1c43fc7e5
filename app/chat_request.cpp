#include "app/chat_request.h"

#include <QObject>
#include <algorithm>

namespace folio {
namespace {

struct Preset {
    const char* name;
    SamplingParams (*make)();
};

SamplingParams precise() {
    return {0.2f, 20, 0.9f, 0.0f, 0, 1.0f, 64, 0, {}};
}
SamplingParams creative() {
    return {1.0f, 40, 0.95f, 0.0f, 0, 1.0f, 64, 0, {}};
}

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

HistoryPlan planHistory(const QString& systemPrompt, int systemTokens,
                        const QList<HistoryTurn>& turns, int overheadPerMessage, int budgetTokens) {
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

int replyReserveTokens(int contextSize, int maxReplyTokens) {
    return std::max(std::min(maxReplyTokens, contextSize / 4), 0);
}

int promptBudgetTokens(int contextSize, int maxReplyTokens) {
    return std::max(contextSize - replyReserveTokens(contextSize, maxReplyTokens), 0);
}

int summaryBudgetTokens(int promptBudget) {
    return std::clamp(promptBudget / 8, 0, 256);
}

QString systemWithSummary(const QString& systemPrompt, const QString& summary) {
    if (summary.isEmpty()) return systemPrompt;
    const QString note =
        QStringLiteral("Summary of the earlier part of this conversation:\n") + summary;
    return systemPrompt.isEmpty() ? note : systemPrompt + QStringLiteral("\n\n") + note;
}

std::vector<ChatMessage> summaryRequest(const QString& previousSummary,
                                        const QList<HistoryTurn>& turns, int count,
                                        int maxSummaryTokens, int inputBudget) {
    count = std::clamp(count, 0, int(turns.size()));
    long long total = 0;  // tokens of the transcript
    for (int i = 0; i < count; ++i) total += std::max(turns[i].tokens, 0);
    // Fraction of each turn that is kept when the transcript is too long (1 = all of it).
    const double keep =
        total > inputBudget && total > 0 ? double(std::max(inputBudget, 0)) / total : 1.0;
    QString transcript;
    if (!previousSummary.isEmpty())
        transcript += QStringLiteral("Summary of what came before:\n") + previousSummary + "\n\n";
    for (int i = 0; i < count; ++i) {
        QString content = turns[i].content;
        if (keep < 1.0) content = content.left(qsizetype(content.size() * keep)) + QChar(0x2026);
        transcript +=
            (turns[i].role == "user" ? QStringLiteral("User: ") : QStringLiteral("Assistant: ")) +
            content + "\n\n";
    }
    const QString instruction =
        QStringLiteral(
            "Summarise the conversation below in at most %1 words. Keep facts, names, "
            "numbers, decisions and open questions; write only the summary.\n\n")
            .arg(std::max(maxSummaryTokens * 2 / 3, 16));
    return {{"system", "You write short, faithful summaries of conversations."},
            {"user", (instruction + transcript.trimmed()).toStdString()}};
}

QJsonObject statsJson(const GenerationResult& r) {
    return QJsonObject{
        {"ttftMs", r.timeToFirstTokenMs},
        {"tokensPerSecond", r.decodeTokensPerSecond},
        {"tokens", r.generatedTokens},
        {"promptTokens", r.promptTokens},
        {"reusedPromptTokens", r.reusedPromptTokens},
        {"restoredPromptTokens", r.restoredPromptTokens},
        {"prefillTokensPerSecond", r.prefillTokensPerSecond},
        {"finishReason", kReasonNames[int(r.reason)]},
    };
}

QString formatStats(const QJsonObject& stats) {
    if (stats.isEmpty()) return {};
    QString text = QStringLiteral("TTFT %1 ms · %2 tok/s · %3 tokens")
                       .arg(qRound(stats.value("ttftMs").toDouble()))
                       .arg(stats.value("tokensPerSecond").toDouble(), 0, 'f', 1)
                       .arg(stats.value("tokens").toInt());
    // The prompt's start loaded from the saved KV blocks (a document read before a restart).
    const int restored = stats.value("restoredPromptTokens").toInt();
    if (restored > 0)
        text += QObject::tr(" · %1 tokens read from memory in %2 s")
                    .arg(restored)
                    .arg(stats.value("ttftMs").toDouble() / 1000.0, 0, 'f', 1);
    // Which pages of the attached documents the reply read (document_turn.h).
    const QString pages = stats.value("documentPages").toString();
    if (!pages.isEmpty())
        text += (stats.value("documentMode").toString() == QLatin1String("retrieval")
                     ? QObject::tr(" · read pages %1 (retrieved)")
                     : QObject::tr(" · read pages %1"))
                    .arg(pages);
    return text;
}

}  // namespace folio
