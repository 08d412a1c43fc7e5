// CUDA kernels and their host wrappers. Each has a CPU twin in engine/ops or engine/quant that the
// gpu-labelled tests compare against.
#include <cuda_fp16.h>

#include <vector>

#include "engine/cuda/cuda_backend.h"
#include "engine/cuda/cuda_check.h"

namespace folio::cuda {

namespace {

constexpr int kWarp = 32;

__device__ float warpSum(float v) {
    for (int o = kWarp / 2; o > 0; o /= 2) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

// One block per row; blockDim.x a multiple of 32, <= 1024.
__global__ void rmsNormKernel(const float* x, const float* w, float* out, int n, float eps) {
    const float* row = x + size_t(blockIdx.x) * n;
    float* dst = out + size_t(blockIdx.x) * n;
    float sum = 0.f;
    for (int i = threadIdx.x; i < n; i += blockDim.x) sum += row[i] * row[i];
    __shared__ float partial[32];
    sum = warpSum(sum);
    if (threadIdx.x % kWarp == 0) partial[threadIdx.x / kWarp] = sum;
    __syncthreads();
    if (threadIdx.x < kWarp) {
        float v = threadIdx.x < blockDim.x / kWarp ? partial[threadIdx.x] : 0.f;
        v = warpSum(v);
        if (threadIdx.x == 0) partial[0] = v;
    }
    __syncthreads();
    const float scale = rsqrtf(partial[0] / n + eps);
    for (int i = threadIdx.x; i < n; i += blockDim.x) dst[i] = row[i] * scale * w[i];
}

__global__ void swigluKernel(float* gate, const float* up, int64_t n) {
    int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < n) {
        float g = gate[i];
        gate[i] = g / (1.f + __expf(-g)) * up[i];
    }
}

// Q8_0 block: f16 scale + 32 int8 quants (34 bytes). One warp per output row.
struct BlockQ8_0 {
    __half d;
    int8_t qs[32];
};

__global__ void matvecQ8_0Kernel(const BlockQ8_0* w, const float* x, float* y, int rows, int blocksPerRow) {
    const int row = blockIdx.x * (blockDim.x / kWarp) + threadIdx.x / kWarp;
    const int lane = threadIdx.x % kWarp;
    if (row >= rows) return;
    const BlockQ8_0* r = w + size_t(row) * blocksPerRow;
    float sum = 0.f;
    for (int b = 0; b < blocksPerRow; ++b) sum += __half2float(r[b].d) * r[b].qs[lane] * x[b * 32 + lane];
    sum = warpSum(sum);
    if (lane == 0) y[row] = sum;
}

// RAII device buffer.
struct DeviceBuffer {
    void* p = nullptr;
    ~DeviceBuffer() {
        if (p) cudaFree(p);
    }
};

Status upload(DeviceBuffer& b, const void* src, size_t bytes) {
    FOLIO_CUDA_TRY(cudaMalloc(&b.p, bytes), "cudaMalloc");
    if (src) FOLIO_CUDA_TRY(cudaMemcpy(b.p, src, bytes, cudaMemcpyHostToDevice), "upload");
    return {};
}

Status finish(const char* what) {
    FOLIO_CUDA_TRY(cudaGetLastError(), what);
    FOLIO_CUDA_TRY(cudaDeviceSynchronize(), what);
    return {};
}

}  // namespace

Status rmsNorm(const float* x, const float* w, float* out, int rows, int n, float eps) {
    DeviceBuffer dx, dw, dout;
    const size_t bytes = size_t(rows) * n * sizeof(float);
    if (Status s = upload(dx, x, bytes); !s) return s;
    if (Status s = upload(dw, w, size_t(n) * sizeof(float)); !s) return s;
    if (Status s = upload(dout, nullptr, bytes); !s) return s;
    rmsNormKernel<<<rows, 256>>>(static_cast<float*>(dx.p), static_cast<float*>(dw.p),
                                 static_cast<float*>(dout.p), n, eps);
    if (Status s = finish("rmsNorm"); !s) return s;
    FOLIO_CUDA_TRY(cudaMemcpy(out, dout.p, bytes, cudaMemcpyDeviceToHost), "download");
    return {};
}

Status swiglu(float* gate, const float* up, int64_t n) {
    DeviceBuffer dg, du;
    if (Status s = upload(dg, gate, size_t(n) * 4); !s) return s;
    if (Status s = upload(du, up, size_t(n) * 4); !s) return s;
    swigluKernel<<<unsigned((n + 255) / 256), 256>>>(static_cast<float*>(dg.p),
                                                     static_cast<float*>(du.p), n);
    if (Status s = finish("swiglu"); !s) return s;
    FOLIO_CUDA_TRY(cudaMemcpy(gate, dg.p, size_t(n) * 4, cudaMemcpyDeviceToHost), "download");
    return {};
}

Status matvecQ8_0(const void* w, const float* x, float* y, int rows, int cols) {
    if (cols % 32 != 0) return makeError("cuda matvecQ8_0: cols must be a multiple of 32");
    const int blocks = cols / 32;
    DeviceBuffer dw, dx, dy;
    if (Status s = upload(dw, w, size_t(rows) * blocks * sizeof(BlockQ8_0)); !s) return s;
    if (Status s = upload(dx, x, size_t(cols) * 4); !s) return s;
    if (Status s = upload(dy, nullptr, size_t(rows) * 4); !s) return s;
    const int warpsPerBlock = 8;
    matvecQ8_0Kernel<<<(rows + warpsPerBlock - 1) / warpsPerBlock, warpsPerBlock * kWarp>>>(
        static_cast<const BlockQ8_0*>(dw.p), static_cast<float*>(dx.p), static_cast<float*>(dy.p),
        rows, blocks);
    if (Status s = finish("matvecQ8_0"); !s) return s;
    FOLIO_CUDA_TRY(cudaMemcpy(y, dy.p, size_t(rows) * 4, cudaMemcpyDeviceToHost), "download");
    return {};
}

}  // namespace folio::cuda
