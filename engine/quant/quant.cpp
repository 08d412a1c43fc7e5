// Scalar reference implementations of the weight formats: f16/bf16 conversion, block
// dequantization (bit-exact with ggml's dequantize_row_* for the same inputs), float dot products
// and the reference quantizers. These are the ground truth the SIMD kernels are tested against.
#include "engine/quant/quant.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>

#include "engine/quant/kernels_internal.h"

namespace folio {

using namespace quant;

namespace {

uint32_t floatBits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

float bitsFloat(uint32_t u) {
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

// Each dequantizer writes one block (blockSize floats) from one block of bytes.
using DequantBlockFn = void (*)(const uint8_t* block, float* y);

void dequantF32(const uint8_t* b, float* y) {
    std::memcpy(y, b, 4);
}
void dequantF16(const uint8_t* b, float* y) {
    *y = f16ToF32(loadU16(b));
}
void dequantBf16(const uint8_t* b, float* y) {
    *y = bf16ToF32(loadU16(b));
}

void dequantQ4_0(const uint8_t* p, float* y) {
    const auto* b = reinterpret_cast<const BlockQ4_0*>(p);
    const float d = f16ToF32(loadU16(&b->d));
    for (int j = 0; j < kQK / 2; ++j) {
        y[j] = static_cast<float>((b->qs[j] & 0x0F) - 8) * d;
        y[j + kQK / 2] = static_cast<float>((b->qs[j] >> 4) - 8) * d;
    }
}

void dequantQ4_1(const uint8_t* p, float* y) {
    const auto* b = reinterpret_cast<const BlockQ4_1*>(p);
    const float d = f16ToF32(loadU16(&b->d));
    const float m = f16ToF32(loadU16(&b->m));
    for (int j = 0; j < kQK / 2; ++j) {
        y[j] = static_cast<float>(b->qs[j] & 0x0F) * d + m;
        y[j + kQK / 2] = static_cast<float>(b->qs[j] >> 4) * d + m;
    }
}

// Q5_0/Q5_1: the 5th bit of element j is bit j of qh, of element j+16 bit j+16.
int q5Value(const uint8_t* qs, uint32_t qh, int j) {
    const int lo = j < kQK / 2 ? (qs[j] & 0x0F) : (qs[j - kQK / 2] >> 4);
    return lo | static_cast<int>(((qh >> j) & 1u) << 4);
}

void dequantQ5_0(const uint8_t* p, float* y) {
    const auto* b = reinterpret_cast<const BlockQ5_0*>(p);
    const float d = f16ToF32(loadU16(&b->d));
    uint32_t qh;
    std::memcpy(&qh, b->qh, 4);
    for (int j = 0; j < kQK; ++j) y[j] = static_cast<float>(q5Value(b->qs, qh, j) - 16) * d;
}

void dequantQ5_1(const uint8_t* p, float* y) {
    const auto* b = reinterpret_cast<const BlockQ5_1*>(p);
    const float d = f16ToF32(loadU16(&b->d));
    const float m = f16ToF32(loadU16(&b->m));
    uint32_t qh;
    std::memcpy(&qh, b->qh, 4);
    for (int j = 0; j < kQK; ++j) y[j] = static_cast<float>(q5Value(b->qs, qh, j)) * d + m;
}

void dequantQ8_0(const uint8_t* p, float* y) {
    const auto* b = reinterpret_cast<const BlockQ8_0*>(p);
    const float d = f16ToF32(loadU16(&b->d));
    for (int j = 0; j < kQK; ++j) y[j] = static_cast<float>(b->qs[j]) * d;
}

void dequantQ4_K(const uint8_t* p, float* y) {
    const auto* b = reinterpret_cast<const BlockQ4_K*>(p);
    const float d = f16ToF32(loadU16(&b->d));
    const float dmin = f16ToF32(loadU16(&b->dmin));
    uint8_t sc[8], mn[8];
    unpackScalesK4(b->scales, sc, mn);
    for (int c = 0; c < 4; ++c) {
        const uint8_t* q = b->qs + 32 * c;
        const float d1 = d * sc[2 * c], m1 = dmin * mn[2 * c];
        const float d2 = d * sc[2 * c + 1], m2 = dmin * mn[2 * c + 1];
        for (int l = 0; l < 32; ++l) y[64 * c + l] = d1 * static_cast<float>(q[l] & 0x0F) - m1;
        for (int l = 0; l < 32; ++l) y[64 * c + 32 + l] = d2 * static_cast<float>(q[l] >> 4) - m2;
    }
}

void dequantQ5_K(const uint8_t* p, float* y) {
    const auto* b = reinterpret_cast<const BlockQ5_K*>(p);
    const float d = f16ToF32(loadU16(&b->d));
    const float dmin = f16ToF32(loadU16(&b->dmin));
    uint8_t sc[8], mn[8];
    unpackScalesK4(b->scales, sc, mn);
    for (int c = 0; c < 4; ++c) {
        const uint8_t* q = b->qs + 32 * c;
        const uint8_t u1 = static_cast<uint8_t>(1u << (2 * c)), u2 = static_cast<uint8_t>(u1 << 1);
        const float d1 = d * sc[2 * c], m1 = dmin * mn[2 * c];
        const float d2 = d * sc[2 * c + 1], m2 = dmin * mn[2 * c + 1];
        for (int l = 0; l < 32; ++l) {
            const int v = (q[l] & 0x0F) + ((b->qh[l] & u1) ? 16 : 0);
            y[64 * c + l] = d1 * static_cast<float>(v) - m1;
        }
        for (int l = 0; l < 32; ++l) {
            const int v = (q[l] >> 4) + ((b->qh[l] & u2) ? 16 : 0);
            y[64 * c + 32 + l] = d2 * static_cast<float>(v) - m2;
        }
    }
}

void dequantQ6_K(const uint8_t* p, float* y) {
    const auto* b = reinterpret_cast<const BlockQ6_K*>(p);
    const float d = f16ToF32(loadU16(&b->d));
    // Two halves of 128; in each, ql[l] and ql[l+32] hold four groups of 32 elements.
    for (int h = 0; h < 2; ++h) {
        const uint8_t* ql = b->ql + 64 * h;
        const uint8_t* qh = b->qh + 32 * h;
        const int8_t* sc = b->scales + 8 * h;
        float* out = y + 128 * h;
        for (int l = 0; l < 32; ++l) {
            const int is = l / 16;
            const int q1 = ((ql[l] & 0x0F) | (((qh[l] >> 0) & 3) << 4)) - 32;
            const int q2 = ((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) - 32;
            const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
            const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
            out[l] = d * static_cast<float>(sc[is]) * static_cast<float>(q1);
            out[l + 32] = d * static_cast<float>(sc[is + 2]) * static_cast<float>(q2);
            out[l + 64] = d * static_cast<float>(sc[is + 4]) * static_cast<float>(q3);
            out[l + 96] = d * static_cast<float>(sc[is + 6]) * static_cast<float>(q4);
        }
    }
}

struct DequantEntry {
    GgmlType type;
    DequantBlockFn fn;
};

constexpr DequantEntry kDequant[] = {
    {GgmlType::F32, dequantF32},   {GgmlType::F16, dequantF16},   {GgmlType::BF16, dequantBf16},
    {GgmlType::Q4_0, dequantQ4_0}, {GgmlType::Q4_1, dequantQ4_1}, {GgmlType::Q5_0, dequantQ5_0},
    {GgmlType::Q5_1, dequantQ5_1}, {GgmlType::Q8_0, dequantQ8_0}, {GgmlType::Q4_K, dequantQ4_K},
    {GgmlType::Q5_K, dequantQ5_K}, {GgmlType::Q6_K, dequantQ6_K},
};

DequantBlockFn dequantFn(GgmlType t) {
    for (const DequantEntry& e : kDequant)
        if (e.type == t) return e.fn;
    return nullptr;
}

}  // namespace

float f16ToF32(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1Fu;
    const uint32_t mant = h & 0x3FFu;
    if (exp == 0) {
        // Zero or subnormal: mant * 2^-24 is exact in float.
        const float v = static_cast<float>(mant) * 5.9604644775390625e-8f;
        return bitsFloat(floatBits(v) | sign);
    }
    if (exp == 31) return bitsFloat(sign | 0x7F800000u | (mant << 13));  // inf / nan (payload kept)
    return bitsFloat(sign | ((exp + 112) << 23) | (mant << 13));
}

uint16_t f32ToF16(float f) {
    const uint32_t bits = floatBits(f);
    const auto sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
    uint32_t abs = bits & 0x7FFFFFFFu;
    if (abs > 0x7F800000u) return static_cast<uint16_t>(sign | 0x7E00u | ((abs >> 13) & 0x3FFu));
    if (abs >= 0x477FF000u) return static_cast<uint16_t>(sign | 0x7C00u);  // >= 65520: inf
    if (abs < 0x38800000u) {
        // Below the smallest normal f16 (2^-14): adding 0.5 aligns the float ulp (2^-24) with
        // the f16 subnormal step, so the FPU's round-to-nearest-even does the rounding.
        const float v = bitsFloat(abs) + 0.5f;
        return static_cast<uint16_t>(sign | (floatBits(v) - 0x3F000000u));
    }
    const uint32_t odd = (abs >> 13) & 1u;
    abs += 0xC8000000u + 0xFFFu + odd;  // rebias exponent (-112 << 23) and round to even
    return static_cast<uint16_t>(sign | (abs >> 13));
}

float bf16ToF32(uint16_t h) {
    return bitsFloat(static_cast<uint32_t>(h) << 16);
}

uint16_t f32ToBf16(float f) {
    const uint32_t bits = floatBits(f);
    if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<uint16_t>((bits >> 16) | 0x40u);
    return static_cast<uint16_t>((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
}

size_t rowBytes(GgmlType t, int64_t n) {
    const TypeInfo* info = typeInfo(t);
    if (!info || n < 0) return 0;
    assert(n % info->blockSize == 0);
    return static_cast<size_t>(n / info->blockSize) * static_cast<size_t>(info->blockBytes);
}

void dequantizeRow(GgmlType t, const void* row, float* dst, int64_t n) {
    const TypeInfo* info = typeInfo(t);
    const DequantBlockFn fn = dequantFn(t);
    assert(info && fn && n % info->blockSize == 0);
    if (!info || !fn) return;
    const auto* p = static_cast<const uint8_t*>(row);
    for (int64_t i = 0; i < n; i += info->blockSize, p += info->blockBytes) fn(p, dst + i);
}

float dotRowRef(GgmlType t, const void* row, const float* x, int64_t n) {
    const TypeInfo* info = typeInfo(t);
    const DequantBlockFn fn = dequantFn(t);
    assert(info && fn && n % info->blockSize == 0);
    if (!info || !fn) return 0.0f;
    float buf[kQKK];
    float sum = 0.0f;
    const auto* p = static_cast<const uint8_t*>(row);
    for (int64_t i = 0; i < n; i += info->blockSize, p += info->blockBytes) {
        fn(p, buf);
        for (int j = 0; j < info->blockSize; ++j) sum += buf[j] * x[i + j];
    }
    return sum;
}

void quantizeRowQ8_0(const float* x, void* dst, int64_t n) {
    assert(n % kQK == 0);
    auto* y = static_cast<BlockQ8_0*>(dst);
    for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
        float amax = 0.0f;
        for (int j = 0; j < kQK; ++j) amax = std::max(amax, std::fabs(x[j]));
        const float d = amax / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        const uint16_t dh = f32ToF16(d);
        std::memcpy(&y[i].d, &dh, 2);
        for (int j = 0; j < kQK; ++j) y[i].qs[j] = static_cast<int8_t>(std::round(x[j] * id));
    }
}

void quantizeRowQ4_0(const float* x, void* dst, int64_t n) {
    assert(n % kQK == 0);
    auto* y = static_cast<BlockQ4_0*>(dst);
    for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
        // The signed value of largest magnitude maps to -8, so the full range [-8, 7] is used.
        float amax = 0.0f, maxv = 0.0f;
        for (int j = 0; j < kQK; ++j) {
            if (std::fabs(x[j]) > amax) {
                amax = std::fabs(x[j]);
                maxv = x[j];
            }
        }
        const float d = maxv / -8.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        const uint16_t dh = f32ToF16(d);
        std::memcpy(&y[i].d, &dh, 2);
        for (int j = 0; j < kQK / 2; ++j) {
            const int q0 = std::min(15, static_cast<int>(static_cast<int8_t>(x[j] * id + 8.5f)));
            const int q1 =
                std::min(15, static_cast<int>(static_cast<int8_t>(x[j + kQK / 2] * id + 8.5f)));
            y[i].qs[j] = static_cast<uint8_t>(q0 | (q1 << 4));
        }
    }
}

}  // namespace folio
