// AVX-512 (F/BW/VL, with F16C) variant of the attention inner kernels. Blocks of up to 16 keys
// map onto one vector of scores per query row, so the online softmax of a block is a handful
// of whole-vector operations; K and V rows are read from L1 once per row of the tile. Decode's
// kernels read the cache's f16 or q8 rows in place, converting them in registers.
#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/ops/attention_kernels.h"
#include "engine/quant/cpu_features.h"
#include "engine/quant/quant.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define FOLIO_ATTN512_X86 1
// GCC 12 reports the deliberately undefined pass-through vectors inside its own AVX-512
// intrinsics (reductions, unmasked conversions) as uninitialized; none is read here. The
// warnings are reported at the intrinsics' lines after inlining, so they stay off for the file.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace folio {

#ifdef FOLIO_ATTN512_X86
namespace {

#define FOLIO_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma,f16c")))

FOLIO_AVX512 void halfToFloatAvx512(const uint16_t* src, float* dst, int64_t n) {
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m256i h0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
        const __m256i h1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i + 16));
        _mm512_storeu_ps(dst + i, _mm512_maskz_cvtph_ps(0xFFFF, h0));
        _mm512_storeu_ps(dst + i + 16, _mm512_maskz_cvtph_ps(0xFFFF, h1));
    }
    for (; i + 16 <= n; i += 16) {
        const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
        _mm512_storeu_ps(dst + i, _mm512_maskz_cvtph_ps(0xFFFF, h));
    }
    for (; i < n; ++i) dst[i] = f16ToF32(src[i]);
}

FOLIO_AVX512 void floatToHalfAvx512(const float* src, uint16_t* dst, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256i h = _mm512_cvtps_ph(_mm512_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), h);
    }
    for (; i < n; ++i) dst[i] = f32ToF16(src[i]);
}

// exp(x) for x <= 0 with the shared constants of attention_kernels.h (kExpPoly); inputs below
// kExpMinArg give ~1e-38 (callers mask padding lanes).
FOLIO_AVX512 inline __m512 expNonPositive512(__m512 x) {
    x = _mm512_max_ps(x, _mm512_set1_ps(kExpMinArg));
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(kExpLog2e)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(kExpLn2Hi), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(kExpLn2Lo), r);
    __m512 p = _mm512_set1_ps(kExpPoly[0]);
    for (int i = 1; i < kExpPolyTerms; ++i) p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kExpPoly[i]));
    const __m512i e =
        _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
    return _mm512_mul_ps(p, _mm512_castsi512_ps(e));
}

// A block's K or V rows as the tile kernels read them: load(j, d) = elements [d, d + 16) of row j
// as f32, converted on the way for the cache's f16 and q8 blocks (read in place); from(j0) = the
// rows from row j0 on. d is a multiple of 16.
struct F32Rows {
    const float* p;
    int headDim;
    FOLIO_AVX512 __m512 load(int j, int d) const {
        return _mm512_loadu_ps(p + static_cast<int64_t>(j) * headDim + d);
    }
    F32Rows from(int j0) const { return {p + static_cast<int64_t>(j0) * headDim, headDim}; }
};
struct F16Rows {
    const uint16_t* p;
    int headDim;
    FOLIO_AVX512 __m512 load(int j, int d) const {
        const uint16_t* at = p + static_cast<int64_t>(j) * headDim + d;
        return _mm512_maskz_cvtph_ps(0xFFFF,
                                     _mm256_loadu_si256(reinterpret_cast<const __m256i*>(at)));
    }
    F16Rows from(int j0) const { return {p + static_cast<int64_t>(j0) * headDim, headDim}; }
};
struct Q8Rows {  // headDim a multiple of kKvQ8Group
    KvRowsQ8 rows;
    int headDim;
    FOLIO_AVX512 __m512 load(int j, int d) const {
        const int8_t* at = rows.q + static_cast<int64_t>(j) * headDim + d;
        const __m512 x = _mm512_cvtepi32_ps(
            _mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at))));
        const float scale =
            rows.scale[static_cast<int64_t>(j) * (headDim / kKvQ8Group) + d / kKvQ8Group];
        return _mm512_mul_ps(x, _mm512_set1_ps(scale));
    }
    Q8Rows from(int j0) const {
        return {{rows.q + static_cast<int64_t>(j0) * headDim,
                 rows.scale + static_cast<int64_t>(j0) * (headDim / kKvQ8Group)},
                headDim};
    }
};

