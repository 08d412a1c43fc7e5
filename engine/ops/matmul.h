#pragma once
// Y = X · Wᵀ for a weight matrix stored in any supported GGML type, split over the thread pool.
// Activations are quantized once per call to the format the weight type multiplies with
// (engine/quant/kernels.h), then each thread takes a contiguous range of weight rows.
#include <cstdint>
#include <vector>

#include "engine/quant/ggml_type.h"

namespace folio {

class ThreadPool;

// A 2-D weight view into the mapped model file: `rows` rows of `cols` elements.
struct WeightMatrix {
    GgmlType type = GgmlType::F32;
    const uint8_t* data = nullptr;
    int64_t cols = 0;      // ne[0], the reduction dimension
    int64_t rows = 0;      // ne[1], output features
    size_t rowStride = 0;  // bytes between rows
};

// Scratch memory reused across calls (no allocation per token once warmed up).
struct MatmulScratch {
    std::vector<uint8_t> activations;
};

// x: [m][w.cols] f32; y: [m][w.rows] f32.
void matmul(const WeightMatrix& w, const float* x, int64_t m, float* y, ThreadPool& pool,
            MatmulScratch& scratch);

// One of several products of the same input (q/k/v, gate/up): y = x · wᵀ, y: [m][w->rows] f32.
struct MatmulOut {
    const WeightMatrix* w = nullptr;
    float* y = nullptr;
};
constexpr int kMaxSharedMatmuls = 4;

// outs[0..count) with the same x: every weight has the same cols; count <= kMaxSharedMatmuls.
// The input is quantized once per activation format (once in all when the types share one,
// e.g. Q5_0 and Q8_0) and all products' rows are split over the pool in one dispatch, which
// saves the per-call synchronisation that dominates small decode matmuls. Results equal
// count separate matmul() calls bit for bit.
void matmulShared(const MatmulOut* outs, int count, const float* x, int64_t m, ThreadPool& pool,
                  MatmulScratch& scratch);

}  // namespace folio
