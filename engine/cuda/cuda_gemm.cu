// Prefill matrix products through cuBLAS: f16 inputs on tensor cores, f32 accumulation and f32
// output. Weights are dequantised to f16 once (launchDequantizeF16); activations are rounded to
// f16 per call. CPU twin: engine/quant/quant.h dotRowRef per (token, row).
#include <cublas_v2.h>

#include "engine/cuda/cuda_gemm.cuh"

namespace folio::cuda {

namespace {

Status checkCublas(cublasStatus_t st, const char* what) {
    if (st == CUBLAS_STATUS_SUCCESS) return {};
    return makeError(std::string("cublas: ") + what + ": " + cublasGetStatusString(st));
}

}  // namespace

Expected<std::unique_ptr<Gemm>> Gemm::create(cudaStream_t stream) {
    cublasHandle_t h = nullptr;
    if (Status s = checkCublas(cublasCreate(&h), "cublasCreate"); !s) return Error{s.message()};
    std::unique_ptr<Gemm> g(new Gemm(h));  // owns h from here on
    if (Status s = checkCublas(cublasSetStream(h, stream), "cublasSetStream"); !s)
        return Error{s.message()};
    return Expected<std::unique_ptr<Gemm>>(std::move(g));
}

Gemm::~Gemm() {
    if (m_handle) cublasDestroy(static_cast<cublasHandle_t>(m_handle));
}

Status Gemm::run(const __half* w, const __half* x, float* y, int rows, int cols, int nTok) {
    // Row-major W [rows][cols] is column-major W^T (cols x rows, ld cols); row-major X [nTok][cols]
    // is column-major cols x nTok; Y^T = W * X^T is column-major rows x nTok = row-major y.
    const float alpha = 1.f, beta = 0.f;
    return checkCublas(
        cublasGemmEx(static_cast<cublasHandle_t>(m_handle), CUBLAS_OP_T, CUBLAS_OP_N, rows, nTok,
                     cols, &alpha, w, CUDA_R_16F, cols, x, CUDA_R_16F, cols, &beta, y, CUDA_R_32F,
                     rows, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
        "cublasGemmEx");
}

Status gemm(GgmlType t, const void* w, const float* x, float* y, int rows, int cols, int nTok) {
    if (Status s = checkMatrixShape(t, rows, cols, "gemm"); !s) return s;
    if (nTok <= 0) return makeError("cuda gemm: nTok must be > 0");
    auto g = Gemm::create(nullptr);
    if (!g) return g.error();
    DeviceBuffer dq, dw16, dx, dx16, dy;
    const size_t xCount = size_t(nTok) * cols, wCount = size_t(rows) * cols;
    if (Status s = dq.upload(w, matrixBytes(t, rows, cols)); !s) return s;
    if (Status s = dw16.allocate(wCount * 2); !s) return s;
    if (Status s = dx.upload(x, xCount * 4); !s) return s;
    if (Status s = dx16.allocate(xCount * 2); !s) return s;
    if (Status s = dy.allocate(size_t(nTok) * rows * 4); !s) return s;
    if (Status s = launchDequantizeF16(t, dq.as<void>(), dw16.as<__half>(), rows, cols, nullptr);
        !s)
        return s;
    launchF32ToF16(dx.as<float>(), dx16.as<__half>(), int64_t(xCount), nullptr);
    if (Status s =
            (*g)->run(dw16.as<__half>(), dx16.as<__half>(), dy.as<float>(), rows, cols, nTok);
        !s)
        return s;
    if (Status s = finish("gemm"); !s) return s;
    return dy.download(y, size_t(nTok) * rows * 4);
}

}  // namespace folio::cuda
