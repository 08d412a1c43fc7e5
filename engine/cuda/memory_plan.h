#pragma once
// GPU memory plan: decides before loading whether a model runs fully on the GPU, with only its
// first n layers there (the rest on the CPU), or not at all, from byte counts and the free VRAM
// that cudaMemGetInfo reports. Pure arithmetic on plain C++ values (no CUDA), so it is unit-tested
// without a GPU and can be called by the app before the CUDA plugin is even loaded.
//
// Preference order:
//   1. Full offload with the f16 prefill copies of the weights (fastest prefill: cuBLAS reads f16).
//   2. Full offload without them (prefill dequantises each layer into the workspace first).
//   3. Partial offload of the first n layers (without f16 copies), n as large as fits.
//   4. Refusal, with a message giving the shortfall.
// All sums saturate at UINT64_MAX instead of wrapping, so absurd inputs refuse instead of fitting.
#include <cstdint>
#include <string>
#include <vector>

namespace folio::cuda {

struct MemoryPlanInput {
    // Per transformer layer: bytes of its weights as stored (quantised) on the GPU, and the
    // number of weight elements (the f16 prefill copy takes 2 bytes per element).
    std::vector<uint64_t> layerWeightBytes;
    std::vector<uint64_t> layerWeightElements;
    uint64_t otherWeightBytes = 0;         // token embedding rows used, output norm, output matrix
    uint64_t kvBytesPerTokenPerLayer = 0;  // 2 * nKvHeads * headDim * bytes per element
    uint64_t contextTokens = 0;            // the KV cache capacity to plan for
    uint64_t workspaceBytes = 0;  // activations, logits, attention partials, cuBLAS workspace
    uint64_t freeBytes = 0;       // cudaMemGetInfo's free value
    uint64_t reserveBytes = 0;    // headroom left free (driver, fragmentation, other programs)
};

enum class OffloadKind { Full, Partial, Refuse };

struct MemoryPlan {
    OffloadKind kind = OffloadKind::Refuse;
    int gpuLayers = 0;            // layers [0, gpuLayers) on the GPU
    bool f16PrefillCopy = false;  // whether the f16 copies of those layers' weights are kept
    uint64_t plannedBytes = 0;    // what the chosen plan allocates (reserve not included)
    std::string message;          // one line for logs and the app: what was chosen and why
};

namespace detail {

inline uint64_t satAdd(uint64_t a, uint64_t b) {
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}
inline uint64_t satMul(uint64_t a, uint64_t b) {
    return (a != 0 && b > UINT64_MAX / a) ? UINT64_MAX : a * b;
}
// A saturated sum means "more than 64 bits can count": it never fits, whatever the budget.
inline bool fits(uint64_t need, uint64_t budget) {
    return need != UINT64_MAX && need <= budget;
}
inline std::string mib(uint64_t bytes) {
    return std::to_string(bytes >> 20) + " MiB";
}

}  // namespace detail

// Bytes the first n layers need on the GPU: their weights (+ f16 copies) and their KV cache.
inline uint64_t layersBytes(const MemoryPlanInput& in, int n, bool f16Copy) {
    using namespace detail;
    const uint64_t kvPerLayer = satMul(in.kvBytesPerTokenPerLayer, in.contextTokens);
    uint64_t total = 0;
    for (int i = 0; i < n; ++i) {
        total = satAdd(total, satAdd(in.layerWeightBytes[size_t(i)], kvPerLayer));
        if (f16Copy) total = satAdd(total, satMul(in.layerWeightElements[size_t(i)], 2));
    }
    return total;
}

inline MemoryPlan planGpuMemory(const MemoryPlanInput& in) {
    using namespace detail;
    MemoryPlan plan;
    const int nLayers = int(in.layerWeightBytes.size());
    if (nLayers == 0 || in.layerWeightElements.size() != in.layerWeightBytes.size()) {
        plan.message =
            "memory plan: layerWeightBytes and layerWeightElements must be non-empty "
            "and of equal length";
        return plan;
    }
    const uint64_t budget = in.freeBytes > in.reserveBytes ? in.freeBytes - in.reserveBytes : 0;
    const uint64_t fixed = satAdd(in.otherWeightBytes, in.workspaceBytes);
    for (bool f16Copy : {true, false}) {
        const uint64_t need = satAdd(fixed, layersBytes(in, nLayers, f16Copy));
        if (fits(need, budget)) {
            plan.kind = OffloadKind::Full;
            plan.gpuLayers = nLayers;
            plan.f16PrefillCopy = f16Copy;
            plan.plannedBytes = need;
            plan.message = "full GPU offload" +
                           std::string(f16Copy ? " with f16 prefill weights" : "") + ": " +
                           mib(need) + " of " + mib(budget) + " usable";
            return plan;
        }
    }
    // Partial: the largest n that fits (layersBytes grows with n, so scan down from the top).
    for (int n = nLayers - 1; n >= 1; --n) {
        const uint64_t need = satAdd(fixed, layersBytes(in, n, false));
        if (fits(need, budget)) {
            plan.kind = OffloadKind::Partial;
            plan.gpuLayers = n;
            plan.plannedBytes = need;
            plan.message = "partial GPU offload: " + std::to_string(n) + " of " +
                           std::to_string(nLayers) + " layers, " + mib(need) + " of " +
                           mib(budget) + " usable";
            return plan;
        }
    }
    const uint64_t needOne = satAdd(fixed, layersBytes(in, 1, false));
    plan.message = "not enough GPU memory: even one layer needs " + mib(needOne) + " but " +
                   mib(budget) + " is usable (" + mib(in.freeBytes) + " free, " +
                   mib(in.reserveBytes) + " kept in reserve); running on the CPU";
    return plan;
}

}  // namespace folio::cuda
