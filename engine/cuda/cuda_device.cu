#include <dlfcn.h>

#include "engine/cuda/cuda_backend.h"
#include "engine/cuda/cuda_check.h"

namespace folio::cuda {

namespace {

// Why cudaGetDeviceCount failed, in words a user can act on. The static CUDA runtime opens the
// driver (libcuda.so.1) itself and reports a missing one as "insufficient driver", the same as
// an old one; the two are told apart by whether the driver library was loaded.
std::string noDeviceReason(cudaError_t e) {
    const std::string runtime = "CUDA " + std::to_string(CUDART_VERSION / 1000) + "." +
                                std::to_string(CUDART_VERSION % 1000 / 10);
    if (e == cudaErrorInsufficientDriver) {
        void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_NOLOAD);
        if (!driver) return "no NVIDIA driver (libcuda.so.1 not found)";
        dlclose(driver);  // only drops the reference NOLOAD added
        return "the NVIDIA driver is older than this build's " + runtime + " runtime";
    }
    if (e == cudaErrorNoDevice) return "no CUDA device found";
    return std::string("no usable CUDA device: ") + cudaGetErrorString(e);
}

}  // namespace

Expected<DeviceInfo> probeDevice() {
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
        cudaGetLastError();  // clear the sticky error so later probes start clean
        return makeError(noDeviceReason(e));
    }
    if (count == 0) return makeError("no CUDA device found");
    cudaDeviceProp prop{};
    if (Status s = check(cudaGetDeviceProperties(&prop, 0), "cudaGetDeviceProperties"); !s)
        return Error{s.message()};
    DeviceInfo info;
    info.name = prop.name;
    info.computeMajor = prop.major;
    info.computeMinor = prop.minor;
    if (Status s = check(cudaMemGetInfo(&info.freeBytes, &info.totalBytes), "cudaMemGetInfo"); !s)
        return Error{s.message()};
    return info;
}

}  // namespace folio::cuda
