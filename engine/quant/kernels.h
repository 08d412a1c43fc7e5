#pragma once
// Fast dot products of quantized weight rows with activation rows: the inner loops of every
// matmul. A weight row is multiplied with an activation row in the format its type pairs with:
//   Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 -> blocks of 32 int8 with an f32 scale and the scaled sum
//   Q4_K, Q5_K, Q6_K             -> blocks of 256 int8 with an f32 scale and int16 sums of 16
//   F32, F16                     -> plain f32 (no quantization)
//   BF16                         -> bf16, rounded to nearest even (as llama.cpp pairs them)
// Callers quantize each activation row once with quantizeActivationRow and then reuse it for
// every weight row. The SIMD level (scalar, AVX2+FMA, AVX-512 VNNI, and AVX-512 BF16 for BF16
// weights) is picked from CPUID at start.
//
// Contract for all functions: n is a multiple of the weight type's block size (32 or 256 for the
// block types, anything for F32/F16/BF16); weight rows need 2-byte alignment (every GGUF block is
// a whole number of uint16 and tensor data is 32-byte aligned) and activation rows 4-byte
// alignment (the f32 scales of the activation blocks), no more; the weight type must be supported
// (kernelSupports). Thread-safe: any number of threads may call these at once on
// disjoint outputs; no global is written (except by setKernelLevel). Nothing is allocated, except
// that dotRowsMulti grows per-thread panel buffers on a thread's first (or largest) call.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/quant/ggml_type.h"

namespace folio {

// True when dotRows/dotRowsMulti handle this weight type.
bool kernelSupports(GgmlType weightType);

// Bytes of one quantized activation row of n values for this weight type.
size_t activationRowBytes(GgmlType weightType, int64_t n);

// True when weights of types a and b multiply the same quantized activation bytes, so one
// quantizeActivationRow serves both (e.g. Q5_0 and Q8_0; not Q5_0 and Q4_K).
bool sharesActivations(GgmlType a, GgmlType b);

// dst (activationRowBytes(weightType, n) bytes) = x[0..n) in the activation format.
// Deterministic: the same bytes at every kernel level (the AVX-512 version repeats the scalar
// arithmetic lane by lane).
void quantizeActivationRow(GgmlType weightType, const float* x, void* dst, int64_t n);

// out[r] = dot(weight row r, activation) for r in [0, nRows); weight rows are rowStride bytes
// apart (rowStride >= rowBytes(weightType, n)).
void dotRows(GgmlType weightType, const uint8_t* w, size_t rowStride, int64_t nRows,
             const void* act, int64_t n, float* out);

// Several activation rows (prefill): out[j * outStride + r] = dot(weight row r, activation j)
// for j in [0, nAct), r in [0, nRows); activation rows are activationRowBytes(weightType, n)
// bytes apart. Each weight block is decoded once for up to 4 activation rows (at the AVX-512
// level, Q4_0/Q5_0/Q8_0 once per call into a panel, multiplied in 4 x 4 register tiles; Q4_K and
// Q6_K 16 rows at a time into a row-per-lane layout). A result does not depend on nRows, nAct or
// the pair's place in them.
void dotRowsMulti(GgmlType weightType, const uint8_t* w, size_t rowStride, int64_t nRows,
                  const uint8_t* act, int64_t nAct, int64_t n, float* out, int64_t outStride);

// Avx512Bf16 is Avx512 plus vdpbf16ps for BF16 weights (kernels_avx512_bf16.cpp).
enum class KernelLevel { Scalar, Avx2, Avx512, Avx512Bf16 };

// The best level this CPU (and this build) supports.
KernelLevel detectKernelLevel();
// The level in use. Defaults to detectKernelLevel().
KernelLevel kernelLevel();
// For tests and benchmarks: use `level`, clamped to what the CPU supports. Not to be called while
// other threads run kernels.
void setKernelLevel(KernelLevel level);
const char* kernelLevelName(KernelLevel level);
// Every level this CPU (and this build) runs, from Scalar up to detectKernelLevel(): what tests
// and benchmarks force one after another.
std::vector<KernelLevel> supportedKernelLevels();

}  // namespace folio
