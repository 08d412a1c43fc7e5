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
        const QList<HistoryTurn> turns{
            {"user", "q1", 10}, {"assistant", "a1", 20}, {"user", "q2", 5}};
        const HistoryPlan plan = planHistory("sys", 4, turns, 3, 1000);
        QCOMPARE(plan.droppedTurns, 0);
        QCOMPARE(int(plan.messages.size()), 4);
        QCOMPARE(plan.messages[0].role, std::string("system"));
        QCOMPARE(plan.messages[3].content, std::string("q2"));
        QCOMPARE(plan.promptTokens, 4 + 10 + 20 + 5 + 4 * 3);
    }

    void oldestTurnsAreDroppedKeepingTheSystemPrompt() {
        const QList<HistoryTurn> turns{{"user", "q1", 100},
                                       {"assistant", "a1", 100},
                                       {"user", "q2", 100},
                                       {"assistant", "a2", 100},
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

    void contextBudgetArithmetic() {
        // The reply reserve is the reply limit, capped at a quarter of the context.
        QCOMPARE(replyReserveTokens(4096, 512), 512);
        QCOMPARE(replyReserveTokens(4096, 2048), 1024);
        QCOMPARE(replyReserveTokens(0, 512), 0);
        QCOMPARE(promptBudgetTokens(4096, 512), 3584);
        QCOMPARE(promptBudgetTokens(4096, 2048), 3072);
        QCOMPARE(promptBudgetTokens(100, 5000), 75);
        QCOMPARE(summaryBudgetTokens(3584), 256);  // capped
        QCOMPARE(summaryBudgetTokens(800), 100);   // an eighth of a small budget
        QCOMPARE(summaryBudgetTokens(0), 0);
        // system + history + reserve > context: system 50 + 5 turns of 100 (+2 each) in a 640
        // context with a 100-token reply reserve (budget 540) leaves out the two oldest.
        const QList<HistoryTurn> turns{{"user", "q1", 100},
                                       {"assistant", "a1", 100},
                                       {"user", "q2", 100},
                                       {"assistant", "a2", 100},
                                       {"user", "q3", 100}};
        const int budget = promptBudgetTokens(640, 100);
        QCOMPARE(budget, 540);
        HistoryPlan plan = planHistory("sys", 48, turns, 2, budget);
        QCOMPARE(plan.droppedTurns, 2);
        QCOMPARE(plan.promptTokens, 50 + 3 * 102);
        QVERIFY(plan.promptTokens + replyReserveTokens(640, 100) <= 640);
        // With a summary's room held back as well, the same turns are left out here...
        plan = planHistory("sys", 48, turns, 2, budget - summaryBudgetTokens(budget));
        QCOMPARE(summaryBudgetTokens(budget), 67);
        QCOMPARE(plan.droppedTurns, 2);
        // ...and exactly at the limit nothing is dropped: 50 + 5 * 102 = 560.
        QCOMPARE(planHistory("sys", 48, turns, 2, 560).droppedTurns, 0);
        QCOMPARE(planHistory("sys", 48, turns, 2, 559).droppedTurns, 2);
    }

    void summaryReplacesTheSystemPromptTail() {
        QCOMPARE(systemWithSummary("Be brief.", QString()), QString("Be brief."));
        const QString both = systemWithSummary("Be brief.", "They met in Paris.");
        QVERIFY(both.startsWith("Be brief.\n\n"));
        QVERIFY(both.endsWith("They met in Paris."));
        QVERIFY(systemWithSummary(QString(), "S").endsWith("\nS"));
    }

    void summaryRequestHoldsTheOldestTurns() {
        const QList<HistoryTurn> turns{{"user", "alpha question", 40},
                                       {"assistant", "beta answer", 60},
                                       {"user", "gamma", 10}};
        std::vector<ChatMessage> request = summaryRequest("earlier summary", turns, 2, 120, 1000);
        QCOMPARE(int(request.size()), 2);
        QCOMPARE(request[0].role, std::string("system"));
        const QString user = QString::fromStdString(request[1].content);
        QVERIFY(user.contains("at most 80 words"));
        QVERIFY(user.contains("earlier summary"));
        QVERIFY(user.contains("User: alpha question"));
        QVERIFY(user.contains("Assistant: beta answer"));
        QVERIFY(!user.contains("gamma"));  // only turns [0, count)
        // Too long for the input budget: every turn keeps a proportional beginning.
        request = summaryRequest(QString(), turns, 2, 120, 50);
        const QString cut = QString::fromStdString(request[1].content);
        QVERIFY(cut.contains(QString("User: alpha q") + QChar(0x2026)));  // half of 14 characters
        QVERIFY(cut.contains(QString("Assistant: beta ") + QChar(0x2026)));
        QVERIFY(!cut.contains("alpha question"));
    }

    void statsRoundTripToText() {
        GenerationResult r;
        r.timeToFirstTokenMs = 119.6;
        r.decodeTokensPerSecond = 35.24;
        r.generatedTokens = 128;
        r.reason = FinishReason::Cancelled;
        QJsonObject stats = statsJson(r);
        QCOMPARE(stats.value("finishReason").toString(), QString("cancelled"));
        QCOMPARE(formatStats(stats), QString::fromUtf8("TTFT 120 ms · 35.2 tok/s · 128 tokens"));
        QCOMPARE(formatStats({}), QString());
        stats.insert("documentPages", "1-8");
        stats.insert("documentMode", "whole");
        QCOMPARE(formatStats(stats),
                 QString::fromUtf8("TTFT 120 ms · 35.2 tok/s · 128 tokens · read pages 1-8"));
        stats.insert("documentPages", "3, 5-7");
        stats.insert("documentMode", "retrieval");
        QCOMPARE(formatStats(stats),
                 QString::fromUtf8(
                     "TTFT 120 ms · 35.2 tok/s · 128 tokens · read pages 3, 5-7 (retrieved)"));
        // A prompt loaded from the saved KV blocks says so.
        r.restoredPromptTokens = 4992;
        stats = statsJson(r);
        QCOMPARE(stats.value("restoredPromptTokens").toInt(), 4992);
        QCOMPARE(
            formatStats(stats),
            QString::fromUtf8(
                "TTFT 120 ms · 35.2 tok/s · 128 tokens · 4992 tokens read from memory in 0.1 s"));
    }
};

QTEST_GUILESS_MAIN(AppChatRequestTest)
#include "app_chat_request_test.moc"
