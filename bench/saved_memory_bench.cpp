// Saved memory (the KV disk tier, engine/runtime/kv_disk.h) on a long document-like prompt:
//   cold      a fresh engine and an empty folder: the whole prompt is read (and saved)
//   nodisk    the same without the disk tier: what saving costs on the first answer
//   followup  the same engine, the same prompt with another question: the memory prefix cache
//   restart   a new engine on the saved folder: the prompt's blocks come from disk
// Prints one line per run and the bytes the folder holds per prompt token.
//   saved-memory-bench MODEL.gguf [TOKENS=20000] [THREADS=0]
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>

#include "engine/runtime/engine.h"

namespace {

using namespace folio;
namespace fs = std::filesystem;

struct Run {
    GenerationResult result;
    bool ok = false;
};

bool load(Engine& engine, const std::string& model, int threads, const std::string& dir) {
    LoadOptions o;
    o.modelPath = model;
    o.threads = threads;
    o.contextLength = 32768;
    o.kvDiskDirectory = dir;
    std::mutex m;
    std::condition_variable cv;
    bool done = false, ok = false;
    engine.load(o, {}, [&](Expected<ModelSummary> s) {
        std::lock_guard<std::mutex> l(m);
        ok = bool(s);
        if (!s) std::fprintf(stderr, "load: %s\n", s.error().message.c_str());
        done = true;
        cv.notify_all();
    });
    std::unique_lock<std::mutex> l(m);
    cv.wait(l, [&] { return done; });
    return ok;
}

Run ask(Engine& engine, const std::string& document, const std::string& question) {
    GenerationRequest r;
    r.messages = {{"system", "You are a helpful assistant.\n\n" + document}, {"user", question}};
    r.maxTokens = 1;
    std::mutex m;
    std::condition_variable cv;
    Run run;
    bool done = false;
    GenerationCallbacks cb;
    cb.onFinished = [&](const GenerationResult& g) {
        std::lock_guard<std::mutex> l(m);
        run.result = g;
        run.ok = g.reason != FinishReason::Error;
        done = true;
        cv.notify_all();
    };
    engine.submit(std::move(r), std::move(cb));
    std::unique_lock<std::mutex> l(m);
    cv.wait(l, [&] { return done; });
    return run;
}

// Contract-like text of about `tokens` tokens (the default model's tokenizer: ~11 per line).
std::string documentOf(Engine& engine, int tokens) {
    std::string text;
    for (int i = 1; engine.countTokens(text) < tokens; ++i)
        for (int j = 0; j < 50; ++j, ++i)
            text += "Clause " + std::to_string(i) + ": the supplier delivers lot " +
                    std::to_string(i * 7 % 97) + " within " + std::to_string(i % 30 + 1) +
                    " days.\n";
    return text;
}

int64_t folderBytes(const std::string& dir) {
    int64_t total = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file(ec)) total += int64_t(it->file_size(ec));
    return total;
}

void print(const char* name, const Run& r) {
    std::printf("%-9s prompt %6d tokens, reused %6d (from disk %6d), TTFT %9.1f ms\n", name,
                r.result.promptTokens, r.result.reusedPromptTokens, r.result.restoredPromptTokens,
                r.result.timeToFirstTokenMs);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: saved-memory-bench MODEL.gguf [TOKENS=20000] [THREADS=0]\n");
        return 1;
    }
    const std::string model = argv[1];
    const int tokens = argc > 2 ? std::atoi(argv[2]) : 20000;
    const int threads = argc > 3 ? std::atoi(argv[3]) : 0;
    const std::string dir = (fs::temp_directory_path() / "folio-saved-memory-bench").string();
    fs::remove_all(dir);
    std::string document;
    {
        Engine plain;
        if (!load(plain, model, threads, "")) return 1;
        document = documentOf(plain, tokens);
        print("nodisk", ask(plain, document, "Which lot is delivered first?"));
    }
    int promptTokens = 0;
    {
        Engine engine;
        if (!load(engine, model, threads, dir)) return 1;
        const Run cold = ask(engine, document, "Which lot is delivered first?");
        print("cold", cold);
        promptTokens = cold.result.promptTokens;
        print("followup", ask(engine, document, "How many days for lot 12?"));
    }  // the engine's destructor finishes the queued writes
    {
        Engine engine;
        if (!load(engine, model, threads, dir)) return 1;
        print("restart", ask(engine, document, "How many days for lot 12?"));
    }
    const int64_t bytes = folderBytes(dir);
    std::printf("saved: %lld bytes, %.0f bytes per prompt token\n", (long long)bytes,
                promptTokens > 0 ? double(bytes) / promptTokens : 0.0);
    fs::remove_all(dir);
    return 0;
}
