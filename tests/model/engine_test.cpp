// The threaded engine API with the default model: streaming, cancellation, prefix reuse across
// requests, refusal of a prompt that does not fit, and real answers in English and Chinese.
#include "engine/runtime/engine.h"

#include <QtTest>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "support/test_env.h"

using namespace folio;

namespace {

// Every wait below is multiplied by FOLIO_TEST_TIMEOUT_SCALE (folio::test::timeoutScale(): the
// tsan preset sets it because the engine runs many times slower under ThreadSanitizer). Only the
// time allowed changes; what each test asserts does not.
int scaledSeconds(int seconds) {
    return int(seconds * folio::test::timeoutScale());
}

// How long a Collector that is destroyed before its request finished waits for the cancelled
// request's onFinished (cancel takes effect before the next token or prefill chunk).
constexpr int kCancelGraceSeconds = 60;

// Submits one request and collects its callbacks, which run on the engine thread. The state is
// shared with the callbacks, so a callback that arrives late never touches freed memory. When a
// Collector goes out of scope before its request finished (a failed QVERIFY returns from the test
// function early), it cancels the request and waits for it to finish, so the next test function
// starts with an idle engine. Use from one test thread only.
class Collector {
public:
    explicit Collector(Engine& engine) : m_engine(engine) {}
    Collector(const Collector&) = delete;
    Collector& operator=(const Collector&) = delete;
    ~Collector() {
        if (m_id == 0 || waitFor(0)) return;
        m_engine.cancel(m_id);
        if (!waitFor(scaledSeconds(kCancelGraceSeconds)))
            qWarning("request %llu did not finish within %d s of its cancel",
                     static_cast<unsigned long long>(m_id), scaledSeconds(kCancelGraceSeconds));
    }

    uint64_t submit(GenerationRequest request) {
        m_id = m_engine.submit(std::move(request), callbacks());
        return m_id;
    }
    // True when onFinished arrived within `seconds` (scaled by FOLIO_TEST_TIMEOUT_SCALE).
    bool wait(int seconds) { return waitFor(scaledSeconds(seconds)); }

    // Snapshots, taken under the lock (the engine thread may still be appending).
    std::string text() const {
        std::lock_guard<std::mutex> l(m_state->mutex);
        return m_state->text;
    }
    int pieces() const {
        std::lock_guard<std::mutex> l(m_state->mutex);
        return m_state->pieces;
    }
    int prefillCalls() const {
        std::lock_guard<std::mutex> l(m_state->mutex);
        return m_state->prefillCalls;
    }
    GenerationResult result() const {
        std::lock_guard<std::mutex> l(m_state->mutex);
        return m_state->result;
    }

    struct State {
        mutable std::mutex mutex;
        std::condition_variable done;
        std::string text;
        int pieces = 0;
        int prefillCalls = 0;
        bool finished = false;
        GenerationResult result;
    };
    // The state, for a test that checks it after the Collector is gone.
    std::shared_ptr<const State> state() const { return m_state; }

private:
    GenerationCallbacks callbacks() {
        GenerationCallbacks cb;
        cb.onPrefill = [s = m_state](int, int) {
            std::lock_guard<std::mutex> l(s->mutex);
            ++s->prefillCalls;
        };
        cb.onText = [s = m_state](std::string_view piece) {
            std::lock_guard<std::mutex> l(s->mutex);
            s->text += piece;
            ++s->pieces;
        };
        cb.onFinished = [s = m_state](const GenerationResult& r) {
            std::lock_guard<std::mutex> l(s->mutex);
            s->result = r;
            s->finished = true;
            s->done.notify_all();
        };
        return cb;
    }
    bool waitFor(int seconds) {
        std::unique_lock<std::mutex> l(m_state->mutex);
        return m_state->done.wait_for(l, std::chrono::seconds(seconds),
                                      [this] { return m_state->finished; });
    }
    Engine& m_engine;
    uint64_t m_id = 0;
    const std::shared_ptr<State> m_state = std::make_shared<State>();
};

// The outcome of one Engine::load, shared with its onDone callback for the same reason.
struct LoadWaiter {
    struct State {
        std::mutex mutex;
        std::condition_variable cv;
        bool done = false;
        std::string error;
    };
    std::shared_ptr<State> state = std::make_shared<State>();

    std::function<void(Expected<ModelSummary>)> onDone() {
        return [s = state](Expected<ModelSummary> summary) {
            std::lock_guard<std::mutex> l(s->mutex);
            if (!summary) s->error = summary.error().message;
            s->done = true;
            s->cv.notify_all();
        };
    }
    // True when the load finished (either way) within `seconds`, scaled.
    bool wait(int seconds) {
        std::unique_lock<std::mutex> l(state->mutex);
        return state->cv.wait_for(l, std::chrono::seconds(scaledSeconds(seconds)),
                                  [this] { return state->done; });
    }
    std::string error() {
        std::lock_guard<std::mutex> l(state->mutex);
        return state->error;
    }
};

GenerationRequest ask(const std::string& question, int maxTokens = 48) {
    GenerationRequest r;
    r.messages = {{"user", question}};
    r.sampling = SamplingParams::greedy();
    r.maxTokens = maxTokens;
    return r;
}

}  // namespace

