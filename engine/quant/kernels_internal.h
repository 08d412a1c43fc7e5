#pragma once
// Internal to engine/quant: the on-disk block structs of the GGUF weight types, the activation
// block formats the kernels multiply them with, and the per-level kernel tables.
// Not part of the engine API (include engine/quant/quant.h or kernels.h instead).
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "engine/quant/ggml_type.h"

namespace folio::quant {

constexpr int kQK = 32;    // elements per block of Q4_0..Q8_0
constexpr int kQKK = 256;  // elements per super-block of the K-quants

// Weight blocks, byte for byte as ggml stores them in GGUF. Scales are IEEE f16 bit patterns.
struct BlockQ4_0 {
    uint16_t d;
    uint8_t qs[kQK / 2];  // element j in the low nibble of qs[j], element j+16 in the high one
};
struct BlockQ4_1 {
    uint16_t d;
    uint16_t m;  // x = d*q + m
    uint8_t qs[kQK / 2];
};
struct BlockQ5_0 {
    uint16_t d;
    uint8_t qh[4];  // bit j = 5th bit of element j (little-endian 32-bit word)
    uint8_t qs[kQK / 2];
};
struct BlockQ5_1 {
    uint16_t d;
    uint16_t m;
    uint8_t qh[4];
    uint8_t qs[kQK / 2];
};
struct BlockQ8_0 {
    uint16_t d;
    int8_t qs[kQK];
};
struct BlockQ4_K {
    uint16_t d;            // super-block scale for the 6-bit sub-block scales
    uint16_t dmin;         // super-block scale for the 6-bit sub-block mins
    uint8_t scales[12];    // 8 scales + 8 mins, 6 bits each, packed
    uint8_t qs[kQKK / 2];  // 4 chunks of 64: low nibbles = sub-block 2c, high = 2c+1
};
struct BlockQ5_K {
    uint16_t d;
    uint16_t dmin;
    uint8_t scales[12];
    uint8_t qh[kQKK / 8];  // bit 2c / 2c+1 of qh[l]: 5th bit of element l of sub-block 2c / 2c+1
    uint8_t qs[kQKK / 2];
};
struct BlockQ6_K {
    uint8_t ql[kQKK / 2];      // low 4 bits
    uint8_t qh[kQKK / 4];      // high 2 bits
    int8_t scales[kQKK / 16];  // one per 16 elements
    uint16_t d;
};
static_assert(sizeof(BlockQ4_0) == 18 && sizeof(BlockQ4_1) == 20 && sizeof(BlockQ5_0) == 22);
static_assert(sizeof(BlockQ5_1) == 24 && sizeof(BlockQ8_0) == 34);
static_assert(sizeof(BlockQ4_K) == 144 && sizeof(BlockQ5_K) == 176 && sizeof(BlockQ6_K) == 210);

// Activation blocks (our own in-memory format, never on disk).
// ActQ8: 32 int8 values with an f32 scale; s = d * sum(qs), used for the offsets of the
// Q4_0/Q5_0 (-8/-16) and Q4_1/Q5_1 (+m) weight formats.
struct ActQ8 {
    float d;
    float s;
    int8_t qs[kQK];
};
// ActQ8K: 256 int8 values with an f32 scale and the int16 sums of each 16 values.
struct ActQ8K {
    float d;
    int8_t qs[kQKK];
    int16_t bsums[kQKK / 16];
};
static_assert(sizeof(ActQ8) == 40 && sizeof(ActQ8K) == 292);

// The 6-bit scales and mins of a Q4_K/Q5_K super-block, unpacked: sc[0..8), m[0..8).
inline void unpackScalesK4(const uint8_t packed[12], uint8_t sc[8], uint8_t m[8]) {
    uint32_t a, b, c;
    std::memcpy(&a, packed, 4);
    std::memcpy(&b, packed + 4, 4);
    std::memcpy(&c, packed + 8, 4);
    // Sub-blocks 0..3 keep their 6 bits in bytes 0..7; sub-blocks 4..7 have their low 4 bits in
    // bytes 8..11 and their top 2 bits in the top bits of bytes 0..7.
    const uint32_t sLo = a & 0x3F3F3F3Fu;
    const uint32_t mLo = b & 0x3F3F3F3Fu;
    const uint32_t sHi = (c & 0x0F0F0F0Fu) | ((a >> 2) & 0x30303030u);
    const uint32_t mHi = ((c >> 4) & 0x0F0F0F0Fu) | ((b >> 2) & 0x30303030u);
    std::memcpy(sc, &sLo, 4);
    std::memcpy(sc + 4, &sHi, 4);
    std::memcpy(m, &mLo, 4);
    std::memcpy(m + 4, &mHi, 4);
}

inline uint16_t loadU16(const void* p) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}

