#pragma once
// Synchronous text generation on one model: chunked prefill with KV prefix reuse, then sampled
// decoding with streaming detokenization and stop conditions. Used by the engine thread
// (engine.cpp) and directly by folio-cli.
//
// Threading: not thread-safe; one thread (the engine thread) uses a Generator at a time.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/backend/backend.h"
#include "engine/model/model.h"
#include "engine/runtime/kv_cache.h"
#include "engine/runtime/kv_disk.h"
#include "engine/runtime/types.h"
#include "engine/status.h"

namespace folio {

class ThreadPool;

struct GeneratorOptions {
    int contextLength = 0;  // tokens; 0 = min(model's training context, 32768)
    int chunkSize = 512;    // prefill chunk (tokens)
    KvType kvType = KvType::F16;
    Device device = Device::Cpu;  // see createBackend (Gpu fails without CUDA; Auto falls back)
};

struct GenerationHooks {
    std::function<bool()> cancelled;                     // polled per chunk and per token
    std::function<void(int done, int total)> onPrefill;  // prompt tokens processed
    std::function<void(std::string_view text)> onText;   // complete UTF-8 pieces
    bool ignoreEndOfGeneration = false;                  // benchmarks: always run maxTokens
};

class Generator {
public:
    static Expected<std::unique_ptr<Generator>> create(const Model& model, ThreadPool& pool,
                                                       const GeneratorOptions& options);
    Generator(const Generator&) = delete;
    Generator& operator=(const Generator&) = delete;

    int contextLength() const { return m_contextLength; }
    const KvCache& cache() const { return *m_cache; }
    const Backend& backend() const { return *m_backend; }
    // Why the CPU runs although a GPU was asked for (Device::Auto), else empty.
    const std::string& backendFallbackReason() const { return m_fallbackReason; }

    // Runs the prompt (reusing whatever prefix of it is cached) and samples up to maxTokens.
    // `stopTokens` end generation (in addition to the tokenizer's end-of-generation ids).
    GenerationResult generate(const std::vector<int32_t>& prompt, const SamplingParams& sampling,
                              int maxTokens, const std::vector<int32_t>& stopTokens,
                              const GenerationHooks& hooks);

    // Teacher-forced evaluation of `tokens` from position 0 in a fresh sequence. logits receives
    // [tokens.size()][nVocab] when allLogits, else [nVocab] for the last position.
    // With reusePrefix (only when !allLogits) the longest cached prefix is attached instead of
    // recomputed; lastReusedTokens() then tells how many tokens were reused.
    Status evaluate(const std::vector<int32_t>& tokens, bool allLogits, std::vector<float>& logits,
                    const GenerationHooks& hooks = {}, bool reusePrefix = false);
    int lastReusedTokens() const { return m_lastReused; }
    // Of those, loaded from the disk tier.
    int lastRestoredTokens() const { return m_lastRestored; }

    // The disk tier of the prefix cache (kv_disk.h): prompts' full blocks are saved after their
    // prefill and loaded on a later prompt that starts with them. CPU backend only (another
    // backend keeps its own KV storage); null turns it off.
    void setDiskCache(std::unique_ptr<KvDiskCache> disk);
    KvDiskCache* diskCache() const { return m_disk.get(); }
    // The tags of the prompts that follow (GenerationRequest::savedTags): saved blocks remember
    // them so that forgetting a source deletes its blocks (kv_disk.h).
    void setSavedTags(std::vector<std::string> tags);

private:
    Generator(const Model& model, ThreadPool& pool) : m_model(model), m_pool(pool) {}
    // Runs tokens[from..) through the model in chunks into m_seq, checking hooks.cancelled
    // before each chunk and reporting progress after it. logits: allLogits ? [tokens.size()]
    // [nVocab] (rows before `from` untouched) : [nVocab] for the last token.
    Status prefill(const std::vector<int32_t>& tokens, int from, float* logits, bool allLogits,
                   const GenerationHooks& hooks, bool& cancelled);
    // Starts a fresh sequence for `prompt`, attaching its longest cached prefix (memory, then
    // disk); returns its length. m_lastRestored: how much of it came from disk.
    int resetSequence(const std::vector<int32_t>& prompt);
    // Loads the blocks that follow the attached ones from disk while they are there.
    int restoreFromDisk(const std::vector<int32_t>& prompt, int attached);
    // Queues the sequence's full blocks within the first `tokens` that disk lacks.
    void saveToDisk(int tokens);

    const Model& m_model;
    ThreadPool& m_pool;
    int m_contextLength = 0;
    std::unique_ptr<KvCache> m_cache;
    std::unique_ptr<Backend> m_backend;  // destroyed before m_cache (declared after it)
    std::string m_fallbackReason;
    KvCache::SeqId m_seq = -1;
    std::vector<float> m_logits;  // [nVocab]
    int m_lastReused = 0;
    int m_lastRestored = 0;
    std::unique_ptr<KvDiskCache> m_disk;
    std::vector<std::string> m_savedTags;  // normalized (KvDiskCache::normalizeTags)
};

}  // namespace folio
