#include "app/models/speed_estimate.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace folio {

namespace {

// Speed of each kernel level relative to avx512-bf16, measured with
// `folio-cli bench -p 256 -n 32 -t 2 --level L` on the default model (2 cores of an AMD EPYC,
// 2026-12-07): prefill 415 / 415 / 121 / 6.1 tok/s, decode 63 / 63 / 55 / 5.3 tok/s.
// Reading a prompt is compute-bound and follows the vector width; writing is memory-bound and
// barely does.
struct LevelFactor {
    const char* level;
    double prefill;
    double decode;
};
constexpr LevelFactor kLevelFactors[] = {
    {"avx512-bf16", 1.0, 1.0},
    {"avx512", 1.0, 1.0},
    {"avx2", 0.29, 0.87},
    {"scalar", 0.015, 0.084},
};

const LevelFactor* factorOf(const std::string& level) {
    const auto it = std::find_if(std::begin(kLevelFactors), std::end(kLevelFactors),
                                 [&](const LevelFactor& f) { return level == f.level; });
    return it == std::end(kLevelFactors) ? nullptr : it;
}

// Beyond the reference's thread count, reading a prompt gains almost linearly; writing is bound
// by memory bandwidth, which a desktop's channels saturate at a few threads.
constexpr double kPrefillThreadExponent = 0.9;
constexpr double kDecodeThreadExponent = 0.5;
constexpr double kDecodeMaxThreadGain = 2.0;
constexpr int kMaxThreads = 32;

}  // namespace

int SpeedEstimate::secondsToRead(int tokens) const {
    if (prefillTokensPerSecond <= 0) return -1;
    return std::max(1, int(std::ceil(tokens / prefillTokensPerSecond)));
}

SpeedEstimate estimateSpeed(const ReferenceSpeed& reference, int cores, const std::string& level) {
    const LevelFactor* host = factorOf(level);
    const LevelFactor* measured = factorOf(reference.level);
    if (!reference.known() || !host || !measured || cores < 1) return {};
    const double threadRatio = double(std::min(cores, kMaxThreads)) / reference.threads;
    SpeedEstimate e;
    e.prefillTokensPerSecond = reference.prefillTokensPerSecond * host->prefill /
                               measured->prefill * std::pow(threadRatio, kPrefillThreadExponent);
    e.decodeTokensPerSecond =
        reference.decodeTokensPerSecond * host->decode / measured->decode *
        std::min(std::pow(threadRatio, kDecodeThreadExponent), kDecodeMaxThreadGain);
    return e;
}

}  // namespace folio
