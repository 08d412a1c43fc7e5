#include "engine/cuda/cuda_backend.h"
#include "engine/cuda/cuda_check.h"

namespace folio::cuda {

Expected<DeviceInfo> probeDevice() {
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
        cudaGetLastError();  // clear the sticky error so later probes start clean
        return makeError(std::string("no usable CUDA device: ") + cudaGetErrorString(e));
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
