// KV cache storage: config validation and allocation errors, the block layout, f16 rounding,
// and copy-on-write of the bytes when a forked sequence writes into a shared block.
#include "engine/runtime/kv_cache.h"

#include <QtTest>
#include <cstring>
#include <random>

#include "engine/quant/quant.h"
#include "tests/support/hadamard.h"

using folio::KvCache;
using folio::KvCacheConfig;
using folio::KvType;

namespace {

KvCacheConfig smallConfig(KvType type) {
    KvCacheConfig c;
    c.nLayers = 2;
    c.nKvHeads = 2;
    c.headDim = 8;
    c.blockTokens = 4;
    c.maxTokens = 64;
    c.type = type;
    return c;
}

// Deterministic K/V of (layer, position): [nKvHeads][headDim] each, values in [-1, 1].
std::vector<float> kvValues(const KvCacheConfig& c, int layer, int pos, int kv, int salt = 0) {
    std::vector<float> x(size_t(c.nKvHeads) * c.headDim);
    for (size_t i = 0; i < x.size(); ++i)
        x[i] = std::sin(float(layer * 1000 + pos * 37 + int(i) * 3 + kv * 11 + salt * 7));
    return x;
}

float readElement(const KvCache& cache, const void* head, int slot, int d) {
    const int hd = cache.config().headDim, i = slot * hd + d;
    switch (cache.config().type) {
        case KvType::F32:
            return static_cast<const float*>(head)[i];
        case KvType::F16:
            return folio::f16ToF32(static_cast<const uint16_t*>(head)[i]);
        case KvType::Q8_0:  // read through rowsQ8 (q8StoresGroupsOf32)
            break;
    }
    return std::nanf("");
}

void storeRange(KvCache& cache, KvCache::SeqId seq, int from, int to, int salt = 0) {
    const auto& c = cache.config();
    for (int layer = 0; layer < c.nLayers; ++layer)
        for (int pos = from; pos < to; ++pos)
            cache.store(seq, layer, pos, kvValues(c, layer, pos, 0, salt).data(),
                        kvValues(c, layer, pos, 1, salt).data());
}

// Compares the stored K/V of positions [from, to) with kvValues(salt) within `tol`.
void checkRange(const KvCache& cache, KvCache::SeqId seq, int from, int to, float tol,
                int salt = 0) {
    const auto& c = cache.config();
    const auto& table = cache.blockTable(seq);
    for (int layer = 0; layer < c.nLayers; ++layer) {
        for (int pos = from; pos < to; ++pos) {
            const auto block = table[size_t(pos / c.blockTokens)];
            const auto k = kvValues(c, layer, pos, 0, salt), v = kvValues(c, layer, pos, 1, salt);
            for (int h = 0; h < c.nKvHeads; ++h) {
                for (int d = 0; d < c.headDim; ++d) {
                    const size_t i = size_t(h) * c.headDim + d;
                    const int slot = pos % c.blockTokens;
                    QVERIFY(std::abs(readElement(cache, cache.keys(block, layer, h), slot, d) -
                                     k[i]) <= tol);
                    QVERIFY(std::abs(readElement(cache, cache.values(block, layer, h), slot, d) -
                                     v[i]) <= tol);
                }
            }
        }
    }
}

}  // namespace

class KvCacheTest : public QObject {
    Q_OBJECT
private slots:
    void rejectsBadConfigs() {
        auto c = smallConfig(KvType::F16);
        c.nLayers = 0;
        auto r = KvCache::create(c);
        QVERIFY(!r.ok());
        QVERIFY(QString::fromStdString(r.error().message).contains("nLayers"));

        c = smallConfig(KvType::F16);
        c.maxTokens = int64_t(1) << 62;  // cannot be addressed
        r = KvCache::create(c);
        QVERIFY(!r.ok());
        QVERIFY(QString::fromStdString(r.error().message).contains("maxTokens"));

        c = smallConfig(KvType::F16);
        c.nLayers = 1 << 20;
        c.headDim = 1 << 20;
        c.maxTokens = int64_t(1) << 30;  // overflows 64-bit byte counts
        QVERIFY(!KvCache::create(c).ok());

        r = KvCache::create(smallConfig(KvType::Q8_0));  // head size 8: not groups of 32
        QVERIFY(!r.ok());
        QVERIFY(QString::fromStdString(r.error().message).contains("multiple of 32"));
    }

