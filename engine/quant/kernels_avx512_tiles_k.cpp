// AVX-512 VNNI prefill (dotRowsMulti) for the K-quants Q4_K and Q6_K.
//
// Layout: 16 weight rows are transposed once per call into a panel where int32 lane r of every
// vector belongs to weight row r: q[s][t] holds bytes 4t..4t+3 of sub-block s of each row,
// already unpacked to unsigned values (0..15 for Q4_K, 0..63 for Q6_K). The four activation
// bytes that meet those weights are the same for all 16 rows, so they are one broadcast load
// (vpdpbusd's {1to16} memory operand). A sub-block is then a short vpdpbusd chain whose int32
// lanes are the 16 rows' exact sub-block sums; one vpmulld by the rows' sub-block scales and one
// add fold it into the super-block sum. Per 64 multiply-adds that is 1.125 512-bit multiply
// instructions for Q4_K (8 vpdpbusd + 1 vpmulld per sub-block of 32) and 1.25 for Q6_K (4 + 1
// per 16), against 2 (vpmaddubsw + vpmaddwd) in the one-row kernels, and no horizontal sums.
// The panel transposes cost about a tenth of the multiplies at 64 activation rows per call.
//
// Offsets: Q4_K's mins term dmin * sum_s m_s * sum(a_s) uses the activation's per-sub-block sums
// (from bsums) with vpdpwssd; Q6_K's -32 offset starts each sub-block chain at -32 * sum(a_s).
// Integer ranges: Q4_K |sum_s sc_s * S_s| <= 8 * 63 * 32 * 15 * 127 < 2^25; Q6_K
// |sum_s sc_s * (S_s - 32 sum(a_s))| <= 16 * 128 * 16 * 32 * 127 < 2^28: no overflow.
//
// Determinism: every (weight row, activation row) pair is one lane that goes through the same
// integer sums (exact) and the same two float operations per super-block, whatever the tile, so
// a pair's result does not depend on nRows, nAct or its place in them.
#include "engine/quant/kernels_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "engine/quant/quant.h"

#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni")
// GCC 12 reports the undefined pass-through vector inside _mm512_cvtepi32_ps as uninitialized
// (it is fully overwritten); the warning is reported after inlining, so it stays off to the end.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace {

using folio::quant::ActQ8K;
using folio::quant::BlockQ4_K;
using folio::quant::BlockQ6_K;
using folio::quant::kQKK;

constexpr int kLanes = 16;  // weight rows per panel: one per int32 lane of a 512-bit vector
constexpr int kMaxAct = 8;  // activation rows per register tile (8 float + 8 int accumulators)

// One super-block of 16 Q4_K rows. Lanes of absent rows (a partial last tile) are zero.
struct alignas(64) PanelQ4K {
    int32_t q[8][8][kLanes];  // [sub-block][4-byte group][row]: four values 0..15
    int32_t sc[8][kLanes];    // 6-bit sub-block scales
    int32_t mins[4][kLanes];  // int16 pairs (m[2p], m[2p + 1])
    float d[kLanes];
    float dmin[kLanes];
};
// One super-block of one Q4_K activation row: its scale and the int16 pairs (sum of sub-block
// 2p, sum of sub-block 2p + 1) that meet PanelQ4K::mins.
struct SideQ4K {
    float d;
    int32_t pairs[4];
};

// One super-block of 16 Q6_K rows.
struct alignas(64) PanelQ6K {
    int32_t q[16][4][kLanes];  // [group of 16][4-byte group][row]: four values 0..63
    int32_t sc[16][kLanes];    // int8 group scales
    float d[kLanes];
};
// One super-block of one Q6_K activation row: its scale and -32 * (sum of each group of 16).
struct SideQ6K {
    float d;
    int32_t offset[16];
};

// Activation scale and the 32-value sums of one Q8_K block, as the mins term reads them.
inline SideQ4K sideQ4K(const ActQ8K& y) {
    SideQ4K s;
    s.d = y.d;
    for (int p = 0; p < 4; ++p) {
        const int lo = y.bsums[4 * p] + y.bsums[4 * p + 1];
        const int hi = y.bsums[4 * p + 2] + y.bsums[4 * p + 3];
        s.pairs[p] = int32_t(uint32_t(uint16_t(lo)) | (uint32_t(uint16_t(hi)) << 16));
    }
    return s;
}

inline SideQ6K sideQ6K(const ActQ8K& y) {
    SideQ6K s;
    s.d = y.d;
    for (int g = 0; g < 16; ++g) s.offset[g] = -32 * y.bsums[g];
    return s;
}