// Sums of four vectors a..d reduced within each 128-bit quarter: quarter i of the result is
// [partial a, partial b, partial c, partial d] (the sums of that quarter's lanes).
FOLIO_AVX512 inline __m512 reduce4(__m512 a, __m512 b, __m512 c, __m512 d) {
    const __m512 ab = _mm512_add_ps(_mm512_unpacklo_ps(a, b), _mm512_unpackhi_ps(a, b));
    const __m512 cd = _mm512_add_ps(_mm512_unpacklo_ps(c, d), _mm512_unpackhi_ps(c, d));
    return _mm512_add_ps(_mm512_shuffle_ps(ab, cd, _MM_SHUFFLE(1, 0, 1, 0)),
                         _mm512_shuffle_ps(ab, cd, _MM_SHUFFLE(3, 2, 3, 2)));
}

// Sums the four quarters of u[0..3] (u[g] from reduce4 of keys 4g..4g+3): lane j = key j.
FOLIO_AVX512 inline __m512 gatherQuarters(const __m512* u) {
    const __m512 w01 = _mm512_add_ps(_mm512_shuffle_f32x4(u[0], u[1], _MM_SHUFFLE(2, 0, 2, 0)),
                                     _mm512_shuffle_f32x4(u[0], u[1], _MM_SHUFFLE(3, 1, 3, 1)));
    const __m512 w23 = _mm512_add_ps(_mm512_shuffle_f32x4(u[2], u[3], _MM_SHUFFLE(2, 0, 2, 0)),
                                     _mm512_shuffle_f32x4(u[2], u[3], _MM_SHUFFLE(3, 1, 3, 1)));
    return _mm512_add_ps(_mm512_shuffle_f32x4(w01, w23, _MM_SHUFFLE(2, 0, 2, 0)),
                         _mm512_shuffle_f32x4(w01, w23, _MM_SHUFFLE(3, 1, 3, 1)));
}

// Partial dot products of R query rows (q_r = q + r * headDim) with keys 4G..4G+3, reduced by
// reduce4 into u[r] (the group index G is a template parameter so that u stays in registers).
// Keys past nKeys repeat the last key (no read past the block). Each K load serves all R rows.
// Rows: F32Rows, F16Rows or Q8Rows.
template <int R, int G, typename Rows>
FOLIO_AVX512 inline void scoreGroup(const float* q, const Rows& k, int nKeys, int headDim,
                                    __m512* u) {
    if (G * 4 >= nKeys) {
        for (int r = 0; r < R; ++r) u[r] = _mm512_setzero_ps();
        return;
    }
    int kr[4];
    for (int i = 0; i < 4; ++i) kr[i] = std::min(G * 4 + i, nKeys - 1);
    __m512 a[R][4];
    for (int r = 0; r < R; ++r) {
        for (int i = 0; i < 4; ++i) a[r][i] = _mm512_setzero_ps();
    }
    for (int d = 0; d < headDim; d += 16) {
        __m512 kv[4];
        for (int i = 0; i < 4; ++i) kv[i] = k.load(kr[i], d);
        for (int r = 0; r < R; ++r) {
            const __m512 qv = _mm512_loadu_ps(q + static_cast<int64_t>(r) * headDim + d);
            for (int i = 0; i < 4; ++i) a[r][i] = _mm512_fmadd_ps(qv, kv[i], a[r][i]);
        }
    }
    for (int r = 0; r < R; ++r) u[r] = reduce4(a[r][0], a[r][1], a[r][2], a[r][3]);
}

