// CPU-parity tests of the CUDA element-wise and weight kernels (label gpu): RMSNorm, SwiGLU,
// QK-norm + RoPE, dequant-fused matvec of every GPU weight format, and the cuBLAS prefill GEMM.
// Shapes are those of Qwen2.5-0.5B (896 wide, 14/2 heads x 64) and Qwen3-8B (4096 wide,
// 32/8 heads x 128). Without a CUDA device the suite exits with 77 (skipped).
#include <QtTest>
#include <cstring>

#include "engine/ops/elementwise.h"
#include "engine/quant/quant.h"
#include "gpu/gpu_test_util.h"

using namespace folio;
using folio::test::kNmseGeneral;
using folio::test::kNmseMatrix;
using folio::test::randomVector;

namespace {

// Where a type keeps its f16 scale fields inside a block (byte offsets); random bytes elsewhere
// are valid quants. Random f16 scales could be inf/NaN, so these are overwritten with sane ones.
struct ScaleFields {
    GgmlType type;
    int offsets[2];
    int count;
    float magnitude;  // scale values are uniform in [0.5, 1.5] * magnitude
};

constexpr ScaleFields kScaleFields[] = {
    {GgmlType::Q4_0, {0, 0}, 1, 1e-2f},   {GgmlType::Q5_0, {0, 0}, 1, 1e-2f},
    {GgmlType::Q8_0, {0, 0}, 1, 1e-2f},   {GgmlType::Q4_K, {0, 2}, 2, 1e-3f},
    {GgmlType::Q6_K, {208, 0}, 1, 1e-4f},
};

// A random [rows][cols] matrix of type t in GGUF layout.
std::vector<uint8_t> randomMatrix(GgmlType t, int rows, int cols, uint32_t seed) {
    const size_t rb = rowBytes(t, cols);
    std::vector<uint8_t> w(rb * rows);
    std::mt19937 rng(seed);
    if (t == GgmlType::F16 || t == GgmlType::BF16) {
        const auto f = randomVector(size_t(rows) * cols, seed);
        for (size_t i = 0; i < f.size(); ++i) {
            const uint16_t h = t == GgmlType::F16 ? f32ToF16(f[i]) : f32ToBf16(f[i]);
            std::memcpy(&w[2 * i], &h, 2);
        }
        return w;
    }
    for (auto& b : w) b = uint8_t(rng());
    const ScaleFields* fields = nullptr;
    for (const auto& f : kScaleFields)
        if (f.type == t) fields = &f;
    if (!fields) return {};
    std::uniform_real_distribution<float> u(0.5f, 1.5f);
    const int blockBytes = typeInfo(t)->blockBytes;
    for (size_t b = 0; b < w.size(); b += size_t(blockBytes))
        for (int k = 0; k < fields->count; ++k) {
            const uint16_t h = f32ToF16(u(rng) * fields->magnitude);
            std::memcpy(&w[b + size_t(fields->offsets[k])], &h, 2);
        }
    return w;
}

}  // namespace

class CudaParityTest : public QObject {
    Q_OBJECT
private slots:
    void rmsNormMatchesCpu_data() {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("n");
        QTest::newRow("qwen2.5-0.5b") << 7 << 896;
        QTest::newRow("qwen3-8b") << 3 << 4096;
    }
    void rmsNormMatchesCpu() {
        QFETCH(int, rows);
        QFETCH(int, n);
        auto x = randomVector(size_t(rows) * n, 1), w = randomVector(n, 2);
        std::vector<float> gpu(x.size()), cpu(x.size());
        Status s = cuda::rmsNorm(x.data(), w.data(), gpu.data(), rows, n, 1e-6f);
        QVERIFY2(s.ok(), s.message().c_str());
        for (int r = 0; r < rows; ++r)
            rmsNorm(&x[size_t(r) * n], w.data(), &cpu[size_t(r) * n], n, 1e-6f);
        FOLIO_VERIFY_NMSE(gpu, cpu, kNmseGeneral);
    }

    void swigluMatchesCpu() {
        auto g = randomVector(12288, 3), u = randomVector(12288, 4);
        auto gpu = g, cpu = g;
        Status s = cuda::swiglu(gpu.data(), u.data(), int64_t(g.size()));
        QVERIFY2(s.ok(), s.message().c_str());
        swiglu(cpu.data(), u.data(), int(cpu.size()));
        FOLIO_VERIFY_NMSE(gpu, cpu, kNmseGeneral);
    }

