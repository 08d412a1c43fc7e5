#pragma once
// Inner kernels of the paged attention (engine-internal; attention.h is the public entry point).
// Each variant is a row in a table; the variant is picked once at run time from CPUID.
// All functions are pure and thread-safe; no alignment is required of any pointer.
#include <cstdint>

namespace folio {

enum class AttentionKernel { Auto, Scalar, Avx2, Avx512 };

// The q8_0 KV cache's rows (kv_cache.h): values quantized in groups of kKvQ8Group along the head
// dimension, value = q * scale. For a block of one head: q [nKeys][headDim] int8, scale
// [nKeys][headDim / kKvQ8Group] f32 (both row-major; headDim a multiple of kKvQ8Group).
constexpr int kKvQ8Group = 32;
struct KvRowsQ8 {
    const int8_t* q;
    const float* scale;
};

// Quantizes n values (a multiple of kKvQ8Group) to q8: per group, scale = max|x| / 127 and
// q = x / scale rounded to nearest even (all zero when the group is). One scalar definition for
// every variant, so a cache's bytes do not depend on the CPU.
void quantizeKvRowQ8(const float* src, int8_t* q, float* scale, int64_t n);

// x = H x for the orthonormal Walsh-Hadamard matrix H of size n (a power of two, <= 1024): H is
// symmetric and H H = I, so applying it twice restores x (up to rounding), and dot products are
// kept: (H q) . (H k) = q . k. The q8_0 cache stores K rotated by H so that a head's few large
// channels (K's outlier channels) are spread over the whole row before the per-group scales are
// chosen; attention rotates q the same way.
void hadamardRotate(float* x, int n);
constexpr int kMaxRotatedHeadDim = 1024;
constexpr bool isRotatedHeadDim(int n) {
    return n > 0 && n <= kMaxRotatedHeadDim && (n & (n - 1)) == 0;
}

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
    // dst[0..n) = the q8 values q[0..n) times their group's scale (n a multiple of kKvQ8Group).
    void (*q8ToFloat)(const int8_t* q, const float* scale, float* dst, int64_t n);
    // tileBlock on q8 K/V read in place (the cache's q8_0 blocks, for decode): the same contract
    // and scratch as tileBlockF16.
    void (*tileBlockQ8)(const float* q, int nRows, const int* rowKeys, KvRowsQ8 k, KvRowsQ8 v,
                        int nKeys, int headDim, float* m, float* l, float* acc, float* scratch);
    // tileBlock for prefill with the query rows held transposed, lane = row: the same step and
    // results, with qT [headDim][nRows] and accT [headDim][nRows] (row r of the query is
    // qT[d * nRows + r]), nRows a multiple of kTransposedRows, rowKeys/m/l [nRows]. k and v
    // hold ceil(nKeys / kTransposedRows) * kTransposedRows rows, those past nKeys finite (zero).
    // Why: with many rows (a prefill tile of kAttentionTileTokens times the group's heads) the
    // scores and the value sums become outer products, one broadcast K or V element times a
    // vector of 16 rows, with no horizontal sums; the online softmax's max, exp and sum run down
    // the lanes.
    // nullptr in variants without it (attention() then uses tileBlock).
    void (*tileBlockT)(const float* qT, int nRows, const int* rowKeys, const float* k,
                       const float* v, int nKeys, int headDim, float* m, float* l, float* accT);
};

// Rows per vector of tileBlockT (and the multiple its nRows and K/V row counts are padded to).
constexpr int kTransposedRows = 16;

// Floats of scratch that tileBlockF16 and tileBlockQ8 need for blocks of nKeys keys.
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