// For each of R rows: lane j of s[r] = dot(q_r, k_j) for j < nKeys (1..16); other lanes are
// unspecified. headDim is a multiple of 16.
template <int R, typename Rows>
FOLIO_AVX512 inline void scores16(const float* q, const Rows& k, int nKeys, int headDim,
                                  __m512* s) {
    __m512 u0[R], u1[R], u2[R], u3[R];
    scoreGroup<R, 0>(q, k, nKeys, headDim, u0);
    scoreGroup<R, 1>(q, k, nKeys, headDim, u1);
    scoreGroup<R, 2>(q, k, nKeys, headDim, u2);
    scoreGroup<R, 3>(q, k, nKeys, headDim, u3);
    for (int r = 0; r < R; ++r) {
        const __m512 u[4] = {u0[r], u1[r], u2[r], u3[r]};
        s[r] = gatherQuarters(u);
    }
}

// For each of R rows: acc_r = acc_r * corr[r] + sum_{j < nKeys} p[r*16 + j] * v_j, headDim a
// multiple of 16; each V load serves all R rows.
template <int R, typename Rows>
FOLIO_AVX512 inline void accumulate16(const float* p, const Rows& v, int nKeys, int headDim,
                                      const float* corr, float* acc) {
    constexpr int kChunks = 8;  // 16-float column chunks per row kept in registers
    for (int d = 0; d < headDim; d += 16 * kChunks) {
        const int nc = std::min(kChunks, (headDim - d) / 16);
        __m512 a[R][kChunks];
        for (int r = 0; r < R; ++r) {
            const __m512 c = _mm512_set1_ps(corr[r]);
            for (int i = 0; i < kChunks; ++i) {
                a[r][i] = i < nc ? _mm512_mul_ps(_mm512_loadu_ps(acc + r * headDim + d + 16 * i), c)
                                 : _mm512_setzero_ps();
            }
        }
        for (int j = 0; j < nKeys; ++j) {
            __m512 vv[kChunks];
            for (int i = 0; i < kChunks; ++i) vv[i] = i < nc ? v.load(j, d + 16 * i) : vv[0];
            for (int r = 0; r < R; ++r) {
                const __m512 pj = _mm512_set1_ps(p[r * 16 + j]);
                for (int i = 0; i < kChunks; ++i) a[r][i] = _mm512_fmadd_ps(pj, vv[i], a[r][i]);
            }
        }
        for (int r = 0; r < R; ++r) {
            for (int i = 0; i < nc; ++i) _mm512_storeu_ps(acc + r * headDim + d + 16 * i, a[r][i]);
        }
    }
}

// One online-softmax step of R consecutive rows (q, m, l, acc advanced per row) against the
// same keys [0, nKeys), nKeys 1..16. p: scratch of 16 * R floats.
template <int R, typename Rows>
FOLIO_AVX512 inline void rowStep16(const float* q, const Rows& k, const Rows& v, int nKeys,
                                   int headDim, float* m, float* l, float* acc, float* p) {
    const __mmask16 valid = static_cast<__mmask16>((1u << nKeys) - 1u);
    const __m512 minusInf = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
    __m512 s[R];
    scores16<R>(q, k, nKeys, headDim, s);
    float corr[R];
    for (int r = 0; r < R; ++r) {
        const __m512 sr = _mm512_mask_mov_ps(minusInf, valid, s[r]);
        const float mNew = std::max(m[r], _mm512_reduce_max_ps(sr));
        // 0 for the first block (m = -inf); most later blocks leave the maximum unchanged.
        corr[r] = mNew == m[r] ? 1.0f : std::exp(m[r] - mNew);
        const __m512 e =
            _mm512_maskz_mov_ps(valid, expNonPositive512(_mm512_sub_ps(sr, _mm512_set1_ps(mNew))));
        _mm512_storeu_ps(p + r * 16, e);
        l[r] = l[r] * corr[r] + _mm512_reduce_add_ps(e);
        m[r] = mNew;
    }
    accumulate16<R>(p, v, nKeys, headDim, corr, acc);
}

