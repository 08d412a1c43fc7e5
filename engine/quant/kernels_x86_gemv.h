// Decode matrix-vector kernels ("gemv"): several weight rows against the one activation row of a
// decode step. Included by kernels_avx512_gemv.cpp and kernels_avx2_gemv.cpp after
// kernels_x86.h, under the same `#pragma GCC target` and FOLIO_X86_VNNI conventions; everything
// has internal linkage. Header-only on purpose; do not include elsewhere.
//
// Why: a one-row kernel keeps one accumulator, so its float FMA chain (4 cycles per block) and
// the per-block scale shuffles bound it below the memory bandwidth. Here kGemvRows rows advance
// block by block together: each activation block is loaded once per group, the rows' chains are
// independent, the scale vectors are built with one shuffle instead of a broadcast each, and
// the Q8_0/Q4_0/Q5_0 signed products take one XOR + vpdpbusd instead of two sign operations.
//
// Exactness: every row runs the same integer and float operations, in the same order, as the
// one-row kernel of kernels_x86.h at the same level (the integer sums are exact and the float
// steps are identical), so a result is bit-identical to dotRows' old path and does not depend on
// the group size, on nRows, or on how rows are split over threads.
namespace {

// Weight rows per group (measured in L2 on this AVX-512 machine: 4 beat 1, 2 and 8 for Q8_0
// and Q4_K).
constexpr int kGemvRows = 4;
// Groups ahead that GroupPrefetch reads (measured on a 151936-row Q8_0 matrix: 2 was a little
// faster than 1, 4 slower).
constexpr size_t kPrefetchGroups = 2;

// Software prefetch of a later group of rows, swept linearly while this group is computed.
// Why: the group's R rows are read block by block side by side, so within a page the addresses
// jump back and forth by a row; the hardware stream prefetchers then stop following (measured:
// Q8_0 with 2 or 4 interleaved rows read 6-7 GB/s from DRAM against 16 GB/s for one row). A
// group's bytes are contiguous, and this sweep reads them in address order, ahead of use.
struct GroupPrefetch {
    const char* next;  // first byte of the group kPrefetchGroups ahead; may lie past the
                       // matrix: prefetches never fault
    size_t step;       // bytes of the next group to touch per block step

    GroupPrefetch(const uint8_t* w, size_t groupBytes, int64_t steps)
        : next(reinterpret_cast<const char*>(w) + kPrefetchGroups * groupBytes),
          step(steps > 0 ? groupBytes / size_t(steps) + 1 : 0) {}
    void at(int64_t b) const {
        const char* p = next + size_t(b) * step;
        for (size_t o = 0; o < step; o += 64) _mm_prefetch(p + o, _MM_HINT_T0);
    }
};

// The signed int8 dot w . a, four products per int32 lane, with per-activation set-up shared by
// all rows. VNNI: (w ^ 0x80) is w + 128 as unsigned, so dpbusd(bias, w ^ 0x80, a) with
// bias = -128 * (sum of each lane's 4 activations) is exactly sum(w * a); one XOR and one
// vpdpbusd per row instead of two sign operations. AVX2: the |w|, sign(a, w) identity.
struct SignedDot {
    __m256i a;
#if FOLIO_X86_VNNI
    __m256i bias;
    explicit SignedDot(__m256i act)
        : a(act),
          bias(_mm256_sub_epi32(
              _mm256_setzero_si256(),
              _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_set1_epi8(static_cast<char>(0x80)),
                                  act))) {}
    __m256i dot(__m256i w) const {
        return _mm256_dpbusd_epi32(
            bias, _mm256_xor_si256(w, _mm256_set1_epi8(static_cast<char>(0x80))), a);
    }
#else
    explicit SignedDot(__m256i act) : a(act) {}
    __m256i dot(__m256i w) const {
        return dotS8S8(w, a);
    }
#endif
};

// Q8_0: the arithmetic of dotQ8_0<1>, R rows at once.
template <int R>
void gemvQ8_0(const uint8_t* w, size_t rowStride, const uint8_t* act, int64_t n, float* out) {
    using folio::quant::BlockQ8_0;
    const auto* y = reinterpret_cast<const ActQ8*>(act);
    const BlockQ8_0* x[R];
    __m256 acc[R];
    for (int r = 0; r < R; ++r) {
        x[r] = reinterpret_cast<const BlockQ8_0*>(w + r * rowStride);
        acc[r] = _mm256_setzero_ps();
    }
    const int64_t nb = n / kQK;
    const GroupPrefetch pf(w, R * rowStride, nb);
    for (int64_t b = 0; b < nb; ++b) {
        if (R > 1) pf.at(b);
        const SignedDot a(loadBytes(y[b].qs));
#pragma GCC unroll 8
        for (int r = 0; r < R; ++r) {
            const __m256i p = a.dot(loadBytes(x[r][b].qs));
            const float d = half(&x[r][b].d);
            acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(d * y[b].d), _mm256_cvtepi32_ps(p), acc[r]);
        }
    }
    for (int r = 0; r < R; ++r) out[r] = hsum(acc[r]);
}

