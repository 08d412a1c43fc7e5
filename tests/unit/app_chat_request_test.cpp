// Request building: sampling presets, fitting the history into the context, reply statistics.
#include <QtTest>

#include "app/chat_request.h"

using namespace folio;

class AppChatRequestTest : public QObject {
    Q_OBJECT

private slots:
    void presets() {
        const SamplingParams precise = samplingForPreset("precise");
        QCOMPARE(precise.temperature, 0.2f);
        QCOMPARE(precise.topP, 0.9f);
        QCOMPARE(precise.topK, 20);
        const SamplingParams creative = samplingForPreset("creative");
        QCOMPARE(creative.temperature, 1.0f);
        QCOMPARE(creative.topP, 0.95f);
        QCOMPARE(creative.topK, 40);
        QCOMPARE(samplingForPreset("qwen3-thinking").temperature, 0.6f);
        QCOMPARE(samplingForPreset("qwen3-non-thinking").temperature, 0.7f);
        QCOMPARE(samplingForPreset("bogus").temperature, 0.7f);
    }

    void historyThatFitsIsSentWhole() {
        const QList<HistoryTurn> turns{{"user", "q1", 10}, {"assistant", "a1", 20}, {"user", "q2", 5}};
        const HistoryPlan plan = planHistory("sys", 4, turns, 3, 1000);
        QCOMPARE(plan.droppedTurns, 0);
        QCOMPARE(int(plan.messages.size()), 4);
        QCOMPARE(plan.messages[0].role, std::string("system"));
        QCOMPARE(plan.messages[3].content, std::string("q2"));
        QCOMPARE(plan.promptTokens, 4 + 10 + 20 + 5 + 4 * 3);
    }

    void oldestTurnsAreDroppedKeepingTheSystemPrompt() {
        const QList<HistoryTurn> turns{{"user", "q1", 100}, {"assistant", "a1", 100},
                                       {"user", "q2", 100}, {"assistant", "a2", 100},
                                       {"user", "q3", 100}};
        // Room for the system prompt and three turns: q2 a2 q3 are kept.
        HistoryPlan plan = planHistory("sys", 10, turns, 0, 330);
        QCOMPARE(plan.droppedTurns, 2);
        QCOMPARE(int(plan.messages.size()), 4);
        QCOMPARE(plan.messages[1].content, std::string("q2"));
        // Room for two turns: a2 q3 fit, but the kept part must not start with an assistant.
        plan = planHistory("sys", 10, turns, 0, 230);
        QCOMPARE(plan.droppedTurns, 4);
        QCOMPARE(int(plan.messages.size()), 2);
        QCOMPARE(plan.messages[1].content, std::string("q3"));
        // Not even the last question fits: it is still sent (the engine reports the overflow).
        plan = planHistory("", 0, turns, 0, 50);
        QCOMPARE(int(plan.messages.size()), 1);
        QCOMPARE(plan.messages[0].content, std::string("q3"));
    }

    void statsRoundTripToText() {
        GenerationResult r;
        r.timeToFirstTokenMs = 119.6;
        r.decodeTokensPerSecond = 35.24;
        r.generatedTokens = 128;
        r.reason = FinishReason::Cancelled;
        const QJsonObject stats = statsJson(r);
        QCOMPARE(stats.value("finishReason").toString(), QString("cancelled"));
        QCOMPARE(formatStats(stats), QString::fromUtf8("TTFT 120 ms · 35.2 tok/s · 128 tokens"));
        QCOMPARE(formatStats({}), QString());
    }
};

QTEST_GUILESS_MAIN(AppChatRequestTest)
#include "app_chat_request_test.moc"