// The tile step for f32, f16 or q8 K/V rows (Rows); headDim a multiple of 16.
template <typename Rows>
FOLIO_AVX512 void tileBlock16(const float* q, int nRows, const int* rowKeys, const Rows& k,
                              const Rows& v, int nKeys, int headDim, float* m, float* l, float* acc,
                              float* scratch) {
    // Chunks of 16 keys outermost so a chunk's K/V (8 KiB at headDim 128) serve every row.
    for (int c0 = 0; c0 < nKeys; c0 += 16) {
        const Rows kc = k.from(c0);
        const Rows vc = v.from(c0);
        for (int r = 0; r < nRows;) {
            const int n = std::min(16, rowKeys[r] - c0);
            const int64_t off = static_cast<int64_t>(r) * headDim;
            if (n <= 0) {
                ++r;
            } else if (r + 1 < nRows && std::min(16, rowKeys[r + 1] - c0) == n) {
                rowStep16<2, Rows>(q + off, kc, vc, n, headDim, &m[r], &l[r], acc + off, scratch);
                r += 2;
            } else {
                rowStep16<1, Rows>(q + off, kc, vc, n, headDim, &m[r], &l[r], acc + off, scratch);
                ++r;
            }
        }
    }
}

FOLIO_AVX512 void tileBlockAvx512(const float* q, int nRows, const int* rowKeys, const float* k,
                                  const float* v, int nKeys, int headDim, float* m, float* l,
                                  float* acc, float* scratch) {
    if (headDim % 16 != 0) {
        tileBlockAvx2Rows(q, nRows, rowKeys, k, v, nKeys, headDim, m, l, acc, scratch);
        return;
    }
    tileBlock16(q, nRows, rowKeys, F32Rows{k, headDim}, F32Rows{v, headDim}, nKeys, headDim, m, l,
                acc, scratch);
}

FOLIO_AVX512 void q8ToFloatAvx512(const int8_t* q, const float* scale, float* dst, int64_t n) {
    for (int64_t g = 0; g < n / kKvQ8Group; ++g) {
        const __m512 d = _mm512_set1_ps(scale[g]);
        for (int i = 0; i < kKvQ8Group; i += 16) {
            const int64_t at = g * kKvQ8Group + i;
            const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + at));
            _mm512_storeu_ps(dst + at,
                             _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(b)), d));
        }
    }
}

// ---- Decode: runs read in place (DecodeKernels) ---------------------------------------------

// The Rows view of a cache run of type T (headDim a multiple of 16).
template <KvType T>
FOLIO_AVX512 inline auto rowsOf(KvRun run, int headDim) {
    if constexpr (T == KvType::F32) {
        return F32Rows{static_cast<const float*>(run.rows), headDim};
    } else if constexpr (T == KvType::F16) {
        return F16Rows{static_cast<const uint16_t*>(run.rows), headDim};
    } else {
        return Q8Rows{{static_cast<const int8_t*>(run.rows), run.scale}, headDim};
    }
}

// Stores the scores of R rows against the n (1..16) keys of k.
template <int R, typename Rows>
FOLIO_AVX512 inline void storeScores16(const float* q, const Rows& k, int n, int headDim, float* s,
                                       int64_t sStride) {
    __m512 v[R];
    scores16<R>(q, k, n, headDim, v);
    const __mmask16 valid = static_cast<__mmask16>((1u << n) - 1u);
    for (int r = 0; r < R; ++r) _mm512_mask_storeu_ps(s + r * sStride, valid, v[r]);
}

template <KvType T>
FOLIO_AVX512 void decodeScoresAvx512(const float* q, int nRows, KvRun k, int nKeys, int headDim,
                                     float* s, int64_t sStride) {
    if (headDim % 16 != 0) {
        decodeKernelsAvx2(T).scores(q, nRows, k, nKeys, headDim, s, sStride);
        return;
    }
    const auto rows = rowsOf<T>(k, headDim);
    for (int c0 = 0; c0 < nKeys; c0 += 16) {  // a chunk's K (4 KiB in f16) serves every row
        const auto kc = rows.from(c0);
        const int n = std::min(16, nKeys - c0);
        int r = 0;
        for (; r + 2 <= nRows; r += 2) {
            storeScores16<2>(q + static_cast<int64_t>(r) * headDim, kc, n, headDim,
                             s + r * sStride + c0, sStride);
        }
        if (r < nRows) {
            storeScores16<1>(q + static_cast<int64_t>(r) * headDim, kc, n, headDim,
                             s + r * sStride + c0, sStride);
        }
    }
}

