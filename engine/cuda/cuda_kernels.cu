// Element-wise kernels of the transformer block (RMSNorm, SwiGLU, QK-norm + RoPE), their launchers
// and host parity entry points. CPU twins: engine/ops/elementwise.h.
#include "engine/cuda/cuda_util.cuh"

namespace folio::cuda {

namespace {

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

constexpr int kMaxRopePairsPerLane = 8;  // headDim <= 2 * 32 * 8 = 512

// One warp per (token, head): optional RMSNorm over the head, then the rotation. Angles are
// computed in double like ropeTable so long positions keep full precision.
__global__ void qkNormRopeKernel(float* x, int nTok, int nHeads, int headDim,
                                 const int32_t* positions, const float* normWeight, float eps,
                                 float theta, bool neox) {
    const int item = blockIdx.x * (blockDim.x / kWarp) + threadIdx.x / kWarp;
    const int lane = threadIdx.x % kWarp;
    if (item >= nTok * nHeads) return;
    const int tok = item / nHeads;
    float* v = x + size_t(item) * headDim;
    const int half = headDim / 2;
    float a[kMaxRopePairsPerLane], b[kMaxRopePairsPerLane];
    float sum = 0.f;
    for (int k = 0; k < kMaxRopePairsPerLane; ++k) {
        const int i = lane + k * kWarp;
        if (i >= half) break;
        const int ia = neox ? i : 2 * i, ib = neox ? i + half : 2 * i + 1;
        a[k] = v[ia];
        b[k] = v[ib];
        sum += a[k] * a[k] + b[k] * b[k];
    }
    float scale = 1.f;
    if (normWeight) scale = rsqrtf(warpSum(sum) / headDim + eps);
    const double pos = positions[tok];
    for (int k = 0; k < kMaxRopePairsPerLane; ++k) {
        const int i = lane + k * kWarp;
        if (i >= half) break;
        const int ia = neox ? i : 2 * i, ib = neox ? i + half : 2 * i + 1;
        float x0 = a[k], x1 = b[k];
        if (normWeight) {
            x0 *= scale * normWeight[ia];
            x1 *= scale * normWeight[ib];
        }
        const double angle = pos * pow(double(theta), -2.0 * i / headDim);
        const float c = float(cos(angle)), s = float(sin(angle));
        v[ia] = x0 * c - x1 * s;
        v[ib] = x0 * s + x1 * c;
    }
}

}  // namespace

void launchRmsNorm(const float* x, const float* w, float* out, int rows, int n, float eps,
                   cudaStream_t stream) {
    rmsNormKernel<<<rows, 256, 0, stream>>>(x, w, out, n, eps);
}

void launchSwiglu(float* gate, const float* up, int64_t n, cudaStream_t stream) {
    swigluKernel<<<unsigned((n + 255) / 256), 256, 0, stream>>>(gate, up, n);
}

Status launchQkNormRope(float* x, int nTok, int nHeads, int headDim, const int32_t* positions,
                        const float* normWeight, float eps, float theta, bool neox,
                        cudaStream_t stream) {
    if (headDim <= 0 || headDim % 2 != 0 || headDim > 2 * kWarp * kMaxRopePairsPerLane)
        return makeError("cuda qkNormRope: headDim " + std::to_string(headDim) +
                         " must be even and <= 512");
    if (nTok <= 0 || nHeads <= 0) return makeError("cuda qkNormRope: nTok and nHeads must be > 0");
    const int warpsPerBlock = 4;
    const int items = nTok * nHeads;
    qkNormRopeKernel<<<(items + warpsPerBlock - 1) / warpsPerBlock, warpsPerBlock * kWarp, 0,
                       stream>>>(x, nTok, nHeads, headDim, positions, normWeight, eps, theta, neox);
    return {};
}

Status rmsNorm(const float* x, const float* w, float* out, int rows, int n, float eps) {
    if (rows <= 0 || n <= 0) return makeError("cuda rmsNorm: rows and n must be > 0");
    DeviceBuffer dx, dw, dout;
    const size_t bytes = size_t(rows) * n * sizeof(float);
    if (Status s = dx.upload(x, bytes); !s) return s;
    if (Status s = dw.upload(w, size_t(n) * sizeof(float)); !s) return s;
    if (Status s = dout.allocate(bytes); !s) return s;
    launchRmsNorm(dx.as<float>(), dw.as<float>(), dout.as<float>(), rows, n, eps, nullptr);
    if (Status s = finish("rmsNorm"); !s) return s;
    return dout.download(out, bytes);
}

Status swiglu(float* gate, const float* up, int64_t n) {
    if (n <= 0) return makeError("cuda swiglu: n must be > 0");
    DeviceBuffer dg, du;
    if (Status s = dg.upload(gate, size_t(n) * 4); !s) return s;
    if (Status s = du.upload(up, size_t(n) * 4); !s) return s;
    launchSwiglu(dg.as<float>(), du.as<float>(), n, nullptr);
    if (Status s = finish("swiglu"); !s) return s;
    return dg.download(gate, size_t(n) * 4);
}

Status qkNormRope(float* x, int nTok, int nHeads, int headDim, const int32_t* positions,
                  const float* normWeight, float eps, float theta, bool neox) {
    if (nTok <= 0 || nHeads <= 0 || headDim <= 0)
        return makeError("cuda qkNormRope: nTok, nHeads and headDim must be > 0");
    const size_t bytes = size_t(nTok) * nHeads * headDim * sizeof(float);
    DeviceBuffer dx, dpos, dw;
    if (Status s = dx.upload(x, bytes); !s) return s;
    if (Status s = dpos.upload(positions, size_t(nTok) * sizeof(int32_t)); !s) return s;
    if (normWeight)
        if (Status s = dw.upload(normWeight, size_t(headDim) * sizeof(float)); !s) return s;
    if (Status s =
            launchQkNormRope(dx.as<float>(), nTok, nHeads, headDim, dpos.as<int32_t>(),
                             normWeight ? dw.as<float>() : nullptr, eps, theta, neox, nullptr);
        !s)
        return s;
    if (Status s = finish("qkNormRope"); !s) return s;
    return dx.download(x, bytes);
}

}  // namespace folio::cuda
