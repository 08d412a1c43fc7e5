// The thread pool's contracts (every task exactly once, all finished on return, any thread
// count, a pool busier than the cores) and matmulShared against separate matmul calls.
#include "engine/runtime/thread_pool.h"

#include <QtTest>
#include <atomic>
#include <random>
#include <vector>

#include "engine/ops/matmul.h"
#include "engine/quant/quant.h"

using folio::ThreadPool;

namespace {

// A Q8_0 / Q4_0 weight matrix of random values: rows x cols, owned bytes.
struct OwnedWeight {
    std::vector<uint8_t> bytes;
    folio::WeightMatrix view;
};

OwnedWeight makeWeight(folio::GgmlType type, int64_t rows, int64_t cols, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    OwnedWeight w;
    const size_t stride = folio::rowBytes(type, cols);
    w.bytes.resize(stride * size_t(rows));
    std::vector<float> row(static_cast<size_t>(cols));
    for (int64_t r = 0; r < rows; ++r) {
        for (float& v : row) v = dist(rng);
        if (type == folio::GgmlType::Q8_0)
            folio::quantizeRowQ8_0(row.data(), w.bytes.data() + stride * size_t(r), cols);
        else
            folio::quantizeRowQ4_0(row.data(), w.bytes.data() + stride * size_t(r), cols);
    }
    w.view = {type, w.bytes.data(), cols, rows, stride};
    return w;
}

}  // namespace

class ThreadPoolTest : public QObject {
    Q_OBJECT
private slots:
    void parallelForCoversEveryItemOnce_data() {
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("grain");
        QTest::newRow("1 thread") << 1 << 1000 << 16;
        QTest::newRow("2 threads") << 2 << 1000 << 16;
        QTest::newRow("2 threads, fewer items than grain") << 2 << 5 << 16;
        QTest::newRow("8 threads (more than cores)") << 8 << 100003 << 1;
        QTest::newRow("3 threads, odd split") << 3 << 17 << 1;
    }
    void parallelForCoversEveryItemOnce() {
        QFETCH(int, threads);
        QFETCH(int, n);
        QFETCH(int, grain);
        ThreadPool pool(threads);
        std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
        // Many jobs back to back: a worker that wakes late must not run a finished job.
        for (int round = 0; round < 200; ++round) {
            pool.parallelFor(n, grain, [&](int64_t b, int64_t e) {
                if (b >= e) hits[0].fetch_add(1000000);  // empty ranges are never passed
                for (int64_t i = b; i < e; ++i) hits[size_t(i)].fetch_add(1);
            });
        }
        for (int i = 0; i < n; ++i) QCOMPARE(hits[size_t(i)].load(), 200);
    }

    void runCallsEverySlotOnce() {
        for (int threads : {1, 2, 5}) {
            ThreadPool pool(threads);
            QCOMPARE(pool.size(), threads);
            for (int round = 0; round < 500; ++round) {
                std::vector<std::atomic<int>> calls(static_cast<size_t>(threads));
                std::atomic<int> wrongCount{0};
                pool.run([&](int index, int count) {
                    if (count != threads) wrongCount.fetch_add(1);
                    calls[static_cast<size_t>(index)].fetch_add(1);
                });
                QCOMPARE(wrongCount.load(), 0);
                for (int i = 0; i < threads; ++i) QCOMPARE(calls[static_cast<size_t>(i)].load(), 1);
            }
        }
    }

    void sleepingWorkersWakeForTheNextJob() {
        ThreadPool pool(2);
        std::atomic<int> sum{0};
        pool.parallelFor(64, 1, [&](int64_t b, int64_t e) { sum.fetch_add(int(e - b)); });
        QThread::msleep(50);  // far past the spin phase: workers are asleep
        pool.parallelFor(64, 1, [&](int64_t b, int64_t e) { sum.fetch_add(int(e - b)); });
        QCOMPARE(sum.load(), 128);
    }

    // q/k/v-like products (two weight types sharing Q8 activations, one row count not a multiple
    // of the grain), decode and prefill: matmulShared equals separate matmul calls bit for bit.
    void matmulSharedEqualsSeparateMatmuls() {
        const int64_t cols = 256;
        const OwnedWeight a = makeWeight(folio::GgmlType::Q4_0, 96, cols, 1);
        const OwnedWeight b = makeWeight(folio::GgmlType::Q8_0, 40, cols, 2);
        const OwnedWeight c = makeWeight(folio::GgmlType::Q4_0, 21, cols, 3);
        for (int threads : {1, 2, 3}) {
            ThreadPool pool(threads);
            folio::MatmulScratch scratch;
            for (int64_t m : {1, 7}) {
                std::mt19937 rng(static_cast<uint32_t>(m));
                std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
                std::vector<float> x(size_t(m * cols));
                for (float& v : x) v = dist(rng);
                std::vector<float> ya(size_t(m * 96)), yb(size_t(m * 40)), yc(size_t(m * 21));
                const folio::MatmulOut outs[] = {
                    {&a.view, ya.data()}, {&b.view, yb.data()}, {&c.view, yc.data()}};
                folio::matmulShared(outs, 3, x.data(), m, pool, scratch);
                for (const auto& o : outs) {
                    std::vector<float> ref(size_t(m * o.w->rows));
                    folio::matmul(*o.w, x.data(), m, ref.data(), pool, scratch);
                    for (size_t i = 0; i < ref.size(); ++i) QCOMPARE(o.y[i], ref[i]);
                }
                // And against the float reference, so a wrong row mapping cannot pass.
                std::vector<float> row(static_cast<size_t>(cols));
                for (int64_t j = 0; j < m; ++j) {
                    const float want = folio::dotRowRef(
                        b.view.type, b.view.data + 5 * b.view.rowStride, x.data() + j * cols, cols);
                    QVERIFY(std::fabs(yb[size_t(j * 40 + 5)] - want) <
                            0.05f + 0.02f * std::fabs(want));
                }
            }
        }
    }
};

QTEST_APPLESS_MAIN(ThreadPoolTest)
#include "thread_pool_test.moc"
