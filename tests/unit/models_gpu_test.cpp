// The model library's GPU side: the full-offload estimate against its formula (weights + f16 KV
// cache + workspace) and the engine's memory plan verdicts (full / partial / none / unknown),
// and the NVML probe: a missing library ("no GPU found"), a library that is not NVML, and a fake
// NVML (fake_nvml.cpp) that reports an 8 GiB GPU.
#include <QtTest>

#include "app/models/gpu_memory.h"

using folio::GpuEstimate;
using folio::InstalledModel;

namespace {

constexpr qint64 kMiB = 1ll << 20;

// Two layers of 100 MiB (150 M elements each), 50 MiB outside the layers, 2 KV heads of 64.
InstalledModel sampleModel() {
    InstalledModel m;
    m.nLayer = 2;
    m.nKvHead = 2;
    m.headDim = 64;
    m.trainContext = 4096;
    m.layerWeightBytes = {100 * kMiB, 100 * kMiB};
    m.layerWeightElements = {150'000'000, 150'000'000};
    m.otherWeightBytes = 50 * kMiB;
    m.largestTensorElements = 10'000'000;
    m.nVocab = 151936;
    return m;
}

}  // namespace

class ModelsGpuTest : public QObject {
    Q_OBJECT

private slots:
    void estimateFollowsTheFormula() {
        const InstalledModel m = sampleModel();
        const GpuEstimate e = folio::gpuEstimate(m, 2048, -1);
        QCOMPARE(e.weightBytes, 250 * kMiB);
        QCOMPARE(e.kvBytes, qint64(2 * 2 * 2 * 64 * 2) * 2048);  // K+V, layers, heads, dim, f16
        QCOMPARE(e.workspaceBytes,
                 folio::kGpuActivationBytes + folio::kGpuCublasBytes + 4 * 151936 + 2 * 10'000'000);
        QCOMPARE(e.totalBytes, e.weightBytes + e.kvBytes + e.workspaceBytes);
        QCOMPARE(e.fit, QString("unknown"));  // no GPU
        // Context 0 = the engine's default: the training context here (4096 < 32768).
        QCOMPARE(folio::gpuEstimate(m, 0, -1).kvBytes, qint64(1024) * 4096);
        QCOMPARE(folio::gpuEstimate(m, 1 << 20, -1).kvBytes, qint64(1024) * 4096);  // clamped
    }

    void verdictsFollowTheEnginesPlan() {
        const InstalledModel m = sampleModel();
        const GpuEstimate need = folio::gpuEstimate(m, 2048, -1);
        const qint64 reserve = folio::kGpuReserveBytes;
        GpuEstimate e = folio::gpuEstimate(m, 2048, 8ll << 30);
        QCOMPARE(e.fit, QString("full"));
        QCOMPARE(e.gpuLayers, 2);
        // Exactly enough for full offload without the f16 prefill copies.
        e = folio::gpuEstimate(m, 2048, need.totalBytes + reserve);
        QCOMPARE(e.fit, QString("full"));
        e = folio::gpuEstimate(m, 2048, need.totalBytes + reserve - 1);
        QCOMPARE(e.fit, QString("partial"));
        QCOMPARE(e.gpuLayers, 1);
        QVERIFY(e.message.contains("1 of 2 layers"));
        e = folio::gpuEstimate(m, 2048, reserve + 60 * kMiB);
        QCOMPARE(e.fit, QString("none"));
        QCOMPARE(e.gpuLayers, 0);
        QVERIFY(e.message.contains("not enough GPU memory"));
    }

    void modelWithoutLayersIsUnknown() {
        InstalledModel m;  // an unsupported architecture: no layer data
        const GpuEstimate e = folio::gpuEstimate(m, 2048, 8ll << 30);
        QCOMPARE(e.fit, QString("unknown"));
        QCOMPARE(e.totalBytes, qint64(0));
    }

    void noDriverMeansNoGpuFound() {
        const folio::GpuInfo gpu = folio::probeGpu("libfolio-test-no-such-nvml.so.1");
        QVERIFY(!gpu.found);
        QVERIFY2(gpu.problem.contains("no GPU found"), qPrintable(gpu.problem));
        QCOMPARE(gpu.freeBytes, qint64(0));
    }

    void aLibraryThatIsNotNvmlIsRefused() {
        const folio::GpuInfo gpu = folio::probeGpu("libz.so.1");
        QVERIFY(!gpu.found);
        QVERIFY2(gpu.problem.contains("not the NVML library"), qPrintable(gpu.problem));
    }

    void readsTheGpuThroughNvml() {
        const folio::GpuInfo gpu = folio::probeGpu(FOLIO_FAKE_NVML);
        QVERIFY2(gpu.found, qPrintable(gpu.problem));
        QCOMPARE(gpu.name, QString("Fake GPU 8GB"));
        QCOMPARE(gpu.totalBytes, 8ll << 30);
        QCOMPARE(gpu.freeBytes, 6ll << 30);
    }

    // Whatever this machine has, probing never crashes and says something either way.
    void probingThisMachineIsSafe() {
        const folio::GpuInfo gpu = folio::probeGpu();
        QVERIFY(gpu.found ? gpu.totalBytes > 0 : !gpu.problem.isEmpty());
    }
};

QTEST_GUILESS_MAIN(ModelsGpuTest)
#include "models_gpu_test.moc"
