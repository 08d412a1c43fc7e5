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
    int64_t cols = 0;       // ne[0], the reduction dimension
    int64_t rows = 0;       // ne[1], output features
    size_t rowStride = 0;   // bytes between rows
};

// Scratch memory reused across calls (no allocation per token once warmed up).
struct MatmulScratch {
    std::vector<uint8_t> activations;
};

// x: [m][w.cols] f32; y: [m][w.rows] f32.
void matmul(const WeightMatrix& w, const float* x, int64_t m, float* y, ThreadPool& pool,
            MatmulScratch& scratch);

}  // namespace folio
