#include "engine/ops/attention_kernels.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/quant/cpu_features.h"
#include "engine/quant/quant.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define FOLIO_ATTN_X86 1
#endif

namespace folio {

namespace {

// ---- scalar reference -----------------------------------------------------------------------

void halfToFloatScalar(const uint16_t* src, float* dst, int64_t n) {
    for (int64_t i = 0; i < n; ++i) dst[i] = f16ToF32(src[i]);
}

void floatToHalfScalar(const float* src, uint16_t* dst, int64_t n) {
    for (int64_t i = 0; i < n; ++i) dst[i] = f32ToF16(src[i]);
}

void rowBlockScalar(const float* q, const float* k, const float* v, int nKeys, int headDim,
                    float scale, float* m, float* l, float* acc, float* scores) {
    float blockMax = -std::numeric_limits<float>::infinity();
    for (int j = 0; j < nKeys; ++j) {
        const float* kj = k + static_cast<int64_t>(j) * headDim;
        float s = 0.0f;
        for (int d = 0; d < headDim; ++d) s += q[d] * kj[d];
        scores[j] = s * scale;
        blockMax = std::max(blockMax, scores[j]);
    }
    const float mNew = std::max(*m, blockMax);
    const float corr = std::exp(*m - mNew);  // 0 for the first block (m = -inf)
    float sum = 0.0f;
    for (int j = 0; j < nKeys; ++j) {
        scores[j] = std::exp(scores[j] - mNew);
        sum += scores[j];
    }
    for (int d = 0; d < headDim; ++d) acc[d] *= corr;
    for (int j = 0; j < nKeys; ++j) {
        const float* vj = v + static_cast<int64_t>(j) * headDim;
        const float p = scores[j];
        for (int d = 0; d < headDim; ++d) acc[d] += p * vj[d];
    }
    *l = *l * corr + sum;
    *m = mNew;
}

// Rows one after another through the one-row kernel (scale 1: q is pre-scaled).
void tileBlockScalar(const float* q, int nRows, const int* rowKeys, const float* k, const float* v,
                     int, int headDim, float* m, float* l, float* acc, float* scratch) {
    for (int r = 0; r < nRows; ++r) {
        if (rowKeys[r] <= 0) continue;
        rowBlockScalar(q + static_cast<int64_t>(r) * headDim, k, v, rowKeys[r], headDim, 1.0f,
                       &m[r], &l[r], acc + static_cast<int64_t>(r) * headDim, scratch);
    }
}

void q8ToFloatScalar(const int8_t* q, const float* scale, float* dst, int64_t n) {
    for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<float>(q[i]) * scale[i / kKvQ8Group];
}

// Element (j, d) of a cache run as f32, per stored type: the definitions every variant matches.
template <KvType T>
float runElement(KvRun run, int j, int d, int headDim) {
    const int64_t at = static_cast<int64_t>(j) * headDim + d;
    if constexpr (T == KvType::F32) {
        return static_cast<const float*>(run.rows)[at];
    } else if constexpr (T == KvType::F16) {
        return f16ToF32(static_cast<const uint16_t*>(run.rows)[at]);
    } else {
        const float scale =
            run.scale[static_cast<int64_t>(j) * (headDim / kKvQ8Group) + d / kKvQ8Group];
        return static_cast<float>(static_cast<const int8_t*>(run.rows)[at]) * scale;
    }
}

template <KvType T>
void decodeScoresScalar(const float* q, int nRows, KvRun k, int nKeys, int headDim, float* s,
                        int64_t sStride) {
    for (int r = 0; r < nRows; ++r) {
        const float* qr = q + static_cast<int64_t>(r) * headDim;
        for (int j = 0; j < nKeys; ++j) {
            float dot = 0.0f;
            for (int d = 0; d < headDim; ++d) dot += qr[d] * runElement<T>(k, j, d, headDim);
            s[r * sStride + j] = dot;
        }
    }
}

template <KvType T>
void decodeAccumulateScalar(const float* p, int64_t pStride, int nRows, KvRun v, int nKeys,
                            int headDim, float* acc) {
    for (int r = 0; r < nRows; ++r) {
        float* ar = acc + static_cast<int64_t>(r) * headDim;
        for (int j = 0; j < nKeys; ++j) {
            const float pj = p[r * pStride + j];
            for (int d = 0; d < headDim; ++d) ar[d] += pj * runElement<T>(v, j, d, headDim);
        }
    }
}

float softmaxRowScalar(float* s, int n, float* max) {
    float m = s[0];
    for (int j = 1; j < n; ++j) m = std::max(m, s[j]);
    float sum = 0.0f;
    for (int j = 0; j < n; ++j) {
        s[j] = std::exp(s[j] - m);
        sum += s[j];
    }
    *max = m;
    return sum;
}

// ---- AVX2 + FMA + F16C ----------------------------------------------------------------------
#ifdef FOLIO_ATTN_X86
#define FOLIO_AVX2 __attribute__((target("avx2,fma,f16c")))

FOLIO_AVX2 void halfToFloatAvx2(const uint16_t* src, float* dst, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
        _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(h));
    }
    for (; i < n; ++i) dst[i] = f16ToF32(src[i]);
}

