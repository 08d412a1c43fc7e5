#include "engine/backend/backend.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <climits>

#include "engine/backend/cuda_plugin.h"
#include "engine/model/forward.h"
#include "engine/quant/kernels.h"

namespace folio {

namespace {

// The CPU backend: today's ForwardPass, unchanged. Its KV lives in the host KvCache, whose
// reserve() already copies blocks, so copyBlock stays the default no-op.
class CpuBackend final : public Backend {
public:
    explicit CpuBackend(const BackendContext& c)
        : m_forward(*c.model, *c.pool, std::max(1, c.maxChunk)) {}
    const char* name() const override { return "cpu"; }
    std::string description() const override {
        return "CPU (" + std::string(kernelLevelName(kernelLevel())) + ")";
    }
    int maxChunk() const override { return m_forward.maxChunk(); }
    Status run(KvCache& cache, KvCache::SeqId seq, const int32_t* tokens, int n, int startPos,
               float* logits, bool allLogits) override {
        return m_forward.run(cache, seq, tokens, n, startPos, logits, allLogits);
    }

private:
    ForwardPass m_forward;
};

// Where libfolio_cuda.so may be, in order: beside the running program (the build's bin/), in
// <prefix>/lib/folio/ (an installed tree: /usr/bin/folio-cli finds /usr/lib/folio/, where the
// folio-cuda package puts it, packaging/CMakeLists.txt), then the dynamic linker's search path.
// Candidates with a directory are tested for existence first, so that a plugin which is present
// but cannot load (libcublas missing) gives the reason rather than "not found" elsewhere.
struct PluginCandidate {
    std::string path;  // absolute, or the bare file name for the linker's search path
    bool searched;     // true: the bare name (existence cannot be tested beforehand)
};

constexpr const char* kPluginFile = "libfolio_cuda.so";

std::vector<PluginCandidate> pluginCandidates() {
    const std::string file = kPluginFile;
    std::vector<PluginCandidate> out;
    char exe[PATH_MAX];
    const ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (len > 0) {
        std::string dir(exe, size_t(len));
        dir = dir.substr(0, dir.find_last_of('/'));
        out.push_back({dir + "/" + file, false});
        const std::string prefix = dir.substr(0, dir.find_last_of('/'));  // /usr for /usr/bin
        out.push_back({prefix + "/lib/folio/" + file, false});
    }
    out.push_back({file, true});
    return out;
}

// The plugin, loaded once per process and never unloaded (backends created by it keep
// pointers into its code). Thread-safe: a function-local static.
struct LoadedPlugin {
    const CudaPluginApi* api = nullptr;
    std::string error;  // why api is null
};

bool isPluginOfThisBuild(const CudaPluginApi* api) {
    return api && api->abiVersion == kCudaPluginAbi && api->contextSize == sizeof(BackendContext) &&
           api->stringSize == sizeof(std::string) && api->probe && api->create;
}

LoadedPlugin loadPlugin() {
    LoadedPlugin p;
    std::string failure;  // the first plugin file that exists but cannot be used, and why
    std::string searchError;
    for (const PluginCandidate& c : pluginCandidates()) {
        if (!c.searched && access(c.path.c_str(), F_OK) != 0) continue;
        void* handle = dlopen(c.path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            const char* e = dlerror();
            const std::string why = e ? e : c.path + ": dlopen failed";
            // dlerror() names the file, or the missing dependency ("libcublas.so.13: cannot open
            // shared object file"), which is what a user needs to see.
            if (c.searched)
                searchError = why;
            else if (failure.empty())
                failure = "(" + c.path + ") cannot load: " + why;
            continue;
        }
        auto fn = reinterpret_cast<FolioCudaPluginFn>(dlsym(handle, FOLIO_CUDA_PLUGIN_SYMBOL));
        const CudaPluginApi* api = fn ? fn() : nullptr;
        if (!isPluginOfThisBuild(api)) {
            if (failure.empty())
                failure = "(" + c.path + ") is not a CUDA plugin of this Folio build";
            continue;  // never dlclose: harmless, and avoids unloading a half-used library
        }
        p.api = api;
        return p;
    }
    if (!failure.empty())
        p.error = "the CUDA backend " + failure;
    else if (!searchError.empty() && searchError.rfind(kPluginFile + std::string(":"), 0) != 0)
        p.error = "the CUDA backend cannot load: " + searchError;
    else
        p.error =
            "the CUDA backend is not installed (no libfolio_cuda.so beside the program, "
            "in ../lib/folio/ or on the library path)";
    return p;
}

const LoadedPlugin& plugin() {
    static const LoadedPlugin p = loadPlugin();
    return p;
}

Expected<std::unique_ptr<Backend>> createCuda(const BackendContext& context) {
    const LoadedPlugin& p = plugin();
    if (!p.api) return makeError(p.error);
    std::string error;
    Backend* b = p.api->create(&context, &error);
    if (!b) return makeError(error.empty() ? "the CUDA backend failed to start" : error);
    return std::unique_ptr<Backend>(b);
}

struct DeviceName {
    Device device;
    const char* name;
};
constexpr DeviceName kDeviceNames[] = {
    {Device::Cpu, "cpu"},
    {Device::Gpu, "cuda"},
    {Device::Auto, "auto"},
};

}  // namespace

// Without the driver there is no CUDA device. Device::Auto then does not load the plugin: once
// loaded, the plugin and its CUDA libraries can never be unloaded (C++ unique symbols make dlclose
// a no-op), which costs a process that then runs on the CPU ~150 MB of resident memory on a
// machine with the CUDA libraries but no GPU. Device::Gpu still loads it, so that its error
// names every problem (a missing cuBLAS as well).
bool nvidiaDriverPresent() {
    void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (!driver) return false;
    dlclose(driver);
    return true;
}

std::unique_ptr<Backend> createCpuBackend(const BackendContext& context) {
    return std::make_unique<CpuBackend>(context);
}

Expected<BackendSelection> createBackend(Device device, const BackendContext& context) {
    BackendSelection out;
    if (device != Device::Cpu) {
        auto cuda = device == Device::Gpu || nvidiaDriverPresent()
                        ? createCuda(context)
                        : Expected<std::unique_ptr<Backend>>(makeError(kNoNvidiaDriver));
        if (cuda) {
            out.backend = std::move(cuda.value());
            return out;
        }
        if (device == Device::Gpu) return cuda.error();
        out.fallbackReason = cuda.error().message;
    }
    out.backend = createCpuBackend(context);
    return out;
}

std::vector<std::string> describeBackends() {
    std::vector<std::string> out{"cpu (" + std::string(kernelLevelName(kernelLevel())) + ")"};
    const LoadedPlugin& p = plugin();
    if (!p.api) {
        out.push_back("cuda: not available: " + p.error);
        return out;
    }
    std::string text;
    const bool ok = p.api->probe(&text);
    out.push_back(ok ? "cuda: " + text : "cuda: not available: " + text);
    return out;
}

Expected<Device> parseDevice(const std::string& text) {
    if (text == "gpu") return Device::Gpu;
    for (const DeviceName& d : kDeviceNames)
        if (text == d.name) return d.device;
    return makeError("unknown device '" + text + "' (use cpu, cuda or auto)");
}

const char* deviceName(Device device) {
    for (const DeviceName& d : kDeviceNames)
        if (d.device == device) return d.name;
    return "?";
}

}  // namespace folio
