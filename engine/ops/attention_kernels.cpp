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

// The q8 tile step of the scalar and AVX2 variants: converts the block into scratch (the layout
// of tileBlockF16Scratch) and runs that variant's f32 tile step.
template <void (*kToFloat)(const int8_t*, const float*, float*, int64_t),
          void (*kTile)(const float*, int, const int*, const float*, const float*, int, int, float*,
                        float*, float*, float*)>
void tileBlockQ8Converted(const float* q, int nRows, const int* rowKeys, KvRowsQ8 k, KvRowsQ8 v,
                          int nKeys, int headDim, float* m, float* l, float* acc, float* scratch) {
    const int64_t n = static_cast<int64_t>(nKeys) * headDim;
    kToFloat(k.q, k.scale, scratch, n);
    kToFloat(v.q, v.scale, scratch + n, n);
    kTile(q, nRows, rowKeys, scratch, scratch + n, nKeys, headDim, m, l, acc, scratch + 2 * n);
}

// The f16 tile step of the scalar and AVX2 variants: converts the block into scratch (see
// tileBlockF16Scratch for the layout) and runs that variant's f32 tile step.
template <void (*kToFloat)(const uint16_t*, float*, int64_t),
          void (*kTile)(const float*, int, const int*, const float*, const float*, int, int, float*,
                        float*, float*, float*)>
void tileBlockF16Converted(const float* q, int nRows, const int* rowKeys, const uint16_t* k,
                           const uint16_t* v, int nKeys, int headDim, float* m, float* l,
                           float* acc, float* scratch) {
    const int64_t n = static_cast<int64_t>(nKeys) * headDim;
    float* kf = scratch;
    float* vf = scratch + n;
    kToFloat(k, kf, n);
    kToFloat(v, vf, n);
    kTile(q, nRows, rowKeys, kf, vf, nKeys, headDim, m, l, acc, scratch + 2 * n);
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
#endif  // FOLIO_ATTN_X86

constexpr AttentionKernelTable kScalarKernels = {
    AttentionKernel::Scalar,
    "scalar",
    halfToFloatScalar,
    floatToHalfScalar,
    tileBlockScalar,
    tileBlockF16Converted<halfToFloatScalar, tileBlockScalar>,
    q8ToFloatScalar,
    tileBlockQ8Converted<q8ToFloatScalar, tileBlockScalar>,
    nullptr};
#ifdef FOLIO_ATTN_X86
constexpr AttentionKernelTable kAvx2Kernels = {
    AttentionKernel::Avx2,
    "avx2",
    halfToFloatAvx2,
    floatToHalfAvx2,
    tileBlockAvx2,
    tileBlockF16Converted<halfToFloatAvx2, tileBlockAvx2>,
    q8ToFloatAvx2,
    tileBlockQ8Converted<q8ToFloatAvx2, tileBlockAvx2>,
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
