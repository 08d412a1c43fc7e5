#pragma once
// cuBLAS matrix products for prefill (engine/cuda internal). One Gemm per engine thread/stream.
#include <memory>

#include "engine/cuda/cuda_util.cuh"

namespace folio::cuda {

// Owns a cuBLAS handle bound to one stream. Copy deleted. Not thread-safe (one engine thread).
class Gemm {
public:
    static Expected<std::unique_ptr<Gemm>> create(cudaStream_t stream);
    ~Gemm();
    Gemm(const Gemm&) = delete;
    Gemm& operator=(const Gemm&) = delete;

    // y [nTok][rows] f32 = x [nTok][cols] f16 * W^T, W [rows][cols] f16 (device pointers);
    // f32 accumulation on tensor cores. Enqueued on the stream; errors of the call itself are
    // returned, asynchronous ones surface at the next synchronisation.
    Status run(const __half* w, const __half* x, float* y, int rows, int cols, int nTok);

private:
    explicit Gemm(void* handle) : m_handle(handle) {}
    void* m_handle = nullptr;  // cublasHandle_t (kept opaque so this header needs no cuBLAS)
};

}  // namespace folio::cuda
