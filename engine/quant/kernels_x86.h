// x86 SIMD kernels, included by kernels_avx2.cpp and kernels_avx512.cpp, each of which compiles
// this text once under its own `#pragma GCC target` and namespace. Before including, define
//   FOLIO_X86_VNNI  1 to use vpdpbusd (AVX-512 VNNI on 256-bit vectors), 0 for AVX2 maddubs.
// Everything here has internal linkage (anonymous namespace) so that no SIMD-compiled inline
// function can be merged with a baseline copy by the linker. Header-only on purpose; do not
// include elsewhere.
//
// Integer ranges: activations are in [-127, 127] and weights are unsigned (offsets are removed
// via the activation sums), so maddubs pairs stay below 2 * 63 * 127 and never saturate.
namespace {

using folio::quant::ActQ8;
using folio::quant::ActQ8K;
using folio::quant::kQK;
using folio::quant::kQKK;

inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

inline float half(const uint16_t* p) {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

// Sum of u8 x s8 products, four per int32 lane.
inline __m256i dotU8S8(__m256i u, __m256i s) {
#if FOLIO_X86_VNNI
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, s);
#else
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
#endif
}

// Sum of u8 x s8 products, pairs weighted by the int16 lanes of `scale`, two pairs per lane.
inline __m256i dotU8S8Scaled(__m256i u, __m256i s, __m256i scale) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), scale);
}

inline __m256i loadBytes(const void* p) {
    return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}

// 16 bytes of nibbles -> 32 bytes: low nibbles in the low half, high nibbles in the high half.
inline __m256i unpackNibbles16(const uint8_t* qs) {
    const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs));
    const __m128i mask = _mm_set1_epi8(0x0F);
    return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(raw, 4), mask), _mm_and_si128(raw, mask));
}

// Bit i of the 32-bit word at `p` -> byte i = 0xFF, else 0.
inline __m256i bitMask32(const uint8_t* p) {
    uint32_t bits;
    std::memcpy(&bits, p, 4);
    const __m256i spread = _mm256_shuffle_epi8(
        _mm256_set1_epi32(static_cast<int>(bits)),
        _mm256_set_epi64x(0x0303030303030303LL, 0x0202020202020202LL, 0x0101010101010101LL, 0));
    const __m256i bitMask = _mm256_set1_epi64x(static_cast<long long>(0x8040201008040201ULL));
    return _mm256_cmpeq_epi8(_mm256_and_si256(spread, bitMask), bitMask);
}

// Bit i of the 32-bit word at `p` -> byte i = 0x10 (the 5th bit of a Q5 weight), else 0.
inline __m256i highBits32(const uint8_t* p) {
    return _mm256_and_si256(bitMask32(p), _mm256_set1_epi8(0x10));
}

// ---- blocks of 32: Q4_0, Q4_1, Q5_0, Q5_1 share one loop; the weight decoder differs --------

// Signed int8 products, four per int32 lane: |w| * (a with w's sign) = w * a, so the unsigned
// operand of maddubs / vpdpbusd is |w| <= 128 and a in [-127, 127] keeps pairs from saturating.
inline __m256i dotS8S8(__m256i w, __m256i a) {
    return dotU8S8(_mm256_sign_epi8(w, w), _mm256_sign_epi8(a, w));
}

