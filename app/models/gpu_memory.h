#pragma once
// GPU memory for the model library: what a model needs on the GPU for full offload at a chosen
// context, and what the GPU of this machine has free. The arithmetic is the engine's own
// (engine/cuda/memory_plan.h, plain C++), so the library and the CUDA backend agree; the probe
// loads the driver's NVML library (libnvidia-ml.so.1) with dlopen at run time, so the app links
// no CUDA and a machine without an NVIDIA driver simply reports "no GPU found".
// Thread-safe: no shared state (probeGpu loads and unloads NVML on each call, ~10-50 ms).
#include <QString>

#include "app/models/model_library.h"

namespace folio {

struct GpuInfo {
    bool found = false;  // a device answered
    QString name;        // e.g. "NVIDIA GeForce RTX 4070"
    qint64 freeBytes = 0;
    qint64 totalBytes = 0;
    QString problem;  // why none was found (no driver, no device, an NVML error)
};

// Device 0 (the device the CUDA backend uses). library: the NVML shared object to load (tests
// pass a fake or a missing one).
GpuInfo probeGpu(const char* library = "libnvidia-ml.so.1");

// Fixed costs the estimate adds (bytes); see gpuEstimate().
inline constexpr qint64 kGpuActivationBytes = 64ll << 20;  // hidden states, attention partials
inline constexpr qint64 kGpuCublasBytes = 32ll << 20;      // cuBLAS workspace
inline constexpr qint64 kGpuReserveBytes = 512ll << 20;    // CUDA context and driver, left free

struct GpuEstimate {
    qint64 weightBytes = 0;     // layers + output (the embedding stays on the CPU unless tied)
    qint64 kvBytes = 0;         // f16 K and V for every layer at the context
    qint64 workspaceBytes = 0;  // activations + cuBLAS + logits + one f16 dequantised matrix
    qint64 totalBytes = 0;      // the sum: what full offload needs
    // With the GPU's free memory (kGpuReserveBytes kept back): "full" | "partial" | "none"
    // (does not fit even one layer) | "unknown" (no GPU or no free figure).
    QString fit;
    int gpuLayers = 0;  // layers the plan would put on the GPU
    QString message;    // the plan's one-line explanation
};

// Estimate for model at its effective context for requestedContext (0 = engine default).
// workspace = kGpuActivationBytes + kGpuCublasBytes + 4 * nVocab (f32 logits)
//             + 2 * largestTensorElements (the prefill's f16 copy of one matrix).
// freeBytes < 0: no GPU, fit = "unknown". A model without layer data gives zeros and "unknown".
GpuEstimate gpuEstimate(const InstalledModel& model, int requestedContext, qint64 freeBytes);

}  // namespace folio