// The 16 weight rows of a panel: row 0's address, the distance between rows in bytes, and how
// many rows exist (the others read nothing and get 0).
struct RowSet {
    const uint8_t* first;
    size_t stride;
    int count;
    __mmask16 mask;   // bit r set for the rows that exist
    __m512i offsets;  // r * stride in lane r, for gathers
};

// Lane r = the 4 bytes at byte `offset` of row r's block.
inline __m512i gather(const RowSet& rs, size_t offset) {
    return _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), rs.mask, rs.offsets,
                                       rs.first + offset, 1);
}

// cols[c] lane r = dword c of the 64 bytes at byte `offset` of row r's block: a 16 x 16
// transpose in registers (4 rounds of 16 shuffles, far cheaper than 16 gathers).
void transpose16(const RowSet& rs, size_t offset, __m512i* cols) {
    __m512i r[16], t[16];
    for (int i = 0; i < 16; ++i)
        r[i] = i < rs.count ? _mm512_loadu_si512(rs.first + i * rs.stride + offset)
                            : _mm512_setzero_si512();
    for (int i = 0; i < 8; ++i) {
        t[2 * i] = _mm512_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 4; ++i) {
        r[4 * i] = _mm512_unpacklo_epi64(t[4 * i], t[4 * i + 2]);
        r[4 * i + 1] = _mm512_unpackhi_epi64(t[4 * i], t[4 * i + 2]);
        r[4 * i + 2] = _mm512_unpacklo_epi64(t[4 * i + 1], t[4 * i + 3]);
        r[4 * i + 3] = _mm512_unpackhi_epi64(t[4 * i + 1], t[4 * i + 3]);
    }
    for (int i = 0; i < 2; ++i) {
        for (int k = 0; k < 4; ++k) {
            t[8 * i + k] = _mm512_shuffle_i32x4(r[8 * i + k], r[8 * i + 4 + k], 0x88);
            t[8 * i + 4 + k] = _mm512_shuffle_i32x4(r[8 * i + k], r[8 * i + 4 + k], 0xDD);
        }
    }
    for (int k = 0; k < 8; ++k) {
        cols[k] = _mm512_shuffle_i32x4(t[k], t[8 + k], 0x88);
        cols[8 + k] = _mm512_shuffle_i32x4(t[k], t[8 + k], 0xDD);
    }
}

inline void storePanel(int32_t* dst, __m512i v) {
    _mm512_store_si512(reinterpret_cast<void*>(dst), v);
}

inline __m512i bytesAt(__m512i v, int shift, int mask) {
    return _mm512_and_si512(_mm512_srli_epi32(v, unsigned(shift)), _mm512_set1_epi32(mask));
}

// The low f16 of each lane -> floats.
inline __m512 halfLow(__m512i v) {
    return _mm512_cvtph_ps(_mm512_cvtepi32_epi16(v));
}

// One Q4_K block (at rs.first, rows rs.stride apart) of 16 rows into a panel.
void packQ4K(const RowSet& rs, PanelQ4K& p) {
    // The block's 36 dwords: d | dmin << 16, scales (3), qs (32); the last 4 by gathers.
    static_assert(sizeof(BlockQ4_K) == 36 * 4 && offsetof(BlockQ4_K, qs) == 16);
    __m512i col[36];
    transpose16(rs, 0, col);
    transpose16(rs, 64, col + 16);
    for (int i = 32; i < 36; ++i) col[i] = gather(rs, 4 * size_t(i));
    _mm512_store_ps(p.d, halfLow(col[0]));
    _mm512_store_ps(p.dmin, halfLow(_mm512_srli_epi32(col[0], 16)));
    // The 6-bit scales and mins, unpacked lane by lane as unpackScalesK4 does one block.
    const __m512i a = col[1], b = col[2], c = col[3];
    const __m512i sLo = _mm512_and_si512(a, _mm512_set1_epi32(0x3F3F3F3F));
    const __m512i mLo = _mm512_and_si512(b, _mm512_set1_epi32(0x3F3F3F3F));
    const __m512i sHi = _mm512_or_si512(bytesAt(c, 0, 0x0F0F0F0F), bytesAt(a, 2, 0x30303030));
    const __m512i mHi = _mm512_or_si512(bytesAt(c, 4, 0x0F0F0F0F), bytesAt(b, 2, 0x30303030));
    for (int i = 0; i < 4; ++i) {
        storePanel(p.sc[i], bytesAt(sLo, 8 * i, 0xFF));
        storePanel(p.sc[4 + i], bytesAt(sHi, 8 * i, 0xFF));
    }
    // (m[2k], m[2k + 1]) as int16 pairs: bytes 2k and 2k + 1 of the mins, zero-extended.
    const __m512i mins[2] = {mLo, mHi};
    for (int i = 0; i < 2; ++i) {
        storePanel(p.mins[2 * i],
                   _mm512_or_si512(bytesAt(mins[i], 0, 0xFF),
                                   _mm512_slli_epi32(bytesAt(mins[i], 8, 0xFF), 16)));
        storePanel(p.mins[2 * i + 1],
                   _mm512_or_si512(bytesAt(mins[i], 16, 0xFF),
                                   _mm512_slli_epi32(bytesAt(mins[i], 24, 0xFF), 16)));
    }
    // Chunk ch of 32 bytes holds sub-block 2ch in its low nibbles and 2ch + 1 in its high ones.
    for (int ch = 0; ch < 4; ++ch) {
        for (int t = 0; t < 8; ++t) {
            const __m512i v = col[4 + 8 * ch + t];
            storePanel(p.q[2 * ch][t], bytesAt(v, 0, 0x0F0F0F0F));
            storePanel(p.q[2 * ch + 1][t], bytesAt(v, 4, 0x0F0F0F0F));
        }
    }
}

