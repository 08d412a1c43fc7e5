#pragma once
// Inner kernels of the paged attention (engine-internal; attention.h is the public entry point).
// Each variant is a row in a table; the variant is picked once at run time from CPUID.
// All functions are pure and thread-safe; no alignment is required of any pointer.
#include <cstdint>

namespace folio {

enum class AttentionKernel { Auto, Scalar, Avx2 };

struct AttentionKernelTable {
    AttentionKernel kind;
    const char* name;
    // dst[0..n) = f32 of the IEEE half values src[0..n).
    void (*halfToFloat)(const uint16_t* src, float* dst, int64_t n);
    // dst[0..n) = src[0..n) rounded to half, to nearest even.
    void (*floatToHalf)(const float* src, uint16_t* dst, int64_t n);
    // One step of the online softmax for one query row against nKeys (1..blockTokens) keys:
    //   s_j = scale * dot(q, k_j)  for k_j = k + j*headDim, j < nKeys
    //   m' = max(m, max_j s_j); acc = acc * exp(m - m') + sum_j exp(s_j - m') * v_j;
    //   l = l * exp(m - m') + sum_j exp(s_j - m'); m = m'.
    // q, acc: [headDim]; k, v: [nKeys][headDim]; scores: scratch of >= nKeys + 8 floats.
    // Start a row with m = -infinity, l = 0, acc = 0; its result is acc / l.
    void (*rowBlock)(const float* q, const float* k, const float* v, int nKeys, int headDim,
                     float scale, float* m, float* l, float* acc, float* scores);
};

// The best variant this CPU runs for Auto; nullptr when the requested one is not available.
const AttentionKernelTable* attentionKernels(AttentionKernel which);

}  // namespace folio
