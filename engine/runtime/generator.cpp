#include "engine/runtime/generator.h"

#include <algorithm>
#include <chrono>

#include "engine/runtime/sampler.h"
#include "engine/runtime/stop_strings.h"
#include "engine/runtime/thread_pool.h"

namespace folio {

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

constexpr int kDefaultMaxContext = 32768;

}  // namespace

Expected<std::unique_ptr<Generator>> Generator::create(const Model& model, ThreadPool& pool,
                                                       const GeneratorOptions& options) {
    const ModelConfig& c = model.config();
    std::unique_ptr<Generator> g(new Generator(model, pool));
    int ctx = options.contextLength > 0 ? options.contextLength
                                        : std::min(c.nCtxTrain, kDefaultMaxContext);
    if (ctx < 16) return makeError("context length " + std::to_string(ctx) + " is too small");
    if (ctx > c.nCtxTrain)
        return makeError("context length " + std::to_string(ctx) + " exceeds the model's maximum " +
                         std::to_string(c.nCtxTrain));
    g->m_contextLength = ctx;
    KvCacheConfig kv;
    kv.nLayers = c.nLayer;
    kv.nKvHeads = c.nKvHead;
    kv.headDim = c.headDim;
    kv.maxTokens = ctx;
    kv.type = options.kvType;
    auto cache = KvCache::create(kv);
    if (!cache) return cache.error();
    g->m_cache = std::move(cache.value());
    BackendContext bc;
    bc.model = &model;
    bc.cache = g->m_cache.get();
    bc.pool = &pool;
    bc.maxChunk = std::max(1, options.chunkSize);
    auto selected = createBackend(options.device, bc);
    if (!selected) return selected.error();
    g->m_backend = std::move(selected->backend);
    g->m_fallbackReason = std::move(selected->fallbackReason);
    // Copy-on-write in the host page table must reach a backend's own KV storage.
    Backend* backend = g->m_backend.get();
    g->m_cache->setBlockCopyHook(
        [backend](int32_t src, int32_t dst) { backend->copyBlock(src, dst); });
    g->m_logits.resize(size_t(c.nVocab));
    return g;
}

int Generator::resetSequence(const std::vector<int32_t>& prompt) {
    // Free the previous sequence: its full blocks stay in the prefix index, so a prompt that
    // starts with the same tokens (the next turn of a chat, another question on the same
    // document) attaches them instead of recomputing.
    if (m_seq >= 0) m_cache->freeSequence(m_seq);
    m_seq = m_cache->createSequence();
    const int attached = m_cache->attachCachedPrefix(m_seq, prompt);
    m_lastRestored = m_disk ? restoreFromDisk(prompt, attached) : 0;
    return attached + m_lastRestored;
}

void Generator::setDiskCache(std::unique_ptr<KvDiskCache> disk) {
    if (disk && std::string(m_backend->name()) != "cpu") disk.reset();
    m_disk = std::move(disk);
}

int Generator::restoreFromDisk(const std::vector<int32_t>& prompt, int attached) {
    const size_t bt = size_t(m_cache->config().blockTokens);
    std::vector<uint8_t> bytes(m_cache->blockBytes());
    size_t n = size_t(attached);
    while (n + bt < prompt.size()) {  // strictly less: leave >= 1 token to compute
        const int32_t* ids = prompt.data() + n;
        const uint64_t key = m_cache->nextBlockKey(m_seq, ids);
        if (!m_disk->load(key, ids, bytes.data())) break;
        if (!m_cache->restoreBlock(m_seq, ids, bytes.data())) break;
        n += bt;
    }
    return int(n) - attached;
}

