// AVX-512 VNNI prefill (dotRowsMulti) for the 32-blocks Q4_0, Q5_0 and Q8_0 (the other types,
// and decode, keep the one-row kernels of kernels_x86.h).
//
// Panels: each call decodes its activation rows once into ActPairs, and each tile of 4 weight
// rows once into WeightPairs (two blocks per 512-bit vector), so the 4 x 4 register tile's inner
// loop is loads plus, per (row, activation) pair, vpdpbusd, a conversion, a scale product and an
// FMA. Weights are decoded to unsigned bytes u = q + offset (offset 8, 16 or 128), so vpdpbusd
// (u8 x s8) multiplies them with the int8 activations without a sign fix-up; the offset is
// removed exactly, in integers, by starting each pair's accumulation at -offset * sum(a).
//
// Determinism: each (weight row, activation row) pair goes through the same operations whatever
// the tile shape, so its result does not depend on the thread split or the tile it lands in.
#include "engine/quant/kernels_internal.h"
#include "engine/quant/quant.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni")
// GCC 12 reports the deliberately undefined vectors inside its own intrinsics (the upper half of
// _mm512_castsi256_si512, the pass-through of unmasked inserts) as uninitialized; every such
// value is overwritten or masked off here. (Not popped: the warnings are reported at the
// intrinsics' own lines, after inlining, so they must stay off to the end of this file.)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace {

using folio::quant::ActQ8;
using folio::quant::ActQ8K;
using folio::quant::kMaxMulti;
using folio::quant::kQK;
using folio::quant::kQKK;

inline float half(const void* p) {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

inline __m512i loadPair256(const void* lo, const void* hi) {
    return _mm512_inserti64x4(
        _mm512_castsi256_si512(_mm256_loadu_si256(static_cast<const __m256i*>(lo))),
        _mm256_loadu_si256(static_cast<const __m256i*>(hi)), 1);
}

// [a x8, b x8] as floats.
inline __m512 pairScale(float a, float b) {
    const __m512d lo = _mm512_castpd256_pd512(_mm256_castps_pd(_mm256_set1_ps(a)));
    return _mm512_castpd_ps(_mm512_insertf64x4(lo, _mm256_castps_pd(_mm256_set1_ps(b)), 1));
}

// Two blocks of 16 nibble bytes -> 64 bytes: [lo(b0) hi(b0) lo(b1) hi(b1)], each value 0..15.
inline __m512i nibblePair(const uint8_t* qs0, const uint8_t* qs1) {
    const __m256i q0 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i*)qs0));
    const __m256i q1 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i*)qs1));
    const __m512i v = _mm512_inserti64x4(_mm512_castsi256_si512(q0), q1, 1);
    // 128-bit lanes 1 and 3 (qwords 2, 3, 6, 7) take the high nibbles.
    const __m512i both = _mm512_mask_blend_epi64(0xCC, v, _mm512_srli_epi16(v, 4));
    return _mm512_and_si512(both, _mm512_set1_epi8(0x0F));
}

// Decoders of two consecutive 32-blocks to unsigned bytes q + kOffset.
struct Q4_0Tile {
    using Block = folio::quant::BlockQ4_0;
    static constexpr int kOffset = 8;
    static __m512i decode(const Block* x) { return nibblePair(x[0].qs, x[1].qs); }
};
struct Q5_0Tile {
    using Block = folio::quant::BlockQ5_0;
    static constexpr int kOffset = 16;
    static __m512i decode(const Block* x) {
        uint32_t h0, h1;
        std::memcpy(&h0, x[0].qh, 4);
        std::memcpy(&h1, x[1].qh, 4);
        const __mmask64 high = _cvtu64_mask64(uint64_t(h0) | (uint64_t(h1) << 32));
        const __m512i lo = nibblePair(x[0].qs, x[1].qs);
        return _mm512_mask_add_epi8(lo, high, lo, _mm512_set1_epi8(16));
    }
};
struct Q8_0Tile {
    using Block = folio::quant::BlockQ8_0;
    static constexpr int kOffset = 128;
    static __m512i decode(const Block* x) {
        return _mm512_xor_si512(loadPair256(x[0].qs, x[1].qs), _mm512_set1_epi8(char(0x80)));
    }
};

// ---- panels: the blocks decoded once into the layout the register tiles read ------------------

// Blocks (2p, 2p + 1) of one weight row: unsigned bytes q + offset, and each block's f16 scale
// as 8 float lanes. A missing second block (odd block count) is zero bytes with scale 0.
struct alignas(64) WeightPair {
    __m512i q;
    __m512 d;
};
// Blocks (2p, 2p + 1) of one activation row: int8 values, scales as 8 float lanes each, and
// -offset * (sum of the 4 values of each int32 lane), the start of every pair's vpdpbusd.
struct alignas(64) ActPair {
    __m512i a;
    __m512 d;
    __m512i negCorr;
};