// Q4_0 and Q5_0 are decoded straight to signed int8 (q - 8, q - 16) and multiplied with dotS8S8:
// no offset term per block. Q4_1 and Q5_1 keep unsigned weights and add m * sum(a) per block.
struct Q4_0Traits {
    using Block = folio::quant::BlockQ4_0;
    static constexpr bool kSigned = true;
    static constexpr bool kHasMin = false;
    static __m256i decode(const Block& b) {
        return _mm256_sub_epi8(unpackNibbles16(b.qs), _mm256_set1_epi8(8));
    }
};
struct Q4_1Traits {
    using Block = folio::quant::BlockQ4_1;
    static constexpr bool kSigned = false;
    static constexpr bool kHasMin = true;
    static __m256i decode(const Block& b) { return unpackNibbles16(b.qs); }
};
struct Q5_0Traits {
    using Block = folio::quant::BlockQ5_0;
    static constexpr bool kSigned = true;
    static constexpr bool kHasMin = false;
    static __m256i decode(const Block& b) {
        const __m256i lo = unpackNibbles16(b.qs);
#if FOLIO_X86_VNNI
        // Subtract 16 where the 5th bit is clear: one masked byte op (AVX512BW+VL).
        uint32_t bits;
        std::memcpy(&bits, b.qh, 4);
        return _mm256_mask_sub_epi8(lo, _cvtu32_mask32(~bits), lo, _mm256_set1_epi8(16));
#else
        // Where the 5th bit is clear, nibble | 0xF0 is the nibble - 16 as int8.
        return _mm256_or_si256(
            lo, _mm256_andnot_si256(bitMask32(b.qh), _mm256_set1_epi8(static_cast<char>(0xF0))));
#endif
    }
};
struct Q5_1Traits {
    using Block = folio::quant::BlockQ5_1;
    static constexpr bool kSigned = false;
    static constexpr bool kHasMin = true;
    static __m256i decode(const Block& b) {
        return _mm256_or_si256(unpackNibbles16(b.qs), highBits32(b.qh));
    }
};

// One block of 32 weights times NA activation rows, accumulated into acc[0..NA).
template <class T, int NA>
inline void block32(const typename T::Block& blk, const uint8_t* act, size_t actStride, int64_t b,
                    __m256* acc, float* corr) {
    const __m256i q = T::decode(blk);
    const __m256 dv = _mm256_set1_ps(half(&blk.d));
    for (int j = 0; j < NA; ++j) {
        const ActQ8& y = reinterpret_cast<const ActQ8*>(act + j * actStride)[b];
        __m256i p;
        if constexpr (T::kSigned)
            p = dotS8S8(q, loadBytes(y.qs));
        else
            p = dotU8S8(q, loadBytes(y.qs));
        // The activation scale is broadcast from memory (a load, not a shuffle).
        const __m256 scale = _mm256_mul_ps(dv, _mm256_broadcast_ss(&y.d));
        acc[j] = _mm256_fmadd_ps(scale, _mm256_cvtepi32_ps(p), acc[j]);
        if constexpr (T::kHasMin) corr[j] += half(&blk.m) * y.s;
    }
}

// Signed types: dot = d*da*sum(w*a). With a min: weight = d*q + m, dot = d*da*sum(q*a) + m*s,
// s = da*sum(a). Even and odd blocks use separate accumulators (in registers: the loop is
// unrolled by hand) to halve the FMA dependency chain.
template <class T, int NA>
void dotBlocks32(const uint8_t* w, const uint8_t* act, size_t actStride, int64_t n, float* out,
                 int64_t outStride) {
    const auto* x = reinterpret_cast<const typename T::Block*>(w);
    __m256 acc0[NA], acc1[NA];
    float corr[NA];
    for (int j = 0; j < NA; ++j) {
        acc0[j] = acc1[j] = _mm256_setzero_ps();
        corr[j] = 0.0f;
    }
    const int64_t nb = n / kQK;
    int64_t b = 0;
    for (; b + 2 <= nb; b += 2) {
        block32<T, NA>(x[b], act, actStride, b, acc0, corr);
        block32<T, NA>(x[b + 1], act, actStride, b + 1, acc1, corr);
    }
    if (b < nb) block32<T, NA>(x[b], act, actStride, b, acc0, corr);
    for (int j = 0; j < NA; ++j)
        out[j * outStride] = hsum(_mm256_add_ps(acc0[j], acc1[j])) + corr[j];
}

