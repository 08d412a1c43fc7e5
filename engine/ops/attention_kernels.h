#pragma once
// Inner kernels of the paged attention (engine-internal; attention.h is the public entry point).
// Each variant is a row in a table; the variant is picked once at run time from CPUID.
// All functions are pure and thread-safe; no alignment is required of any pointer.
#include <cstdint>

namespace folio {

enum class AttentionKernel { Auto, Scalar, Avx2, Avx512 };

struct AttentionKernelTable {
    AttentionKernel kind;
    const char* name;
    // dst[0..n) = f32 of the IEEE half values src[0..n).
    void (*halfToFloat)(const uint16_t* src, float* dst, int64_t n);
    // dst[0..n) = src[0..n) rounded to half, to nearest even.
    void (*floatToHalf)(const float* src, uint16_t* dst, int64_t n);
    // One step of the online softmax for nRows query rows against the same nKeys keys (one KV
    // block; any nKeys >= 1):
    //   s_rj = dot(q_r, k_j)  for j < rowKeys[r]  (q is pre-multiplied by the softmax scale;
    //          rowKeys[r] in [0, nKeys] is the causal limit of row r, 0 = row skipped)
    //   m' = max(m, max_j s_rj); acc = acc * exp(m - m') + sum_j exp(s_rj - m') * v_j;
    //   l = l * exp(m - m') + sum_j exp(s_rj - m'); m = m'.
    // q: [nRows][headDim]; k, v: [nKeys][headDim]; m, l: [nRows]; acc: [nRows][headDim];
    // scratch: >= nKeys + 32 floats. Start a row with m = -infinity, l = 0, acc = 0; its result
    // is acc / l. K/V rows are loaded once per row; variants reuse them from L1 across rows.
    void (*tileBlock)(const float* q, int nRows, const int* rowKeys, const float* k, const float* v,
                      int nKeys, int headDim, float* m, float* l, float* acc, float* scratch);
    // tileBlock on half-precision K/V (the paged cache's f16 blocks, read in place): the same
    // contract, with scratch >= 2 * nKeys * headDim + nKeys + 32 floats (variants that convert
    // the block first put it there). For decode, where each block serves one or two query rows
    // and converting it into a buffer would cost as much as the arithmetic.
    void (*tileBlockF16)(const float* q, int nRows, const int* rowKeys, const uint16_t* k,
                         const uint16_t* v, int nKeys, int headDim, float* m, float* l, float* acc,
                         float* scratch);
};

// Floats of scratch that tileBlockF16 needs for blocks of nKeys keys.
constexpr int64_t tileBlockF16Scratch(int nKeys, int headDim) {
    return 2 * static_cast<int64_t>(nKeys) * headDim + nKeys + 32;
}

// exp(x) for x <= 0 (arguments are s - max), shared by the SIMD variants: x is clamped to
// kExpMinArg (below it the result is ~1e-38, negligible next to the block's exp(0) = 1, and
// callers mask padding lanes), reduced as x = n ln2 + r with |r| <= ln2 / 2 (ln2 split in a high
// part exact in float and a low correction), and e^r is the degree-7 Taylor polynomial in Horner
// form, kExpPoly[0] being the highest coefficient (1/7!); then scaled by 2^n through the exponent
// bits. Relative error ~2e-7.
constexpr float kExpMinArg = -87.0f;
constexpr float kExpLog2e = 1.44269504088896341f;
constexpr float kExpLn2Hi = 0.693359375f;
constexpr float kExpLn2Lo = -2.12194440e-4f;
constexpr float kExpPoly[] = {1.0f / 5040.0f, 1.0f / 720.0f, 1.0f / 120.0f, 1.0f / 24.0f,
                              1.0f / 6.0f,    0.5f,          1.0f,          1.0f};
constexpr int kExpPolyTerms = static_cast<int>(sizeof(kExpPoly) / sizeof(kExpPoly[0]));

// The best variant this CPU runs for Auto; nullptr when the requested one is not available.
const AttentionKernelTable* attentionKernels(AttentionKernel which);

// The AVX-512 table (attention_kernels_avx512.cpp) or nullptr when the CPU lacks AVX-512 F/BW/VL.
// Its rows whose headDim is not a multiple of 16 use the AVX2 row kernel, so it also needs AVX2.
const AttentionKernelTable* attentionKernelsAvx512();
// The AVX2 one-row tile kernel, reused by the AVX-512 table for head sizes it does not cover.
void tileBlockAvx2Rows(const float* q, int nRows, const int* rowKeys, const float* k,
                       const float* v, int nKeys, int headDim, float* m, float* l, float* acc,
                       float* scratch);

}  // namespace folio
