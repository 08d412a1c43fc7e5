// Backend selection without a GPU (runs everywhere; label unit): --device parsing, the backend
// list for --version, the KV block-copy hook the CUDA backend mirrors, and — on a machine with no
// usable CUDA (no plugin, no libcublas, no driver or no device) — that asking for the GPU is an
// Error naming why, while Device::Auto and folio-cli's default give the CPU backend with that
// message.

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "engine/backend/backend.h"
#include "engine/model/model.h"
#include "engine/runtime/generator.h"
#include "engine/runtime/thread_pool.h"
#include "gpu/synthetic_model.h"
#include "support/test_env.h"

using namespace folio;

namespace {

bool cudaUsable() {
    const std::vector<std::string> list = describeBackends();
    return list.size() == 2 && list[1].rfind("cuda: not available", 0) != 0;
}

struct CliResult {
    int exitCode = -1;
    QString err;
};

CliResult runCli(const QStringList& args) {
    QProcess p;
    p.start(QDir(folio::test::binaryDir()).filePath(QStringLiteral("bin/folio-cli")), args);
    CliResult r;
    if (!p.waitForFinished(120000)) return r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

}  // namespace

class BackendFallbackTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_modelPath;
    std::unique_ptr<Model> m_model;

    // The tiny-k synthetic model, written once (skips without /work/shared or gguf).
    bool loadModel() {
        if (m_model) return true;
        QString why;
        m_modelPath = folio::test::syntheticModel(m_dir.path(), "tiny-k", "q8_0", &why);
        if (m_modelPath.isEmpty()) {
            qWarning("%s", qPrintable(why));
            return false;
        }
        auto model = Model::load(m_modelPath.toStdString());
        if (!model) qWarning("%s", model.error().message.c_str());
        if (model) m_model = std::move(model.value());
        return m_model != nullptr;
    }

private slots:
    void parseDevice_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<int>("device");
        QTest::newRow("cpu") << "cpu" << true << int(Device::Cpu);
        QTest::newRow("cuda") << "cuda" << true << int(Device::Gpu);
        QTest::newRow("gpu alias") << "gpu" << true << int(Device::Gpu);
        QTest::newRow("auto") << "auto" << true << int(Device::Auto);
        QTest::newRow("unknown") << "tpu" << false << 0;
        QTest::newRow("empty") << "" << false << 0;
        QTest::newRow("case matters") << "CUDA" << false << 0;
    }

    void parseDevice() {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(int, device);
        auto d = folio::parseDevice(text.toStdString());
        QCOMPARE(d.ok(), ok);
        if (ok) {
            QCOMPARE(int(*d), device);
            QCOMPARE(folio::parseDevice(deviceName(*d)).ok(), true);
        } else {
            QVERIFY(d.error().message.find("cpu, cuda or auto") != std::string::npos);
        }
    }

    // Without an NVIDIA driver, Device::Auto runs on the CPU without loading the CUDA plugin:
    // once loaded, it and its cuBLAS stay mapped (~150 MB resident) for nothing. Runs before
    // any test that lists the backends (which loads the plugin to say why it is not usable).
    void autoWithoutADriverLeavesThePluginUnloaded() {
        if (nvidiaDriverPresent()) QSKIP("an NVIDIA driver is installed here");
        FOLIO_REQUIRE_SHARED();
        if (!loadModel()) QSKIP("no synthetic model (see the warning above)");
        ThreadPool pool(1);
        GeneratorOptions o;
        o.contextLength = 64;
        o.device = Device::Auto;
        auto gen = Generator::create(*m_model, pool, o);
        QVERIFY(gen.ok());
        QCOMPARE(std::string((*gen)->backend().name()), std::string("cpu"));
        QCOMPARE((*gen)->backendFallbackReason(),
                 std::string("no NVIDIA driver (libcuda.so.1 not found)"));
        QFile maps(QStringLiteral("/proc/self/maps"));
        if (!maps.open(QIODevice::ReadOnly)) QSKIP("no /proc/self/maps here");
        const QByteArray mapped = maps.readAll();
        QVERIFY2(!mapped.contains("libfolio_cuda") && !mapped.contains("libcublas"),
                 "the CUDA plugin was loaded");
    }

    void backendListNamesCpuAndCuda() {
        const std::vector<std::string> list = describeBackends();
        QCOMPARE(list.size(), size_t(2));
        QVERIFY2(list[0].rfind("cpu (", 0) == 0, list[0].c_str());
        QVERIFY2(list[1].rfind("cuda: ", 0) == 0, list[1].c_str());
        if (!cudaUsable()) QVERIFY2(list[1].size() > 25, "the reason is missing");
    }

    // Copy-on-write of a shared partial block reaches the hook with the ids reserve() used.
    void kvCacheReportsBlockCopies() {
        KvCacheConfig c;
        c.nLayers = 1;
        c.nKvHeads = 1;
        c.headDim = 4;
        c.maxTokens = 64;
        auto cache = KvCache::create(c);
        QVERIFY(cache.ok());
        KvCache& kv = **cache;
        std::vector<std::pair<int32_t, int32_t>> copies;
        kv.setBlockCopyHook([&](int32_t src, int32_t dst) { copies.emplace_back(src, dst); });
        const KvCache::SeqId a = kv.createSequence();
        QVERIFY(kv.reserve(a, std::vector<int32_t>(10, 7)).ok());
        kv.commit(a);
        QVERIFY(copies.empty());
        const KvCache::SeqId b = kv.forkSequence(a);
        QCOMPARE(kv.blockTable(b)[0], kv.blockTable(a)[0]);
        QVERIFY(kv.reserve(b, {8}).ok());
        QCOMPARE(copies.size(), size_t(1));
        QCOMPARE(copies[0].first, kv.blockTable(a)[0]);
        QCOMPARE(copies[0].second, kv.blockTable(b)[0]);
        QVERIFY(copies[0].first != copies[0].second);
    }

    void gpuRequestWithoutCudaFallsBackToCpu() {
        if (cudaUsable()) QSKIP("a CUDA device is usable here: cuda_backend_parity_test covers it");
        FOLIO_REQUIRE_SHARED();
        if (!loadModel()) QSKIP("no synthetic model (see the warning above)");
        ThreadPool pool(2);
        GeneratorOptions o;
        o.contextLength = 256;
        o.device = Device::Gpu;
        auto strict = Generator::create(*m_model, pool, o);
        QVERIFY(!strict.ok());
        const std::string why = strict.error().message;
        QVERIFY2(why.find("CUDA") != std::string::npos || why.find("cuda") != std::string::npos,
                 why.c_str());

        o.device = Device::Auto;
        auto autoGen = Generator::create(*m_model, pool, o);
        QVERIFY(autoGen.ok());
        QCOMPARE(std::string((*autoGen)->backend().name()), std::string("cpu"));
        QCOMPARE((*autoGen)->backendFallbackReason(), why);

        o.device = Device::Cpu;
        auto cpuGen = Generator::create(*m_model, pool, o);
        QVERIFY(cpuGen.ok());
        QVERIFY((*cpuGen)->backendFallbackReason().empty());
        // The fallback is the plain CPU backend: identical logits.
        const std::vector<int32_t> tokens{1, 17, 300, 4000, 29};
        std::vector<float> a, b;
        QVERIFY((*autoGen)->evaluate(tokens, true, a).ok());
        QVERIFY((*cpuGen)->evaluate(tokens, true, b).ok());
        QCOMPARE(a.size(), tokens.size() * size_t(m_model->config().nVocab));
        QVERIFY(std::isfinite(a[0]) && std::isfinite(a.back()));
        QVERIFY(a == b);
    }

    void cliReportsTheDevice() {
        if (cudaUsable()) QSKIP("a CUDA device is usable here");
        FOLIO_REQUIRE_SHARED();
        if (!loadModel()) QSKIP("no synthetic model (see the warning above)");
        const QString out = m_dir.filePath("logits.bin");
        const QStringList base{"logits", "-m", m_modelPath, "--tokens", "1",
                               "2",      "3",  "--out",     out};
        CliResult r = runCli(base);  // default: auto
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("device: cpu"), qPrintable(r.err));
        QVERIFY2(r.err.contains("GPU not used"), qPrintable(r.err));
        r = runCli(base + QStringList{"--device", "cpu"});
        QVERIFY2(r.exitCode == 0 && !r.err.contains("GPU not used"), qPrintable(r.err));
        r = runCli(base + QStringList{"--device", "cuda"});
        QVERIFY2(r.exitCode == 1 && r.err.contains("error:"), qPrintable(r.err));
        r = runCli(base + QStringList{"--device", "tpu"});
        QVERIFY2(r.exitCode == 1 && r.err.contains("unknown device"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(BackendFallbackTest)
#include "backend_fallback_test.moc"