FOLIO_AVX2 void floatToHalfAvx2(const float* src, uint16_t* dst, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), h);
    }
    for (; i < n; ++i) dst[i] = f32ToF16(src[i]);
}

FOLIO_AVX2 void q8ToFloatAvx2(const int8_t* q, const float* scale, float* dst, int64_t n) {
    for (int64_t g = 0; g < n / kKvQ8Group; ++g) {
        const __m256 d = _mm256_set1_ps(scale[g]);
        for (int i = 0; i < kKvQ8Group; i += 8) {
            const int64_t at = g * kKvQ8Group + i;
            const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(q + at));
            const __m256 x = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(b));
            _mm256_storeu_ps(dst + at, _mm256_mul_ps(x, d));
        }
    }
}

FOLIO_AVX2 inline float hsum(__m256 x) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(x), _mm256_extractf128_ps(x, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// exp(x) for x <= 0 with the shared constants of attention_kernels.h (kExpPoly).
FOLIO_AVX2 inline __m256 expNonPositive(__m256 x) {
    x = _mm256_max_ps(x, _mm256_set1_ps(kExpMinArg));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(kExpLog2e)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(kExpLn2Hi), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(kExpLn2Lo), r);
    __m256 p = _mm256_set1_ps(kExpPoly[0]);
    for (int i = 1; i < kExpPolyTerms; ++i) p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kExpPoly[i]));
    const __m256i e =
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

// scores[j] = scale * dot(q, k_j); four keys at a time share the loads of q.
FOLIO_AVX2 void scoresAvx2(const float* q, const float* k, int nKeys, int headDim, float scale,
                           float* scores) {
    const int dVec = headDim & ~7;
    int j = 0;
    for (; j + 4 <= nKeys; j += 4) {
        const float* k0 = k + static_cast<int64_t>(j) * headDim;
        const float* k1 = k0 + headDim;
        const float* k2 = k1 + headDim;
        const float* k3 = k2 + headDim;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
        __m256 a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        for (int d = 0; d < dVec; d += 8) {
            const __m256 qv = _mm256_loadu_ps(q + d);
            a0 = _mm256_fmadd_ps(qv, _mm256_loadu_ps(k0 + d), a0);
            a1 = _mm256_fmadd_ps(qv, _mm256_loadu_ps(k1 + d), a1);
            a2 = _mm256_fmadd_ps(qv, _mm256_loadu_ps(k2 + d), a2);
            a3 = _mm256_fmadd_ps(qv, _mm256_loadu_ps(k3 + d), a3);
        }
        float s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
        for (int d = dVec; d < headDim; ++d) {
            s0 += q[d] * k0[d];
            s1 += q[d] * k1[d];
            s2 += q[d] * k2[d];
            s3 += q[d] * k3[d];
        }
        scores[j] = s0 * scale;
        scores[j + 1] = s1 * scale;
        scores[j + 2] = s2 * scale;
        scores[j + 3] = s3 * scale;
    }
    for (; j < nKeys; ++j) {
        const float* kj = k + static_cast<int64_t>(j) * headDim;
        __m256 a = _mm256_setzero_ps();
        for (int d = 0; d < dVec; d += 8)
            a = _mm256_fmadd_ps(_mm256_loadu_ps(q + d), _mm256_loadu_ps(kj + d), a);
        float s = hsum(a);
        for (int d = dVec; d < headDim; ++d) s += q[d] * kj[d];
        scores[j] = s * scale;
    }
}

