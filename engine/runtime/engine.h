#pragma once
// The engine's public, thread-safe facade. It owns one engine thread; every piece of engine state
// (model weights, KV cache, sessions) is touched only on that thread. Callers on any thread submit
// commands; results come back through callbacks that run ON THE ENGINE THREAD and must not block
// (the app turns them into queued Qt signals). No exception crosses this API.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/runtime/types.h"
#include "engine/status.h"

namespace folio {

struct LoadOptions {
    std::string modelPath;  // a .gguf file
    int threads = 0;        // 0 = number of physical cores
    int contextLength = 0;  // tokens; 0 = min(model's training context, 32768)
    // Gpu/Auto: the CUDA backend when it loads and the model fits, else the CPU (the summary's
    // device string then says why the GPU is not used).
    Device device = Device::Cpu;
    KvType kvType = KvType::F16;  // the CPU backend's KV cache; Q8_0 halves its memory
    // The disk tier of the prefix cache (kv_disk.h): prompts' KV blocks saved under this folder
    // and loaded by later prompts that start the same way, across restarts. Empty: off. A folder
    // that cannot be used is reported on stderr and the engine runs without it.
    std::string kvDiskDirectory;
    int64_t kvDiskMaxBytes = int64_t(4) << 30;  // the folder is kept under this (LRU)
};

struct ModelSummary {
    std::string path;
    std::string architecture;  // "qwen2", "qwen3", "llama"
    std::string name;          // general.name
    std::string quantization;  // e.g. "Q4_K_M"
    int64_t parameters = 0;
    int contextLength = 0;  // the context the engine was set up with
    int trainContextLength = 0;
    size_t kvBytesPerToken = 0;     // K and V of every layer, as stored
    std::string kvType;             // "f16", "q8_0" or "f32" (KvCache::typeName)
    std::string device;             // "CPU (AVX2, 2 threads)" or "CUDA (NVIDIA H200, ...)"
    bool supportsThinking = false;  // Qwen3-style <think> blocks
};

struct GenerationRequest {
    std::vector<ChatMessage> messages;  // rendered with the model's chat template
    // A plain completion (the API's /v1/completions): when set, the prompt is this text as is,
    // with no chat template and no special tokens parsed in it; messages are ignored.
    std::optional<std::string> rawPrompt;
    bool thinking = false;  // Qwen3: false renders an empty think block
    // When non-empty, the last assistant turn is continued (not closed) with this text.
    std::string continueAssistant;
    SamplingParams sampling;
    int maxTokens = 2048;
    // Benchmarks and stress tests: end-of-text tokens do not end the reply, so exactly
    // maxTokens are generated (unless cancelled or a stop string matches).
    bool ignoreEndOfGeneration = false;
    // Where the prompt's text comes from, for the disk tier of the prefix cache (the app:
    // "conv-12", "doc-7"; [A-Za-z0-9_-]). A saved block keeps the tags that every prompt using it
    // carried; Engine::forgetSaved(tag) deletes the blocks that hold that source's text.
    std::vector<std::string> savedTags;
};

// Callbacks run on the engine thread, in this order: onPrefill* (onText)* onFinished (exactly
// once).
struct GenerationCallbacks {
    std::function<void(int done, int total)> onPrefill;  // prompt tokens processed so far
    std::function<void(std::string_view text)> onText;   // complete UTF-8 pieces only
    std::function<void(const GenerationResult& result)> onFinished;
};

// What this computer gives the CPU backend, for estimates shown before a model is loaded.
struct HostCpu {
    int physicalCores = 1;  // the default thread count (LoadOptions::threads = 0)
    std::string level;      // the kernel level in use: "scalar", "avx2", "avx512", "avx512-bf16"
};
HostCpu hostCpu();  // thread-safe

class Engine {
public:
    Engine();
    ~Engine();  // cancels everything, stops and joins the engine thread
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Loads (or replaces) the model. onProgress gets 0..1; onDone gets the summary or the error.
    void load(LoadOptions options, std::function<void(float)> onProgress,
              std::function<void(Expected<ModelSummary>)> onDone);
    void unload();

    // Queues a generation; returns its id (> 0). Requests run one at a time in order.
    uint64_t submit(GenerationRequest request, GenerationCallbacks callbacks);
    // Takes effect before the next token or prefill chunk; onFinished reports Cancelled.
    void cancel(uint64_t requestId);
    void cancelAll();

    // Deletes the KV blocks saved under directory (LoadOptions::kvDiskDirectory) whose tags
    // include tag (GenerationRequest::savedTags), for every model, after the queued requests;
    // onDone (engine thread) gets how many files were deleted. Works with or without a model.
    void forgetSaved(std::string directory, std::string tag,
                     std::function<void(int files)> onDone = {});

    // Thread-safe, may be called from the GUI thread: token count of plain text (no special
    // tokens) with the loaded tokenizer, or -1 when no model is loaded.
    int countTokens(std::string_view text) const;
    // Tokens the chat template adds around each message (for the context meter); 0 without a model.
    int templateOverheadPerMessage() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace folio