    void qkNormRopeMatchesCpu_data() {
        QTest::addColumn<int>("nHeads");
        QTest::addColumn<int>("headDim");
        QTest::addColumn<bool>("withNorm");
        QTest::addColumn<float>("theta");
        QTest::newRow("qwen2.5-0.5b q, no norm") << 14 << 64 << false << 1000000.f;
        QTest::newRow("qwen3-8b q, q_norm") << 32 << 128 << true << 1000000.f;
        QTest::newRow("qwen3-8b k, k_norm") << 8 << 128 << true << 1000000.f;
    }
    void qkNormRopeMatchesCpu() {
        QFETCH(int, nHeads);
        QFETCH(int, headDim);
        QFETCH(bool, withNorm);
        QFETCH(float, theta);
        // Positions include a long-context one, where angle precision matters.
        const std::vector<int32_t> positions = {0, 1, 17, 511, 4095, 32767};
        const int nTok = int(positions.size());
        auto x = randomVector(size_t(nTok) * nHeads * headDim, 7);
        auto w = randomVector(headDim, 8);
        auto gpu = x, cpu = x;
        Status s = cuda::qkNormRope(gpu.data(), nTok, nHeads, headDim, positions.data(),
                                    withNorm ? w.data() : nullptr, 1e-6f, theta, true);
        QVERIFY2(s.ok(), s.message().c_str());
        std::vector<float> cs(headDim);
        for (int t = 0; t < nTok; ++t) {
            float* row = &cpu[size_t(t) * nHeads * headDim];
            if (withNorm)
                for (int h = 0; h < nHeads; ++h)
                    rmsNorm(row + h * headDim, w.data(), row + h * headDim, headDim, 1e-6f);
            ropeTable(positions[size_t(t)], headDim, theta, cs.data());
            applyRope(row, nHeads, headDim, cs.data(), RopeStyle::Neox);
        }
        FOLIO_VERIFY_NMSE(gpu, cpu, kNmseGeneral);
    }

    void qkNormRopeRejectsOddHeadDim() {
        std::vector<float> x(63);
        const int32_t pos = 0;
        Status s = cuda::qkNormRope(x.data(), 1, 1, 63, &pos, nullptr, 1e-6f, 1e4f, true);
        QVERIFY(!s.ok());
        QVERIFY(s.message().find("headDim") != std::string::npos);
    }

    void matvecMatchesCpu_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        const std::pair<const char*, GgmlType> types[] = {
            {"q4_0", GgmlType::Q4_0}, {"q5_0", GgmlType::Q5_0}, {"q8_0", GgmlType::Q8_0},
            {"q4_k", GgmlType::Q4_K}, {"q6_k", GgmlType::Q6_K}, {"f16", GgmlType::F16},
            {"bf16", GgmlType::BF16}};
        for (const auto& [name, t] : types) {
            // Q5_0 (attn_v of the default model) is only ever 896 wide; the others also 4096.
            QTest::addRow("%s 0.5b 4864x896", name) << int(t) << 4864 << 896;
            QTest::addRow("%s 8b 1024x4096", name) << int(t) << 1024 << 4096;
        }
    }
    void matvecMatchesCpu() {
        QFETCH(int, type);
        QFETCH(int, rows);
        QFETCH(int, cols);
        const auto t = GgmlType(type);
        QVERIFY(cuda::matvecSupports(t));
        const auto w = randomMatrix(t, rows, cols, 11);
        QVERIFY(!w.empty());
        const auto x = randomVector(cols, 12);
        std::vector<float> gpu(rows), cpu(rows);
        Status s = cuda::matvec(t, w.data(), x.data(), gpu.data(), rows, cols);
        QVERIFY2(s.ok(), s.message().c_str());
        const size_t rb = rowBytes(t, cols);
        for (int r = 0; r < rows; ++r) cpu[size_t(r)] = dotRowRef(t, &w[r * rb], x.data(), cols);
        FOLIO_VERIFY_NMSE(gpu, cpu, kNmseMatrix);
    }

    void matvecRejectsUnsupportedTypeAndShape() {
        std::vector<uint8_t> w(1024);
        std::vector<float> x(256), y(4);
        Status s = cuda::matvec(GgmlType::Q2_K, w.data(), x.data(), y.data(), 1, 256);
        QVERIFY(!s.ok());
        QVERIFY(s.message().find("not supported") != std::string::npos);
        s = cuda::matvec(GgmlType::Q4_K, w.data(), x.data(), y.data(), 1, 100);
        QVERIFY(!s.ok());
        QVERIFY(s.message().find("blocks") != std::string::npos);
    }

    void gemmMatchesCpu_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::addColumn<int>("nTok");
        QTest::newRow("q4_k 8b-wide") << int(GgmlType::Q4_K) << 512 << 4096 << 37;
        QTest::newRow("q6_k 0.5b") << int(GgmlType::Q6_K) << 896 << 896 << 64;
        QTest::newRow("q8_0 0.5b") << int(GgmlType::Q8_0) << 4864 << 896 << 16;
        QTest::newRow("q4_0 odd tokens") << int(GgmlType::Q4_0) << 300 << 1024 << 5;
        QTest::newRow("f16") << int(GgmlType::F16) << 256 << 896 << 9;
    }
    void gemmMatchesCpu() {
        QFETCH(int, type);
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(int, nTok);
        const auto t = GgmlType(type);
        const auto w = randomMatrix(t, rows, cols, 21);
        const auto x = randomVector(size_t(nTok) * cols, 22);
        std::vector<float> gpu(size_t(nTok) * rows), cpu(gpu.size());
        Status s = cuda::gemm(t, w.data(), x.data(), gpu.data(), rows, cols, nTok);
        QVERIFY2(s.ok(), s.message().c_str());
        const size_t rb = rowBytes(t, cols);
        for (int k = 0; k < nTok; ++k)
            for (int r = 0; r < rows; ++r)
                cpu[size_t(k) * rows + r] = dotRowRef(t, &w[r * rb], &x[size_t(k) * cols], cols);
        FOLIO_VERIFY_NMSE(gpu, cpu, kNmseMatrix);
    }
};

FOLIO_GPU_TEST_MAIN(CudaParityTest)
#include "cuda_parity_test.moc"
