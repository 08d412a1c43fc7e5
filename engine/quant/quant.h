#pragma once
// Weight formats: scalar reference dequantizers and dot products for every GGML type the engine
// loads (F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K), plus the fast paths the
// matrix kernels use. Block layouts follow the GGUF format (ggml's block_q4_K etc.).
//
// Contract for all row functions: n is a multiple of typeInfo(t)->blockSize; `row` points at
// rowBytes(t, n) bytes; no alignment is required. Thread-safe (pure functions).
#include <cstddef>
#include <cstdint>

#include "engine/quant/ggml_type.h"

namespace folio {

float f16ToF32(uint16_t h);
uint16_t f32ToF16(float f);  // round to nearest even
float bf16ToF32(uint16_t h);
uint16_t f32ToBf16(float f);  // round to nearest even

size_t rowBytes(GgmlType t, int64_t n);

// Scalar reference: dst[0..n) = dequantized row.
void dequantizeRow(GgmlType t, const void* row, float* dst, int64_t n);

// Scalar reference: sum_i dequant(row)[i] * x[i], accumulated in float.
float dotRowRef(GgmlType t, const void* row, const float* x, int64_t n);

// Reference quantizers (tests, KV cache in Q8_0, activations). Round-to-nearest like ggml's
// quantize_row_*_ref.
void quantizeRowQ8_0(const float* x, void* dst, int64_t n);
void quantizeRowQ4_0(const float* x, void* dst, int64_t n);

}  // namespace folio