// One Q6_K block of 16 rows into a panel. Element 128h + 32k + i has its low 4 bits in
// ql[64h + 32(k & 1) + i] (nibble k >> 1) and its top 2 bits in qh[32h + i] (bits 2k, 2k + 1).
void packQ6K(const RowSet& rs, PanelQ6K& p) {
    // ql (32 dwords) and qh (16) by transposes; the scales and d (which ends the 210-byte block,
    // so it is read as the top half of the dword at byte 206) by gathers.
    static_assert(offsetof(BlockQ6_K, qh) == 128 && offsetof(BlockQ6_K, scales) == 192 &&
                  offsetof(BlockQ6_K, d) == 208 && sizeof(BlockQ6_K) == 210);
    __m512i col[48];
    transpose16(rs, 0, col);
    transpose16(rs, 64, col + 16);
    transpose16(rs, 128, col + 32);
    _mm512_store_ps(p.d, halfLow(_mm512_srli_epi32(gather(rs, 206), 16)));
    for (int i = 0; i < 4; ++i) {
        const __m512i v = gather(rs, 192 + 4 * size_t(i));
        for (int k = 0; k < 4; ++k)  // byte k, sign-extended
            storePanel(p.sc[4 * i + k],
                       _mm512_srai_epi32(_mm512_slli_epi32(v, unsigned(24 - 8 * k)), 24));
    }
    for (int h = 0; h < 2; ++h) {
        for (int t = 0; t < 8; ++t) {
            const __m512i hi = col[32 + 8 * h + t];
            for (int k = 0; k < 4; ++k) {
                const __m512i lo = col[16 * h + 8 * (k & 1) + t];
                const __m512i v =
                    _mm512_or_si512(bytesAt(lo, 4 * (k >> 1), 0x0F0F0F0F),
                                    _mm512_slli_epi32(bytesAt(hi, 2 * k, 0x03030303), 4));
                // Element 32k + 4t of this half: group 8h + 2k + t / 4, 4-byte group t % 4.
                storePanel(p.q[8 * h + 2 * k + t / 4][t % 4], v);
            }
        }
    }
}

inline __m512i loadPanel(const int32_t* p) {
    return _mm512_load_si512(reinterpret_cast<const void*>(p));
}

// acc += vpdpbusd of the 16 rows' weights `w` with the 4 activation bytes at `a` broadcast to
// all lanes. Written as the instruction with its {1to16} memory operand because GCC 12 turns
// _mm512_set1_epi32(load) into a separate vpbroadcastd and a register per product (measured 6%
// slower).
inline __m512i dotBroadcast(__m512i acc, __m512i w, const uint8_t* a) {
    asm("vpdpbusd %2%{1to16%}, %1, %0"
        : "+v"(acc)
        : "v"(w), "m"(*reinterpret_cast<const uint8_t(*)[4]>(a)));
    return acc;
}

