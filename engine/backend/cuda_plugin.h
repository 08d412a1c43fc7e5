#pragma once
// The one C symbol libfolio_cuda.so exports, shared by the plugin (engine/cuda/cuda_plugin.cu)
// and its loader (engine/backend/backend.cpp). The plugin is built from the same sources and
// compiler as the engine that loads it, so the C++ types in this table (std::string, Backend)
// have the same layout on both sides; abiVersion and the struct sizes guard against a stale
// plugin from another build.
#include <cstddef>
#include <string>

#include "engine/backend/backend.h"

namespace folio {

constexpr int kCudaPluginAbi = 1;

struct CudaPluginApi {
    int abiVersion = kCudaPluginAbi;
    size_t contextSize = sizeof(BackendContext);
    size_t stringSize = sizeof(std::string);
    // Describes the first CUDA device ("NVIDIA H200 (sm_90, 139 GiB free of 140 GiB)") into
    // *out and returns true, or returns false with the reason there is none in *out.
    bool (*probe)(std::string* out) = nullptr;
    // Creates the CUDA backend for *context; on failure returns null with the reason in *error
    // (out of memory, unsupported weight type, ...). The caller owns the result (delete).
    Backend* (*create)(const BackendContext* context, std::string* error) = nullptr;
};

}  // namespace folio

// Name of the exported factory; its type is FolioCudaPluginFn.
#define FOLIO_CUDA_PLUGIN_SYMBOL "folio_cuda_plugin_v1"
extern "C" {
typedef const folio::CudaPluginApi* (*FolioCudaPluginFn)();
}