void Generator::saveToDisk(int tokens) {
    if (!m_disk || m_seq < 0) return;
    const size_t bt = size_t(m_cache->config().blockTokens);
    const std::vector<uint64_t>& keys = m_cache->blockKeys(m_seq);
    const std::vector<KvCache::BlockId>& table = m_cache->blockTable(m_seq);
    const std::vector<int32_t>& ids = m_cache->tokens(m_seq);
    const size_t blocks = std::min(keys.size(), size_t(tokens) / bt);
    for (size_t i = 0; i < blocks; ++i) {
        if (m_disk->contains(keys[i])) {
            m_disk->noteUse(keys[i], m_savedTags);
            continue;
        }
        std::vector<uint8_t> bytes(m_cache->blockBytes());
        m_cache->copyBlockOut(table[i], bytes.data());
        m_disk->storeAsync(keys[i],
                           std::vector<int32_t>(ids.begin() + i * bt, ids.begin() + (i + 1) * bt),
                           std::move(bytes), m_savedTags);
    }
    m_disk->saveTags();
}

void Generator::setSavedTags(std::vector<std::string> tags) {
    m_savedTags = KvDiskCache::normalizeTags(std::move(tags));
}

Status Generator::prefill(const std::vector<int32_t>& tokens, int from, float* logits,
                          bool allLogits, const GenerationHooks& hooks, bool& cancelled) {
    const int total = int(tokens.size());
    const int chunk = m_backend->maxChunk();
    const size_t nVocab = size_t(m_model.config().nVocab);
    cancelled = false;
    for (int pos = from; pos < total; pos += chunk) {
        if (hooks.cancelled && hooks.cancelled()) {
            cancelled = true;
            return {};
        }
        const int n = std::min(chunk, total - pos);
        std::vector<int32_t> piece(tokens.begin() + pos, tokens.begin() + pos + n);
        if (Status s = m_cache->reserve(m_seq, piece); !s) return s;
        float* out =
            allLogits ? logits + size_t(pos) * nVocab : (pos + n == total ? logits : nullptr);
        if (Status s = m_backend->run(*m_cache, m_seq, piece.data(), n, pos, out, allLogits); !s)
            return s;
        m_cache->commit(m_seq);
        if (hooks.onPrefill) hooks.onPrefill(pos + n, total);
    }
    return {};
}