template <int NA>
void dotQ8_0(const uint8_t* w, const uint8_t* act, size_t actStride, int64_t n, float* out,
             int64_t outStride) {
    const auto* x = reinterpret_cast<const folio::quant::BlockQ8_0*>(w);
    __m256 acc[NA];
    for (int j = 0; j < NA; ++j) acc[j] = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / kQK; ++b) {
        const __m256i q = loadBytes(x[b].qs);
        const __m256i qAbs = _mm256_sign_epi8(q, q);
        const float d = half(&x[b].d);
        for (int j = 0; j < NA; ++j) {
            const ActQ8& y = reinterpret_cast<const ActQ8*>(act + j * actStride)[b];
            // |q| * (a with q's sign) = q * a, with an unsigned left operand.
            const __m256i p = dotU8S8(qAbs, _mm256_sign_epi8(loadBytes(y.qs), q));
            acc[j] = _mm256_fmadd_ps(_mm256_set1_ps(d * y.d), _mm256_cvtepi32_ps(p), acc[j]);
        }
    }
    for (int j = 0; j < NA; ++j) out[j * outStride] = hsum(acc[j]);
}

// ---- K-quants: super-blocks of 256 ----------------------------------------------------------

// [m0 m0 m1 m1 ... m7 m7] as int16: multiplies the 16 bsums so that lane k sums sub-block k.
inline __m256i minsPerBsum(const uint8_t mins[8]) {
    const __m128i m = _mm_cvtepu8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(mins)));
    return _mm256_set_m128i(_mm_unpackhi_epi16(m, m), _mm_unpacklo_epi16(m, m));
}

// Q4_K (kFive = false) and Q5_K: d*da*sum_k sc_k (q_k . a_k) - dmin*da*sum_k m_k sum(a_k).
template <bool kFive, int NA>
void dotQ4Q5K(const uint8_t* w, const uint8_t* act, size_t actStride, int64_t n, float* out,
              int64_t outStride) {
    using Block = std::conditional_t<kFive, folio::quant::BlockQ5_K, folio::quant::BlockQ4_K>;
    const auto* x = reinterpret_cast<const Block*>(w);
    const __m256i lowMask = _mm256_set1_epi8(0x0F);
    const __m256i one = _mm256_set1_epi8(1);
    __m256 acc[NA];
    for (int j = 0; j < NA; ++j) acc[j] = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / kQKK; ++b) {
        uint8_t sc[8], mn[8];
        folio::quant::unpackScalesK4(x[b].scales, sc, mn);
        const __m256i mins = minsPerBsum(mn);
        __m256i sumi[NA];
        for (int j = 0; j < NA; ++j) sumi[j] = _mm256_setzero_si256();
        __m256i hv = _mm256_setzero_si256();
        if constexpr (kFive)
            hv = loadBytes(reinterpret_cast<const folio::quant::BlockQ5_K&>(x[b]).qh);
        for (int c = 0; c < 4; ++c) {
            const __m256i raw = loadBytes(x[b].qs + 32 * c);
            __m256i lo = _mm256_and_si256(raw, lowMask);
            __m256i hi = _mm256_and_si256(_mm256_srli_epi16(raw, 4), lowMask);
            if constexpr (kFive) {
                lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(hv, one), 4));
                hi = _mm256_or_si256(
                    hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hv, 1), one), 4));
                hv = _mm256_srli_epi16(hv, 2);
            }
            const __m256i scLo = _mm256_set1_epi16(sc[2 * c]);
            const __m256i scHi = _mm256_set1_epi16(sc[2 * c + 1]);
            for (int j = 0; j < NA; ++j) {
                const ActQ8K& y = reinterpret_cast<const ActQ8K*>(act + j * actStride)[b];
                const __m256i p0 = dotU8S8Scaled(lo, loadBytes(y.qs + 64 * c), scLo);
                const __m256i p1 = dotU8S8Scaled(hi, loadBytes(y.qs + 64 * c + 32), scHi);
                sumi[j] = _mm256_add_epi32(sumi[j], _mm256_add_epi32(p0, p1));
            }
        }
        const float d = half(&x[b].d), dmin = half(&x[b].dmin);
        for (int j = 0; j < NA; ++j) {
            const ActQ8K& y = reinterpret_cast<const ActQ8K*>(act + j * actStride)[b];
            const __m256i m = _mm256_madd_epi16(loadBytes(y.bsums), mins);
            acc[j] = _mm256_fmadd_ps(_mm256_set1_ps(d * y.d), _mm256_cvtepi32_ps(sumi[j]), acc[j]);
            acc[j] = _mm256_fnmadd_ps(_mm256_set1_ps(dmin * y.d), _mm256_cvtepi32_ps(m), acc[j]);
        }
    }
    for (int j = 0; j < NA; ++j) out[j * outStride] = hsum(acc[j]);
}

