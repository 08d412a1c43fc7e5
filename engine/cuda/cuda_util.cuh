#pragma once
// Internals shared by the CUDA translation units (never included outside engine/cuda): device
// helpers, an owning device buffer, and the device-pointer launchers behind the host API in
// cuda_backend.h (the future CUDA forward pass and the GPU benchmark call these directly).
//
// Launchers take device pointers and a stream, enqueue work and return at once; they validate
// arguments (an Error for a shape they cannot handle) but report launch failures only through
// cudaGetLastError / the next synchronisation, which callers turn into a Status with finish().
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "engine/cuda/cuda_backend.h"
#include "engine/cuda/cuda_check.h"

namespace folio::cuda {

constexpr int kWarp = 32;

__device__ __forceinline__ float warpSum(float v) {
    for (int o = kWarp / 2; o > 0; o /= 2) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float warpMax(float v) {
    for (int o = kWarp / 2; o > 0; o /= 2) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// Owns one cudaMalloc allocation; copy deleted (device memory is never copied implicitly).
class DeviceBuffer {
public:
    DeviceBuffer() = default;
    ~DeviceBuffer() {
        if (m_p) cudaFree(m_p);
    }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;

    // Allocates `bytes` (at least 1) and copies `src` into it when src is not null.
    Status upload(const void* src, size_t bytes) {
        FOLIO_CUDA_TRY(cudaMalloc(&m_p, bytes ? bytes : 1), "cudaMalloc");
        if (src && bytes)
            FOLIO_CUDA_TRY(cudaMemcpy(m_p, src, bytes, cudaMemcpyHostToDevice), "upload");
        return {};
    }
    Status allocate(size_t bytes) { return upload(nullptr, bytes); }
    Status download(void* dst, size_t bytes) const {
        FOLIO_CUDA_TRY(cudaMemcpy(dst, m_p, bytes, cudaMemcpyDeviceToHost), "download");
        return {};
    }
    template <class T>
    T* as() const {
        return static_cast<T*>(m_p);
    }

private:
    void* m_p = nullptr;
};

// Collects launch errors and waits for the device: errors of asynchronous work surface here.
inline Status finish(const char* what) {
    FOLIO_CUDA_TRY(cudaGetLastError(), what);
    FOLIO_CUDA_TRY(cudaDeviceSynchronize(), what);
    return {};
}

// ---- launchers (device pointers; see cuda_backend.h for the math of each) ----

// x, out: [rows][n] f32 (may alias).
void launchRmsNorm(const float* x, const float* w, float* out, int rows, int n, float eps,
                   cudaStream_t stream);
void launchSwiglu(float* gate, const float* up, int64_t n, cudaStream_t stream);
// x: [nTok][nHeads][headDim] f32 in place; positions: [nTok]; normWeight: [headDim] or null.
Status launchQkNormRope(float* x, int nTok, int nHeads, int headDim, const int32_t* positions,
                        const float* normWeight, float eps, float theta, bool neox,
                        cudaStream_t stream);

// y[r] = dot(dequant(W[r]), x); W [rows][cols] in GGUF row layout of type t.
Status launchMatvec(GgmlType t, const void* w, const float* x, float* y, int rows, int cols,
                    cudaStream_t stream);
// out [rows][cols] f16 = dequant(W): the one-time conversion for the cuBLAS prefill path.
Status launchDequantizeF16(GgmlType t, const void* w, __half* out, int rows, int cols,
                           cudaStream_t stream);
// Ok when t is supported and [rows][cols] is a whole number of its blocks per row; else an
// Error naming `what` and the problem.
Status checkMatrixShape(GgmlType t, int rows, int cols, const char* what);
// Bytes of a [rows][cols] matrix of a supported type whose shape launchMatvec accepts.
size_t matrixBytes(GgmlType t, int rows, int cols);
// out[i] = half(x[i]).
void launchF32ToF16(const float* x, __half* out, int64_t n, cudaStream_t stream);

// Split-K decode attention. workspace: decodeWorkspaceFloats(nHead, headDim, contextLen) floats.
size_t decodeWorkspaceFloats(int nHead, int headDim, int contextLen);
Status launchDecodeAttention(const __half* pool, const PagedKvLayout& layout,
                             const int32_t* blockTable, const float* q, int nHead, int contextLen,
                             float scale, float* out, float* workspace, cudaStream_t stream);
Status launchPrefillAttention(const __half* pool, const PagedKvLayout& layout,
                              const int32_t* blockTable, const float* q, int nTok, int startPos,
                              int nHead, float scale, float* out, cudaStream_t stream);

}  // namespace folio::cuda
