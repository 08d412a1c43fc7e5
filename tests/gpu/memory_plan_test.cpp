// Unit tests of the GPU memory plan arithmetic (engine/cuda/memory_plan.h). Plain arithmetic:
// runs on every machine, with or without a GPU or a CUDA toolkit (label unit).
#include "engine/cuda/memory_plan.h"

#include <QtTest>

using namespace folio::cuda;

namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kGiB = 1ull << 30;

// nLayers identical layers of `layerMiB` quantised weights and `elements` weights each.
MemoryPlanInput uniform(int nLayers, uint64_t layerMiB, uint64_t elements) {
    MemoryPlanInput in;
    in.layerWeightBytes.assign(size_t(nLayers), layerMiB * kMiB);
    in.layerWeightElements.assign(size_t(nLayers), elements);
    return in;
}

}  // namespace

class MemoryPlanTest : public QObject {
    Q_OBJECT
private slots:
    // Qwen3-8B Q4_K_M-like (36 layers of ~120 MiB, 189M weights each) with 32K of f16 KV
    // (144 KiB/token over all layers) on an H200: everything fits, f16 copies included.
    void qwen3_8bFitsOnH200WithF16Copies() {
        MemoryPlanInput in = uniform(36, 120, 189'000'000);
        in.otherWeightBytes = 700 * kMiB;
        in.kvBytesPerTokenPerLayer = 2 * 8 * 128 * 2;
        in.contextTokens = 32768;
        in.workspaceBytes = 2 * kGiB;
        in.freeBytes = 139 * kGiB;
        in.reserveBytes = kGiB;
        const MemoryPlan p = planGpuMemory(in);
        QCOMPARE(p.kind, OffloadKind::Full);
        QCOMPARE(p.gpuLayers, 36);
        QVERIFY(p.f16PrefillCopy);
        const uint64_t expected =
            700 * kMiB + 2 * kGiB + 36 * (120 * kMiB + 189'000'000ull * 2 + 4096ull * 32768);
        QCOMPARE(p.plannedBytes, expected);
    }

    // Exactly at the boundary: with f16 copies 1 byte over, without them it fits.
    void dropsF16CopiesBeforeLayers() {
        MemoryPlanInput in = uniform(4, 100, 10 * kMiB);  // f16 copy: 20 MiB per layer
        in.workspaceBytes = 50 * kMiB;
        in.freeBytes = 50 * kMiB + 4 * 120 * kMiB - 1;
        MemoryPlan p = planGpuMemory(in);
        QCOMPARE(p.kind, OffloadKind::Full);
        QVERIFY(!p.f16PrefillCopy);
        QCOMPARE(p.plannedBytes, 450 * kMiB);
        in.freeBytes += 1;
        p = planGpuMemory(in);
        QVERIFY(p.f16PrefillCopy);
        QCOMPARE(p.plannedBytes, in.freeBytes);
    }

    // 10 layers of 100 MiB, fixed 100 MiB, 600 MiB free: 5 layers fit exactly, 6 do not.
    void partialOffloadTakesAsManyLayersAsFit() {
        MemoryPlanInput in = uniform(10, 100, 0);
        in.otherWeightBytes = 50 * kMiB;
        in.workspaceBytes = 50 * kMiB;
        in.freeBytes = 600 * kMiB;
        const MemoryPlan p = planGpuMemory(in);
        QCOMPARE(p.kind, OffloadKind::Partial);
        QCOMPARE(p.gpuLayers, 5);
        QCOMPARE(p.plannedBytes, 600 * kMiB);
        QVERIFY(p.message.find("5 of 10 layers") != std::string::npos);
    }

    // A longer context costs KV per layer: the number of GPU layers never grows with it.
    void longerContextNeverAddsLayers() {
        MemoryPlanInput in = uniform(28, 300, 0);
        in.kvBytesPerTokenPerLayer = 2 * 8 * 128 * 2;
        in.freeBytes = 8 * kGiB;
        in.reserveBytes = 512 * kMiB;
        int previous = 1 << 30;
        for (uint64_t ctx : {0ull, 4096ull, 32768ull, 131072ull, 1048576ull, 4194304ull}) {
            in.contextTokens = ctx;
            const MemoryPlan p = planGpuMemory(in);
            const int layers = p.kind == OffloadKind::Refuse ? 0 : p.gpuLayers;
            QVERIFY2(layers <= previous, qPrintable(QString("context %1").arg(ctx)));
            previous = layers;
        }
        QCOMPARE(previous, 0);  // 4M tokens of KV (16 GiB per layer) do not fit at all
    }

    void refusesWhenNotEvenOneLayerFits() {
        MemoryPlanInput in = uniform(2, 100, 0);
        in.freeBytes = 1 * kGiB;
        in.reserveBytes = 950 * kMiB;  // 74 MiB usable < 100 MiB
        const MemoryPlan p = planGpuMemory(in);
        QCOMPARE(p.kind, OffloadKind::Refuse);
        QCOMPARE(p.gpuLayers, 0);
        QVERIFY(p.message.find("not enough GPU memory") != std::string::npos);
        in.reserveBytes = 2 * kGiB;  // reserve above free: nothing usable, no wrap-around
        QCOMPARE(planGpuMemory(in).kind, OffloadKind::Refuse);
    }

    // Products that overflow 64 bits saturate, so they refuse instead of wrapping to "fits".
    void hugeValuesSaturateInsteadOfWrapping() {
        MemoryPlanInput in = uniform(2, 1, 0);
        in.kvBytesPerTokenPerLayer = 1ull << 40;
        in.contextTokens = 1ull << 40;  // 2^80 bytes per layer
        in.freeBytes = UINT64_MAX;
        QCOMPARE(planGpuMemory(in).kind, OffloadKind::Refuse);
        in.kvBytesPerTokenPerLayer = 0;
        in.layerWeightElements = {UINT64_MAX / 2 + 1, 0};  // f16 copy alone overflows
        in.freeBytes = 1 * kGiB;
        const MemoryPlan p = planGpuMemory(in);
        QCOMPARE(p.kind, OffloadKind::Full);
        QVERIFY(!p.f16PrefillCopy);
    }

    void rejectsInconsistentInput() {
        MemoryPlanInput in = uniform(3, 1, 0);
        in.layerWeightElements.pop_back();
        in.freeBytes = 100 * kGiB;
        const MemoryPlan p = planGpuMemory(in);
        QCOMPARE(p.kind, OffloadKind::Refuse);
        QVERIFY(p.message.find("equal length") != std::string::npos);
        QCOMPARE(planGpuMemory(MemoryPlanInput{}).kind, OffloadKind::Refuse);
    }
};

QTEST_GUILESS_MAIN(MemoryPlanTest)
#include "memory_plan_test.moc"
