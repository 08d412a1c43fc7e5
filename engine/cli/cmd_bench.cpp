// folio-cli bench: prefill and decode speed, time to first token and peak RSS.
#include <chrono>
#include <cstdio>
#include <random>

#include "engine/cli/args.h"
#include "engine/cli/cli_model.h"
#include "engine/runtime/sampler.h"

namespace folio::cli {

namespace {
using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}
}  // namespace

int runBench(int argc, char** argv) {
    Args args(argc, argv, {"-m", "-p", "-n", "--depth", "-t", "--device"}, {"--json"});
    const int nPrompt = args.intValue("-p", 512);
    const int nGen = args.intValue("-n", 128);
    const int depth = args.intValue("--depth", 0);
    const int threads = args.intValue("-t", 0);
    Device device = Device::Auto;
    if (!args.ok() || !args.value("-m") || nPrompt < 1 || nGen < 0 || depth < 0 ||
        !deviceOption(args, device)) {
        std::fprintf(stderr,
                     "usage: folio-cli bench -m MODEL [-p 512] [-n 128] [--depth D] [-t T] "
                     "[--device cpu|cuda|auto] "
                     "[--json]\n%s\n",
                     args.error().c_str());
        return 1;
    }
    const int ctx = nPrompt + depth + nGen + 16;
    CliModel m;
    if (!openModel(*args.value("-m"), threads, ctx, m, 512, device)) return 1;
    const int nVocab = m.model->config().nVocab;
    // Random token ids, as llama-bench uses, so no tokenizer or template is involved.
    std::mt19937 rng(1234);
    std::uniform_int_distribution<int> pick(0, std::min(nVocab, 150000) - 1);
    std::vector<int32_t> prompt(static_cast<size_t>(nPrompt));
    for (auto& t : prompt) t = pick(rng);

    auto t0 = Clock::now();
    std::vector<float> logits;
    if (Status s = m.generator->evaluate(prompt, false, logits); !s) {
        std::fprintf(stderr, "error: %s\n", s.message().c_str());
        return 1;
    }
    const double prefillS = secondsSince(t0);

    // Decode: generate nGen tokens greedily after `depth` tokens of context.
    std::vector<int32_t> ctxTokens(size_t(std::max(depth, 1)));
    for (auto& t : ctxTokens) t = pick(rng);
    if (Status s = m.generator->evaluate(ctxTokens, false, logits); !s) {
        std::fprintf(stderr, "error: %s\n", s.message().c_str());
        return 1;
    }
    SamplingParams sp = SamplingParams::greedy();
    GenerationHooks hooks;
    hooks.ignoreEndOfGeneration = true;
    // A fresh sequence with the depth tokens cached: generate() reuses them (full blocks).
    ctxTokens.push_back(pick(rng));
    auto t1 = Clock::now();
    GenerationResult r = m.generator->generate(ctxTokens, sp, nGen, {}, hooks);
    const double genS = secondsSince(t1);
    const double decodeTps = r.decodeTokensPerSecond > 0
                                 ? r.decodeTokensPerSecond
                                 : (genS > 0 ? r.generatedTokens / genS : 0);
    const double prefillTps = nPrompt / prefillS;
    if (args.flag("--json")) {
        std::printf(
            "{\"model\": \"%s\", \"device\": \"%s\", \"threads\": %d, \"n_prompt\": %d, \"n_gen\": "
            "%d, \"depth\": %d, "
            "\"prefill_tps\": %.3f, \"decode_tps\": %.3f, \"ttft_ms\": %.3f, "
            "\"generated\": %d, \"peak_rss_mb\": %.1f}\n",
            m.model->config().name.c_str(), m.generator->backend().name(), m.pool->size(), nPrompt,
            nGen, depth, prefillTps, decodeTps, prefillS * 1000.0, r.generatedTokens, peakRssMb());
    } else {
        std::printf("prefill %d tokens: %.2f tok/s (time to first token %.1f ms)\n", nPrompt,
                    prefillTps, prefillS * 1000.0);
        std::printf("decode %d tokens at depth %d: %.2f tok/s\n", r.generatedTokens, depth,
                    decodeTps);
        std::printf("peak RSS: %.1f MiB, threads %d\n", peakRssMb(), m.pool->size());
    }
    return 0;
}

}  // namespace folio::cli