// Q4_0 / Q5_0 (signed after decoding): the arithmetic of dotBlocks32<T, 1>, even and odd blocks
// in separate accumulators, R rows at once.
template <class T, int R>
void gemvSigned32(const uint8_t* w, size_t rowStride, const uint8_t* act, int64_t n, float* out) {
    static_assert(T::kSigned && !T::kHasMin);
    using Block = typename T::Block;
    const auto* y = reinterpret_cast<const ActQ8*>(act);
    const Block* x[R];
    __m256 acc[2][R];
    for (int r = 0; r < R; ++r) {
        x[r] = reinterpret_cast<const Block*>(w + r * rowStride);
        acc[0][r] = acc[1][r] = _mm256_setzero_ps();
    }
    const int64_t nb = n / kQK;
    const GroupPrefetch pf(w, R * rowStride, nb);
    for (int64_t b = 0; b < nb; ++b) {
        if (R > 1) pf.at(b);
        const SignedDot a(loadBytes(y[b].qs));
        const __m256 da = _mm256_broadcast_ss(&y[b].d);
        __m256* accB = acc[b & 1];
#pragma GCC unroll 8
        for (int r = 0; r < R; ++r) {
            const __m256i p = a.dot(T::decode(x[r][b]));
            const __m256 scale = _mm256_mul_ps(_mm256_set1_ps(half(&x[r][b].d)), da);
            accB[r] = _mm256_fmadd_ps(scale, _mm256_cvtepi32_ps(p), accB[r]);
        }
    }
    for (int r = 0; r < R; ++r) out[r] = hsum(_mm256_add_ps(acc[0][r], acc[1][r]));
}

// acc + the u8 x s8 pair sums weighted by the int16 lanes of `scale` (dotU8S8Scaled added to
// acc): VNNI folds the weighting and the add into one vpdpwssd. Exact integer arithmetic.
inline __m256i addDotU8S8Scaled(__m256i acc, __m256i u, __m256i s, __m256i scale) {
#if FOLIO_X86_VNNI
    return _mm256_dpwssd_epi32(acc, _mm256_maddubs_epi16(u, s), scale);
#else
    return _mm256_add_epi32(acc, dotU8S8Scaled(u, s, scale));
#endif
}

// Byte-shuffle masks that copy int16 lane `lo` into every lane of the low 128 bits and int16
// lane `hi` into every lane of the high 128 bits (vpshufb works within each 128-bit half).
inline __m256i laneSplat16(int lo, int hi) {
    const short l = static_cast<short>((2 * lo) | ((2 * lo + 1) << 8));
    const short h = static_cast<short>((2 * hi) | ((2 * hi + 1) << 8));
    return _mm256_set_m128i(_mm_set1_epi16(h), _mm_set1_epi16(l));
}

// The 6-bit scales and mins of a Q4_K/Q5_K super-block (unpackScalesK4 on vectors): bytes 0..7
// of the result are sc[0..8), bytes 8..15 are m[0..8). Reads 16 bytes at `packed` (the 12 scale
// bytes and 4 bytes of qs, which are ignored).
inline __m128i unpackScalesK4Vec(const uint8_t* packed) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(packed));  // a b c .
    const __m128i lo = _mm_and_si128(v, _mm_set1_epi8(0x3F));                     // sLo mLo
    const __m128i cc = _mm_srlv_epi32(_mm_shuffle_epi32(v, 0xAA), _mm_set_epi32(0, 0, 4, 0));
    const __m128i hi = _mm_or_si128(_mm_and_si128(cc, _mm_set1_epi8(0x0F)),
                                    _mm_and_si128(_mm_srli_epi32(v, 2), _mm_set1_epi8(0x30)));
    return _mm_unpacklo_epi32(lo, hi);  // sLo sHi mLo mHi
}

