// The threaded engine API with the default model: streaming, cancellation, prefix reuse across
// requests, refusal of a prompt that does not fit, and real answers in English and Chinese.
#include "engine/runtime/engine.h"

#include <QtTest>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "support/test_env.h"

using namespace folio;

namespace {

// Collects one request's callbacks (they run on the engine thread).
struct Collector {
    std::mutex mutex;
    std::condition_variable done;
    std::string text;
    int pieces = 0;
    int prefillCalls = 0;
    bool finished = false;
    GenerationResult result;

    GenerationCallbacks callbacks() {
        GenerationCallbacks cb;
        cb.onPrefill = [this](int, int) {
            std::lock_guard<std::mutex> l(mutex);
            ++prefillCalls;
        };
        cb.onText = [this](std::string_view piece) {
            std::lock_guard<std::mutex> l(mutex);
            text += piece;
            ++pieces;
        };
        cb.onFinished = [this](const GenerationResult& r) {
            std::lock_guard<std::mutex> l(mutex);
            result = r;
            finished = true;
            done.notify_all();
        };
        return cb;
    }
    bool wait(int seconds) {
        std::unique_lock<std::mutex> l(mutex);
        return done.wait_for(l, std::chrono::seconds(seconds), [this] { return finished; });
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
        std::mutex m;
        std::condition_variable cv;
        bool loaded = false;
        std::string error;
        LoadOptions o;
        o.modelPath = folio::test::modelPath().toStdString();
        o.threads = 2;
        o.contextLength = 4096;
        m_engine->load(o, {}, [&](Expected<ModelSummary> s) {
            std::lock_guard<std::mutex> l(m);
            if (!s) error = s.error().message;
            loaded = true;
            cv.notify_all();
        });
        std::unique_lock<std::mutex> l(m);
        QVERIFY(cv.wait_for(l, std::chrono::seconds(120), [&] { return loaded; }));
        QVERIFY2(error.empty(), error.c_str());
        QVERIFY(m_engine->countTokens("hello world") == 2);
    }

    void answersInEnglish() {
        Collector c;
        m_engine->submit(ask("What is the capital of France? Answer with one word."),
                         c.callbacks());
        QVERIFY(c.wait(180));
        qInfo("reply: %s", c.text.c_str());
        QCOMPARE(int(c.result.reason), int(FinishReason::EndOfText));
        QVERIFY2(c.text.find("Paris") != std::string::npos, c.text.c_str());
        QVERIFY(c.pieces >= 1);
        QVERIFY(c.prefillCalls >= 1);
    }

    void answersInChinese() {
        Collector c;
        m_engine->submit(ask("中国的首都是哪个城市？请用一个词回答。"), c.callbacks());
        QVERIFY(c.wait(180));
        qInfo("reply: %s", c.text.c_str());
        QVERIFY2(c.text.find("北京") != std::string::npos, c.text.c_str());
    }

    void followUpReusesThePrefix() {
        std::string doc;
        for (int i = 0; i < 40; ++i)
            doc += "Clause " + std::to_string(i + 1) + ": the supplier delivers item " +
                   std::to_string(i * 7) + " within " + std::to_string(10 + i) + " days.\n";
        Collector first, second;
        m_engine->submit(ask(doc + "\nWhat does clause 3 say?", 8), first.callbacks());
        QVERIFY(first.wait(300));
        m_engine->submit(ask(doc + "\nWhat does clause 7 say?", 8), second.callbacks());
        QVERIFY(second.wait(300));
        qInfo("prompt %d tokens, reused %d", second.result.promptTokens,
              second.result.reusedPromptTokens);
        QVERIFY(second.result.reusedPromptTokens >= second.result.promptTokens - 40);
    }

    void cancelStopsWithinATokenOrTwo() {
        Collector c;
        const uint64_t id =
            m_engine->submit(ask("Count from 1 to 500, one number per line.", 400), c.callbacks());
        // Wait for the first pieces, then cancel.
        for (int i = 0; i < 600; ++i) {
            {
                std::lock_guard<std::mutex> l(c.mutex);
                if (c.pieces >= 3) break;
            }
            QTest::qWait(50);
        }
        int piecesAtCancel;
        {
            std::lock_guard<std::mutex> l(c.mutex);
            piecesAtCancel = c.pieces;
        }
        m_engine->cancel(id);
        QVERIFY(c.wait(30));
        QCOMPARE(int(c.result.reason), int(FinishReason::Cancelled));
        QVERIFY2(c.pieces <= piecesAtCancel + 2, "more than two tokens arrived after cancel");
    }

    void refusesAPromptThatDoesNotFit() {
        Collector c;
        std::string huge;
        for (int i = 0; i < 6000; ++i) huge += "word ";
        m_engine->submit(ask(huge), c.callbacks());
        QVERIFY(c.wait(60));
        QCOMPARE(int(c.result.reason), int(FinishReason::Error));
        QVERIFY2(c.result.error.find("context") != std::string::npos, c.result.error.c_str());
        // The engine keeps working afterwards.
        Collector after;
        m_engine->submit(ask("Say OK.", 4), after.callbacks());
        QVERIFY(after.wait(60));
        QVERIFY(after.result.reason != FinishReason::Error);
    }

    void loadingABadFileIsAnError() {
        QTemporaryFile bad;
        QVERIFY(bad.open());
        bad.write("this is not a gguf file at all");
        bad.flush();
        Engine engine;
        std::mutex m;
        std::condition_variable cv;
        bool done = false;
        std::string error;
        LoadOptions o;
        o.modelPath = bad.fileName().toStdString();
        engine.load(o, {}, [&](Expected<ModelSummary> s) {
            std::lock_guard<std::mutex> l(m);
            if (!s) error = s.error().message;
            done = true;
            cv.notify_all();
        });
        std::unique_lock<std::mutex> l(m);
        QVERIFY(cv.wait_for(l, std::chrono::seconds(30), [&] { return done; }));
        QVERIFY(!error.empty());
        qInfo("error: %s", error.c_str());
    }
};

QTEST_GUILESS_MAIN(EngineTest)
#include "engine_test.moc"
