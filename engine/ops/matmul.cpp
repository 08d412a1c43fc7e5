#include "engine/ops/matmul.h"

#include <algorithm>

#include "engine/quant/kernels.h"
#include "engine/runtime/thread_pool.h"

namespace folio {

namespace {
// Weight rows per task: large enough to amortise dispatch, small enough to balance threads.
constexpr int64_t kRowGrain = 16;
// Activation rows multiplied together so each weight block is reused from cache.
constexpr int64_t kActivationTile = 64;
}  // namespace

void matmul(const WeightMatrix& w, const float* x, int64_t m, float* y, ThreadPool& pool,
            MatmulScratch& scratch) {
    const size_t actBytes = activationRowBytes(w.type, w.cols);
    if (scratch.activations.size() < actBytes * size_t(m))
        scratch.activations.resize(actBytes * size_t(m));
    uint8_t* act = scratch.activations.data();
    pool.parallelFor(m, 1, [&](int64_t begin, int64_t end) {
        for (int64_t j = begin; j < end; ++j)
            quantizeActivationRow(w.type, x + j * w.cols, act + j * actBytes, w.cols);
    });
    if (m == 1) {
        pool.parallelFor(w.rows, kRowGrain, [&](int64_t r0, int64_t r1) {
            dotRows(w.type, w.data + size_t(r0) * w.rowStride, w.rowStride, r1 - r0, act, w.cols,
                    y + r0);
        });
        return;
    }
    pool.parallelFor(w.rows, kRowGrain, [&](int64_t r0, int64_t r1) {
        for (int64_t j0 = 0; j0 < m; j0 += kActivationTile) {
            const int64_t nAct = std::min(kActivationTile, m - j0);
            dotRowsMulti(w.type, w.data + size_t(r0) * w.rowStride, w.rowStride, r1 - r0,
                         act + size_t(j0) * actBytes, nAct, w.cols, y + j0 * w.rows + r0, w.rows);
        }
    });
}

}  // namespace folio