FOLIO_AVX2 void rowBlockAvx2(const float* q, const float* k, const float* v, int nKeys, int headDim,
                             float scale, float* m, float* l, float* acc, float* scores) {
    scoresAvx2(q, k, nKeys, headDim, scale, scores);
    float blockMax = scores[0];
    for (int j = 1; j < nKeys; ++j) blockMax = std::max(blockMax, scores[j]);
    const float mNew = std::max(*m, blockMax);
    // 0 for the first block (m = -inf); most later blocks leave the maximum unchanged.
    const float corr = mNew == *m ? 1.0f : std::exp(*m - mNew);

    // Pad to a multiple of 8 with -inf-like values so the exp runs on whole vectors.
    const int nPad = (nKeys + 7) & ~7;
    for (int j = nKeys; j < nPad; ++j) scores[j] = -1e30f;
    const __m256 mv = _mm256_set1_ps(mNew);
    __m256 sumv = _mm256_setzero_ps();
    for (int j = 0; j < nPad; j += 8) {
        __m256 p = expNonPositive(_mm256_sub_ps(_mm256_loadu_ps(scores + j), mv));
        if (j + 8 > nKeys) {  // zero the padding lanes (their exp is ~1e-38, not 0)
            const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
            const __m256i limit = _mm256_set1_epi32(nKeys - j);
            p = _mm256_and_ps(p, _mm256_castsi256_ps(_mm256_cmpgt_epi32(limit, lane)));
        }
        _mm256_storeu_ps(scores + j, p);
        sumv = _mm256_add_ps(sumv, p);
    }

    const __m256 corrv = _mm256_set1_ps(corr);
    const int dVec = headDim & ~7;
    int d = 0;
    for (; d + 32 <= dVec; d += 32) {  // four accumulators in registers across all keys
        __m256 a0 = _mm256_mul_ps(_mm256_loadu_ps(acc + d), corrv);
        __m256 a1 = _mm256_mul_ps(_mm256_loadu_ps(acc + d + 8), corrv);
        __m256 a2 = _mm256_mul_ps(_mm256_loadu_ps(acc + d + 16), corrv);
        __m256 a3 = _mm256_mul_ps(_mm256_loadu_ps(acc + d + 24), corrv);
        for (int j = 0; j < nKeys; ++j) {
            const float* vj = v + static_cast<int64_t>(j) * headDim + d;
            const __m256 p = _mm256_set1_ps(scores[j]);
            a0 = _mm256_fmadd_ps(p, _mm256_loadu_ps(vj), a0);
            a1 = _mm256_fmadd_ps(p, _mm256_loadu_ps(vj + 8), a1);
            a2 = _mm256_fmadd_ps(p, _mm256_loadu_ps(vj + 16), a2);
            a3 = _mm256_fmadd_ps(p, _mm256_loadu_ps(vj + 24), a3);
        }
        _mm256_storeu_ps(acc + d, a0);
        _mm256_storeu_ps(acc + d + 8, a1);
        _mm256_storeu_ps(acc + d + 16, a2);
        _mm256_storeu_ps(acc + d + 24, a3);
    }
    for (; d < dVec; d += 8) {
        __m256 a = _mm256_mul_ps(_mm256_loadu_ps(acc + d), corrv);
        for (int j = 0; j < nKeys; ++j) {
            const float* vj = v + static_cast<int64_t>(j) * headDim + d;
            a = _mm256_fmadd_ps(_mm256_set1_ps(scores[j]), _mm256_loadu_ps(vj), a);
        }
        _mm256_storeu_ps(acc + d, a);
    }
    for (; d < headDim; ++d) {
        float a = acc[d] * corr;
        for (int j = 0; j < nKeys; ++j) a += scores[j] * v[static_cast<int64_t>(j) * headDim + d];
        acc[d] = a;
    }
    *l = *l * corr + hsum(sumv);
    *m = mNew;
}
FOLIO_AVX2 void tileBlockAvx2(const float* q, int nRows, const int* rowKeys, const float* k,
                              const float* v, int, int headDim, float* m, float* l, float* acc,
                              float* scratch) {
    for (int r = 0; r < nRows; ++r) {
        if (rowKeys[r] <= 0) continue;
        rowBlockAvx2(q + static_cast<int64_t>(r) * headDim, k, v, rowKeys[r], headDim, 1.0f, &m[r],
                     &l[r], acc + static_cast<int64_t>(r) * headDim, scratch);
    }
}

