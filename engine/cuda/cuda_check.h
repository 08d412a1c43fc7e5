#pragma once
// Turns CUDA runtime errors into folio::Error values (never abort). Launch errors are collected
// after the stream synchronises, since launches can fail late (e.g. lazy module loading, OOM).
#include <cuda_runtime.h>

#include <string>

#include "engine/status.h"

namespace folio::cuda {

inline Status check(cudaError_t e, const char* what) {
    if (e == cudaSuccess) return {};
    return makeError(std::string("cuda: ") + what + ": " + cudaGetErrorString(e));
}

}  // namespace folio::cuda

#define FOLIO_CUDA_TRY(expr, what)                                                 \
    do {                                                                           \
        ::folio::Status folio_cuda_status_ = ::folio::cuda::check((expr), (what)); \
        if (!folio_cuda_status_) return folio_cuda_status_;                        \
    } while (0)