// acc_r += sum_j p_rj v_j for R rows over columns [d, d + 16 * C); each V load serves the R rows
// and the R * C accumulators stay in registers across the keys.
template <int R, int C, typename Rows>
FOLIO_AVX512 inline void accumulateColumns16(const float* p, int64_t pStride, const Rows& v,
                                             int nKeys, int headDim, int d, float* acc) {
    __m512 a[R][C];
    for (int r = 0; r < R; ++r) {
        for (int i = 0; i < C; ++i)
            a[r][i] = _mm512_loadu_ps(acc + static_cast<int64_t>(r) * headDim + d + 16 * i);
    }
    for (int j = 0; j < nKeys; ++j) {
        __m512 vv[C];
        for (int i = 0; i < C; ++i) vv[i] = v.load(j, d + 16 * i);
        for (int r = 0; r < R; ++r) {
            const __m512 pj = _mm512_set1_ps(p[r * pStride + j]);
            for (int i = 0; i < C; ++i) a[r][i] = _mm512_fmadd_ps(pj, vv[i], a[r][i]);
        }
    }
    for (int r = 0; r < R; ++r) {
        for (int i = 0; i < C; ++i)
            _mm512_storeu_ps(acc + static_cast<int64_t>(r) * headDim + d + 16 * i, a[r][i]);
    }
}

template <int R, typename Rows>
FOLIO_AVX512 inline void accumulateRows16(const float* p, int64_t pStride, const Rows& v, int nKeys,
                                          int headDim, float* acc) {
    int d = 0;
    for (; d + 128 <= headDim; d += 128)
        accumulateColumns16<R, 8>(p, pStride, v, nKeys, headDim, d, acc);
    for (; d + 64 <= headDim; d += 64)
        accumulateColumns16<R, 4>(p, pStride, v, nKeys, headDim, d, acc);
    for (; d < headDim; d += 16) accumulateColumns16<R, 1>(p, pStride, v, nKeys, headDim, d, acc);
}

template <KvType T>
FOLIO_AVX512 void decodeAccumulateAvx512(const float* p, int64_t pStride, int nRows, KvRun v,
                                         int nKeys, int headDim, float* acc) {
    if (headDim % 16 != 0) {
        decodeKernelsAvx2(T).accumulate(p, pStride, nRows, v, nKeys, headDim, acc);
        return;
    }
    const auto rows = rowsOf<T>(v, headDim);
    int r = 0;
    for (; r + 2 <= nRows; r += 2) {
        accumulateRows16<2>(p + r * pStride, pStride, rows, nKeys, headDim,
                            acc + static_cast<int64_t>(r) * headDim);
    }
    if (r < nRows) {
        accumulateRows16<1>(p + r * pStride, pStride, rows, nKeys, headDim,
                            acc + static_cast<int64_t>(r) * headDim);
    }
}

FOLIO_AVX512 float softmaxRowAvx512(float* s, int n, float* max) {
    const __m512 minusInf = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
    const int nVec = n & ~15;
    const __mmask16 tail = static_cast<__mmask16>((1u << (n - nVec)) - 1u);
    __m512 mv = _mm512_mask_loadu_ps(minusInf, tail, s + nVec);
    for (int j = 0; j < nVec; j += 16) mv = _mm512_max_ps(mv, _mm512_loadu_ps(s + j));
    const float m = _mm512_reduce_max_ps(mv);
    const __m512 shift = _mm512_set1_ps(m);
    __m512 sumv = _mm512_setzero_ps();
    for (int j = 0; j < nVec; j += 16) {
        const __m512 e = expNonPositive512(_mm512_sub_ps(_mm512_loadu_ps(s + j), shift));
        _mm512_storeu_ps(s + j, e);
        sumv = _mm512_add_ps(sumv, e);
    }
    if (tail != 0) {
        const __m512 x = _mm512_maskz_loadu_ps(tail, s + nVec);
        const __m512 e = _mm512_maskz_mov_ps(tail, expNonPositive512(_mm512_sub_ps(x, shift)));
        _mm512_mask_storeu_ps(s + nVec, tail, e);
        sumv = _mm512_add_ps(sumv, e);
    }
    *max = m;
    return _mm512_reduce_add_ps(sumv);
}