// Q6_K: d*da*sum_g sc_g ((q_g . a_g) - 32 sum(a_g)), 16 groups of 16 (element e in group e/16).
template <int NA>
void dotQ6K(const uint8_t* w, const uint8_t* act, size_t actStride, int64_t n, float* out,
            int64_t outStride) {
    const auto* x = reinterpret_cast<const folio::quant::BlockQ6_K*>(w);
    const __m256i lowMask = _mm256_set1_epi8(0x0F);
    __m256 acc[NA];
    for (int j = 0; j < NA; ++j) acc[j] = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / kQKK; ++b) {
        const int8_t* sc = x[b].scales;
        const __m256i sc16 =
            _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(sc)));
        __m256i sumi[NA];
        for (int j = 0; j < NA; ++j) {
            const ActQ8K& y = reinterpret_cast<const ActQ8K*>(act + j * actStride)[b];
            // Start from -32 * sum_g sc_g sum(a_g): the offset of the 6-bit weights.
            sumi[j] = _mm256_slli_epi32(_mm256_madd_epi16(loadBytes(y.bsums), sc16), 5);
            sumi[j] = _mm256_sub_epi32(_mm256_setzero_si256(), sumi[j]);
        }
        for (int h = 0; h < 2; ++h) {
            const __m256i ql0 = loadBytes(x[b].ql + 64 * h);
            const __m256i ql1 = loadBytes(x[b].ql + 64 * h + 32);
            const __m256i qh = loadBytes(x[b].qh + 32 * h);
            __m256i q[4];
            q[0] =
                _mm256_or_si256(_mm256_and_si256(ql0, lowMask),
                                _mm256_slli_epi16(_mm256_and_si256(qh, _mm256_set1_epi8(0x03)), 4));
            q[1] =
                _mm256_or_si256(_mm256_and_si256(ql1, lowMask),
                                _mm256_slli_epi16(_mm256_and_si256(qh, _mm256_set1_epi8(0x0C)), 2));
            q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), lowMask),
                                   _mm256_and_si256(qh, _mm256_set1_epi8(0x30)));
            q[3] = _mm256_or_si256(
                _mm256_and_si256(_mm256_srli_epi16(ql1, 4), lowMask),
                _mm256_srli_epi16(_mm256_and_si256(qh, _mm256_set1_epi8(static_cast<char>(0xC0))),
                                  2));
            for (int k = 0; k < 4; ++k) {
                const int g = 8 * h + 2 * k;  // first of the two scale groups of these 32
                const __m256i scale =
                    _mm256_set_m128i(_mm_set1_epi16(sc[g + 1]), _mm_set1_epi16(sc[g]));
                for (int j = 0; j < NA; ++j) {
                    const ActQ8K& y = reinterpret_cast<const ActQ8K*>(act + j * actStride)[b];
                    const __m256i p =
                        dotU8S8Scaled(q[k], loadBytes(y.qs + 128 * h + 32 * k), scale);
                    sumi[j] = _mm256_add_epi32(sumi[j], p);
                }
            }
        }
        const float d = half(&x[b].d);
        for (int j = 0; j < NA; ++j) {
            const ActQ8K& y = reinterpret_cast<const ActQ8K*>(act + j * actStride)[b];
            acc[j] = _mm256_fmadd_ps(_mm256_set1_ps(d * y.d), _mm256_cvtepi32_ps(sumi[j]), acc[j]);
        }
    }
    for (int j = 0; j < NA; ++j) out[j * outStride] = hsum(acc[j]);
}

// ---- float weights: F32 and F16 against f32 activations, BF16 against BF16 ones -------------