// Q4_K / Q5_K: the arithmetic of dotQ4Q5K<kFive, 1>, R rows at once. The min term sums the same
// integers as minsPerBsum (each lane: m_k times the sum of sub-block k's two bsums), from the
// bsum pairs added once per activation block.
template <bool kFive, int R>
void gemvQ4Q5K(const uint8_t* w, size_t rowStride, const uint8_t* act, int64_t n, float* out) {
    using Block = std::conditional_t<kFive, folio::quant::BlockQ5_K, folio::quant::BlockQ4_K>;
    const auto* y = reinterpret_cast<const ActQ8K*>(act);
    const __m256i lowMask = _mm256_set1_epi8(0x0F);
    const __m256i one = _mm256_set1_epi8(1);
    const Block* x[R];
    __m256 acc[R];
    for (int r = 0; r < R; ++r) {
        x[r] = reinterpret_cast<const Block*>(w + r * rowStride);
        acc[r] = _mm256_setzero_ps();
    }
    const GroupPrefetch pf(w, R * rowStride, n / kQKK);
    for (int64_t b = 0; b < n / kQKK; ++b) {
        if (R > 1) pf.at(b);
        // int32 lane k = bsums[2k] + bsums[2k+1] (|.| <= 32 * 127: its low int16 is exact).
        const __m256i bsumPairs = _mm256_madd_epi16(loadBytes(y[b].bsums), _mm256_set1_epi16(1));
#pragma GCC unroll 8
        for (int r = 0; r < R; ++r) {
            const Block& blk = x[r][b];
            const __m128i scm = unpackScalesK4Vec(blk.scales);
            // sc as int16 in both 128-bit halves: one shuffle yields a chunk's scale vector.
            const __m256i sc16 = _mm256_broadcastsi128_si256(_mm_cvtepu8_epi16(scm));
            // Two integer chains (low and high nibbles); their sum is exact in any order.
            __m256i sumi = _mm256_setzero_si256(), sumi2 = _mm256_setzero_si256();
            __m256i hv = _mm256_setzero_si256();
            if constexpr (kFive)
                hv = loadBytes(reinterpret_cast<const folio::quant::BlockQ5_K&>(blk).qh);
            for (int c = 0; c < 4; ++c) {
                const __m256i raw = loadBytes(blk.qs + 32 * c);
                __m256i lo = _mm256_and_si256(raw, lowMask);
                __m256i hi = _mm256_and_si256(_mm256_srli_epi16(raw, 4), lowMask);
                if constexpr (kFive) {
                    lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(hv, one), 4));
                    hi = _mm256_or_si256(
                        hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hv, 1), one), 4));
                    hv = _mm256_srli_epi16(hv, 2);
                }
                const __m256i scLo = _mm256_shuffle_epi8(sc16, laneSplat16(2 * c, 2 * c));
                const __m256i scHi = _mm256_shuffle_epi8(sc16, laneSplat16(2 * c + 1, 2 * c + 1));
                sumi = addDotU8S8Scaled(sumi, lo, loadBytes(y[b].qs + 64 * c), scLo);
                sumi2 = addDotU8S8Scaled(sumi2, hi, loadBytes(y[b].qs + 64 * c + 32), scHi);
            }
            sumi = _mm256_add_epi32(sumi, sumi2);
            // mins as int32 lanes (high int16 zero): madd gives pair_k * m_k exactly.
            const __m256i mins32 = _mm256_cvtepu8_epi32(_mm_unpackhi_epi64(scm, scm));
            const __m256i m = _mm256_madd_epi16(bsumPairs, mins32);
            const float d = half(&blk.d), dmin = half(&blk.dmin);
            acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(d * y[b].d), _mm256_cvtepi32_ps(sumi), acc[r]);
            acc[r] = _mm256_fnmadd_ps(_mm256_set1_ps(dmin * y[b].d), _mm256_cvtepi32_ps(m), acc[r]);
        }
    }
    for (int r = 0; r < R; ++r) out[r] = hsum(acc[r]);
}

