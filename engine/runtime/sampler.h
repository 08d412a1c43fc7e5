#pragma once
// Token sampling as a chain of small stages (a table, run in order):
//   repetition_penalty, presence_penalty, temperature, top_k, softmax, top_p, min_p
// followed by a seeded draw. temperature <= 0 is greedy: the argmax after the penalties (ties go
// to the lowest token id).
//
// Determinism: the draw uses std::mt19937_64 (its output sequence is fixed by the C++ standard)
// and converts it to a double in [0, 1) by hand, not with std::uniform_real_distribution (whose
// algorithm is implementation-defined), so a given seed gives the same tokens on every platform.
//
// Thread-compatibility: a Sampler is used by one thread (the engine thread) at a time.
#include <cstdint>
#include <random>
#include <span>
#include <string_view>
#include <vector>

#include "engine/runtime/types.h"

namespace folio {

struct TokenCandidate {
    int32_t id = 0;
    float logit = 0.0f;
    float prob = 0.0f;  // valid after the softmax stage; sums to 1 over the kept candidates
};

// The working set the stages transform. Stages may reorder and shrink `candidates`, never grow it.
struct SamplerState {
    std::vector<TokenCandidate> candidates;
    bool sorted = false;      // candidates are in descending logit order
    bool normalized = false;  // prob is valid
    // Distinct token ids from the last penaltyLastN tokens (sorted ascending), and how often each
    // occurred there (same index). Filled by Sampler before the penalty stages run.
    std::vector<int32_t> penaltyTokens;
    std::vector<int32_t> penaltyCounts;
};

// One stage: `enabled` says whether it does anything for these params; `apply` transforms the
// state. The penalty stages expect candidates indexed by token id (candidates[i].id == i).
struct SamplerStage {
    std::string_view name;
    bool (*enabled)(const SamplingParams& params);
    void (*apply)(SamplerState& state, const SamplingParams& params);
};

// The chain, in the order it runs.
std::span<const SamplerStage> samplerStages();
const SamplerStage* findSamplerStage(std::string_view name);

// Picks a candidate from a normalized state given u in [0, 1): the first one whose cumulative
// probability exceeds u * (total). Returns its token id.
int32_t drawCandidate(const SamplerState& state, double u);

// Maps a 64-bit random value to a double in [0, 1) using its top 53 bits.
inline double unitInterval(uint64_t bits) {
    return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

class Sampler {
public:
    // vocabSize: the number of logits sample() reads. params.seed == 0 draws a random seed.
    Sampler(const SamplingParams& params, int32_t vocabSize);

    // logits: [vocabSize] floats for the next position (NaN is treated as -inf). recentTokens:
    // the context so far; the last penaltyLastN are looked at (0: penalties off, < 0: all of
    // them); ids outside the vocabulary are ignored.
    // After the first call no memory is allocated (buffers are reused).
    int32_t sample(const float* logits, const std::vector<int32_t>& recentTokens);

    void setSeed(uint64_t seed) { m_rng.seed(seed); }
    const SamplingParams& params() const { return m_params; }

private:
    void collectPenaltyTokens(const std::vector<int32_t>& recentTokens);

    SamplingParams m_params;
    int32_t m_vocabSize;
    std::mt19937_64 m_rng;
    SamplerState m_state;
};

}  // namespace folio