    void bytesPerTokenMatchesModelShapes() {
        KvCacheConfig qwen25{24, 2, 64, 16, 1024, KvType::F16};
        auto a = KvCache::create(qwen25);
        QVERIFY(a.ok());
        QCOMPARE((*a)->bytesPerToken(), size_t(2 * 24 * 2 * 64 * 2));
        // Pool: ceil(1024 / 16) blocks plus the spares.
        QCOMPARE((*a)->stats().blocksTotal, int64_t(64 + KvCache::kSpareBlocks));
        qwen25.type = KvType::F32;
        auto b = KvCache::create(qwen25);
        QVERIFY(b.ok());
        QCOMPARE((*b)->bytesPerToken(), size_t(2 * 24 * 2 * 64 * 4));
        // q8_0: a byte per value and a 4-byte scale per 32 values (Qwen3-0.6B: 28 x 8 x 128).
        KvCacheConfig qwen3{28, 8, 128, 16, 1024, KvType::Q8_0};
        auto c = KvCache::create(qwen3);
        QVERIFY(c.ok());
        QCOMPARE((*c)->bytesPerToken(), size_t(2 * 28 * 8 * (128 + 4 * 4)));
        QCOMPARE((*c)->headBytes(), size_t(16 * (128 + 4 * 4)));
    }

    // q8_0 rows: per 32 values the scale is max|x| / 127 and the value rounds to the nearest
    // multiple of it (error <= scale / 2; an all-zero group stays zero), for every layer, head,
    // K and V, read back through the pointers attention uses (rowsQ8). K rows are stored rotated
    // by the Hadamard transform (head size 64, a power of two); V rows as they are.
    void q8StoresGroupsOf32() {
        KvCacheConfig c = smallConfig(KvType::Q8_0);
        c.headDim = 64;
        auto r = KvCache::create(c);
        QVERIFY(r.ok());
        KvCache& cache = **r;
        auto s = cache.createSequence();
        QVERIFY(cache.reserve(s, std::vector<int32_t>(11, 5)).ok());
        storeRange(cache, s, 0, 10);
        const std::vector<float> zeros(size_t(c.nKvHeads) * c.headDim, 0.0f);
        for (int layer = 0; layer < c.nLayers; ++layer)
            cache.store(s, layer, 10, zeros.data(), zeros.data());
        cache.commit(s);
        const auto& table = cache.blockTable(s);
        for (int layer = 0; layer < c.nLayers; ++layer) {
            for (int pos = 0; pos < 11; ++pos) {
                const auto block = table[size_t(pos / c.blockTokens)];
                const int slot = pos % c.blockTokens;
                for (int kv = 0; kv < 2; ++kv) {
                    const auto stored = pos < 10 ? kvValues(c, layer, pos, kv) : zeros;
                    for (int h = 0; h < c.nKvHeads; ++h) {
                        const float* row = &stored[size_t(h) * c.headDim];
                        const auto x = kv == 0 ? folio::test::hadamard(row, c.headDim)
                                               : std::vector<float>(row, row + c.headDim);
                        const folio::KvRowsQ8 rows = cache.rowsQ8(block, layer, kv, h);
                        for (int g = 0; g < c.headDim / 32; ++g) {
                            const float* xg = &x[size_t(g) * 32];
                            float amax = 0;
                            for (int i = 0; i < 32; ++i) amax = std::max(amax, std::abs(xg[i]));
                            const float scale = rows.scale[slot * (c.headDim / 32) + g];
                            QCOMPARE(scale, amax / 127.0f);
                            for (int i = 0; i < 32; ++i) {
                                const int8_t q = rows.q[slot * c.headDim + g * 32 + i];
                                QVERIFY(std::abs(q * scale - xg[i]) <= scale * 0.5f + 1e-6f);
                                if (amax == 0) QCOMPARE(int(q), 0);
                            }
                        }
                    }
                }
            }
        }
        QVERIFY(cache.keysRotated());
    }

