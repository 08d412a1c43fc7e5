#include "app/models/gpu_memory.h"

#include <dlfcn.h>

#include "engine/cuda/memory_plan.h"

namespace folio {
namespace {

// The NVML ABI subset used here (nvml.h is not needed: these are stable C symbols).
using NvmlReturn = int;  // 0 = NVML_SUCCESS
using NvmlDevice = void*;
struct NvmlMemory {
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
};
using InitFn = NvmlReturn (*)();
using ShutdownFn = NvmlReturn (*)();
using CountFn = NvmlReturn (*)(unsigned int*);
using HandleFn = NvmlReturn (*)(unsigned int, NvmlDevice*);
using MemoryFn = NvmlReturn (*)(NvmlDevice, NvmlMemory*);
using NameFn = NvmlReturn (*)(NvmlDevice, char*, unsigned int);
constexpr unsigned kNameBytes = 96;  // NVML_DEVICE_NAME_V2_BUFFER_SIZE

// dlclose on every exit path.
struct Library {
    void* handle;
    explicit Library(const char* name) : handle(dlopen(name, RTLD_NOW | RTLD_LOCAL)) {}
    ~Library() {
        if (handle) dlclose(handle);
    }
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;
    template <class Fn>
    Fn get(const char* symbol) const {
        return reinterpret_cast<Fn>(dlsym(handle, symbol));
    }
};

GpuInfo queryDevice(const Library& lib) {
    GpuInfo info;
    const auto count = lib.get<CountFn>("nvmlDeviceGetCount_v2");
    const auto handle = lib.get<HandleFn>("nvmlDeviceGetHandleByIndex_v2");
    const auto memory = lib.get<MemoryFn>("nvmlDeviceGetMemoryInfo");
    const auto name = lib.get<NameFn>("nvmlDeviceGetName");
    if (!count || !handle || !memory) {
        info.problem = QStringLiteral("the NVIDIA driver's NVML library lacks a needed function");
        return info;
    }
    unsigned int n = 0;
    NvmlDevice device = nullptr;
    NvmlMemory mem{};
    if (count(&n) != 0 || n == 0) {
        info.problem = QStringLiteral("no NVIDIA GPU found");
        return info;
    }
    if (handle(0, &device) != 0 || memory(device, &mem) != 0) {
        info.problem = QStringLiteral("the NVIDIA driver did not report the GPU's memory");
        return info;
    }
    char buffer[kNameBytes] = {};
    if (name && name(device, buffer, kNameBytes) == 0) info.name = QString::fromUtf8(buffer);
    info.found = true;
    info.freeBytes = qint64(std::min<unsigned long long>(mem.free, INT64_MAX));
    info.totalBytes = qint64(std::min<unsigned long long>(mem.total, INT64_MAX));
    return info;
}

}  // namespace

GpuInfo probeGpu(const char* library) {
    GpuInfo info;
    const Library lib(library);
    if (!lib.handle) {
        info.problem = QStringLiteral("no GPU found (no NVIDIA driver: %1 is not installed)")
                           .arg(QLatin1String(library));
        return info;
    }
    const auto init = lib.get<InitFn>("nvmlInit_v2");
    const auto shutdown = lib.get<ShutdownFn>("nvmlShutdown");
    if (!init || !shutdown) {
        info.problem = QStringLiteral("%1 is not the NVML library").arg(QLatin1String(library));
        return info;
    }
    if (const NvmlReturn rc = init(); rc != 0) {
        info.problem =
            QStringLiteral("no GPU found (the NVIDIA driver did not start: NVML error %1)").arg(rc);
        return info;
    }
    info = queryDevice(lib);
    shutdown();
    return info;
}

GpuEstimate gpuEstimate(const InstalledModel& model, int requestedContext, qint64 freeBytes) {
    GpuEstimate e;
    e.fit = QStringLiteral("unknown");
    const size_t nLayers = model.layerWeightBytes.size();
    if (nLayers == 0 || model.nLayer <= 0) return e;
    const qint64 context = model.effectiveContext(requestedContext);
    cuda::MemoryPlanInput in;
    for (size_t i = 0; i < nLayers; ++i) {
        in.layerWeightBytes.push_back(uint64_t(model.layerWeightBytes[i]));
        in.layerWeightElements.push_back(uint64_t(model.layerWeightElements[i]));
        e.weightBytes += model.layerWeightBytes[i];
    }
    e.weightBytes += model.otherWeightBytes;
    in.otherWeightBytes = uint64_t(model.otherWeightBytes);
    in.kvBytesPerTokenPerLayer = uint64_t(model.kvBytesPerToken() / model.nLayer);
    in.contextTokens = uint64_t(context);
    e.kvBytes = model.kvBytesPerToken() * context;
    e.workspaceBytes =
        kGpuActivationBytes + kGpuCublasBytes + 4 * model.nVocab + 2 * model.largestTensorElements;
    in.workspaceBytes = uint64_t(e.workspaceBytes);
    e.totalBytes = e.weightBytes + e.kvBytes + e.workspaceBytes;
    if (freeBytes < 0) return e;
    in.freeBytes = uint64_t(freeBytes);
    in.reserveBytes = uint64_t(kGpuReserveBytes);
    const cuda::MemoryPlan plan = cuda::planGpuMemory(in);
    static const QString kFit[] = {QStringLiteral("full"), QStringLiteral("partial"),
                                   QStringLiteral("none")};
    e.fit = kFit[int(plan.kind)];
    e.gpuLayers = plan.gpuLayers;
    e.message = QString::fromStdString(plan.message);
    return e;
}

}  // namespace folio
