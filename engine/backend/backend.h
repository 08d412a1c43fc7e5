#pragma once
// The forward-pass backend interface: what the Generator needs from a device. A backend runs a
// chunk of tokens at given positions of one sequence, writes their K/V into the sequence's
// blocks and produces logits. KV bookkeeping stays in the host KvCache page table: block ids are
// shared, and a backend that keeps its own KV storage (the CUDA backend's device pool) indexes
// it by the same block ids and mirrors copy-on-write through copyBlock().
//
// Backends: "cpu" (ForwardPass, always present) and "cuda" (libfolio_cuda.so, loaded with dlopen
// at run time so that nothing here links CUDA; absence is a message, never a crash).
//
// Threading: a Backend belongs to the engine thread (one call at a time).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/runtime/kv_cache.h"
#include "engine/runtime/types.h"
#include "engine/status.h"

namespace folio {

class Model;
class ThreadPool;

class Backend {
public:
    virtual ~Backend() = default;
    Backend() = default;
    Backend(const Backend&) = delete;
    Backend& operator=(const Backend&) = delete;

    virtual const char* name() const = 0;  // "cpu" or "cuda"
    // One line for logs and the app, e.g. "CUDA (NVIDIA H200, full offload with f16 ...)".
    virtual std::string description() const = 0;
    // The largest chunk run() accepts (tokens).
    virtual int maxChunk() const = 0;

    // Processes tokens[0..n) at positions [startPos, startPos + n) of `seq`; 0 < n <= maxChunk.
    // The caller has reserved the tokens in `cache` (KvCache::reserve) and commits after.
    // logits: allLogits ? [n][nVocab] : [nVocab] (the last token only), host memory; may be null.
    // Errors (bad token ids, device failures) come back as a Status; the sequence's reserved
    // positions then hold undefined K/V and the caller should truncate or free the sequence.
    virtual Status run(KvCache& cache, KvCache::SeqId seq, const int32_t* tokens, int n,
                       int startPos, float* logits, bool allLogits) = 0;

    // Storage hook: KvCache copied block src to dst (copy-on-write). Backends whose KV lives in
    // the host cache do nothing; others copy their own storage. A failure is reported by the
    // next run().
    virtual void copyBlock(int32_t src, int32_t dst) {
        (void)src;
        (void)dst;
    }
};

// What a backend is built for: the model (immutable, outlives the backend), the host cache whose
// page table it follows (outlives the backend), the CPU thread pool and the chunk size.
struct BackendContext {
    const Model* model = nullptr;
    const KvCache* cache = nullptr;
    ThreadPool* pool = nullptr;
    int maxChunk = 512;
};

// A created backend, and when a GPU was asked for but the CPU was chosen, why (else empty).
struct BackendSelection {
    std::unique_ptr<Backend> backend;
    std::string fallbackReason;
};

// Device::Cpu: the CPU backend. Device::Gpu: the CUDA backend or an Error saying why it cannot
// be used (plugin missing, no driver/device, model does not fit, unsupported weight type).
// Device::Auto: the CUDA backend when it loads and the model fits, else the CPU backend with
// fallbackReason set.
Expected<BackendSelection> createBackend(Device device, const BackendContext& context);

// Whether the NVIDIA driver's library (libcuda.so.1) loads here; without it Device::Auto falls
// back to the CPU with kNoNvidiaDriver as the reason, without loading the CUDA plugin.
bool nvidiaDriverPresent();
inline constexpr const char* kNoNvidiaDriver = "no NVIDIA driver (libcuda.so.1 not found)";

// The CPU backend alone (what createBackend(Device::Cpu) returns).
std::unique_ptr<Backend> createCpuBackend(const BackendContext& context);

// The backends this machine has, one line each, for `--version`:
//   "cpu (avx512)", then "cuda: NVIDIA H200 (sm_90, 140 GiB free of 141 GiB)" or
//   "cuda: not available: <reason>".
std::vector<std::string> describeBackends();

// Parses "cpu", "cuda"/"gpu" or "auto"; an Error names the accepted values.
Expected<Device> parseDevice(const std::string& text);
const char* deviceName(Device device);  // "cpu", "cuda", "auto"

}  // namespace folio