// Q6_K: the arithmetic of dotQ6K<1>, R rows at once.
template <int R>
void gemvQ6K(const uint8_t* w, size_t rowStride, const uint8_t* act, int64_t n, float* out) {
    const auto* y = reinterpret_cast<const ActQ8K*>(act);
    const __m256i lowMask = _mm256_set1_epi8(0x0F);
    const folio::quant::BlockQ6_K* x[R];
    __m256 acc[R];
    for (int r = 0; r < R; ++r) {
        x[r] = reinterpret_cast<const folio::quant::BlockQ6_K*>(w + r * rowStride);
        acc[r] = _mm256_setzero_ps();
    }
    const GroupPrefetch pf(w, R * rowStride, n / kQKK);
    for (int64_t b = 0; b < n / kQKK; ++b) {
        if (R > 1) pf.at(b);
        const __m256i bsums = loadBytes(y[b].bsums);
#pragma GCC unroll 8
        for (int r = 0; r < R; ++r) {
            const folio::quant::BlockQ6_K& blk = x[r][b];
            const __m256i sc16 =
                _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.scales)));
            // Start from -32 * sum_g sc_g sum(a_g): the offset of the 6-bit weights.
            __m256i sumi = _mm256_slli_epi32(_mm256_madd_epi16(bsums, sc16), 5);
            sumi = _mm256_sub_epi32(_mm256_setzero_si256(), sumi);
            for (int h = 0; h < 2; ++h) {
                // The eight scales of this half in both 128-bit halves.
                const __m256i scH = h == 0 ? _mm256_permute2x128_si256(sc16, sc16, 0x00)
                                           : _mm256_permute2x128_si256(sc16, sc16, 0x11);
                const __m256i ql0 = loadBytes(blk.ql + 64 * h);
                const __m256i ql1 = loadBytes(blk.ql + 64 * h + 32);
                const __m256i qh = loadBytes(blk.qh + 32 * h);
                __m256i q[4];
                q[0] = _mm256_or_si256(
                    _mm256_and_si256(ql0, lowMask),
                    _mm256_slli_epi16(_mm256_and_si256(qh, _mm256_set1_epi8(0x03)), 4));
                q[1] = _mm256_or_si256(
                    _mm256_and_si256(ql1, lowMask),
                    _mm256_slli_epi16(_mm256_and_si256(qh, _mm256_set1_epi8(0x0C)), 2));
                q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), lowMask),
                                       _mm256_and_si256(qh, _mm256_set1_epi8(0x30)));
                q[3] = _mm256_or_si256(
                    _mm256_and_si256(_mm256_srli_epi16(ql1, 4), lowMask),
                    _mm256_srli_epi16(
                        _mm256_and_si256(qh, _mm256_set1_epi8(static_cast<char>(0xC0))), 2));
                for (int k = 0; k < 4; ++k) {
                    const __m256i scale = _mm256_shuffle_epi8(scH, laneSplat16(2 * k, 2 * k + 1));
                    const __m256i p =
                        dotU8S8Scaled(q[k], loadBytes(y[b].qs + 128 * h + 32 * k), scale);
                    sumi = _mm256_add_epi32(sumi, p);
                }
            }
            const float d = half(&blk.d);
            acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(d * y[b].d), _mm256_cvtepi32_ps(sumi), acc[r]);
        }
    }
    for (int r = 0; r < R; ++r) out[r] = hsum(acc[r]);
}

// All nRows rows: groups of kGemvRows, then the 0..kGemvRows-1 left over one by one (a row
// gives the same bits in any group size, see the top of this file).
template <template <int> class K>
void gemvAll(const uint8_t* w, size_t rowStride, int64_t nRows, const uint8_t* act, int64_t n,
             float* out) {
    int64_t r = 0;
    for (; r + kGemvRows <= nRows; r += kGemvRows)
        K<kGemvRows>::fn(w + r * rowStride, rowStride, act, n, out + r);
    for (; r < nRows; ++r) K<1>::fn(w + r * rowStride, rowStride, act, n, out + r);
}

template <int R>
struct GvQ8_0 {
    static constexpr auto fn = gemvQ8_0<R>;
};
template <int R>
struct GvQ4_0 {
    static constexpr auto fn = gemvSigned32<Q4_0Traits, R>;
};
template <int R>
struct GvQ5_0 {
    static constexpr auto fn = gemvSigned32<Q5_0Traits, R>;
};
template <int R>
struct GvQ4_K {
    static constexpr auto fn = gemvQ4Q5K<false, R>;
};
template <int R>
struct GvQ5_K {
    static constexpr auto fn = gemvQ4Q5K<true, R>;
};
template <int R>
struct GvQ6_K {
    static constexpr auto fn = gemvQ6K<R>;
};

constexpr folio::quant::GemvTable makeX86GemvTable() {
    using folio::GgmlType;
    folio::quant::GemvTable t;
    t.gemv[static_cast<uint32_t>(GgmlType::Q8_0)] = gemvAll<GvQ8_0>;
    t.gemv[static_cast<uint32_t>(GgmlType::Q4_0)] = gemvAll<GvQ4_0>;
    t.gemv[static_cast<uint32_t>(GgmlType::Q5_0)] = gemvAll<GvQ5_0>;
    t.gemv[static_cast<uint32_t>(GgmlType::Q4_K)] = gemvAll<GvQ4_K>;
    t.gemv[static_cast<uint32_t>(GgmlType::Q5_K)] = gemvAll<GvQ5_K>;
    t.gemv[static_cast<uint32_t>(GgmlType::Q6_K)] = gemvAll<GvQ6_K>;
    return t;
}

}  // namespace
