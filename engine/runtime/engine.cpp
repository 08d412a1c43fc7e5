#include "engine/runtime/engine.h"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "engine/chat/chat_format.h"
#include "engine/model/model.h"
#include "engine/quant/kernels.h"
#include "engine/runtime/chat_prompt.h"
#include "engine/runtime/generator.h"
#include "engine/runtime/kv_disk.h"
#include "engine/runtime/thread_pool.h"

namespace folio {

namespace {

// The engine thread and the compute workers it creates (threads inherit the nice value of the
// thread that creates them) run below normal priority, so that on a machine with few cores the
// GUI thread is scheduled first and the window stays responsive while a long prompt is
// processed. With idle cores this costs nothing.
constexpr int kEngineNice = 5;

void lowerThreadPriority() {
#if defined(__linux__)
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kEngineNice);
#endif
}

}  // namespace

// Engine thread state. Everything below `// engine thread only` is touched only by the thread
// running threadMain(); the rest is guarded by m_mutex or atomic.
struct Engine::Impl {
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::function<void()>> queue;  // commands, run in order on the engine thread
    std::set<uint64_t> pending;               // queued requests not started yet
    std::set<uint64_t> cancelled;             // queued requests cancelled before they started
    bool stopping = false;
    uint64_t nextId = 1;
    std::atomic<uint64_t> runningId{0};
    std::atomic<bool> cancelRunning{false};
    std::shared_ptr<const Tokenizer> tokenizer;  // guarded by mutex; the object is immutable
    int overheadPerMessage = 0;                  // guarded by mutex

    // engine thread only
    std::unique_ptr<ThreadPool> pool;
    std::unique_ptr<Model> model;
    std::unique_ptr<Generator> generator;
    std::unique_ptr<ChatFormatter> formatter;
    std::vector<int32_t> stopIds;

    std::thread thread;

    void post(std::function<void()> fn) {
        {
            std::lock_guard<std::mutex> lock(mutex);
            queue.push_back(std::move(fn));
        }
        wake.notify_one();
    }

    void threadMain() {
        lowerThreadPriority();
        for (;;) {
            std::function<void()> fn;
            {
                std::unique_lock<std::mutex> lock(mutex);
                wake.wait(lock, [&] { return stopping || !queue.empty(); });
                if (stopping) return;
                fn = std::move(queue.front());
                queue.pop_front();
            }
            fn();
        }
    }

    Expected<ModelSummary> doLoad(const LoadOptions& options,
                                  const std::function<void(float)>& onProgress) {
        generator.reset();
        model.reset();
        {
            std::lock_guard<std::mutex> lock(mutex);
            tokenizer.reset();
        }
        auto loaded = Model::load(options.modelPath, [&](float p) {
            if (onProgress) onProgress(p * 0.9f);
        });
        if (!loaded) return loaded.error();
        if (!pool || (options.threads > 0 && pool->size() != options.threads))
            pool = std::make_unique<ThreadPool>(options.threads);
        GeneratorOptions gopts;
        gopts.contextLength = options.contextLength;
        gopts.kvType = options.kvType;
        // The app's "gpu" setting means "the GPU when it works": a missing driver or a model
        // that does not fit falls back to the CPU, and the summary says why.
        gopts.device = options.device == Device::Cpu ? Device::Cpu : Device::Auto;
        auto gen = Generator::create(*loaded.value(), *pool, gopts);
        if (!gen) return gen.error();
        model = std::move(loaded.value());
        generator = std::move(gen.value());
        if (!options.kvDiskDirectory.empty()) openDiskCache(options);
        const ModelConfig& c = model->config();
        formatter = selectChatFormatter(c.arch->name, model->tokenizer().chatTemplate());
        stopIds = endOfTurnIds(model->tokenizer(), *formatter);
        const int overhead = measureTemplateOverhead();
        {
            std::lock_guard<std::mutex> lock(mutex);
            tokenizer = model->sharedTokenizer();
            overheadPerMessage = overhead;
        }
        if (onProgress) onProgress(1.0f);
        return summary();
    }