    void storesInBlockLayout_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<float>("tol");
        QTest::newRow("f32") << int(KvType::F32) << 0.0f;
        QTest::newRow("f16") << int(KvType::F16) << 1.0f / 2048;  // half: 11-bit mantissa
    }
    void storesInBlockLayout() {
        QFETCH(int, type);
        QFETCH(float, tol);
        auto r = KvCache::create(smallConfig(KvType(type)));
        QVERIFY(r.ok());
        KvCache& cache = **r;
        auto s = cache.createSequence();
        QVERIFY(cache.reserve(s, std::vector<int32_t>(11, 5)).ok());
        storeRange(cache, s, 0, 11);
        cache.commit(s);
        QCOMPARE(cache.length(s), 11);
        checkRange(cache, s, 0, 11, tol);
        // K and V of different heads and layers do not overlap.
        const auto b = cache.blockTable(s)[0];
        QVERIFY(cache.keys(b, 0, 1) != cache.keys(b, 0, 0));
        QVERIFY(cache.values(b, 1, 0) != cache.keys(b, 1, 0));
    }

    // The pool is layer-major: within a layer, block b+1 follows block b (K of every head, then V
    // of every head), so decode attention over one layer streams; layers lie a whole pool of
    // blocks apart. Checked on the pointers attention reads through.
    void poolIsLayerMajor() {
        const KvCacheConfig c = smallConfig(KvType::F16);
        auto r = KvCache::create(c);
        QVERIFY(r.ok());
        const KvCache& cache = **r;
        const ptrdiff_t head = ptrdiff_t(c.blockTokens) * c.headDim * 2;
        const ptrdiff_t layerBlock = 2 * c.nKvHeads * head;
        const ptrdiff_t nBlocks =
            (c.maxTokens + c.blockTokens - 1) / c.blockTokens + KvCache::kSpareBlocks;
        auto at = [](const void* p) { return static_cast<const char*>(p); };
        for (int layer = 0; layer < c.nLayers; ++layer) {
            for (KvCache::BlockId b = 0; b + 1 < nBlocks; ++b) {
                QCOMPARE(at(cache.keys(b + 1, layer, 0)) - at(cache.keys(b, layer, 0)), layerBlock);
                QCOMPARE(at(cache.keys(b, layer, 1)) - at(cache.keys(b, layer, 0)), head);
                QCOMPARE(at(cache.values(b, layer, 0)) - at(cache.keys(b, layer, 0)),
                         c.nKvHeads * head);
            }
        }
        QCOMPARE(at(cache.keys(0, 1, 0)) - at(cache.keys(0, 0, 0)), nBlocks * layerBlock);
    }

    void forkCopiesBytesBeforeWriting() {
        auto r = KvCache::create(smallConfig(KvType::F16));
        QVERIFY(r.ok());
        KvCache& cache = **r;
        auto a = cache.createSequence();
        QVERIFY(cache.reserve(a, {1, 2, 3, 4, 5, 6}).ok());
        storeRange(cache, a, 0, 6);
        cache.commit(a);

        auto b = cache.forkSequence(a);
        QVERIFY(cache.reserve(b, {9, 9}).ok());  // writes into the shared partial block
        QCOMPARE(cache.stats().cowCopies, int64_t(1));
        QVERIFY(cache.blockTable(b)[1] != cache.blockTable(a)[1]);
        storeRange(cache, b, 6, 8, /*salt=*/3);
        cache.commit(b);
        checkRange(cache, b, 0, 6, 1.0f / 2048);  // copied prefix
        checkRange(cache, b, 6, 8, 1.0f / 2048, 3);
        checkRange(cache, a, 0, 6, 1.0f / 2048);  // the source is untouched

        // Rewriting a published block after truncate leaves the cached copy intact.
        cache.truncate(b, 5);
        QVERIFY(cache.reserve(b, {8}).ok());
        storeRange(cache, b, 5, 6, /*salt=*/4);
        cache.commit(b);
        checkRange(cache, a, 0, 6, 1.0f / 2048);
        checkRange(cache, b, 5, 6, 1.0f / 2048, 4);
    }

    void exhaustionIsAStatus() {
        auto r = KvCache::create(smallConfig(KvType::F16));
        QVERIFY(r.ok());
        KvCache& cache = **r;
        auto s = cache.createSequence();
        const auto total = (*r)->stats().blocksTotal * cache.config().blockTokens;
        auto st = cache.reserve(s, std::vector<int32_t>(size_t(total) + 1, 1));
        QVERIFY(!st.ok());
        QVERIFY(QString::fromStdString(st.message()).contains("KV cache full"));
        QVERIFY(cache.reserve(s, std::vector<int32_t>(size_t(total), 1)).ok());
    }
};

QTEST_GUILESS_MAIN(KvCacheTest)
#include "kv_cache_test.moc"
