// Portable kernels: the integer-exact reference for the SIMD levels, and the fallback on CPUs
// without AVX2. Each weight type has a one-row dot; the multi-activation variants loop over it.
// The 32-block types share one loop and differ only in their block decoder (a table row each).
#include <cstring>

#include "engine/quant/kernels_internal.h"
#include "engine/quant/quant.h"

namespace folio::quant {
namespace {

using DotFn = float (*)(const uint8_t* w, const uint8_t* act, int64_t n);

// The f32 value at p, which need not be 4-byte aligned (kernels.h: pointers need no alignment;
// indexing a reinterpret_cast float* there is undefined behaviour, found by UBSan).
inline float loadF32(const uint8_t* p) {
    float v;
    std::memcpy(&v, p, 4);
    return v;
}

float dotF32(const uint8_t* w, const uint8_t* act, int64_t n) {
    float sum = 0.0f;
    for (int64_t i = 0; i < n; ++i) sum += loadF32(w + 4 * i) * loadF32(act + 4 * i);
    return sum;
}

float dotF16(const uint8_t* w, const uint8_t* act, int64_t n) {
    float sum = 0.0f;
    for (int64_t i = 0; i < n; ++i) sum += f16ToF32(loadU16(w + 2 * i)) * loadF32(act + 4 * i);
    return sum;
}

float dotBf16(const uint8_t* w, const uint8_t* act, int64_t n) {
    float sum = 0.0f;
    for (int64_t i = 0; i < n; ++i)
        sum += bf16ToF32(loadU16(w + 2 * i)) * bf16ToF32(loadU16(act + 2 * i));
    return sum;
}

// ---- blocks of 32: one loop, fed by a per-type block decoder --------------------------------

// The 32 weights of a Q4/Q5 block as integers (before offset/scale).
void nibbles(const uint8_t* qs, int q[kQK]) {
    for (int j = 0; j < kQK / 2; ++j) {
        q[j] = qs[j] & 0x0F;
        q[j + kQK / 2] = qs[j] >> 4;
    }
}

void addHighBits(const uint8_t qhBytes[4], int q[kQK]) {
    uint32_t qh;
    std::memcpy(&qh, qhBytes, 4);
    for (int j = 0; j < kQK; ++j) q[j] |= static_cast<int>(((qh >> j) & 1u) << 4);
}

// Block decoders: q[0..32) = the integer weights with the type's offset applied (weight =
// d * q, plus m for the types with a min).
struct Q4_0Dec {
    using Block = BlockQ4_0;
    static constexpr bool kHasMin = false;
    static void decode(const Block& b, int q[kQK]) {
        nibbles(b.qs, q);
        for (int j = 0; j < kQK; ++j) q[j] -= 8;
    }
};
struct Q4_1Dec {
    using Block = BlockQ4_1;
    static constexpr bool kHasMin = true;
    static void decode(const Block& b, int q[kQK]) { nibbles(b.qs, q); }
};
struct Q5_0Dec {
    using Block = BlockQ5_0;
    static constexpr bool kHasMin = false;
    static void decode(const Block& b, int q[kQK]) {
        nibbles(b.qs, q);
        addHighBits(b.qh, q);
        for (int j = 0; j < kQK; ++j) q[j] -= 16;
    }
};
struct Q5_1Dec {
    using Block = BlockQ5_1;
    static constexpr bool kHasMin = true;
    static void decode(const Block& b, int q[kQK]) {
        nibbles(b.qs, q);
        addHighBits(b.qh, q);
    }
};
struct Q8_0Dec {
    using Block = BlockQ8_0;
    static constexpr bool kHasMin = false;
    static void decode(const Block& b, int q[kQK]) {
        for (int j = 0; j < kQK; ++j) q[j] = b.qs[j];
    }
};

// d * da * sum(q * a) per block, plus m * s (s = da * sum(a)) for the types with a min.
template <class D>
float dotBlocks32(const uint8_t* w, const uint8_t* act, int64_t n) {
    const auto* x = reinterpret_cast<const typename D::Block*>(w);
    const auto* y = reinterpret_cast<const ActQ8*>(act);
    float sum = 0.0f;
    for (int64_t b = 0; b < n / kQK; ++b) {
        int q[kQK];
        D::decode(x[b], q);
        int s = 0;
        for (int j = 0; j < kQK; ++j) s += q[j] * y[b].qs[j];
        float term = f16ToF32(loadU16(&x[b].d)) * y[b].d * static_cast<float>(s);
        if constexpr (D::kHasMin) term += f16ToF32(loadU16(&x[b].m)) * y[b].s;
        sum += term;
    }
    return sum;
}

// Q4_K / Q5_K super-block: d * sum_j sc_j * (q_j . a_j) - dmin * sum_j m_j * sum(a_j).
template <bool kFiveBit, class Block>
float dotQxK(const uint8_t* w, const uint8_t* act, int64_t n) {
    const auto* x = reinterpret_cast<const Block*>(w);
    const auto* y = reinterpret_cast<const ActQ8K*>(act);
    float sum = 0.0f;
    for (int64_t b = 0; b < n / kQKK; ++b) {
        uint8_t sc[8], mn[8];
        unpackScalesK4(x[b].scales, sc, mn);
        int sumi = 0, summ = 0;
        for (int j = 0; j < 8; ++j) {
            const uint8_t* qs = x[b].qs + 32 * (j / 2);
            const int shift = 4 * (j % 2);
            const int8_t* a = y[b].qs + 32 * j;
            int s = 0;
            for (int l = 0; l < 32; ++l) {
                int q = (qs[l] >> shift) & 0x0F;
                if constexpr (kFiveBit) {
                    const auto* x5 = reinterpret_cast<const BlockQ5_K*>(&x[b]);
                    q |= ((x5->qh[l] >> j) & 1) << 4;
                }
                s += q * a[l];
            }
            sumi += sc[j] * s;
            summ += mn[j] * (y[b].bsums[2 * j] + y[b].bsums[2 * j + 1]);
        }
        sum += f16ToF32(loadU16(&x[b].d)) * y[b].d * static_cast<float>(sumi) -
               f16ToF32(loadU16(&x[b].dmin)) * y[b].d * static_cast<float>(summ);
    }
    return sum;
}

// Q6_K: element e has scale scales[e / 16] (the interleaved layout works out that way).
float dotQ6_K(const uint8_t* w, const uint8_t* act, int64_t n) {
    const auto* x = reinterpret_cast<const BlockQ6_K*>(w);
    const auto* y = reinterpret_cast<const ActQ8K*>(act);
    float sum = 0.0f;
    for (int64_t b = 0; b < n / kQKK; ++b) {
        int q[kQKK];
        for (int h = 0; h < 2; ++h) {
            const uint8_t* ql = x[b].ql + 64 * h;
            const uint8_t* qh = x[b].qh + 32 * h;
            for (int l = 0; l < 32; ++l) {
                q[128 * h + l] = (ql[l] & 0x0F) | ((qh[l] & 3) << 4);
                q[128 * h + l + 32] = (ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4);
                q[128 * h + l + 64] = (ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4);
                q[128 * h + l + 96] = (ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4);
            }
        }
        int sumi = 0;
        for (int g = 0; g < kQKK / 16; ++g) {
            int s = 0;
            for (int l = 0; l < 16; ++l) s += (q[16 * g + l] - 32) * y[b].qs[16 * g + l];
            sumi += x[b].scales[g] * s;
        }
        sum += f16ToF32(loadU16(&x[b].d)) * y[b].d * static_cast<float>(sumi);
    }
    return sum;
}

template <DotFn kDot, int kNa>
void multi(const uint8_t* w, const uint8_t* act, size_t actStride, int64_t n, float* out,
           int64_t outStride) {
    for (int j = 0; j < kNa; ++j) out[j * outStride] = kDot(w, act + j * actStride, n);
}

template <DotFn kDot>
void add(KernelTable& t, GgmlType type) {
    auto& slot = t.multi[static_cast<uint32_t>(type)];
    slot[0] = multi<kDot, 1>;
    slot[1] = multi<kDot, 2>;
    slot[2] = multi<kDot, 3>;
    slot[3] = multi<kDot, 4>;
}

KernelTable makeTable() {
    KernelTable t;
    add<dotF32>(t, GgmlType::F32);
    add<dotF16>(t, GgmlType::F16);
    add<dotBf16>(t, GgmlType::BF16);
    add<dotBlocks32<Q4_0Dec>>(t, GgmlType::Q4_0);
    add<dotBlocks32<Q4_1Dec>>(t, GgmlType::Q4_1);
    add<dotBlocks32<Q5_0Dec>>(t, GgmlType::Q5_0);
    add<dotBlocks32<Q5_1Dec>>(t, GgmlType::Q5_1);
    add<dotBlocks32<Q8_0Dec>>(t, GgmlType::Q8_0);
    add<dotQxK<false, BlockQ4_K>>(t, GgmlType::Q4_K);
    add<dotQxK<true, BlockQ5_K>>(t, GgmlType::Q5_K);
    add<dotQ6_K>(t, GgmlType::Q6_K);
    return t;
}

}  // namespace

const KernelTable& scalarKernels() {
    static const KernelTable table = makeTable();
    return table;
}

}  // namespace folio::quant