// The register tile: 16 Q4_K rows (nb panels) x NA activation rows; out[j * outStride + r] for
// the rows in `rows`.
template <int NA>
void tileQ4K(const PanelQ4K* panel, int64_t nb, const uint8_t* act, size_t actBytes,
             const SideQ4K* side, float* out, int64_t outStride, __mmask16 rows) {
    __m512 accF[NA];
    for (int j = 0; j < NA; ++j) accF[j] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; ++b) {
        const PanelQ4K& p = panel[b];
        const uint8_t* a0 = act + size_t(b) * sizeof(ActQ8K) + offsetof(ActQ8K, qs);
        __m512i accS[NA];
        for (int j = 0; j < NA; ++j) accS[j] = _mm512_setzero_si512();
#pragma GCC unroll 1
        for (int s = 0; s < 8; ++s) {
            __m512i w[8];
            for (int t = 0; t < 8; ++t) w[t] = loadPanel(p.q[s][t]);
            const __m512i sc = loadPanel(p.sc[s]);
#pragma GCC unroll 8
            for (int j = 0; j < NA; ++j) {
                const uint8_t* a = a0 + j * actBytes + 32 * s;
                __m512i sum = _mm512_setzero_si512();
                for (int t = 0; t < 8; ++t) sum = dotBroadcast(sum, w[t], a + 4 * t);
                accS[j] = _mm512_add_epi32(accS[j], _mm512_mullo_epi32(sum, sc));
            }
        }
        const __m512 d = _mm512_load_ps(p.d), dmin = _mm512_load_ps(p.dmin);
        for (int j = 0; j < NA; ++j) {
            const SideQ4K& y = side[j * nb + b];
            __m512i m = _mm512_setzero_si512();
            for (int k = 0; k < 4; ++k)
                m = _mm512_dpwssd_epi32(m, loadPanel(p.mins[k]), _mm512_set1_epi32(y.pairs[k]));
            const __m512 da = _mm512_set1_ps(y.d);
            accF[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(accS[j]), _mm512_mul_ps(d, da), accF[j]);
            accF[j] = _mm512_fnmadd_ps(_mm512_cvtepi32_ps(m), _mm512_mul_ps(dmin, da), accF[j]);
        }
    }
    for (int j = 0; j < NA; ++j) _mm512_mask_storeu_ps(out + j * outStride, rows, accF[j]);
}

template <int NA>
void tileQ6K(const PanelQ6K* panel, int64_t nb, const uint8_t* act, size_t actBytes,
             const SideQ6K* side, float* out, int64_t outStride, __mmask16 rows) {
    __m512 accF[NA];
    for (int j = 0; j < NA; ++j) accF[j] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; ++b) {
        const PanelQ6K& p = panel[b];
        const uint8_t* a0 = act + size_t(b) * sizeof(ActQ8K) + offsetof(ActQ8K, qs);
        __m512i accS[NA];
        for (int j = 0; j < NA; ++j) accS[j] = _mm512_setzero_si512();
        for (int g = 0; g < 16; ++g) {
            __m512i w[4];
            for (int t = 0; t < 4; ++t) w[t] = loadPanel(p.q[g][t]);
            const __m512i sc = loadPanel(p.sc[g]);
#pragma GCC unroll 8
            for (int j = 0; j < NA; ++j) {
                const uint8_t* a = a0 + j * actBytes + 16 * g;
                __m512i sum = _mm512_set1_epi32(side[j * nb + b].offset[g]);
                for (int t = 0; t < 4; ++t) sum = dotBroadcast(sum, w[t], a + 4 * t);
                accS[j] = _mm512_add_epi32(accS[j], _mm512_mullo_epi32(sum, sc));
            }
        }
        const __m512 d = _mm512_load_ps(p.d);
        for (int j = 0; j < NA; ++j) {
            const __m512 da = _mm512_set1_ps(side[j * nb + b].d);
            accF[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(accS[j]), _mm512_mul_ps(d, da), accF[j]);
        }
    }
    for (int j = 0; j < NA; ++j) _mm512_mask_storeu_ps(out + j * outStride, rows, accF[j]);
}

// Per weight type: the block, panel and side structs, the packers and the tiles by NA.
struct Q4KFormat {
    using Block = BlockQ4_K;
    using Panel = PanelQ4K;
    using Side = SideQ4K;
    static void pack(const RowSet& rs, Panel& p) { packQ4K(rs, p); }
    static Side side(const ActQ8K& y) { return sideQ4K(y); }
    template <int NA>
    static void tile(const Panel* p, int64_t nb, const uint8_t* act, size_t actBytes, const Side* s,
                     float* out, int64_t outStride, __mmask16 rows) {
        tileQ4K<NA>(p, nb, act, actBytes, s, out, outStride, rows);
    }
};
struct Q6KFormat {
    using Block = BlockQ6_K;
    using Panel = PanelQ6K;
    using Side = SideQ6K;
    static void pack(const RowSet& rs, Panel& p) { packQ6K(rs, p); }
    static Side side(const ActQ8K& y) { return sideQ6K(y); }
    template <int NA>
    static void tile(const Panel* p, int64_t nb, const uint8_t* act, size_t actBytes, const Side* s,
                     float* out, int64_t outStride, __mmask16 rows) {
        tileQ6K<NA>(p, nb, act, actBytes, s, out, outStride, rows);
    }
};

