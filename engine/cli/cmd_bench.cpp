// folio-cli bench: prefill and decode speed, time to first token and peak RSS.
//
// Method (matches bench/peer/llama_depth_bench.cpp, the llama.cpp driver): random token ids; the
// -p prompt is prefilled from position 0 (prefill_tps, ttft_ms). With --depth D, D random tokens
// are prefilled once (depth_prefill_tps); then -r times, n tokens are decoded greedily from that
// same depth: each repetition starts a fresh sequence that attaches the D cached tokens (the
// generator's prefix reuse, whole blocks) so the previous repetition's generated tokens are
// dropped. A repetition's decode tok/s is n / (time of its n decode steps), each step being one
// sample plus one forward pass; its CPU time (all threads, getrusage) is reported per token.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "engine/cli/args.h"
#include "engine/cli/bench_stats.h"
#include "engine/cli/cli_model.h"
#include "engine/quant/kernels.h"
#include "engine/runtime/sampler.h"

namespace folio::cli {

namespace {

using Clock = std::chrono::steady_clock;
using bench_stats::cpuSeconds;
using bench_stats::jsonArray;
using bench_stats::median;

double secondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

struct BenchResult {
    double prefillTps = 0, prefillS = 0, depthPrefillTps = 0;
    std::vector<double> decodeTps;    // per repetition
    std::vector<double> cpuMsPerTok;  // per repetition, CPU ms per decoded token
    int generated = 0;                // tokens decoded per repetition (the last one's)
};

// One decode repetition from the cached depth (see the file comment). False after printing.
bool decodeRepetition(CliModel& m, const std::vector<int32_t>& ctxTokens, int nGen,
                      BenchResult& out) {
    GenerationHooks hooks;
    hooks.ignoreEndOfGeneration = true;
    const double cpu0 = cpuSeconds();
    const auto t0 = Clock::now();
    GenerationResult r =
        m.generator->generate(ctxTokens, SamplingParams::greedy(), nGen, {}, hooks);
    const double wallS = secondsSince(t0);
    const double cpuS = cpuSeconds() - cpu0;
    if (r.reason == FinishReason::Error) {
        std::fprintf(stderr, "error: %s\n", r.error.c_str());
        return false;
    }
    // The generator reports (n - 1) / (time of n steps); this bench reports n / that time.
    const int n = r.generatedTokens;
    double tps = r.decodeTokensPerSecond * n / std::max(1, n - 1);
    if (tps <= 0 && wallS > 0) tps = n / wallS;
    out.decodeTps.push_back(tps);
    // CPU time of the whole call; the one-token prefill in it is one step more than n.
    out.cpuMsPerTok.push_back(n > 0 ? cpuS * 1000.0 / (n + 1) : 0.0);
    out.generated = n;
    return true;
}

bool evaluateTimed(CliModel& m, const std::vector<int32_t>& tokens, double& seconds) {
    std::vector<float> logits;
    const auto t0 = Clock::now();
    if (Status s = m.generator->evaluate(tokens, false, logits); !s) {
        std::fprintf(stderr, "error: %s\n", s.message().c_str());
        return false;
    }
    seconds = secondsSince(t0);
    return true;
}

void printResult(const Args& args, const CliModel& m, int nPrompt, int nGen, int depth,
                 const BenchResult& r) {
    const double decodeTps = median(r.decodeTps);
    if (args.flag("--json")) {
        std::printf(
            "{\"model\": \"%s\", \"device\": \"%s\", \"kv_type\": \"%s\", \"threads\": %d, "
            "\"n_prompt\": %d, "
            "\"n_gen\": %d, \"depth\": %d, \"reps\": %d, \"prefill_tps\": %.3f, "
            "\"depth_prefill_tps\": %.3f, \"decode_tps\": %.3f, \"decode_tps_runs\": %s, "
            "\"decode_cpu_ms_per_tok\": %.3f, \"decode_cpu_ms_per_tok_runs\": %s, "
            "\"ttft_ms\": %.3f, \"generated\": %d, \"peak_rss_mb\": %.1f}\n",
            m.model->config().name.c_str(), m.generator->backend().name(),
            KvCache::typeName(m.generator->cache().config().type), m.pool->size(), nPrompt, nGen,
            depth, int(r.decodeTps.size()), r.prefillTps, r.depthPrefillTps, decodeTps,
            jsonArray(r.decodeTps).c_str(), median(r.cpuMsPerTok), jsonArray(r.cpuMsPerTok).c_str(),
            r.prefillS * 1000.0, r.generated, peakRssMb());
        return;
    }
    std::printf("prefill %d tokens: %.2f tok/s (time to first token %.1f ms)\n", nPrompt,
                r.prefillTps, r.prefillS * 1000.0);
    if (depth > 0) std::printf("depth prefill %d tokens: %.2f tok/s\n", depth, r.depthPrefillTps);
    std::printf("decode %d tokens at depth %d: %.2f tok/s (median of %d: %s), %.2f CPU ms/token\n",
                r.generated, depth, decodeTps, int(r.decodeTps.size()),
                jsonArray(r.decodeTps).c_str(), median(r.cpuMsPerTok));
    std::printf("peak RSS: %.1f MiB, threads %d\n", peakRssMb(), m.pool->size());
}

// --level: runs the CPU kernels of a lower instruction-set level than the CPU's, to measure what
// a machine without the higher one gets. False (with a message) for an unknown or unsupported
// level.
bool levelOption(const Args& args) {
    const auto value = args.value("--level");
    if (!value) return true;
    for (KernelLevel level : supportedKernelLevels()) {
        if (*value == kernelLevelName(level)) {
            setKernelLevel(level);
            return true;
        }
    }
    std::fprintf(stderr, "error: --level: '%s' is not a level this CPU runs\n", value->c_str());
    return false;
}

}  // namespace

int runBench(int argc, char** argv) {
    Args args(argc, argv,
              {"-m", "-p", "-n", "-r", "--depth", "-t", "--device", "--kv-type", "--level"},
              {"--json"});
    const int nPrompt = args.intValue("-p", 512);
    const int nGen = args.intValue("-n", 128);
    const int reps = args.intValue("-r", 1);
    const int depth = args.intValue("--depth", 0);
    const int threads = args.intValue("-t", 0);
    Device device = Device::Auto;
    KvType kvType = GeneratorOptions{}.kvType;
    if (!args.ok() || !args.value("-m") || nPrompt < 1 || nGen < 0 || reps < 1 || depth < 0 ||
        !deviceOption(args, device) || !kvTypeOption(args, kvType) || !levelOption(args)) {
        std::fprintf(stderr,
                     "usage: folio-cli bench -m MODEL [-p 512] [-n 128] [-r 1] [--depth D] [-t T] "
                     "[--device cpu|cuda|auto] [--kv-type f16|q8_0] "
                     "[--level scalar|avx2|avx512|avx512-bf16] [--json]\n%s\n",
                     args.error().c_str());
        return 1;
    }
    const int ctx = nPrompt + depth + nGen + 16;
    CliModel m;
    if (!openModel(*args.value("-m"), threads, ctx, m, 512, device, kvType)) return 1;
    const int nVocab = m.model->config().nVocab;
    // Random token ids, as llama-bench uses, so no tokenizer or template is involved.
    std::mt19937 rng(1234);
    std::uniform_int_distribution<int> pick(0, std::min(nVocab, 150000) - 1);
    std::vector<int32_t> prompt(static_cast<size_t>(nPrompt));
    for (auto& t : prompt) t = pick(rng);

    BenchResult r;
    if (!evaluateTimed(m, prompt, r.prefillS)) return 1;
    r.prefillTps = nPrompt / r.prefillS;

    // The depth context, prefilled once (one token without --depth so decode has a start).
    std::vector<int32_t> ctxTokens(size_t(std::max(depth, 1)));
    for (auto& t : ctxTokens) t = pick(rng);
    double depthS = 0;
    if (!evaluateTimed(m, ctxTokens, depthS)) return 1;
    r.depthPrefillTps = depth > 0 ? depth / depthS : 0.0;
    // Each repetition's prompt: the cached depth tokens plus one more (generate() reuses the
    // depth's whole blocks and prefills the rest).
    ctxTokens.push_back(pick(rng));
    for (int i = 0; i < reps; ++i) {
        if (!decodeRepetition(m, ctxTokens, nGen, r)) return 1;
    }
    printResult(args, m, nPrompt, nGen, depth, r);
    return 0;
}

}  // namespace folio::cli