// ---- Prefill with the query rows transposed (tileBlockT) -------------------------------------

// Elementwise max and sum of x[0..16) as balanced trees (dependency chains of 4, not 15).
FOLIO_AVX512 inline __m512 treeMax16(const __m512* x) {
    __m512 a[8];
    for (int i = 0; i < 8; ++i) a[i] = _mm512_max_ps(x[i], x[i + 8]);
    for (int i = 0; i < 4; ++i) a[i] = _mm512_max_ps(a[i], a[i + 4]);
    for (int i = 0; i < 2; ++i) a[i] = _mm512_max_ps(a[i], a[i + 2]);
    return _mm512_max_ps(a[0], a[1]);
}
FOLIO_AVX512 inline __m512 treeSum16(const __m512* x) {
    __m512 a[8];
    for (int i = 0; i < 8; ++i) a[i] = _mm512_add_ps(x[i], x[i + 8]);
    for (int i = 0; i < 4; ++i) a[i] = _mm512_add_ps(a[i], a[i + 4]);
    for (int i = 0; i < 2; ++i) a[i] = _mm512_add_ps(a[i], a[i + 2]);
    return _mm512_add_ps(a[0], a[1]);
}

// One online-softmax step of 16 query rows (lane i = row i; qT/accT rows `stride` floats apart)
// against the 16 keys of k/v ([16][hd], finite), of which lane i sees the first limit[i]:
//   scores s_j = sum_d qT[d] * k[j][d]: one broadcast K element times the 16 rows per FMA;
//   max, exp and sum of the online softmax elementwise across the 16 score vectors;
//   accT[d] = accT[d] * corr + sum_j p_j * v[j][d]: a broadcast V element per FMA, 8 columns
//   at a time so that 8 FMA chains are in flight.
// HD: the head size when it is a compile-time constant (the 16 rows are then immediate offsets
// from one pointer), 0 for the head size given at run time.
template <int HD>
FOLIO_AVX512 void stepRowsT(const float* qT, int64_t stride, __m512i limit, const float* k,
                            const float* v, int headDim, float* m, float* l, float* accT) {
    const int64_t hd = HD > 0 ? HD : headDim;
    __m512 s[16];
    for (int j = 0; j < 16; ++j) s[j] = _mm512_setzero_ps();
    for (int64_t d = 0; d < hd; ++d) {
        const __m512 qd = _mm512_loadu_ps(qT + d * stride);
        for (int j = 0; j < 16; ++j)
            s[j] = _mm512_fmadd_ps(qd, _mm512_set1_ps(k[j * hd + d]), s[j]);
    }
    const __m512 minusInf = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
    for (int j = 0; j < 16; ++j) {
        s[j] = _mm512_mask_mov_ps(minusInf, _mm512_cmpgt_epi32_mask(limit, _mm512_set1_epi32(j)),
                                  s[j]);
    }
    const __m512 mOld = _mm512_loadu_ps(m);
    const __m512 mNew = _mm512_max_ps(mOld, treeMax16(s));
    // A row that has seen no key keeps m = -inf; (-inf) - (-inf) is NaN, which the clamp in
    // expNonPositive512 maps to ~1e-38, and its p are masked to 0, so its state stays 0.
    const __m512 corr = expNonPositive512(_mm512_sub_ps(mOld, mNew));
    for (int j = 0; j < 16; ++j) {
        s[j] = _mm512_maskz_mov_ps(_mm512_cmpgt_epi32_mask(limit, _mm512_set1_epi32(j)),
                                   expNonPositive512(_mm512_sub_ps(s[j], mNew)));
    }
    _mm512_storeu_ps(l, _mm512_fmadd_ps(_mm512_loadu_ps(l), corr, treeSum16(s)));
    _mm512_storeu_ps(m, mNew);
    int64_t d = 0;
    for (; d + 8 <= hd; d += 8) {
        __m512 a[8];
        for (int i = 0; i < 8; ++i)
            a[i] = _mm512_mul_ps(_mm512_loadu_ps(accT + (d + i) * stride), corr);
        for (int j = 0; j < 16; ++j) {
            for (int i = 0; i < 8; ++i)
                a[i] = _mm512_fmadd_ps(s[j], _mm512_set1_ps(v[j * hd + d + i]), a[i]);
        }
        for (int i = 0; i < 8; ++i) _mm512_storeu_ps(accT + (d + i) * stride, a[i]);
    }
    if constexpr (HD % 8 != 0 || HD == 0) {  // head sizes that are not a multiple of 8
        for (; d < hd; ++d) {
            __m512 a = _mm512_mul_ps(_mm512_loadu_ps(accT + d * stride), corr);
            for (int j = 0; j < 16; ++j)
                a = _mm512_fmadd_ps(s[j], _mm512_set1_ps(v[j * hd + d]), a);
            _mm512_storeu_ps(accT + d * stride, a);
        }
    }
}