template <class T>
void decodeWeightRow(const uint8_t* row, int64_t nb, WeightPair* dst) {
    using Block = typename T::Block;
    const Block* x = reinterpret_cast<const Block*>(row);
    int64_t b = 0;
    for (; b + 2 <= nb; b += 2, ++dst) {
        dst->q = T::decode(x + b);
        dst->d = pairScale(half(&x[b].d), half(&x[b + 1].d));
    }
    if (b < nb) {
        const Block dup[2] = {x[b], x[b]};  // decode reads two blocks; the copy stands in
        dst->q = _mm512_maskz_mov_epi64(0x0F, T::decode(dup));
        dst->d = pairScale(half(&x[b].d), 0.0f);
    }
}

void buildActPanel(const uint8_t* act, size_t actBytes, int64_t nAct, int64_t nb, int offset,
                   ActPair* dst) {
    const __m512i off = _mm512_set1_epi8(static_cast<char>(offset));
    for (int64_t j = 0; j < nAct; ++j) {
        const ActQ8* y = reinterpret_cast<const ActQ8*>(act + j * actBytes);
        for (int64_t b = 0; b < nb; b += 2, ++dst) {
            if (b + 2 <= nb) {
                dst->a = loadPair256(y[b].qs, y[b + 1].qs);
                dst->d = pairScale(y[b].d, y[b + 1].d);
            } else {
                dst->a = _mm512_zextsi256_si512(_mm256_loadu_si256((const __m256i*)y[b].qs));
                dst->d = pairScale(y[b].d, 0.0f);
            }
            dst->negCorr = _mm512_sub_epi32(
                _mm512_setzero_si512(), _mm512_dpbusd_epi32(_mm512_setzero_si512(), off, dst->a));
        }
    }
}

// The register tile: NR weight rows (wStride pairs apart) x NA activation rows (aStride pairs
// apart) over nPairs block pairs; out[j * outStride + r].
template <int NR, int NA>
void tilePanels(const WeightPair* w, int64_t wStride, const ActPair* a, int64_t aStride,
                int64_t nPairs, float* out, int64_t outStride) {
    __m512 acc[NR][NA];
    for (int r = 0; r < NR; ++r)
        for (int j = 0; j < NA; ++j) acc[r][j] = _mm512_setzero_ps();
    for (int64_t p = 0; p < nPairs; ++p) {
        __m512i wq[NR];
        __m512 wd[NR];
        for (int r = 0; r < NR; ++r) {
            wq[r] = w[r * wStride + p].q;
            wd[r] = w[r * wStride + p].d;
        }
        for (int j = 0; j < NA; ++j) {
            const ActPair& y = a[j * aStride + p];
            for (int r = 0; r < NR; ++r) {
                const __m512i isum = _mm512_dpbusd_epi32(y.negCorr, wq[r], y.a);
                acc[r][j] =
                    _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum), _mm512_mul_ps(wd[r], y.d), acc[r][j]);
            }
        }
    }
    for (int r = 0; r < NR; ++r)
        for (int j = 0; j < NA; ++j) out[j * outStride + r] = _mm512_reduce_add_ps(acc[r][j]);
}

constexpr int kTileRows = 4;  // 16 accumulators + 8 weight registers fit the 32 zmm registers
using TileFn = void (*)(const WeightPair*, int64_t, const ActPair*, int64_t, int64_t, float*,
                        int64_t);

template <int NR, int NA>
constexpr void fillTiles(TileFn (&t)[kTileRows][kMaxMulti]) {
    t[NR - 1][NA - 1] = tilePanels<NR, NA>;
    if constexpr (NA < kMaxMulti)
        fillTiles<NR, NA + 1>(t);
    else if constexpr (NR < kTileRows)
        fillTiles<NR + 1, 1>(t);
}

struct TileFns {
    TileFn fn[kTileRows][kMaxMulti] = {};
    constexpr TileFns() { fillTiles<1, 1>(fn); }
};
constexpr TileFns kTiles;

// Per-thread panels, grown on first use and reused: no allocation once warmed up.
struct Panels {
    std::vector<ActPair> act;
    std::vector<WeightPair> weights;
};