// ---- AVX2 decode: runs read in place, 8 columns per vector ----------------------------------

// A cache run as the AVX2 decode kernels read it: load(j, d) = elements [d, d + 8) of row j as
// f32 (d + 8 <= headDim), element(j, d) one element (for head sizes not a multiple of 8).
template <KvType T>
struct RunRows8 {
    KvRun run;
    int headDim;
    FOLIO_AVX2 __m256 load(int j, int d) const {
        const int64_t at = static_cast<int64_t>(j) * headDim + d;
        if constexpr (T == KvType::F32) {
            return _mm256_loadu_ps(static_cast<const float*>(run.rows) + at);
        } else if constexpr (T == KvType::F16) {
            const uint16_t* h = static_cast<const uint16_t*>(run.rows) + at;
            return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h)));
        } else {
            const int8_t* b = static_cast<const int8_t*>(run.rows) + at;
            const __m256 x = _mm256_cvtepi32_ps(
                _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(b))));
            const float scale =
                run.scale[static_cast<int64_t>(j) * (headDim / kKvQ8Group) + d / kKvQ8Group];
            return _mm256_mul_ps(x, _mm256_set1_ps(scale));
        }
    }
    float element(int j, int d) const { return runElement<T>(run, j, d, headDim); }
};

// The four lane sums of a0..a3 as one vector [sum a0, sum a1, sum a2, sum a3].
FOLIO_AVX2 inline __m128 hsum4(__m256 a0, __m256 a1, __m256 a2, __m256 a3) {
    const __m256 t = _mm256_hadd_ps(_mm256_hadd_ps(a0, a1), _mm256_hadd_ps(a2, a3));
    return _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1));
}

// Scores of R query rows against keys [j0, j0 + 4) (keys past nKeys repeat the last one and are
// not stored); each K load serves the R rows.
template <int R, KvType T>
FOLIO_AVX2 inline void scoresQuad(const float* q, const RunRows8<T>& k, int j0, int nKeys,
                                  int headDim, float* s, int64_t sStride) {
    int kr[4];
    for (int i = 0; i < 4; ++i) kr[i] = std::min(j0 + i, nKeys - 1);
    __m256 a[R][4];
    for (int r = 0; r < R; ++r) {
        for (int i = 0; i < 4; ++i) a[r][i] = _mm256_setzero_ps();
    }
    const int dVec = headDim & ~7;
    for (int d = 0; d < dVec; d += 8) {
        __m256 kv[4];
        for (int i = 0; i < 4; ++i) kv[i] = k.load(kr[i], d);
        for (int r = 0; r < R; ++r) {
            const __m256 qv = _mm256_loadu_ps(q + static_cast<int64_t>(r) * headDim + d);
            for (int i = 0; i < 4; ++i) a[r][i] = _mm256_fmadd_ps(qv, kv[i], a[r][i]);
        }
    }
    const int n = std::min(4, nKeys - j0);
    for (int r = 0; r < R; ++r) {
        alignas(16) float out[4];
        _mm_store_ps(out, hsum4(a[r][0], a[r][1], a[r][2], a[r][3]));
        const float* qr = q + static_cast<int64_t>(r) * headDim;
        for (int i = 0; i < n; ++i) {
            for (int d = dVec; d < headDim; ++d) out[i] += qr[d] * k.element(kr[i], d);
            s[r * sStride + j0 + i] = out[i];
        }
    }
}

template <KvType T>
FOLIO_AVX2 void decodeScoresAvx2(const float* q, int nRows, KvRun k, int nKeys, int headDim,
                                 float* s, int64_t sStride) {
    const RunRows8<T> rows{k, headDim};
    for (int j0 = 0; j0 < nKeys; j0 += 4) {
        int r = 0;
        for (; r + 2 <= nRows; r += 2) {
            scoresQuad<2>(q + static_cast<int64_t>(r) * headDim, rows, j0, nKeys, headDim,
                          s + r * sStride, sStride);
        }
        if (r < nRows) {
            scoresQuad<1>(q + static_cast<int64_t>(r) * headDim, rows, j0, nKeys, headDim,
                          s + r * sStride, sStride);
        }
    }
}

