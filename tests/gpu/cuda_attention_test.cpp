// CPU-parity tests of the CUDA attention kernels over the paged f16 KV cache (label gpu): the
// split-K decode kernel and the FlashAttention-2-style prefill kernel against
// engine/ops/attention.h, with GQA shapes of Qwen2.5-0.5B (14/2 x 64) and Qwen3-8B (32/8 x 128),
// and the tensor-core prefill kernel (cuda_attention_tc.cu) against the CPU and the scalar kernel.
// The KV data is written through the real KvCache, with a second sequence interleaved so that
// the block table is not the identity. Without a CUDA device the suite exits with 77 (skipped).
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/ops/attention.h"
#include "engine/runtime/kv_cache.h"
#include "engine/runtime/thread_pool.h"
#include "gpu/gpu_test_util.h"

using namespace folio;
using folio::test::kNmseGeneral;
using folio::test::randomVector;

namespace {

// The tensor-core kernel rounds Q*scale and the softmax weights to f16 before its products
// (2^-12 relative error each, ~2.8e-4 rms): against the f32 CPU reference that is a normalised
// MSE near 1.6e-7 for random data, above kNmseGeneral, so it gets this bound (6x headroom). An
// indexing or masking bug gives errors of order 1e-2..1.
constexpr double kNmseTensorCore = 1e-6;

// A one-layer KvCache holding `length` random positions of sequence `seq`, plus its pool copied
// into the flat layout the CUDA kernels read.
struct PagedFixture {
    std::unique_ptr<KvCache> cache;
    KvCache::SeqId seq = 0;
    std::vector<uint16_t> pool;  // poolBlocks * blockStride f16 values
    std::vector<int32_t> table;
    cuda::PagedKvLayout layout;
};

Status fillFixture(PagedFixture& f, int nKvHeads, int headDim, int length) {
    KvCacheConfig c;
    c.nLayers = 1;
    c.nKvHeads = nKvHeads;
    c.headDim = headDim;
    c.maxTokens = 2 * int64_t(length) + 64;
    c.type = KvType::F16;
    auto cache = KvCache::create(c);
    if (!cache) return cache.error();
    f.cache = std::move(*cache);
    f.seq = f.cache->createSequence();
    const KvCache::SeqId other = f.cache->createSequence();
    const int bt = c.blockTokens;
    const auto kv = randomVector(size_t(length) * 2 * nKvHeads * headDim, 31);
    for (int start = 0; start < length; start += bt) {
        const int n = std::min(bt, length - start);
        std::vector<int32_t> tokens(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) tokens[size_t(i)] = 1000 + start + i;
        if (Status s = f.cache->reserve(f.seq, tokens); !s) return s;
        for (int i = 0; i < n; ++i) {
            const float* k = &kv[size_t(start + i) * 2 * nKvHeads * headDim];
            f.cache->store(f.seq, 0, start + i, k, k + nKvHeads * headDim);
        }
        f.cache->commit(f.seq);
        // The other sequence takes the next block, so the table of `seq` skips every other one.
        std::vector<int32_t> otherTokens(size_t(bt), 7);
        if (Status s = f.cache->reserve(other, otherTokens); !s) return s;
        f.cache->commit(other);
    }
    const auto& table = f.cache->blockTable(f.seq);
    f.table.assign(table.begin(), table.end());
    cuda::PagedKvLayout& L = f.layout;
    L.nKvHeads = nKvHeads;
    L.headDim = headDim;
    L.blockTokens = bt;
    L.headStride = int64_t(bt) * headDim;
    L.valueOffset = L.headStride * nKvHeads;
    L.blockStride = 2 * L.valueOffset;
    L.poolBlocks = *std::max_element(f.table.begin(), f.table.end()) + 1;
    f.pool.assign(size_t(L.poolBlocks) * size_t(L.blockStride), 0);
    for (int32_t b : f.table)
        for (int h = 0; h < nKvHeads; ++h) {
            const size_t at = size_t(b) * L.blockStride + size_t(h) * L.headStride;
            std::memcpy(&f.pool[at], f.cache->keys(b, 0, h), size_t(L.headStride) * 2);
            std::memcpy(&f.pool[at + size_t(L.valueOffset)], f.cache->values(b, 0, h),
                        size_t(L.headStride) * 2);
        }
    return {};
}

void addShapeRows(const std::vector<std::pair<int, int>>& extents) {
    QTest::addColumn<int>("nHead");
    QTest::addColumn<int>("nKvHeads");
    QTest::addColumn<int>("headDim");
    QTest::addColumn<int>("a");  // decode: context length; prefill: startPos
    QTest::addColumn<int>("b");  // prefill: nTok
    const struct {
        const char* name;
        int nHead, nKv, dim;
    } shapes[] = {{"qwen2.5-0.5b", 14, 2, 64}, {"qwen3-8b", 32, 8, 128}};
    for (const auto& s : shapes)
        for (const auto& [a, b] : extents)
            QTest::addRow("%s %d %d", s.name, a, b) << s.nHead << s.nKv << s.dim << a << b;
}

}  // namespace

