// With the default model: a ~20-page PDF made here is read by folio-ingest, put whole into the
// system message as the document block, and asked about twice through folio::Engine. The second
// question must be served from the KV prefix cache (the document is not prefilled again); both
// times to first token are reported.
#include <QTemporaryDir>
#include <QtTest>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "app/documents/document_context.h"
#include "app/documents/ingestor.h"
#include "engine/runtime/engine.h"
#include "support/engine_load.h"
#include "support/test_env.h"
#include "unit/doc_fixtures.h"

namespace {

struct Waiter {
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    std::string text;
    folio::GenerationResult result;

    folio::GenerationCallbacks callbacks() {
        folio::GenerationCallbacks cb;
        cb.onText = [this](std::string_view piece) {
            std::lock_guard<std::mutex> l(mutex);
            text += piece;
        };
        cb.onFinished = [this](const folio::GenerationResult& r) {
            std::lock_guard<std::mutex> l(mutex);
            result = r;
            done = true;
            cv.notify_all();
        };
        return cb;
    }
    bool wait(int seconds) {
        std::unique_lock<std::mutex> l(mutex);
        return cv.wait_for(l, std::chrono::seconds(seconds), [this] { return done; });
    }
};

}  // namespace

class DocModelTest : public QObject {
    Q_OBJECT

private slots:
    void followUpReusesTheDocumentPrefix() {
        FOLIO_REQUIRE_MODEL();
        QTemporaryDir dir;
        const QString pdf = dir.filePath("contract.pdf");
        QVERIFY(folio::test::writeContractPdf(pdf, 20));
        folio::IngestOptions options;
        options.ocr = false;
        const folio::IngestResult ingested = folio::Ingestor::ingestBlocking(pdf, options);
        QVERIFY2(ingested.ok(), qPrintable(ingested.message));
        QCOMPARE(ingested.document.pages.size(), 20);

        folio::Engine engine;
        folio::LoadOptions load;
        load.modelPath = folio::test::modelPath().toStdString();
        load.contextLength = 8192;
        const std::string error = folio::test::loadEngineBlocking(engine, load);
        QVERIFY2(error.empty(), error.c_str());

        folio::ContextDocument doc{1, ingested.document.title, {}};
        for (const auto& p : ingested.document.pages)
            doc.pages.push_back({p.number, p.text, p.ocr});
        auto count = [&engine](const QString& s) { return engine.countTokens(s.toStdString()); };
        const int budget = folio::documentTokenBudget(8192, 64, 0, 256);
        auto block =
            folio::buildDocumentContext("What are the payment terms?", {doc}, budget, count, {});
        QVERIFY(block.ok());
        QCOMPARE(block->mode, folio::ContextMode::WholeDocuments);
        QCOMPARE(block->pagesUsed(), 20);
        const int documentTokens = block->tokens;
        qInfo("document block: %d tokens", documentTokens);

        const std::string system =
            "You are a careful contract analyst.\n\n" + block->text.toStdString();
        auto ask = [&](const char* question) {
            folio::GenerationRequest r;
            r.messages = {{"system", system}, {"user", question}};
            r.sampling = folio::SamplingParams::greedy();
            r.maxTokens = 12;
            return r;
        };
        Waiter first;
        engine.submit(ask("Within how many days must the buyer pay? Cite the page."),
                      first.callbacks());
        QVERIFY(first.wait(900));
        QCOMPARE(first.result.reason == folio::FinishReason::Error, false);
        QVERIFY(first.result.generatedTokens > 0);
        QVERIFY(!first.text.empty());  // a reply streamed

        Waiter second;
        engine.submit(ask("Which law governs the agreement?"), second.callbacks());
        QVERIFY(second.wait(900));
        QVERIFY(second.result.generatedTokens > 0);
        qInfo("first question: TTFT %.0f ms, %d prompt tokens, %d reused",
              first.result.timeToFirstTokenMs, first.result.promptTokens,
              first.result.reusedPromptTokens);
        qInfo(
            "second question: TTFT %.0f ms, %d prompt tokens, %d reused (%.1f%% of the first TTFT)",
            second.result.timeToFirstTokenMs, second.result.promptTokens,
            second.result.reusedPromptTokens,
            100.0 * second.result.timeToFirstTokenMs /
                std::max(1.0, first.result.timeToFirstTokenMs));
        QVERIFY2(second.result.reusedPromptTokens >= documentTokens - 64,
                 qPrintable(QStringLiteral("reused %1 of %2 document tokens")
                                .arg(second.result.reusedPromptTokens)
                                .arg(documentTokens)));
        QVERIFY(second.result.timeToFirstTokenMs < first.result.timeToFirstTokenMs);
    }
};

QTEST_MAIN(DocModelTest)
#include "doc_model_test.moc"