class EngineTest : public QObject {
    Q_OBJECT
    std::unique_ptr<Engine> m_engine;

private slots:
    void initTestCase() {
        FOLIO_REQUIRE_MODEL();
        m_engine = std::make_unique<Engine>();
        LoadWaiter loaded;
        LoadOptions o;
        o.modelPath = folio::test::modelPath().toStdString();
        o.threads = 2;
        o.contextLength = 4096;
        m_engine->load(o, {}, loaded.onDone());
        QVERIFY(loaded.wait(120));
        QVERIFY2(loaded.error().empty(), loaded.error().c_str());
        QVERIFY(m_engine->countTokens("hello world") == 2);
    }

    void answersInEnglish() {
        Collector c(*m_engine);
        c.submit(ask("What is the capital of France? Answer with one word."));
        QVERIFY(c.wait(180));
        const std::string text = c.text();
        qInfo("reply: %s", text.c_str());
        QCOMPARE(int(c.result().reason), int(FinishReason::EndOfText));
        QVERIFY2(text.find("Paris") != std::string::npos, text.c_str());
        QVERIFY(c.pieces() >= 1);
        QVERIFY(c.prefillCalls() >= 1);
    }

    void answersInChinese() {
        Collector c(*m_engine);
        c.submit(ask("中国的首都是哪个城市？请用一个词回答。"));
        QVERIFY(c.wait(180));
        const std::string text = c.text();
        qInfo("reply: %s", text.c_str());
        QVERIFY2(text.find("北京") != std::string::npos, text.c_str());
    }

    void followUpReusesThePrefix() {
        std::string doc;
        for (int i = 0; i < 40; ++i)
            doc += "Clause " + std::to_string(i + 1) + ": the supplier delivers item " +
                   std::to_string(i * 7) + " within " + std::to_string(10 + i) + " days.\n";
        Collector first(*m_engine), second(*m_engine);
        first.submit(ask(doc + "\nWhat does clause 3 say?", 8));
        QVERIFY(first.wait(300));
        second.submit(ask(doc + "\nWhat does clause 7 say?", 8));
        QVERIFY(second.wait(300));
        const GenerationResult r = second.result();
        qInfo("prompt %d tokens, reused %d", r.promptTokens, r.reusedPromptTokens);
        QVERIFY(r.reusedPromptTokens >= r.promptTokens - 40);
    }

    void cancelStopsWithinATokenOrTwo() {
        Collector c(*m_engine);
        const uint64_t id = c.submit(ask("Count from 1 to 500, one number per line.", 400));
        // Wait for the first pieces, then cancel.
        const int polls = scaledSeconds(30) * 20;
        for (int i = 0; i < polls && c.pieces() < 3; ++i) QTest::qWait(50);
        const int piecesAtCancel = c.pieces();
        m_engine->cancel(id);
        QVERIFY(c.wait(30));
        QCOMPARE(int(c.result().reason), int(FinishReason::Cancelled));
        QVERIFY2(c.pieces() <= piecesAtCancel + 2, "more than two tokens arrived after cancel");
    }

    void refusesAPromptThatDoesNotFit() {
        Collector c(*m_engine);
        std::string huge;
        for (int i = 0; i < 6000; ++i) huge += "word ";
        c.submit(ask(huge));
        QVERIFY(c.wait(60));
        const GenerationResult r = c.result();
        QCOMPARE(int(r.reason), int(FinishReason::Error));
        QVERIFY2(r.error.find("context") != std::string::npos, r.error.c_str());
        // The engine keeps working afterwards.
        Collector after(*m_engine);
        after.submit(ask("Say OK.", 4));
        QVERIFY(after.wait(60));
        QVERIFY(after.result().reason != FinishReason::Error);
    }

    // Regression (sanitizer runs): a Collector that goes out of scope while its request
    // still runs cancels it and waits for onFinished; the request's late callbacks must not touch
    // the destroyed Collector, and the engine must be idle for the next request.
    void collectorOutlivedByItsRequestCancelsIt() {
        std::shared_ptr<const Collector::State> state;
        {
            Collector abandoned(*m_engine);
            abandoned.submit(ask("Count from 1 to 500, one number per line.", 400));
            for (int i = 0; i < scaledSeconds(30) * 20 && abandoned.pieces() < 1; ++i)
                QTest::qWait(50);
            QVERIFY(abandoned.pieces() >= 1);
            state = abandoned.state();
        }  // destroyed mid-reply, as after a failed wait
        {
            std::lock_guard<std::mutex> l(state->mutex);
            QVERIFY(state->finished);  // the destructor waited for onFinished
            QCOMPARE(int(state->result.reason), int(FinishReason::Cancelled));
            QVERIFY(state->result.generatedTokens < 400);
        }
        Collector next(*m_engine);
        next.submit(ask("Say OK.", 4));
        QVERIFY(next.wait(60));
        QVERIFY(next.result().reason != FinishReason::Error);
    }

    void loadingABadFileIsAnError() {
        QTemporaryFile bad;
        QVERIFY(bad.open());
        bad.write("this is not a gguf file at all");
        bad.flush();
        LoadWaiter done;  // declared before the engine, which joins its thread first
        Engine engine;
        LoadOptions o;
        o.modelPath = bad.fileName().toStdString();
        engine.load(o, {}, done.onDone());
        QVERIFY(done.wait(30));
        QVERIFY(!done.error().empty());
        qInfo("error: %s", done.error().c_str());
    }
};

QTEST_GUILESS_MAIN(EngineTest)
#include "engine_test.moc"
