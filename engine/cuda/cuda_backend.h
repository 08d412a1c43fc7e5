#pragma once
// The CUDA backend's host API (plain C++; no CUDA types leak out). Every function reports
// failures — no device, no driver, out of memory, a failed launch — as a Status/Expected value.
//
// Thread-safety: functions may be called from one thread at a time (the engine thread).
#include <cstddef>
#include <cstdint>
#include <string>

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

// Reference-parity entry points (host memory in and out; used by the gpu-labelled tests and as
// the building blocks of the CUDA forward pass).
// out[r][i] = x[r][i] / rms(x[r]) * w[i]; x, out: [rows][n]
Status rmsNorm(const float* x, const float* w, float* out, int rows, int n, float eps);
// gate[i] = silu(gate[i]) * up[i]
Status swiglu(float* gate, const float* up, int64_t n);
// y[r] = sum_i dequant(W[r])[i] * x[i] for a Q8_0 matrix [rows][cols] (cols % 32 == 0).
Status matvecQ8_0(const void* w, const float* x, float* y, int rows, int cols);

}  // namespace folio::cuda