    // The disk tier for this model and KV layout; runs without it when the folder is unusable.
    void openDiskCache(const LoadOptions& options) {
        const KvCache& cache = generator->cache();
        const KvCacheConfig& kv = cache.config();
        auto identity =
            kvDiskIdentity(options.modelPath,
                           {int64_t(kv.type), kv.nLayers, kv.nKvHeads, kv.headDim, kv.blockTokens});
        Expected<std::unique_ptr<KvDiskCache>> disk =
            identity ? KvDiskCache::open(options.kvDiskDirectory,
                                         {*identity, kv.blockTokens, cache.blockBytes()},
                                         options.kvDiskMaxBytes)
                     : Expected<std::unique_ptr<KvDiskCache>>(identity.error());
        if (!disk) {
            std::fprintf(stderr, "folio: KV blocks are not saved to disk: %s\n",
                         disk.error().message.c_str());
            return;
        }
        generator->setDiskCache(std::move(disk.value()));
    }

    // Tokens a one-character user message costs beyond its text, so that the app's context meter
    // can add it per message.
    int measureTemplateOverhead() const {
        ChatTemplateOptions o;
        o.addGenerationPrompt = false;
        PromptText one = formatter->render({{"user", "x"}}, o);
        PromptText two = formatter->render({{"user", "x"}, {"assistant", "x"}}, o);
        int a = int(model->tokenizer().encodePrompt(one).size());
        int b = int(model->tokenizer().encodePrompt(two).size());
        return std::max(0, b - a - 1);
    }

    ModelSummary summary() const {
        const ModelConfig& c = model->config();
        ModelSummary s;
        s.path = model->path();
        s.architecture = std::string(c.arch->name);
        s.name = c.name;
        s.quantization = std::string(fileTypeName(c.fileType));
        s.parameters = model->parameterCount();
        s.contextLength = generator->contextLength();
        s.trainContextLength = c.nCtxTrain;
        if (std::string(generator->backend().name()) == "cpu") {
            s.device = "CPU (" + std::string(kernelLevelName(kernelLevel())) + ", " +
                       std::to_string(pool->size()) + " threads)";
            if (!generator->backendFallbackReason().empty())
                s.device += "; GPU not used: " + generator->backendFallbackReason();
            s.kvBytesPerToken = generator->cache().bytesPerToken();
            s.kvType = KvCache::typeName(generator->cache().config().type);
        } else {
            s.device = generator->backend().description();
            // The CUDA backend keeps K and V in f16 on the device whatever the host cache holds.
            s.kvBytesPerToken = size_t(2) * c.nLayer * c.nKvHead * c.headDim * sizeof(uint16_t);
            s.kvType = KvCache::typeName(KvType::F16);
        }
        s.supportsThinking = formatter->supportsThinking();
        return s;
    }

    void doGenerate(uint64_t id, const GenerationRequest& request, const GenerationCallbacks& cb) {
        GenerationResult result;
        bool skip;
        {
            std::lock_guard<std::mutex> lock(mutex);
            pending.erase(id);
            skip = cancelled.erase(id) > 0;
            if (!skip) {
                runningId.store(id);
                cancelRunning.store(false);
            }
        }
        if (skip) {
            result.reason = FinishReason::Cancelled;
        } else if (!generator) {
            runningId.store(0);
            result.reason = FinishReason::Error;
            result.error = "no model is loaded";
        } else {
            std::vector<int32_t> prompt =
                request.rawPrompt
                    ? buildPlainPrompt(model->tokenizer(), *request.rawPrompt)
                    : buildChatPrompt(model->tokenizer(), *formatter, request.messages,
                                      request.thinking, request.continueAssistant);
            GenerationHooks hooks;
            hooks.cancelled = [this] { return cancelRunning.load(std::memory_order_relaxed); };
            hooks.onPrefill = cb.onPrefill;
            hooks.onText = cb.onText;
            hooks.ignoreEndOfGeneration = request.ignoreEndOfGeneration;
            generator->setSavedTags(request.savedTags);
            result =
                generator->generate(prompt, request.sampling, request.maxTokens, stopIds, hooks);
            generator->setSavedTags({});
            runningId.store(0);
        }
        if (cb.onFinished) cb.onFinished(result);
    }
};

