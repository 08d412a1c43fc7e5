// Issue 7's responsiveness test: the real window and the default model, a prompt of about 16,000
// tokens, then 2,000 streamed tokens. A 5 ms timer on the GUI thread measures the longest gap
// between its ticks (an event-loop stall) while the prompt is processed and while tokens stream;
// the worst is reported with qInfo and must stay at or under 50 ms. The measurement includes the
// send() call itself (committing the message, the context meter, the view's update): the message's
// token count and its layout must not block. Slow on a CPU: minutes.
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include "app/app_controller.h"
#include "app/application.h"
#include "app/settings.h"
#include "support/test_env.h"
#include "ui/qml_setup.h"

namespace {

const int kContext = 20480;
// In the asan and tsan builds the suite checks memory and threads, not time, and a 16,000-token
// prefill did not finish there in 75 minutes on 2 cores (ASan at -O1): a 2,000-token prompt
// (~8,000 characters: still a previewed message, several prefill chunks) and 400 streamed tokens
// run the same code.
const int kPromptTokens = folio::test::kSanitizedBuild ? 2000 : 16000;
const int kStreamTokens = folio::test::kSanitizedBuild ? 400 : 2000;
const int kMaxStallMs = 50;
const int kTimeoutMs = int(1500000 * folio::test::timeoutScale());

// The longest gap between ticks of a 5 ms timer since construction or the last reset(); the
// clock runs from then, so a blocking call made right after counts too.
class StallMeter : public QObject {
public:
    StallMeter() {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 gap = m_clock.restart();
            m_worst = std::max(m_worst, gap);
            if (gap > kReportGapMs) m_longGaps.push_back({m_since.elapsed() - gap, gap});
        });
        m_timer.start();
        m_clock.start();
        m_since.start();
    }
    void reset() {
        m_worst = 0;
        m_longGaps.clear();
        m_clock.restart();
        m_since.restart();
    }
    qint64 worstMs() const { return m_worst; }
    // "at 1234 ms: 31 ms, ..." for every gap over kReportGapMs, to tell a one-off from a pattern.
    QString longGaps() const {
        QStringList parts;
        for (const auto& [at, gap] : m_longGaps)
            parts << QStringLiteral("at %1 ms: %2 ms").arg(at).arg(gap);
        return parts.isEmpty() ? QStringLiteral("none") : parts.join(QStringLiteral(", "));
    }

private:
    static constexpr qint64 kReportGapMs = 25;
    QTimer m_timer;
    QElapsedTimer m_clock;
    QElapsedTimer m_since;
    qint64 m_worst = 0;
    std::vector<std::pair<qint64, qint64>> m_longGaps;
};

// Generated tokens of a finished reply, from its stats line ("… · 128 tokens").
int tokensOf(const MessageItem& item) {
    static const QRegularExpression re(QStringLiteral("(\\d+) tokens"));
    const QRegularExpressionMatch m = re.match(item.stats);
    return m.hasMatch() ? m.captured(1).toInt() : 0;
}

}  // namespace

class WindowStallTest : public QObject {
    Q_OBJECT

private slots:
    void guiNeverStallsOnALongPromptAndReply() {
        FOLIO_REQUIRE_MODEL();
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        AppOptions options;
        options.dataDir = dir.path();
        options.headlessSmoke = true;  // loaded below with a 20K context
        AppContext context(options);
        context.settings()->setContextSize(kContext);
        context.settings()->setSamplingPreset("creative");
        AppController* app = context.controller();
        folio::ui::setUpQuickStyle();
        QQmlApplicationEngine engine;
        context.registerWithQml(engine);
        engine.load(folio::ui::mainQmlUrl());
        QVERIFY(!engine.rootObjects().isEmpty());
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());
        QVERIFY(window && QTest::qWaitForWindowExposed(window));

        app->loadModel(folio::test::modelPath());
        QTRY_VERIFY_WITH_TIMEOUT(app->modelReady() || app->statusText().contains("Could not"),
                                 300000);
        QVERIFY2(app->modelReady(), qPrintable(app->statusText()));
        QVERIFY2(app->contextSize() >= kContext, qPrintable(QString::number(app->contextSize())));