GenerationResult Generator::generate(const std::vector<int32_t>& prompt,
                                     const SamplingParams& sampling, int maxTokens,
                                     const std::vector<int32_t>& stopTokens,
                                     const GenerationHooks& hooks) {
    GenerationResult result;
    const auto start = Clock::now();
    result.promptTokens = int(prompt.size());
    if (prompt.empty()) {
        result.reason = FinishReason::Error;
        result.error = "the prompt is empty";
        return result;
    }
    if (int(prompt.size()) >= m_contextLength) {
        result.reason = FinishReason::Error;
        result.error = "the prompt has " + std::to_string(prompt.size()) +
                       " tokens but the context holds " + std::to_string(m_contextLength) +
                       "; shorten it or raise the context size";
        return result;
    }
    const int reused = resetSequence(prompt);
    result.reusedPromptTokens = reused;
    result.restoredPromptTokens = m_lastRestored;
    bool cancelled = false;
    if (hooks.onPrefill) hooks.onPrefill(reused, int(prompt.size()));
    if (Status s = prefill(prompt, reused, m_logits.data(), false, hooks, cancelled); !s) {
        result.reason = FinishReason::Error;
        result.error = s.message();
        return result;
    }
    if (cancelled) {
        // What was read stays: in the memory cache, and on disk (a read-ahead cut short by the
        // user's question has still read that much).
        saveToDisk(m_cache->length(m_seq));
        result.reason = FinishReason::Cancelled;
        return result;
    }
    const double prefillMs = msSince(start);
    result.timeToFirstTokenMs = prefillMs;
    // The prompt's blocks are copied out for the disk tier after the first token is shown (the
    // files are written in the background): the copy never delays the first token.
    bool saved = false;
    const auto save = [&] {
        if (!saved) saveToDisk(int(prompt.size()));
        saved = true;
    };
    const int computed = int(prompt.size()) - reused;
    result.prefillTokensPerSecond = prefillMs > 0 ? computed * 1000.0 / prefillMs : 0;

    const Tokenizer& tok = m_model.tokenizer();
    Sampler sampler(sampling, m_model.config().nVocab);
    StreamingDetokenizer detok(tok);
    StopStringMatcher stops(sampling.stopStrings);
    std::vector<int32_t> recent(prompt.end() - std::min<size_t>(prompt.size(), 64), prompt.end());
    auto emit = [&](const std::string& text) {
        if (!text.empty() && hooks.onText) hooks.onText(text);
    };
    const auto decodeStart = Clock::now();
    result.reason = FinishReason::Length;
    int pos = int(prompt.size());
    for (int i = 0; i < maxTokens; ++i) {
        if (hooks.cancelled && hooks.cancelled()) {
            result.reason = FinishReason::Cancelled;
            break;
        }
        const int32_t id = sampler.sample(m_logits.data(), recent);
        if (!hooks.ignoreEndOfGeneration &&
            (tok.isEndOfGeneration(id) ||
             std::find(stopTokens.begin(), stopTokens.end(), id) != stopTokens.end())) {
            result.reason = FinishReason::EndOfText;
            break;
        }
        ++result.generatedTokens;
        if (i == 0) result.timeToFirstTokenMs = msSince(start);
        auto r = stops.push(detok.push(id));
        emit(r.text);
        save();
        if (r.stopped) {
            result.reason = FinishReason::StopString;
            break;
        }
        recent.push_back(id);
        if (recent.size() > 256) recent.erase(recent.begin(), recent.begin() + 128);
        if (pos + 1 >= m_contextLength) break;  // the context is full: FinishReason::Length
        std::vector<int32_t> one{id};
        if (Status s = m_cache->reserve(m_seq, one); !s) {
            result.reason = FinishReason::Error;
            result.error = s.message();
            break;
        }
        if (Status s = m_backend->run(*m_cache, m_seq, &id, 1, pos, m_logits.data(), false); !s) {
            result.reason = FinishReason::Error;
            result.error = s.message();
            break;
        }
        m_cache->commit(m_seq);
        ++pos;
    }
    save();
    if (result.reason != FinishReason::StopString) {
        auto r = stops.push(detok.flush());
        emit(r.text);
        if (!r.stopped) emit(stops.flush());
    }
    const double decodeMs = msSince(decodeStart);
    if (result.generatedTokens > 1 && decodeMs > 0)
        result.decodeTokensPerSecond = (result.generatedTokens - 1) * 1000.0 / decodeMs;
    return result;
}

Status Generator::evaluate(const std::vector<int32_t>& tokens, bool allLogits,
                           std::vector<float>& logits, const GenerationHooks& hooks,
                           bool reusePrefix) {
    const int nVocab = m_model.config().nVocab;
    if (tokens.empty()) return makeError("evaluate: no tokens");
    if (int(tokens.size()) > m_contextLength)
        return makeError("evaluate: " + std::to_string(tokens.size()) +
                         " tokens exceed the context of " + std::to_string(m_contextLength));
    if (reusePrefix && !allLogits) {
        m_lastReused = resetSequence(tokens);
    } else {
        if (m_seq >= 0) m_cache->freeSequence(m_seq);
        m_seq = m_cache->createSequence();
        m_lastReused = 0;
        m_lastRestored = 0;
    }
    logits.assign(allLogits ? tokens.size() * size_t(nVocab) : size_t(nVocab), 0.0f);
    bool cancelled = false;
    if (Status s = prefill(tokens, m_lastReused, logits.data(), allLogits, hooks, cancelled); !s)
        return s;
    if (cancelled) return makeError("evaluate: cancelled");
    if (reusePrefix && !allLogits) saveToDisk(int(tokens.size()));
    return {};
}

}  // namespace folio
