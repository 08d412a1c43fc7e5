// BF16 weights against BF16 activations with AVX-512 BF16's vdpbf16ps (the Avx512Bf16 level):
// 32 multiply-adds per instruction, where the F32-FMA path of the lower levels converts each
// weight to f32 and does 16 (zmm) or 8 (ymm).
//
// Arithmetic: a bf16 x bf16 product is exact in f32 (8-bit significands), and vdpbf16ps adds
// the two products of each lane pair to the lane's f32 accumulator, round to nearest even (inputs
// that are bf16 subnormals count as zero; they are below 1e-38). Each (weight row, activation
// row) pair has ONE accumulator of 16 lanes that runs over the row in order, 32 values per step,
// then one fixed reduction: gemm (any tile) and gemv (any group) give a pair the same bits, as
// kernels_internal.h requires of the two. Tails (n not a multiple of 32) are masked loads whose
// absent values are zero.
#include "engine/quant/kernels_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <utility>

#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512bf16")
// GCC 12 reports the deliberately undefined vectors inside its own intrinsics (here
// _mm512_reduce_add_ps) as uninitialized; as in kernels_avx512_tiles.cpp, off to the file's end.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace {

constexpr int kValuesPerStep = 32;  // bf16 values in one zmm
// Register tile of the prefill kernel: kTileRows weight rows x kTileActs activation rows, one
// accumulator each (16 zmm), four weight and four activation loads per 16 vdpbf16ps.
constexpr int kTileRows = 4;
constexpr int kTileActs = 4;
// Weight rows per step of the prefill row loop: their bytes (16 x 2 KiB at a 1024-wide model)
// stay in L1/L2 while every activation row passes over them.
constexpr int64_t kRowBlock = 16;

struct Steps {
    int64_t full;    // whole 32-value steps
    __mmask32 tail;  // the values of the last partial step (0: none)
};

Steps stepsOf(int64_t n) {
    const int64_t rest = n % kValuesPerStep;
    return {n / kValuesPerStep, rest ? static_cast<__mmask32>((1ull << rest) - 1) : 0};
}

__m512bh loadBf16(const uint8_t* p, int64_t step) {
    return reinterpret_cast<__m512bh>(
        _mm512_loadu_si512(reinterpret_cast<const void*>(p + step * 2 * kValuesPerStep)));
}

__m512bh loadBf16Tail(const uint8_t* p, int64_t step, __mmask32 mask) {
    return reinterpret_cast<__m512bh>(_mm512_maskz_loadu_epi16(
        mask, reinterpret_cast<const void*>(p + step * 2 * kValuesPerStep)));
}

// The R x A tile at rows w[0..R) (rowStride apart) and activations act[0..A) (actBytes apart):
// out[j * outStride + r].
template <int R, int A>
void tileBf16(const uint8_t* w, size_t rowStride, const uint8_t* act, size_t actBytes, Steps s,
              float* out, int64_t outStride) {
    __m512 acc[R][A];
    for (int r = 0; r < R; ++r)
        for (int j = 0; j < A; ++j) acc[r][j] = _mm512_setzero_ps();
    for (int64_t i = 0; i < s.full; ++i) {
        __m512bh a[A];
        for (int j = 0; j < A; ++j) a[j] = loadBf16(act + j * actBytes, i);
        for (int r = 0; r < R; ++r) {
            const __m512bh x = loadBf16(w + r * rowStride, i);
            for (int j = 0; j < A; ++j) acc[r][j] = _mm512_dpbf16_ps(acc[r][j], x, a[j]);
        }
    }
    if (s.tail) {
        __m512bh a[A];
        for (int j = 0; j < A; ++j) a[j] = loadBf16Tail(act + j * actBytes, s.full, s.tail);
        for (int r = 0; r < R; ++r) {
            const __m512bh x = loadBf16Tail(w + r * rowStride, s.full, s.tail);
            for (int j = 0; j < A; ++j) acc[r][j] = _mm512_dpbf16_ps(acc[r][j], x, a[j]);
        }
    }
    for (int r = 0; r < R; ++r)
        for (int j = 0; j < A; ++j) out[j * outStride + r] = _mm512_reduce_add_ps(acc[r][j]);
}

using TileFn = void (*)(const uint8_t*, size_t, const uint8_t*, size_t, Steps, float*, int64_t);

template <int R, int... A>
constexpr std::array<TileFn, sizeof...(A)> tileRow(std::integer_sequence<int, A...>) {
    return {tileBf16<R, A + 1>...};
}

// kTiles[r - 1][a - 1]: the r x a tile (the edges of a matrix take the smaller ones).
template <int... R>
constexpr std::array<std::array<TileFn, kTileActs>, sizeof...(R)> tileTable(
    std::integer_sequence<int, R...>) {
    return {tileRow<R + 1>(std::make_integer_sequence<int, kTileActs>())...};
}
constexpr auto kTiles = tileTable(std::make_integer_sequence<int, kTileRows>());

void gemmBf16(const uint8_t* w, size_t rowStride, int64_t nRows, const uint8_t* act,
              size_t actBytes, int64_t nAct, int64_t n, float* out, int64_t outStride) {
    const Steps s = stepsOf(n);
    for (int64_t r0 = 0; r0 < nRows; r0 += kRowBlock) {
        const int64_t r1 = std::min(nRows, r0 + kRowBlock);
        for (int64_t j = 0; j < nAct; j += kTileActs) {
            const int a = static_cast<int>(std::min<int64_t>(kTileActs, nAct - j));
            for (int64_t r = r0; r < r1; r += kTileRows) {
                const int rows = static_cast<int>(std::min<int64_t>(kTileRows, r1 - r));
                kTiles[rows - 1][a - 1](w + r * rowStride, rowStride, act + j * actBytes, actBytes,
                                        s, out + j * outStride + r, outStride);
            }
        }
    }
}

void gemvBf16(const uint8_t* w, size_t rowStride, int64_t nRows, const uint8_t* act, int64_t n,
              float* out) {
    const Steps s = stepsOf(n);
    int64_t r = 0;
    for (; r + kTileRows <= nRows; r += kTileRows)
        tileBf16<kTileRows, 1>(w + r * rowStride, rowStride, act, 0, s, out + r, 1);
    for (; r < nRows; ++r) tileBf16<1, 1>(w + r * rowStride, rowStride, act, 0, s, out + r, 1);
}

}  // namespace

#pragma GCC pop_options

const folio::quant::TileTable* folio::quant::avx512Bf16Tiles() {
    static const TileTable kTable = [] {
        TileTable t = *avx512Tiles();
        t.gemm[static_cast<int>(GgmlType::BF16)] = gemmBf16;
        return t;
    }();
    return &kTable;
}

const folio::quant::GemvTable* folio::quant::avx512Bf16Gemv() {
    static const GemvTable kTable = [] {
        GemvTable t = *avx512Gemv();
        t.gemv[static_cast<int>(GgmlType::BF16)] = gemvBf16;
        return t;
    }();
    return &kTable;
}

#else
const folio::quant::TileTable* folio::quant::avx512Bf16Tiles() {
    return nullptr;
}
const folio::quant::GemvTable* folio::quant::avx512Bf16Gemv() {
    return nullptr;
}
#endif