        // About 16,000 tokens of numbered log lines, then the question. Chunks end at a line
        // break, so their counts add up to the prompt's (within a few tokens).
        QString prompt;
        const QString line = QStringLiteral(
            "Entry %1: the lighthouse keeper logged wind, tide and "
            "ships passing the northern rocks.\n");
        int n = 0;
        int sum = 0;
        while (true) {
            QString chunk;
            for (int i = 0; i < 10; ++i) chunk += line.arg(++n);
            const int chunkTokens = app->countTokens(chunk);
            if (sum + chunkTokens > kPromptTokens) break;
            sum += chunkTokens;
            prompt += chunk;
        }
        prompt += QStringLiteral("\nRetell this log as a long story, entry by entry.");
        QElapsedTimer counting;
        counting.start();
        const int promptTokens = app->countTokens(prompt);
        // What the GUI thread would block for if it counted the message itself.
        qInfo("prompt: %d characters; counting its tokens takes %lld ms", int(prompt.size()),
              static_cast<long long>(counting.elapsed()));
        QVERIFY(promptTokens > kPromptTokens - 300 && promptTokens <= kPromptTokens + 100);

        app->setMaxReplyTokens(kStreamTokens);
        app->setIgnoreEndOfText(true);
        QSignalSpy finished(app, &AppController::replyFinished);
        StallMeter meter;
        QElapsedTimer clock;
        clock.start();
        app->send(prompt);
        QVERIFY(app->generating());
        QVERIFY(!app->contextOverflow());
        MessageListModel* messages = app->messages();
        QVERIFY(QTest::qWaitFor(
            [&] { return !messages->at(1).text.isEmpty() || finished.count() > 0; }, kTimeoutMs));
        const qint64 prefillStall = meter.worstMs();
        // The view shows a preview of the long message; the model and the request hold it whole.
        QCOMPARE(messages->at(0).text, prompt.trimmed());
        QVERIFY(messages->get(0).value("truncated").toBool());
        QVERIFY(messages->get(0).value("displayText").toString().size() <=
                MessageListModel::kPreviewChars);
        QVERIFY(!app->lastRequestMessages().empty());
        QCOMPARE(QString::fromStdString(app->lastRequestMessages().back().content),
                 prompt.trimmed());
        const qint64 prefillMs = clock.elapsed();
        qInfo("gaps over 25 ms while the prompt was processed: %s", qPrintable(meter.longGaps()));
        qInfo("prompt: %d tokens in %.1f s; worst event-loop gap while it was processed: %lld ms",
              promptTokens, prefillMs / 1000.0, static_cast<long long>(prefillStall));

        // Stream 2,000 tokens: the reply ignores the model's end of text (a stress-test
        // switch), so it runs to the reply limit whatever the model would have said.
        meter.reset();
        clock.restart();
        QVERIFY(finished.wait(kTimeoutMs) || finished.count() == 1);
        QCOMPARE(finished.count(), 1);
        const int streamed = tokensOf(messages->at(messages->count() - 1));
        const qint64 streamStall = meter.worstMs();
        qInfo("gaps over 25 ms while tokens streamed: %s", qPrintable(meter.longGaps()));
        qInfo(
            "streamed %d tokens (%d characters) in %.1f s; worst event-loop gap while "
            "streaming: %lld ms",
            streamed, int(messages->at(messages->count() - 1).text.size()),
            clock.elapsed() / 1000.0, static_cast<long long>(streamStall));
        qInfo(
            "worst event-loop stall: %lld ms while the prompt was processed, %lld ms while "
            "tokens streamed (limit %d ms)",
            static_cast<long long>(prefillStall), static_cast<long long>(streamStall), kMaxStallMs);
        QCOMPARE(streamed, kStreamTokens);
        if (folio::test::kSanitizedBuild) return;  // reported above, checked in Release
        QVERIFY2(prefillStall <= kMaxStallMs,
                 "the GUI thread stalled while the prompt was processed");
        QVERIFY2(streamStall <= kMaxStallMs, "the GUI thread stalled while tokens streamed");
    }
};

// QTEST_MAIN with a longer watchdog: QtTest's default 300 s per function is too short for a
// long prompt on a CPU.
int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QTEST_FUNCTION_TIMEOUT"))
        qputenv("QTEST_FUNCTION_TIMEOUT", "1750000");
    QGuiApplication application(argc, argv);
    WindowStallTest test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "window_stall_test.moc"