// One kernel level: per weight type, the dot of one weight row with NA activation rows.
// w: one weight row; act: activation rows actStride bytes apart; out[j * outStride] = result j.
using DotMultiFn = void (*)(const uint8_t* w, const uint8_t* act, size_t actStride, int64_t n,
                            float* out, int64_t outStride);
constexpr int kMaxMulti = 4;    // activation rows handled per weight row pass
constexpr int kTypeSlots = 32;  // indexed by the raw GgmlType number (all supported are < 32)

struct KernelTable {
    // multi[type][na - 1] handles na activation rows; nullptr: not provided at this level.
    DotMultiFn multi[kTypeSlots][kMaxMulti] = {};
};

// Prefill for one weight type at one level, with the contract of dotRowsMulti: out[j * outStride
// + r] = dot(weight row r, activation row j), activation rows actBytes apart. A pair's result must
// not depend on nRows, nAct or where the pair lies in them (row splits over threads rely on it).
using GemmFn = void (*)(const uint8_t* w, size_t rowStride, int64_t nRows, const uint8_t* act,
                        size_t actBytes, int64_t nAct, int64_t n, float* out, int64_t outStride);

// Activation quantizers (dst: n / 32 ActQ8 or n / 256 ActQ8K) that write the same bytes as the
// scalar ones in kernels.cpp; nullptr: use those.
using QuantizeFn = void (*)(const float* x, uint8_t* dst, int64_t n);

struct TileTable {
    GemmFn gemm[kTypeSlots] = {};  // nullptr: the type uses the DotMultiFn kernels
    QuantizeFn quantizeQ8 = nullptr;
    QuantizeFn quantizeQ8K = nullptr;
};

// The AVX-512 VNNI prefill of Q4_K and Q6_K (kernels_avx512_tiles_k.cpp), a GemmFn each; defined
// in x86 builds only, called only at the Avx512 level.
void gemmQ4KAvx512(const uint8_t* w, size_t rowStride, int64_t nRows, const uint8_t* act,
                   size_t actBytes, int64_t nAct, int64_t n, float* out, int64_t outStride);
void gemmQ6KAvx512(const uint8_t* w, size_t rowStride, int64_t nRows, const uint8_t* act,
                   size_t actBytes, int64_t nAct, int64_t n, float* out, int64_t outStride);

// Decode: out[r] = dot(weight row r, the one activation row act) for r in [0, nRows), weight
// rows rowStride bytes apart. A row's result must not depend on nRows or the row's place in the
// range (thread splits rely on it); the x86 ones equal DotMultiFn's NA = 1 kernel bit for bit.
using GemvFn = void (*)(const uint8_t* w, size_t rowStride, int64_t nRows, const uint8_t* act,
                        int64_t n, float* out);

struct GemvTable {
    GemvFn gemv[kTypeSlots] = {};  // nullptr: dotRows calls the NA = 1 DotMultiFn per row
};

const KernelTable& scalarKernels();
const KernelTable* avx2Kernels();    // nullptr when not compiled for x86
const KernelTable* avx512Kernels();  // nullptr when not compiled for x86
const TileTable* avx512Tiles();      // nullptr when not compiled for x86
const GemvTable* avx2Gemv();         // nullptr when not compiled for x86
const GemvTable* avx512Gemv();       // nullptr when not compiled for x86
// The Avx512Bf16 level's tables (kernels_avx512_bf16.cpp): the Avx512 ones with the BF16 slot
// replaced by vdpbf16ps kernels on BF16 activations.
const TileTable* avx512Bf16Tiles();  // nullptr when not compiled for x86
const GemvTable* avx512Bf16Gemv();   // nullptr when not compiled for x86

}  // namespace folio::quant