// acc_r += sum_j p_rj v_j for R rows over columns [d, d + 8 * C); each V load serves the R rows.
template <int R, int C, KvType T>
FOLIO_AVX2 inline void accumulateColumns(const float* p, int64_t pStride, const RunRows8<T>& v,
                                         int nKeys, int headDim, int d, float* acc) {
    __m256 a[R][C];
    for (int r = 0; r < R; ++r) {
        for (int i = 0; i < C; ++i)
            a[r][i] = _mm256_loadu_ps(acc + static_cast<int64_t>(r) * headDim + d + 8 * i);
    }
    for (int j = 0; j < nKeys; ++j) {
        __m256 vv[C];
        for (int i = 0; i < C; ++i) vv[i] = v.load(j, d + 8 * i);
        for (int r = 0; r < R; ++r) {
            const __m256 pj = _mm256_set1_ps(p[r * pStride + j]);
            for (int i = 0; i < C; ++i) a[r][i] = _mm256_fmadd_ps(pj, vv[i], a[r][i]);
        }
    }
    for (int r = 0; r < R; ++r) {
        for (int i = 0; i < C; ++i)
            _mm256_storeu_ps(acc + static_cast<int64_t>(r) * headDim + d + 8 * i, a[r][i]);
    }
}

template <int R, KvType T>
FOLIO_AVX2 inline void accumulateRows(const float* p, int64_t pStride, const RunRows8<T>& v,
                                      int nKeys, int headDim, float* acc) {
    const int dVec = headDim & ~7;
    int d = 0;
    for (; d + 32 <= dVec; d += 32) accumulateColumns<R, 4>(p, pStride, v, nKeys, headDim, d, acc);
    for (; d < dVec; d += 8) accumulateColumns<R, 1>(p, pStride, v, nKeys, headDim, d, acc);
    for (; d < headDim; ++d) {
        for (int r = 0; r < R; ++r) {
            float sum = acc[static_cast<int64_t>(r) * headDim + d];
            for (int j = 0; j < nKeys; ++j) sum += p[r * pStride + j] * v.element(j, d);
            acc[static_cast<int64_t>(r) * headDim + d] = sum;
        }
    }
}

template <KvType T>
FOLIO_AVX2 void decodeAccumulateAvx2(const float* p, int64_t pStride, int nRows, KvRun v, int nKeys,
                                     int headDim, float* acc) {
    const RunRows8<T> rows{v, headDim};
    int r = 0;
    for (; r + 2 <= nRows; r += 2) {
        accumulateRows<2>(p + r * pStride, pStride, rows, nKeys, headDim,
                          acc + static_cast<int64_t>(r) * headDim);
    }
    if (r < nRows) {
        accumulateRows<1>(p + r * pStride, pStride, rows, nKeys, headDim,
                          acc + static_cast<int64_t>(r) * headDim);
    }
}

