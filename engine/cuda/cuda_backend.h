#pragma once
// The CUDA backend's host API (plain C++; no CUDA types leak out). Every function reports
// failures — no device, no driver, out of memory, a failed launch, an unsupported shape — as a
// Status/Expected value; nothing aborts.
//
// The functions below take HOST memory in and out: each uploads its inputs, runs one kernel and
// downloads the result. They are the CPU-parity entry points the gpu-labelled tests use; the
// device-pointer launchers they wrap (cuda_util.cuh) are the building blocks of the forward pass.
//
// Thread-safety: functions may be called from one thread at a time (the engine thread).
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/quant/ggml_type.h"
#include "engine/status.h"

namespace folio::cuda {

struct DeviceInfo {
    std::string name;
    int computeMajor = 0;
    int computeMinor = 0;
    size_t totalBytes = 0;
    size_t freeBytes = 0;
};

// Finds the first CUDA device. Without a driver or device: an Error saying so.
Expected<DeviceInfo> probeDevice();

// out[r][i] = x[r][i] / rms(x[r]) * w[i]; x, out: [rows][n]
Status rmsNorm(const float* x, const float* w, float* out, int rows, int n, float eps);
// gate[i] = silu(gate[i]) * up[i]
Status swiglu(float* gate, const float* up, int64_t n);

// Fused per-head QK-norm and rotary embedding, in place. x: [nTok][nHeads][headDim] f32;
// positions: [nTok]. When normWeight ([headDim]) is not null each head is first RMS-normalised
// (Qwen3's q_norm/k_norm); then RoPE with base theta rotates pairs (i, i + headDim/2) when
// neox, (2i, 2i+1) otherwise — the same math as engine/ops/elementwise.h ropeTable + applyRope.
// headDim must be even and <= 512.
Status qkNormRope(float* x, int nTok, int nHeads, int headDim, const int32_t* positions,
                  const float* normWeight, float eps, float theta, bool neox);

// Weight types the matvec and dequantisation kernels read as stored in GGUF.
bool matvecSupports(GgmlType t);
// y[r] = sum_i dequant(W[r])[i] * x[i]. W: [rows][cols] in GGUF row layout of type t (rowBytes
// of quant.h per row), cols a multiple of the type's block size. One warp per row, dequantised
// in registers (the decode path). Unsupported type or bad shape: an Error.
Status matvec(GgmlType t, const void* w, const float* x, float* y, int rows, int cols);
inline Status matvecQ8_0(const void* w, const float* x, float* y, int rows, int cols) {
    return matvec(GgmlType::Q8_0, w, x, y, rows, cols);
}

// The prefill path: y[t][r] = sum_c dequant(W)[r][c] * x[t][c] for x [nTok][cols] f32 and
// y [nTok][rows] f32. W is dequantised to f16 on the device (what upload does once per weight),
// x is rounded to f16 and cuBLAS multiplies on tensor cores with f32 accumulation.
Status gemm(GgmlType t, const void* w, const float* x, float* y, int rows, int cols, int nTok);

// One layer of a paged f16 KV pool. Offsets are in elements (f16) from the start of the pool:
//   keys of (block b, kvHead h):   b * blockStride + h * headStride, [blockTokens][headDim] values
//   of (block b, kvHead h): b * blockStride + valueOffset + h * headStride
// For layer l of the host KvCache (layer-major, engine/runtime/kv_cache.h):
// blockStride = 2*nKvHeads*blockTokens*headDim, valueOffset = nKvHeads*blockTokens*headDim,
// headStride = blockTokens*headDim, and the pool pointer advanced by l*poolBlocks*blockStride.
// The device pool of CudaBackend is block-major instead (blockStride = nLayers*2*nKvHeads*
// blockTokens*headDim, the pool advanced by l*2*nKvHeads*blockTokens*headDim): one copy per
// copy-on-write block.
struct PagedKvLayout {
    int nKvHeads = 0;
    int headDim = 0;  // 64 or 128
    int blockTokens = 16;
    int64_t blockStride = 0;
    int64_t valueOffset = 0;
    int64_t headStride = 0;
    int32_t poolBlocks = 0;  // blocks in the pool (host entry points upload all of them)
};

// Checks a layout for consistency (positive sizes, supported headDim); an Error names the field.
Status validateLayout(const PagedKvLayout& layout);

// Decode (one query token at position contextLen-1, attending to [0, contextLen)): split-K
// flash-decoding. q: [nHead][headDim] f32 (RoPE applied); out: [nHead][headDim] f32;
// blockTable: [ceil(contextLen / blockTokens)] pool block ids; pool: poolBlocks * blockStride
// f16 values (host memory). nHead a multiple of nKvHeads, at most 8 query heads per kv head.
Status decodeAttention(const uint16_t* pool, const PagedKvLayout& layout, const int32_t* blockTable,
                       const float* q, int nHead, int contextLen, float scale, float* out);

// Which prefill attention kernel runs. Auto: the tensor-core kernel when the head size has one,
// unless the environment variable FOLIO_CUDA_ATTENTION=scalar (read once per process) forces the
// scalar FP32 reference kernel; Scalar and TensorCore force one (TensorCore: an Error for a head
// size it lacks). The forward pass always uses Auto.
enum class PrefillKernel { Auto, Scalar, TensorCore };

// Causal prefill of nTok query tokens at positions [startPos, startPos + nTok): a
// FlashAttention-2-style kernel (query tile and K/V tiles in shared memory, online softmax).
// q, out: [nTok][nHead][headDim] f32; blockTable covers [0, startPos + nTok).
Status prefillAttention(const uint16_t* pool, const PagedKvLayout& layout,
                        const int32_t* blockTable, const float* q, int nTok, int startPos,
                        int nHead, float scale, float* out,
                        PrefillKernel kernel = PrefillKernel::Auto);

}  // namespace folio::cuda