template <class F>
using TileFn = void (*)(const typename F::Panel*, int64_t, const uint8_t*, size_t,
                        const typename F::Side*, float*, int64_t, __mmask16);

template <class F, int NA>
constexpr void fillTiles(TileFn<F> (&t)[kMaxAct]) {
    t[NA - 1] = F::template tile<NA>;
    if constexpr (NA < kMaxAct) fillTiles<F, NA + 1>(t);
}

template <class F>
struct TileFns {
    TileFn<F> fn[kMaxAct] = {};
    constexpr TileFns() { fillTiles<F, 1>(fn); }
};

// Per-thread buffers, grown on first use and reused: no allocation once warmed up.
template <class F>
struct Buffers {
    std::vector<typename F::Panel> panel;
    std::vector<typename F::Side> side;
};

// All of dotRowsMulti for one K-quant type: the activation side data once per call, a panel per
// 16 weight rows, then every group of up to kMaxAct activation rows against it.
template <class F>
void gemmK(const uint8_t* w, size_t rowStride, int64_t nRows, const uint8_t* act, size_t actBytes,
           int64_t nAct, int64_t n, float* out, int64_t outStride) {
    static constexpr TileFns<F> kTiles;
    thread_local Buffers<F> buf;
    const int64_t nb = n / kQKK;
    // Gather offsets are int32: 15 rows must span less than 2 GiB (a row of 2^28 values would not).
    assert(rowStride <= size_t(INT32_MAX / kLanes));
    if (buf.panel.size() < size_t(nb)) buf.panel.resize(size_t(nb));
    if (buf.side.size() < size_t(nAct * nb)) buf.side.resize(size_t(nAct * nb));
    for (int64_t j = 0; j < nAct; ++j) {
        const auto* y = reinterpret_cast<const ActQ8K*>(act + j * actBytes);
        for (int64_t b = 0; b < nb; ++b) buf.side[size_t(j * nb + b)] = F::side(y[b]);
    }
    for (int64_t r0 = 0; r0 < nRows; r0 += kLanes) {
        const int nr = int(std::min<int64_t>(kLanes, nRows - r0));
        const __mmask16 rows = _cvtu32_mask16((1u << nr) - 1u);
        // The next tile's rows are read while this one computes (the panel transposes otherwise
        // wait on memory: 16 rows at a time are more streams than the hardware prefetcher follows).
        const int64_t nextRows = std::min<int64_t>(kLanes, nRows - r0 - kLanes);
        for (int64_t r = 0; r < nextRows; ++r) {
            const uint8_t* row = w + (r0 + kLanes + r) * rowStride;
            for (size_t o = 0; o < size_t(nb) * sizeof(typename F::Block); o += 64)
                _mm_prefetch(reinterpret_cast<const char*>(row + o), _MM_HINT_T1);
        }
        const __m512i offsets = _mm512_mullo_epi32(
            _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
            _mm512_set1_epi32(int32_t(rowStride)));
        for (int64_t b = 0; b < nb; ++b) {
            const RowSet rs{w + r0 * rowStride + b * sizeof(typename F::Block), rowStride, nr, rows,
                            offsets};
            F::pack(rs, buf.panel[size_t(b)]);
        }
        for (int64_t j0 = 0; j0 < nAct; j0 += kMaxAct) {
            const int64_t na = std::min<int64_t>(kMaxAct, nAct - j0);
            kTiles.fn[na - 1](buf.panel.data(), nb, act + j0 * actBytes, actBytes,
                              buf.side.data() + j0 * nb, out + j0 * outStride + r0, outStride,
                              rows);
        }
    }
}

}  // namespace

void folio::quant::gemmQ4KAvx512(const uint8_t* w, size_t rowStride, int64_t nRows,
                                 const uint8_t* act, size_t actBytes, int64_t nAct, int64_t n,
                                 float* out, int64_t outStride) {
    gemmK<Q4KFormat>(w, rowStride, nRows, act, actBytes, nAct, n, out, outStride);
}

void folio::quant::gemmQ6KAvx512(const uint8_t* w, size_t rowStride, int64_t nRows,
                                 const uint8_t* act, size_t actBytes, int64_t nAct, int64_t n,
                                 float* out, int64_t outStride) {
    gemmK<Q6KFormat>(w, rowStride, nRows, act, actBytes, nAct, n, out, outStride);
}
#pragma GCC pop_options
#endif
