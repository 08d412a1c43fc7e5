// A stand-in for libnvidia-ml.so.1 (the NVML symbols probeGpu() loads), reporting one GPU with
// fixed memory figures, so the probe's success path is tested on machines without NVIDIA.
#include <cstring>

namespace {
struct FakeMemory {
    unsigned long long total, free, used;
};
}  // namespace

extern "C" {
int nvmlInit_v2() {
    return 0;
}
int nvmlShutdown() {
    return 0;
}
int nvmlDeviceGetCount_v2(unsigned int* count) {
    *count = 1;
    return 0;
}
int nvmlDeviceGetHandleByIndex_v2(unsigned int index, void** device) {
    static int handle;
    *device = &handle;
    return index == 0 ? 0 : 2;  // NVML_ERROR_INVALID_ARGUMENT
}
int nvmlDeviceGetMemoryInfo(void*, FakeMemory* memory) {
    memory->total = 8ull << 30;  // 8 GiB, 6 GiB free
    memory->free = 6ull << 30;
    memory->used = 2ull << 30;
    return 0;
}
int nvmlDeviceGetName(void*, char* name, unsigned int length) {
    std::strncpy(name, "Fake GPU 8GB", length);
    return 0;
}
}