Engine::Engine() : m_impl(std::make_unique<Impl>()) {
    m_impl->thread = std::thread([impl = m_impl.get()] { impl->threadMain(); });
}

Engine::~Engine() {
    cancelAll();
    {
        std::lock_guard<std::mutex> lock(m_impl->mutex);
        m_impl->stopping = true;
    }
    m_impl->wake.notify_all();
    m_impl->thread.join();
}

void Engine::load(LoadOptions options, std::function<void(float)> onProgress,
                  std::function<void(Expected<ModelSummary>)> onDone) {
    cancelAll();
    m_impl->post([impl = m_impl.get(), options = std::move(options),
                  onProgress = std::move(onProgress), onDone = std::move(onDone)] {
        auto result = impl->doLoad(options, onProgress);
        if (onDone) onDone(std::move(result));
    });
}

void Engine::unload() {
    cancelAll();
    m_impl->post([impl = m_impl.get()] {
        impl->generator.reset();
        impl->model.reset();
        std::lock_guard<std::mutex> lock(impl->mutex);
        impl->tokenizer.reset();
    });
}

uint64_t Engine::submit(GenerationRequest request, GenerationCallbacks callbacks) {
    uint64_t id;
    {
        std::lock_guard<std::mutex> lock(m_impl->mutex);
        id = m_impl->nextId++;
        m_impl->pending.insert(id);
    }
    m_impl->post([impl = m_impl.get(), id, request = std::move(request),
                  callbacks = std::move(callbacks)] { impl->doGenerate(id, request, callbacks); });
    return id;
}

void Engine::forgetSaved(std::string directory, std::string tag,
                         std::function<void(int files)> onDone) {
    m_impl->post([impl = m_impl.get(), directory = std::move(directory), tag = std::move(tag),
                  onDone = std::move(onDone)] {
        // The open cache (when it is this directory's) forgets through itself, so that its
        // in-memory view stays true; otherwise the files alone.
        KvDiskCache* disk = impl->generator ? impl->generator->diskCache() : nullptr;
        std::error_code ec;
        const bool open = disk && std::filesystem::equivalent(disk->root(), directory, ec) && !ec;
        const int files = open ? disk->forget(tag) : forgetKvDiskTag(directory, tag);
        if (onDone) onDone(files);
    });
}

void Engine::cancel(uint64_t requestId) {
    std::lock_guard<std::mutex> lock(m_impl->mutex);
    if (m_impl->runningId.load() == requestId)
        m_impl->cancelRunning.store(true);
    else if (m_impl->pending.count(requestId))
        m_impl->cancelled.insert(requestId);
}

void Engine::cancelAll() {
    std::lock_guard<std::mutex> lock(m_impl->mutex);
    m_impl->cancelRunning.store(true);
    m_impl->cancelled.insert(m_impl->pending.begin(), m_impl->pending.end());
}

int Engine::countTokens(std::string_view text) const {
    std::shared_ptr<const Tokenizer> tok;
    {
        std::lock_guard<std::mutex> lock(m_impl->mutex);
        tok = m_impl->tokenizer;
    }
    return tok ? int(tok->encode(text, false).size()) : -1;
}

int Engine::templateOverheadPerMessage() const {
    std::lock_guard<std::mutex> lock(m_impl->mutex);
    return m_impl->overheadPerMessage;
}

HostCpu hostCpu() {
    return HostCpu{ThreadPool::physicalCores(), kernelLevelName(kernelLevel())};
}

}  // namespace folio
