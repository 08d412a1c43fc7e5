// libfolio_cuda.so's one exported symbol (engine/backend/cuda_plugin.h): the table the engine's
// loader reads after dlopen. Everything else in the library is hidden (-fvisibility=hidden and
// --exclude-libs), so its private copy of folio_engine never clashes with the host program's.
#include "engine/backend/cuda_plugin.h"
#include "engine/cuda/cuda_forward.cuh"

namespace folio::cuda {

namespace {

bool probe(std::string* out) {
    auto d = describeDevice();
    *out = d ? *d : d.error().message;
    return d.ok();
}

Backend* create(const BackendContext* context, std::string* error) {
    auto b = CudaBackend::create(*context);
    if (!b) {
        *error = b.error().message;
        return nullptr;
    }
    return b.value().release();
}

}  // namespace

}  // namespace folio::cuda

extern "C" __attribute__((visibility("default"))) const folio::CudaPluginApi*
folio_cuda_plugin_v1() {
    static const folio::CudaPluginApi api = [] {
        folio::CudaPluginApi a;
        a.probe = folio::cuda::probe;
        a.create = folio::cuda::create;
        return a;
    }();
    return &api;
}