// All of dotRowsMulti for one 32-block type: the activation panel once per call, the weight
// panel once per row tile, then every activation group of the tile.
template <class T>
void gemm32(const uint8_t* w, size_t rowStride, int64_t nRows, const uint8_t* act, size_t actBytes,
            int64_t nAct, int64_t n, float* out, int64_t outStride) {
    thread_local Panels panels;
    const int64_t nb = n / kQK, nPairs = (nb + 1) / 2;
    if (panels.act.size() < size_t(nAct * nPairs)) panels.act.resize(size_t(nAct * nPairs));
    if (panels.weights.size() < size_t(kTileRows * nPairs))
        panels.weights.resize(size_t(kTileRows * nPairs));
    buildActPanel(act, actBytes, nAct, nb, T::kOffset, panels.act.data());
    for (int64_t r0 = 0; r0 < nRows; r0 += kTileRows) {
        const int64_t nr = std::min<int64_t>(kTileRows, nRows - r0);
        for (int64_t r = 0; r < nr; ++r)
            decodeWeightRow<T>(w + (r0 + r) * rowStride, nb, panels.weights.data() + r * nPairs);
        for (int64_t j0 = 0; j0 < nAct; j0 += kMaxMulti) {
            const int64_t na = std::min<int64_t>(kMaxMulti, nAct - j0);
            kTiles.fn[nr - 1][na - 1](panels.weights.data(), nPairs,
                                      panels.act.data() + j0 * nPairs, nPairs, nPairs,
                                      out + j0 * outStride + r0, outStride);
        }
    }
}

// ---- activation quantization: the same bytes as the scalar code in kernels.cpp --------------
// Every step is the same IEEE operation as there (max of |x|, one division, x * id rounded to
// nearest even, clamped), only 16 lanes at a time; integer sums are exact in any order.

inline __m512i roundClamp(__m512 v, __m512 id) {
    const __m512 r =
        _mm512_roundscale_ps(_mm512_mul_ps(v, id), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    return _mm512_cvtps_epi32(
        _mm512_min_ps(_mm512_max_ps(r, _mm512_set1_ps(-127.0f)), _mm512_set1_ps(127.0f)));
}

inline float absMax(const float* x, int count) {
    __m512 m = _mm512_setzero_ps();
    for (int i = 0; i < count; i += 16) m = _mm512_max_ps(m, _mm512_abs_ps(_mm512_loadu_ps(x + i)));
    return _mm512_reduce_max_ps(m);
}

void quantizeQ8(const float* x, uint8_t* dst, int64_t n) {
    ActQ8* y = reinterpret_cast<ActQ8*>(dst);
    for (int64_t b = 0; b < n / kQK; ++b, x += kQK) {
        const float amax = absMax(x, kQK);
        const __m512 id = _mm512_set1_ps(amax != 0.0f ? 127.0f / amax : 0.0f);
        const __m512i q0 = roundClamp(_mm512_loadu_ps(x), id);
        const __m512i q1 = roundClamp(_mm512_loadu_ps(x + 16), id);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(y[b].qs), _mm512_cvtepi32_epi8(q0));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(y[b].qs + 16), _mm512_cvtepi32_epi8(q1));
        y[b].d = folio::f16ToF32(folio::f32ToF16(amax / 127.0f));
        y[b].s = y[b].d * static_cast<float>(_mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1)));
    }
}

void quantizeQ8K(const float* x, uint8_t* dst, int64_t n) {
    ActQ8K* y = reinterpret_cast<ActQ8K*>(dst);
    for (int64_t b = 0; b < n / kQKK; ++b, x += kQKK) {
        const float d = absMax(x, kQKK) / 127.0f;
        const __m512 id = _mm512_set1_ps(d != 0.0f ? 1.0f / d : 0.0f);
        y[b].d = d;
        for (int g = 0; g < kQKK / 16; ++g) {
            const __m512i q = roundClamp(_mm512_loadu_ps(x + 16 * g), id);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(y[b].qs + 16 * g), _mm512_cvtepi32_epi8(q));
            y[b].bsums[g] = static_cast<int16_t>(_mm512_reduce_add_epi32(q));
        }
    }
}

// Q4_K and Q6_K: 16-row panels with the rows in the lanes (kernels_avx512_tiles_k.cpp). Q5_K keeps
// the one-row kernels (no model we ship uses it for prefill-heavy matrices).
constexpr folio::quant::TileTable makeTiles() {
    using folio::GgmlType;
    folio::quant::TileTable t;
    t.gemm[static_cast<uint32_t>(GgmlType::Q4_0)] = gemm32<Q4_0Tile>;
    t.gemm[static_cast<uint32_t>(GgmlType::Q5_0)] = gemm32<Q5_0Tile>;
    t.gemm[static_cast<uint32_t>(GgmlType::Q8_0)] = gemm32<Q8_0Tile>;
    t.gemm[static_cast<uint32_t>(GgmlType::Q4_K)] = folio::quant::gemmQ4KAvx512;
    t.gemm[static_cast<uint32_t>(GgmlType::Q6_K)] = folio::quant::gemmQ6KAvx512;
    t.quantizeQ8 = quantizeQ8;
    t.quantizeQ8K = quantizeQ8K;
    return t;
}

constexpr folio::quant::TileTable kAvx512Tiles = makeTiles();

}  // namespace
#pragma GCC pop_options

const folio::quant::TileTable* folio::quant::avx512Tiles() {
    return &kAvx512Tiles;
}

#else
const folio::quant::TileTable* folio::quant::avx512Tiles() {
    return nullptr;
}
#endif
