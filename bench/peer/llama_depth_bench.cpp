// llama_depth_bench: decode speed of llama.cpp at a context depth, measured the way
// `folio-cli bench -r` measures Folio, so a depth cell costs one prefill per engine and setting.
//
//   llama_depth_bench -m MODEL [-d DEPTH] [-n N] [-r R] [-t THREADS] [-fa 0|1] [-kv f16|q8_0]
// (-kv q8_0: 8-bit K and V cache, -ctk/-ctv q8_0 in llama.cpp's tools; it needs -fa 1)
//
// Method: random token ids (fixed seed); the context holds depth + n + 16 tokens. The depth is
// prefilled once in batches of 512 (its tok/s is reported); then R times: N tokens are decoded
// greedily one at a time (argmax of the logits, one llama_decode per token), timed, and the
// generated tokens' cache entries are removed (llama_memory_seq_rm from position depth) so the
// next repetition starts from the same depth. Threads run in a ggml thread pool attached to the
// context, as llama-bench does (its default polling level, 50). Prints one JSON line on stdout
// with every repetition's decode tok/s, their median, and CPU ms per token (getrusage, all
// threads) per repetition.
//
// Not part of the Folio build: bench/cpu.sh compiles it against the peer llama.cpp build with a
// plain c++ command line (its step "the depth driver"), with the repository root on the include
// path for engine/cli/bench_stats.h (the measuring helpers it shares with `folio-cli bench`).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "engine/cli/bench_stats.h"
#include "ggml-cpu.h"
#include "llama.h"

namespace {

using Clock = std::chrono::steady_clock;
using folio::bench_stats::cpuSeconds;
using folio::bench_stats::jsonArray;
using folio::bench_stats::median;

struct Options {
    std::string model;
    int depth = 0, nGen = 32, reps = 1, threads = 1, flashAttn = 0;
    std::string kvType = "f16";
};

bool parse(int argc, char** argv, Options& o) {
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string key = argv[i];
        const char* val = argv[i + 1];
        char* end = nullptr;
        const long n = std::strtol(val, &end, 10);
        const bool num = end != val && *end == '\0';
        if (key == "-m") {
            o.model = val;
        } else if (num && key == "-d") {
            o.depth = int(n);
        } else if (num && key == "-n") {
            o.nGen = int(n);
        } else if (num && key == "-r") {
            o.reps = int(n);
        } else if (num && key == "-t") {
            o.threads = int(n);
        } else if (num && key == "-fa") {
            o.flashAttn = int(n);
        } else if (key == "-kv" && (std::string(val) == "f16" || std::string(val) == "q8_0")) {
            o.kvType = val;
        } else {
            std::fprintf(stderr, "bad option %s %s\n", key.c_str(), val);
            return false;
        }
    }
    return argc % 2 == 1 && !o.model.empty() && o.depth >= 0 && o.nGen >= 1 && o.reps >= 1 &&
           o.threads >= 1 && (o.flashAttn == 0 || o.flashAttn == 1) &&
           (o.kvType == "f16" || o.flashAttn == 1);
}

void quietLog(ggml_log_level, const char*, void*) {}

int argmax(const float* logits, int n) {
    return int(std::max_element(logits, logits + n) - logits);
}

// Decodes `tokens` (batches of at most 512) at the context's current end; false on failure.
bool decodeTokens(llama_context* ctx, std::vector<llama_token>& tokens) {
    for (size_t i = 0; i < tokens.size(); i += 512) {
        const int n = int(std::min<size_t>(512, tokens.size() - i));
        if (llama_decode(ctx, llama_batch_get_one(tokens.data() + i, n)) != 0) return false;
    }
    llama_synchronize(ctx);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse(argc, argv, o)) {
        std::fprintf(stderr,
                     "usage: llama_depth_bench -m MODEL [-d DEPTH] [-n N] [-r R] [-t THREADS] "
                     "[-fa 0|1] [-kv f16|q8_0 (q8_0 needs -fa 1)]\n");
        return 1;
    }
    llama_log_set(quietLog, nullptr);
    llama_backend_init();
    llama_model* model = llama_model_load_from_file(o.model.c_str(), llama_model_default_params());
    if (!model) {
        std::fprintf(stderr, "error: cannot load %s\n", o.model.c_str());
        return 1;
    }
    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = uint32_t(o.depth + o.nGen + 16);
    cp.n_batch = 512;
    cp.n_ubatch = 512;
    cp.n_threads = o.threads;
    cp.n_threads_batch = o.threads;
    cp.flash_attn_type =
        o.flashAttn ? LLAMA_FLASH_ATTN_TYPE_ENABLED : LLAMA_FLASH_ATTN_TYPE_DISABLED;
    cp.type_k = cp.type_v = o.kvType == "q8_0" ? GGML_TYPE_Q8_0 : GGML_TYPE_F16;
    llama_context* ctx = llama_init_from_model(model, cp);
    if (!ctx) {
        std::fprintf(stderr, "error: cannot create a context of %u tokens\n", cp.n_ctx);
        return 1;
    }
    ggml_threadpool_params tpp = ggml_threadpool_params_default(o.threads);
    tpp.poll = 50;
    ggml_threadpool* pool = ggml_threadpool_new(&tpp);
    llama_attach_threadpool(ctx, pool, nullptr);

    const int nVocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
    std::mt19937 rng(1234);
    std::uniform_int_distribution<int> pick(0, std::min(nVocab, 150000) - 1);
    std::vector<llama_token> depthTokens(size_t(std::max(o.depth, 1)));
    for (auto& t : depthTokens) t = pick(rng);
    const auto p0 = Clock::now();
    if (!decodeTokens(ctx, depthTokens)) {
        std::fprintf(stderr, "error: depth prefill failed\n");
        return 1;
    }
    const double prefillS = std::chrono::duration<double>(Clock::now() - p0).count();
    const int start = int(depthTokens.size());

    std::vector<double> tps, cpuMs;
    for (int r = 0; r < o.reps; ++r) {
        llama_memory_seq_rm(llama_get_memory(ctx), 0, start, -1);
        llama_token tok = pick(rng);
        const double c0 = cpuSeconds();
        const auto t0 = Clock::now();
        for (int i = 0; i < o.nGen; ++i) {
            if (llama_decode(ctx, llama_batch_get_one(&tok, 1)) != 0) {
                std::fprintf(stderr, "error: decode failed at token %d\n", i);
                return 1;
            }
            tok = argmax(llama_get_logits_ith(ctx, -1), nVocab);
        }
        const double s = std::chrono::duration<double>(Clock::now() - t0).count();
        tps.push_back(o.nGen / s);
        cpuMs.push_back((cpuSeconds() - c0) * 1000.0 / o.nGen);
    }
    std::printf(
        "{\"engine\": \"llama.cpp\", \"threads\": %d, \"flash_attn\": %d, \"kv_type\": \"%s\", "
        "\"n_gen\": %d, "
        "\"depth\": %d, \"reps\": %d, \"depth_prefill_tps\": %.3f, \"decode_tps\": %.3f, "
        "\"decode_tps_runs\": %s, \"decode_cpu_ms_per_tok\": %.3f, "
        "\"decode_cpu_ms_per_tok_runs\": %s}\n",
        o.threads, o.flashAttn, o.kvType.c_str(), o.nGen, o.depth, o.reps,
        o.depth > 0 ? o.depth / prefillS : 0.0, median(tps), jsonArray(tps).c_str(), median(cpuMs),
        jsonArray(cpuMs).c_str());
    llama_free(ctx);
    ggml_threadpool_free(pool);
    llama_model_free(model);
    llama_backend_free();
    return 0;
}
