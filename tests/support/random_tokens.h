#pragma once
// Inputs and comparisons shared by the engine suites that run a model on token ids: random ids
// (as llama-bench uses, no tokenizer involved) and the largest logit difference relative to the
// reference's largest magnitude.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace folio::test {

// n ids uniform in [0, maxId], reproducible from seed.
inline std::vector<int32_t> randomTokens(int n, uint32_t seed, int maxId = 150000) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> d(0, maxId);
    std::vector<int32_t> t(static_cast<size_t>(n));
    for (auto& x : t) x = d(rng);
    return t;
}

// max |a - b| / max |b| (b is the reference); a and b have the same size.
inline double maxRelDiff(const std::vector<float>& a, const std::vector<float>& b) {
    double scale = 0, diff = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        scale = std::max(scale, double(std::abs(b[i])));
        diff = std::max(diff, double(std::abs(a[i] - b[i])));
    }
    return diff / std::max(scale, 1e-9);
}

}  // namespace folio::test