// tileBlockT for one head size (HD as in stepRowsT): chunks of 16 keys outermost, so a chunk's
// K/V (16 KiB in f32 at head size 128) serve every vector of rows from L1.
template <int HD>
FOLIO_AVX512 void tileBlockTHd(const float* qT, int nRows, const int* rowKeys, const float* k,
                               const float* v, int nKeys, int headDim, float* m, float* l,
                               float* accT) {
    const int64_t hd = HD > 0 ? HD : headDim;
    for (int c0 = 0; c0 < nKeys; c0 += kTransposedRows) {
        const __m512i chunkKeys = _mm512_set1_epi32(nKeys - c0);
        for (int r0 = 0; r0 < nRows; r0 += kTransposedRows) {
            // Keys of this chunk each row sees (<= 0: none; the causal diagonal cuts rows).
            const __m512i limit = _mm512_min_epi32(
                _mm512_sub_epi32(_mm512_loadu_si512(rowKeys + r0), _mm512_set1_epi32(c0)),
                chunkKeys);
            if (_mm512_cmpgt_epi32_mask(limit, _mm512_setzero_si512()) == 0) continue;
            stepRowsT<HD>(qT + r0, nRows, limit, k + c0 * hd, v + c0 * hd, headDim, m + r0, l + r0,
                          accT + r0);
        }
    }
}

FOLIO_AVX512 void tileBlockTAvx512(const float* qT, int nRows, const int* rowKeys, const float* k,
                                   const float* v, int nKeys, int headDim, float* m, float* l,
                                   float* accT) {
    switch (headDim) {  // the common head sizes with immediate row offsets
        case 64:
            tileBlockTHd<64>(qT, nRows, rowKeys, k, v, nKeys, headDim, m, l, accT);
            return;
        case 128:
            tileBlockTHd<128>(qT, nRows, rowKeys, k, v, nKeys, headDim, m, l, accT);
            return;
        case 256:
            tileBlockTHd<256>(qT, nRows, rowKeys, k, v, nKeys, headDim, m, l, accT);
            return;
        default:
            tileBlockTHd<0>(qT, nRows, rowKeys, k, v, nKeys, headDim, m, l, accT);
            return;
    }
}

constexpr AttentionKernelTable kAvx512Kernels = {
    AttentionKernel::Avx512,
    "avx512",
    halfToFloatAvx512,
    floatToHalfAvx512,
    tileBlockAvx512,
    q8ToFloatAvx512,
    {{decodeScoresAvx512<KvType::F32>, decodeAccumulateAvx512<KvType::F32>},
     {decodeScoresAvx512<KvType::F16>, decodeAccumulateAvx512<KvType::F16>},
     {decodeScoresAvx512<KvType::Q8_0>, decodeAccumulateAvx512<KvType::Q8_0>}},
    softmaxRowAvx512,
    tileBlockTAvx512};

}  // namespace

const AttentionKernelTable* attentionKernelsAvx512() {
    const CpuFeatures& f = cpuFeatures();
    const bool ok = f.avx512f && f.avx512bw && f.avx512vl && f.avx2 && f.fma && f.f16c;
    return ok ? &kAvx512Kernels : nullptr;
}

#else

const AttentionKernelTable* attentionKernelsAvx512() {
    return nullptr;
}

#endif  // FOLIO_ATTN512_X86

}  // namespace folio