class CudaAttentionTest : public QObject {
    Q_OBJECT
private slots:
    // Context lengths: one token, a partial block, exactly one partition (256), several
    // partitions with a partial last block.
    void decodeMatchesCpu_data() { addShapeRows({{1, 0}, {17, 0}, {256, 0}, {1000, 0}}); }
    void decodeMatchesCpu() {
        QFETCH(int, nHead);
        QFETCH(int, nKvHeads);
        QFETCH(int, headDim);
        QFETCH(int, a);
        const int context = a;
        PagedFixture f;
        Status s = fillFixture(f, nKvHeads, headDim, context);
        QVERIFY2(s.ok(), s.message().c_str());
        const auto q = randomVector(size_t(nHead) * headDim, 41);
        const float scale = 1.f / std::sqrt(float(headDim));
        std::vector<float> gpu(q.size()), cpu(q.size());
        s = cuda::decodeAttention(f.pool.data(), f.layout, f.table.data(), q.data(), nHead, context,
                                  scale, gpu.data());
        QVERIFY2(s.ok(), s.message().c_str());
        ThreadPool pool(1);
        attention(*f.cache, f.seq, 0, q.data(), 1, context - 1, nHead, scale, cpu.data(), pool);
        FOLIO_VERIFY_NMSE(gpu, cpu, kNmseGeneral);
    }

    // (startPos, nTok): a prompt from scratch, one shorter than a tile, and a later chunk of a
    // chunked prefill that starts mid-block.
    void prefillMatchesCpu_data() { addShapeRows({{0, 100}, {0, 5}, {70, 45}}); }
    void prefillMatchesCpu() {
        QFETCH(int, nHead);
        QFETCH(int, nKvHeads);
        QFETCH(int, headDim);
        QFETCH(int, a);
        QFETCH(int, b);
        const int startPos = a, nTok = b;
        PagedFixture f;
        Status s = fillFixture(f, nKvHeads, headDim, startPos + nTok);
        QVERIFY2(s.ok(), s.message().c_str());
        const auto q = randomVector(size_t(nTok) * nHead * headDim, 43);
        const float scale = 1.f / std::sqrt(float(headDim));
        std::vector<float> gpu(q.size()), cpu(q.size());
        s = cuda::prefillAttention(f.pool.data(), f.layout, f.table.data(), q.data(), nTok,
                                   startPos, nHead, scale, gpu.data(), cuda::PrefillKernel::Scalar);
        QVERIFY2(s.ok(), s.message().c_str());
        ThreadPool pool(1);
        attention(*f.cache, f.seq, 0, q.data(), nTok, startPos, nHead, scale, cpu.data(), pool);
        FOLIO_VERIFY_NMSE(gpu, cpu, kNmseGeneral);
    }

    // The tensor-core kernel: head sizes 64 and 128, GQA ratios 1, 4, 8 (2 kv heads), query
    // counts from one to several 64-row tiles with partial tails, and a first chunk (startPos 0)
    // as well as later chunks starting mid-block (37) and after many tiles (512).
    void tensorCoreMatchesCpu_data() {
        QTest::addColumn<int>("headDim");
        QTest::addColumn<int>("group");
        QTest::addColumn<int>("nTok");
        QTest::addColumn<int>("startPos");
        for (int dim : {64, 128})
            for (int group : {1, 4, 8})
                for (int nTok : {1, 17, 64, 100, 300})
                    for (int startPos : {0, 37, 512})
                        QTest::addRow("d%d g%d n%d start%d", dim, group, nTok, startPos)
                            << dim << group << nTok << startPos;
    }
    void tensorCoreMatchesCpu() {
        QFETCH(int, headDim);
        QFETCH(int, group);
        QFETCH(int, nTok);
        QFETCH(int, startPos);
        const int nKvHeads = 2, nHead = nKvHeads * group;
        PagedFixture f;
        Status s = fillFixture(f, nKvHeads, headDim, startPos + nTok);
        QVERIFY2(s.ok(), s.message().c_str());
        const auto q = randomVector(size_t(nTok) * nHead * headDim, 47);
        const float scale = 1.f / std::sqrt(float(headDim));
        std::vector<float> gpu(q.size()), cpu(q.size());
        s = cuda::prefillAttention(f.pool.data(), f.layout, f.table.data(), q.data(), nTok,
                                   startPos, nHead, scale, gpu.data(),
                                   cuda::PrefillKernel::TensorCore);
        if (!s.ok() && s.message().find("shared memory") != std::string::npos)
            QSKIP("this device's shared memory is too small for the tensor-core kernel");
        QVERIFY2(s.ok(), s.message().c_str());
        ThreadPool pool(1);
        attention(*f.cache, f.seq, 0, q.data(), nTok, startPos, nHead, scale, cpu.data(), pool);
        FOLIO_VERIFY_NMSE(gpu, cpu, kNmseTensorCore);
    }

