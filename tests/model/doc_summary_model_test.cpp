// Map-reduce summary with the default model: a generated 6-page contract, cut into
// chunks of a few hundred tokens, is summarised part by part through folio::Engine and the parts
// combined into a final answer; a second request reuses the stored parts (only the combine runs).
#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "app/database.h"
#include "app/documents/ingestor.h"
#include "app/documents/map_reduce.h"
#include "engine/runtime/engine.h"
#include "support/engine_load.h"
#include "support/test_env.h"
#include "unit/doc_fixtures.h"

namespace {

// SummaryGenerator over folio::Engine: the engine thread's callbacks post the result back to the
// thread that owns `m_home` (the test's main thread).
class EngineGenerator : public folio::SummaryGenerator {
public:
    explicit EngineGenerator(folio::Engine& engine) : m_engine(engine) {}
    int calls = 0;

    void generate(const QString& system, const QString& user, int maxTokens,
                  std::function<void(folio::Expected<QString>)> done) override {
        ++calls;
        folio::GenerationRequest r;
        r.messages = {{"system", system.toStdString()}, {"user", user.toStdString()}};
        r.sampling = folio::SamplingParams::greedy();
        r.maxTokens = maxTokens;
        auto text = std::make_shared<std::string>();
        folio::GenerationCallbacks cb;
        cb.onText = [text](std::string_view piece) { *text += piece; };  // engine thread only
        QPointer<QObject> home = &m_home;
        cb.onFinished = [text, done, home](const folio::GenerationResult& result) {
            QMetaObject::invokeMethod(
                home.data(),
                [text, done, result] {
                    if (result.reason == folio::FinishReason::Error)
                        done(folio::makeError(result.error));
                    else
                        done(QString::fromStdString(*text));
                },
                Qt::QueuedConnection);
        };
        m_request = m_engine.submit(std::move(r), std::move(cb));
    }
    void cancel() override { m_engine.cancel(m_request); }
    int countTokens(const QString& text) const override {
        return m_engine.countTokens(text.toStdString());
    }
    QString modelKey() const override { return folio::test::modelPath(); }

private:
    folio::Engine& m_engine;
    QObject m_home;
    uint64_t m_request = 0;
};

}  // namespace

class DocSummaryModelTest : public QObject {
    Q_OBJECT

private slots:
    void summarisesALongDocumentPartByPart() {
        FOLIO_REQUIRE_MODEL();
        QTemporaryDir dir;
        const QString pdf = dir.filePath("contract.pdf");
        QVERIFY(folio::test::writeContractPdf(pdf, 6));
        folio::IngestOptions options;
        options.ocr = false;
        const folio::IngestResult ingested = folio::Ingestor::ingestBlocking(pdf, options);
        QVERIFY2(ingested.ok(), qPrintable(ingested.message));
        folio::Database db;
        QVERIFY(db.open(dir.filePath("folio.sqlite3")).ok());
        folio::DocumentStore store([&db] { return db.connection(); });
        auto added = store.add(ingested.document);
        QVERIFY(added.ok());

        folio::Engine engine;
        folio::LoadOptions load;
        load.modelPath = folio::test::modelPath().toStdString();
        load.contextLength = 4096;
        const std::string error = folio::test::loadEngineBlocking(engine, load);
        QVERIFY2(error.empty(), error.c_str());

        EngineGenerator generator(engine);
        folio::MapReduceSummarizer summarizer(&store, &generator);
        QSignalSpy progress(&summarizer, &folio::MapReduceSummarizer::progress);
        QSignalSpy finished(&summarizer, &folio::MapReduceSummarizer::finished);
        QSignalSpy failed(&summarizer, &folio::MapReduceSummarizer::failed);
        folio::SummaryOptions o;
        o.chunkTokens = 300;  // ~2 pages per part: 3 parts or more
        o.partTokens = 48;
        o.finalTokens = 64;
        QElapsedTimer clock;
        clock.start();
        QVERIFY(summarizer.start(added->id, "Summarise the contract.", o).ok());
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 900000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed[0][1].toString()));
        const qint64 firstMs = clock.elapsed();
        const QString summary = finished[0][1].toString();
        const int parts = progress.size() - 1;
        qInfo("%d parts + final in %lld ms: %s", parts, firstMs, qPrintable(summary.left(300)));
        QVERIFY(parts >= 3);
        QVERIFY(summary.size() > 20);
        QCOMPARE(generator.calls, parts + 1);

        // Again: the parts come from the database; only the combine runs.
        QSignalSpy finished2(&summarizer, &folio::MapReduceSummarizer::finished);
        clock.restart();
        QVERIFY(summarizer.start(added->id, "Summarise the contract.", o).ok());
        QTRY_VERIFY_WITH_TIMEOUT(!finished2.isEmpty(), 600000);
        qInfo("second request: %lld ms", clock.elapsed());
        QCOMPARE(generator.calls, parts + 2);
        QCOMPARE(finished2[0][1].toString(), summary);  // greedy: the same answer
    }
};

QTEST_MAIN(DocSummaryModelTest)
#include "doc_summary_model_test.moc"