FOLIO_AVX2 inline float hmax(__m256 x) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(x), _mm256_extractf128_ps(x, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

FOLIO_AVX2 float softmaxRowAvx2(float* s, int n, float* max) {
    const int nVec = n & ~7;
    __m256 mv = _mm256_set1_ps(-std::numeric_limits<float>::infinity());
    for (int j = 0; j < nVec; j += 8) mv = _mm256_max_ps(mv, _mm256_loadu_ps(s + j));
    float m = hmax(mv);
    for (int j = nVec; j < n; ++j) m = std::max(m, s[j]);
    const __m256 shift = _mm256_set1_ps(m);
    __m256 sumv = _mm256_setzero_ps();
    for (int j = 0; j < nVec; j += 8) {
        const __m256 e = expNonPositive(_mm256_sub_ps(_mm256_loadu_ps(s + j), shift));
        _mm256_storeu_ps(s + j, e);
        sumv = _mm256_add_ps(sumv, e);
    }
    float sum = hsum(sumv);
    for (int j = nVec; j < n; ++j) {
        s[j] = std::exp(s[j] - m);
        sum += s[j];
    }
    *max = m;
    return sum;
}
#endif  // FOLIO_ATTN_X86

constexpr AttentionKernelTable kScalarKernels = {
    AttentionKernel::Scalar,
    "scalar",
    halfToFloatScalar,
    floatToHalfScalar,
    tileBlockScalar,
    q8ToFloatScalar,
    {{decodeScoresScalar<KvType::F32>, decodeAccumulateScalar<KvType::F32>},
     {decodeScoresScalar<KvType::F16>, decodeAccumulateScalar<KvType::F16>},
     {decodeScoresScalar<KvType::Q8_0>, decodeAccumulateScalar<KvType::Q8_0>}},
    softmaxRowScalar,
    nullptr};
#ifdef FOLIO_ATTN_X86
constexpr AttentionKernelTable kAvx2Kernels = {
    AttentionKernel::Avx2,
    "avx2",
    halfToFloatAvx2,
    floatToHalfAvx2,
    tileBlockAvx2,
    q8ToFloatAvx2,
    {{decodeScoresAvx2<KvType::F32>, decodeAccumulateAvx2<KvType::F32>},
     {decodeScoresAvx2<KvType::F16>, decodeAccumulateAvx2<KvType::F16>},
     {decodeScoresAvx2<KvType::Q8_0>, decodeAccumulateAvx2<KvType::Q8_0>}},
    softmaxRowAvx2,
    nullptr};

bool haveAvx2() {
    const CpuFeatures& f = cpuFeatures();
    return f.avx2 && f.fma && f.f16c;
}
#endif

}  // namespace

void tileBlockAvx2Rows(const float* q, int nRows, const int* rowKeys, const float* k,
                       const float* v, int nKeys, int headDim, float* m, float* l, float* acc,
                       float* scratch) {
#ifdef FOLIO_ATTN_X86
    tileBlockAvx2(q, nRows, rowKeys, k, v, nKeys, headDim, m, l, acc, scratch);
#else
    tileBlockScalar(q, nRows, rowKeys, k, v, nKeys, headDim, m, l, acc, scratch);
#endif
}

#ifdef FOLIO_ATTN_X86
DecodeKernels decodeKernelsAvx2(KvType type) {
    return kAvx2Kernels.decode[static_cast<int>(type)];
}
#endif

void quantizeKvRowQ8(const float* src, int8_t* q, float* scale, int64_t n) {
    for (int64_t g = 0; g < n / kKvQ8Group; ++g) {
        const float* x = src + g * kKvQ8Group;
        float amax = 0.0f;
        for (int i = 0; i < kKvQ8Group; ++i) amax = std::max(amax, std::fabs(x[i]));
        const float d = amax / 127.0f;
        const float inv = d > 0.0f ? 1.0f / d : 0.0f;
        for (int i = 0; i < kKvQ8Group; ++i)
            q[g * kKvQ8Group + i] = static_cast<int8_t>(std::nearbyint(x[i] * inv));
        scale[g] = d;
    }
}

void hadamardRotate(float* x, int n) {
    for (int h = 1; h < n; h *= 2) {
        for (int i = 0; i < n; i += 2 * h) {
            for (int j = i; j < i + h; ++j) {
                const float a = x[j], b = x[j + h];
                x[j] = a + b;
                x[j + h] = a - b;
            }
        }
    }
    const float norm = 1.0f / std::sqrt(static_cast<float>(n));
    for (int i = 0; i < n; ++i) x[i] *= norm;
}

const AttentionKernelTable* attentionKernels(AttentionKernel which) {
    switch (which) {
        case AttentionKernel::Scalar:
            return &kScalarKernels;
        case AttentionKernel::Avx2:
#ifdef FOLIO_ATTN_X86
            return haveAvx2() ? &kAvx2Kernels : nullptr;
#else
            return nullptr;
#endif
        case AttentionKernel::Avx512:
#ifdef FOLIO_ATTN_X86
            return haveAvx2() ? attentionKernelsAvx512() : nullptr;
#else
            return nullptr;
#endif
        case AttentionKernel::Auto:
            break;
    }
    static const AttentionKernelTable* best = [] {
        for (AttentionKernel k : {AttentionKernel::Avx512, AttentionKernel::Avx2}) {
            if (const AttentionKernelTable* t = attentionKernels(k)) return t;
        }
        return &kScalarKernels;
    }();
    return best;
}

}  // namespace folio
