#include "engine/ops/matmul.h"

#include <algorithm>
#include <cassert>

#include "engine/quant/kernels.h"
#include "engine/runtime/thread_pool.h"

namespace folio {

namespace {
// Weight rows per task: large enough to amortise dispatch, small enough to balance threads.
constexpr int64_t kRowGrain = 16;
// Activation rows multiplied together so each weight block is reused from cache.
constexpr int64_t kActivationTile = 64;
// Decode splits rows at multiples of this: the gemv kernels take rows in groups of 4 (a row's
// bits do not depend on the cut; whole groups only avoid the slower one-row tail per range).
constexpr int64_t kDecodeRowAlign = 4;

// rows [r0, r1) of one product: decode (m == 1) is one dotRows; prefill walks activation tiles.
void productRows(const WeightMatrix& w, const uint8_t* act, size_t actBytes, int64_t m, float* y,
                 int64_t r0, int64_t r1) {
    const uint8_t* rows = w.data + size_t(r0) * w.rowStride;
    if (m == 1) {
        dotRows(w.type, rows, w.rowStride, r1 - r0, act, w.cols, y + r0);
        return;
    }
    for (int64_t j0 = 0; j0 < m; j0 += kActivationTile) {
        const int64_t nAct = std::min(kActivationTile, m - j0);
        dotRowsMulti(w.type, rows, w.rowStride, r1 - r0, act + size_t(j0) * actBytes, nAct, w.cols,
                     y + j0 * w.rows + r0, w.rows);
    }
}
}  // namespace

void matmul(const WeightMatrix& w, const float* x, int64_t m, float* y, ThreadPool& pool,
            MatmulScratch& scratch) {
    const MatmulOut out{&w, y};
    matmulShared(&out, 1, x, m, pool, scratch);
}

void matmulShared(const MatmulOut* outs, int count, const float* x, int64_t m, ThreadPool& pool,
                  MatmulScratch& scratch) {
    assert(count >= 1 && count <= kMaxSharedMatmuls);
    const int64_t cols = outs[0].w->cols;
    // Distinct activation formats: format[i] is the buffer product i reads.
    int format[kMaxSharedMatmuls];
    GgmlType formatType[kMaxSharedMatmuls];
    size_t formatOffset[kMaxSharedMatmuls + 1] = {0};
    int nFormats = 0;
    for (int i = 0; i < count; ++i) {
        assert(outs[i].w->cols == cols);
        int f = 0;
        while (f < nFormats && !sharesActivations(formatType[f], outs[i].w->type)) ++f;
        if (f == nFormats) {
            formatType[nFormats] = outs[i].w->type;
            formatOffset[nFormats + 1] =
                formatOffset[nFormats] + activationRowBytes(outs[i].w->type, cols) * size_t(m);
            ++nFormats;
        }
        format[i] = f;
    }
    if (scratch.activations.size() < formatOffset[nFormats])
        scratch.activations.resize(formatOffset[nFormats]);
    uint8_t* act = scratch.activations.data();

    // Quantize: one task per (format, activation row); inline for decode (m == 1, one format).
    pool.parallelFor(int64_t(nFormats) * m, 1, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
            const int f = int(i / m);
            const int64_t j = i % m;
            const size_t rowBytes = activationRowBytes(formatType[f], cols);
            quantizeActivationRow(formatType[f], x + j * cols, act + formatOffset[f] + j * rowBytes,
                                  cols);
        }
    });

    // One dispatch over the concatenated rows of all products, in units of `align` rows.
    int64_t rowStart[kMaxSharedMatmuls + 1] = {0};
    for (int i = 0; i < count; ++i) rowStart[i + 1] = rowStart[i] + outs[i].w->rows;
    const int64_t total = rowStart[count];
    const int64_t align = m == 1 ? kDecodeRowAlign : 1;
    pool.parallelFor((total + align - 1) / align, kRowGrain / align, [&](int64_t g0, int64_t g1) {
        const int64_t r0 = g0 * align, r1 = std::min(total, g1 * align);
        for (int i = 0; i < count; ++i) {
            const int64_t b = std::max(r0, rowStart[i]), e = std::min(r1, rowStart[i + 1]);
            if (b >= e) continue;
            const WeightMatrix& w = *outs[i].w;
            productRows(w, act + formatOffset[format[i]], activationRowBytes(w.type, cols), m,
                        outs[i].y, b - rowStart[i], e - rowStart[i]);
        }
    });
}

}  // namespace folio