struct F32Load {
    static __m256 load8(const uint8_t* w, int64_t i) {
        return _mm256_loadu_ps(reinterpret_cast<const float*>(w) + i);
    }
    static float load1(const uint8_t* w, int64_t i) {
        float v;
        std::memcpy(&v, w + 4 * i, 4);
        return v;
    }
};
struct F16Load {
    static __m256 load8(const uint8_t* w, int64_t i) {
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + 2 * i)));
    }
    static float load1(const uint8_t* w, int64_t i) {
        return half(reinterpret_cast<const uint16_t*>(w + 2 * i));
    }
};
struct Bf16Load {
    static __m256 load8(const uint8_t* w, int64_t i) {
        const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + 2 * i));
        return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    }
    static float load1(const uint8_t* w, int64_t i) {
        uint16_t h;
        std::memcpy(&h, w + 2 * i, 2);
        const uint32_t u = static_cast<uint32_t>(h) << 16;
        float f;
        std::memcpy(&f, &u, 4);
        return f;
    }
};

// L loads the weights, AL the activations (F32Load, or Bf16Load for BF16 weights).
template <class L, class AL, int NA>
void dotFloat(const uint8_t* w, const uint8_t* act, size_t actStride, int64_t n, float* out,
              int64_t outStride) {
    // Two accumulators per activation row hide the FMA latency.
    __m256 acc0[NA], acc1[NA];
    const uint8_t* a[NA];
    for (int j = 0; j < NA; ++j) {
        acc0[j] = acc1[j] = _mm256_setzero_ps();
        a[j] = act + j * actStride;
    }
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256 w0 = L::load8(w, i), w1 = L::load8(w, i + 8);
        for (int j = 0; j < NA; ++j) {
            acc0[j] = _mm256_fmadd_ps(w0, AL::load8(a[j], i), acc0[j]);
            acc1[j] = _mm256_fmadd_ps(w1, AL::load8(a[j], i + 8), acc1[j]);
        }
    }
    for (int j = 0; j < NA; ++j) {
        float s = hsum(_mm256_add_ps(acc0[j], acc1[j]));
        // The tail reads the activation through memcpy: it need not be 4-byte aligned (UBSan).
        for (int64_t t = i; t < n; ++t) s += L::load1(w, t) * AL::load1(a[j], t);
        out[j * outStride] = s;
    }
}

template <template <int> class K>
constexpr void addAll(folio::quant::KernelTable& t, folio::GgmlType type) {
    auto& slot = t.multi[static_cast<uint32_t>(type)];
    slot[0] = K<1>::fn;
    slot[1] = K<2>::fn;
    slot[2] = K<3>::fn;
    slot[3] = K<4>::fn;
}

template <class T>
struct B32 {
    template <int NA>
    struct K {
        static constexpr auto fn = dotBlocks32<T, NA>;
    };
};
template <class L, class AL = F32Load>
struct Fl {
    template <int NA>
    struct K {
        static constexpr auto fn = dotFloat<L, AL, NA>;
    };
};
template <int NA>
struct KQ8_0 {
    static constexpr auto fn = dotQ8_0<NA>;
};
template <int NA>
struct KQ4_K {
    static constexpr auto fn = dotQ4Q5K<false, NA>;
};
template <int NA>
struct KQ5_K {
    static constexpr auto fn = dotQ4Q5K<true, NA>;
};
template <int NA>
struct KQ6_K {
    static constexpr auto fn = dotQ6K<NA>;
};

constexpr folio::quant::KernelTable makeX86Table() {
    using folio::GgmlType;
    folio::quant::KernelTable t;
    addAll<Fl<F32Load>::K>(t, GgmlType::F32);
    addAll<Fl<F16Load>::K>(t, GgmlType::F16);
    addAll<Fl<Bf16Load, Bf16Load>::K>(t, GgmlType::BF16);
    addAll<B32<Q4_0Traits>::K>(t, GgmlType::Q4_0);
    addAll<B32<Q4_1Traits>::K>(t, GgmlType::Q4_1);
    addAll<B32<Q5_0Traits>::K>(t, GgmlType::Q5_0);
    addAll<B32<Q5_1Traits>::K>(t, GgmlType::Q5_1);
    addAll<KQ8_0>(t, GgmlType::Q8_0);
    addAll<KQ4_K>(t, GgmlType::Q4_K);
    addAll<KQ5_K>(t, GgmlType::Q5_K);
    addAll<KQ6_K>(t, GgmlType::Q6_K);
    return t;
}

}  // namespace