    // The two GPU kernels directly, on the 8B shape (32/8 x 128) and the 0.5B shape: a parity
    // failure of the forward pass can then be pinned on one of them without the CPU.
    void tensorCoreMatchesScalar_data() { addShapeRows({{0, 300}, {512, 100}}); }
    void tensorCoreMatchesScalar() {
        QFETCH(int, nHead);
        QFETCH(int, nKvHeads);
        QFETCH(int, headDim);
        QFETCH(int, a);
        QFETCH(int, b);
        const int startPos = a, nTok = b;
        PagedFixture f;
        Status s = fillFixture(f, nKvHeads, headDim, startPos + nTok);
        QVERIFY2(s.ok(), s.message().c_str());
        const auto q = randomVector(size_t(nTok) * nHead * headDim, 53);
        const float scale = 1.f / std::sqrt(float(headDim));
        std::vector<float> tc(q.size()), scalar(q.size());
        s = cuda::prefillAttention(f.pool.data(), f.layout, f.table.data(), q.data(), nTok,
                                   startPos, nHead, scale, tc.data(),
                                   cuda::PrefillKernel::TensorCore);
        if (!s.ok() && s.message().find("shared memory") != std::string::npos)
            QSKIP("this device's shared memory is too small for the tensor-core kernel");
        QVERIFY2(s.ok(), s.message().c_str());
        s = cuda::prefillAttention(f.pool.data(), f.layout, f.table.data(), q.data(), nTok,
                                   startPos, nHead, scale, scalar.data(),
                                   cuda::PrefillKernel::Scalar);
        QVERIFY2(s.ok(), s.message().c_str());
        FOLIO_VERIFY_NMSE(tc, scalar, kNmseTensorCore);
    }

    // A head size without a tensor-core instantiation is refused by name when forced.
    void tensorCoreRejectsUnsupportedHeadDim() {
        PagedFixture f;
        Status s = fillFixture(f, 2, 64, 40);
        QVERIFY2(s.ok(), s.message().c_str());
        cuda::PagedKvLayout bad = f.layout;
        bad.headDim = 96;
        std::vector<float> q(size_t(8) * 2 * 96, 0.5f), out(q.size());
        s = cuda::prefillAttention(f.pool.data(), bad, f.table.data(), q.data(), 8, 0, 2, 0.1f,
                                   out.data(), cuda::PrefillKernel::TensorCore);
        QVERIFY(!s.ok());
        QVERIFY(s.message().find("headDim") != std::string::npos);
    }

    void rejectsBadLayoutAndTable() {
        PagedFixture f;
        Status s = fillFixture(f, 2, 64, 40);
        QVERIFY2(s.ok(), s.message().c_str());
        std::vector<float> q(14 * 64, 0.5f), out(q.size());
        cuda::PagedKvLayout bad = f.layout;
        bad.headDim = 80;
        s = cuda::decodeAttention(f.pool.data(), bad, f.table.data(), q.data(), 14, 40, 0.1f,
                                  out.data());
        QVERIFY(!s.ok());
        QVERIFY(s.message().find("headDim") != std::string::npos);
        auto table = f.table;
        table[1] = f.layout.poolBlocks;  // past the end of the pool
        s = cuda::decodeAttention(f.pool.data(), f.layout, table.data(), q.data(), 14, 40, 0.1f,
                                  out.data());
        QVERIFY(!s.ok());
        QVERIFY(s.message().find("outside the pool") != std::string::npos);
        s = cuda::decodeAttention(f.pool.data(), f.layout, f.table.data(), q.data(), 13, 40, 0.1f,
                                  out.data());
        QVERIFY(!s.ok());
        QVERIFY(s.message().find("nKvHeads") != std::string::npos);
    }
};

FOLIO_GPU_TEST_MAIN(CudaAttentionTest)
#include "cuda_attention_test.moc"
