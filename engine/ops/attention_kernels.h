#pragma once
// Inner kernels of the paged attention (engine-internal; attention.h is the public entry point).
// Each variant is a row in a table; the variant is picked once at run time from CPUID.
// All functions are pure and thread-safe; no alignment is required of any pointer.
#include <cstdint>

#include "engine/runtime/types.h"

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

// One (block, kv head) run of K or V rows as the cache stores it: rows [nKeys][headDim] of the
// cache's element type (f32, f16 as uint16_t, or q8 int8), and for q8 their scales
// [nKeys][headDim / kKvQ8Group] (nullptr for the other types).
struct KvRun {
    const void* rows;
    const float* scale;
};

// The K/V element types the kernels read: DecodeKernels tables are indexed by KvType.
constexpr int kKvTypeCount = 3;
static_assert(static_cast<int>(KvType::F32) == 0 && static_cast<int>(KvType::F16) == 1 &&
              static_cast<int>(KvType::Q8_0) == 2);

// Decode: one query token, whose few query rows per kv head cannot amortise converting a block,
// so the runs are read in place. Pass 1 writes every score of a context partition, one plain
// softmax per row follows (softmaxRow), and pass 2 sums the values: no running maximum to carry
// between blocks, so each pass is a stream of independent dot products or FMAs.
struct DecodeKernels {
    // s[r * sStride + j] = dot(q_r, k_j) for r < nRows, j < nKeys (q: [nRows][headDim],
    // pre-scaled; k: nKeys rows, nKeys >= 1).
    void (*scores)(const float* q, int nRows, KvRun k, int nKeys, int headDim, float* s,
                   int64_t sStride);
    // acc_r += sum_{j < nKeys} p[r * pStride + j] * v_j for r < nRows (acc: [nRows][headDim]).
    void (*accumulate)(const float* p, int64_t pStride, int nRows, KvRun v, int nKeys, int headDim,
                       float* acc);
};

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
    // dst[0..n) = the q8 values q[0..n) times their group's scale (n a multiple of kKvQ8Group).
    void (*q8ToFloat)(const int8_t* q, const float* scale, float* dst, int64_t n);
    // Decode's two passes over a context partition (attention.cpp, runDecodeItem), one entry per
    // KV cache type (index = static_cast<int>(KvType)), reading the cache's runs in place.
    DecodeKernels decode[kKvTypeCount];
    // Softmax numerator of one row of scores: *max = max_j s[j]; s[j] = exp(s[j] - *max) for
    // j < n (n >= 1, s finite); returns sum_j s[j] (>= 1).
    float (*softmaxRow)(float* s, int n, float* max);
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
// The AVX2 decode kernels of one cache type, reused by the AVX-512 table for head sizes it does
// not cover (x86 only; the AVX-512 table requires AVX2).
DecodeKernels decodeKernelsAvx2(KvType type);

}  // namespace folio
