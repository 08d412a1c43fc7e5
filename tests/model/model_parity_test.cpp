// Teacher-forced logits of our engine against llama.cpp's (goldens in tests/data/goldens, made by
// scripts/make_logit_goldens.py), on the default model and on synthetic Qwen3 models written by
// scripts/make_synthetic_gguf.py. Also: perplexity within 1%, deterministic generation.
// Built twice: model_parity_test (CI: default model, tiny synthetic models) and, with
// FOLIO_PARITY_0_6B, model_parity_0_6b_test (slow: the exact Qwen3-0.6B shape only).
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
};

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
    double maxRel = 0.0, nll = 0.0;
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
        for (size_t k = 0; k < ids.size(); ++k)
            maxRel =
                std::max(maxRel, std::abs(double(row[ids[k]]) - ref[k]) / std::max(scale, 1e-6));
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
    report = QString(
                 "top-1 agreement %1/%2 (%3%; strict %4/%2), max relative logit difference %5, "
                 "perplexity %6 vs llama.cpp %7")
                 .arg(agree)
                 .arg(n)
                 .arg(agreement * 100, 0, 'f', 2)
                 .arg(strict)
                 .arg(maxRel, 0, 'g', 3)
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
    if (std::abs(ppl - g.perplexity) / g.perplexity > 0.01)
        return "perplexity differs by >1%: " + report;
    return {};
}

void checkModel(const QString& modelPath, const QString& goldenName, double maxRel) {
    Golden g = readGolden(goldenName);
    QVERIFY2(!g.tokens.empty(), qPrintable("missing golden " + goldenName));
    auto model = Model::load(modelPath.toStdString());
    QVERIFY2(model.ok(), model.ok() ? "" : model.error().message.c_str());
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

QString python() {
    const QString venv = folio::test::sourceDir() + "/.venv/bin/python3";
    return QFileInfo(venv).isExecutable() ? venv : QStringLiteral("python3");
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
        // Noise floor: llama.cpp against itself with flash attention on vs off differs by 0.046
        // (max relative, top-8 logits) on this model and text; we stay within 0.05.
        checkModel(folio::test::modelPath(), "default-model", 5e-2);
    }

    // Thresholds: max relative logit difference over the top-8 logits of 256 positions (see
    // docs/parity.md for the measured values and llama.cpp's own flash-attention noise floor).
    // Q4_K_M needs rows of 256 elements, hence shape tiny-k instead of tiny.
    void syntheticQwen3MatchesLlamaCpp_data() {
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
    }
    void syntheticQwen3MatchesLlamaCpp() {
        QFETCH(QString, shape);
        QFETCH(QString, type);
        QFETCH(QString, golden);
        QFETCH(double, maxRel);
        FOLIO_REQUIRE_SHARED();
        QTemporaryDir dir;
        const QString out = dir.filePath(shape + "-" + type + ".gguf");
        QProcess p;
        p.start(python(), {folio::test::sourceDir() + "/scripts/make_synthetic_gguf.py", "--shape",
                           shape, "--type", type, "--tokenizer",
                           folio::test::sharedPath("data/qwen3-tokenizer"), "--out", out});
        QVERIFY(p.waitForFinished(kOnly0_6b ? 1800000 : 300000));
        if (p.exitCode() != 0)
            QSKIP(
                qPrintable("cannot write the synthetic model (python gguf/numpy missing? run "
                           "scripts/setup): " +
                           p.readAllStandardError()));
        checkModel(out, golden, maxRel);
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
