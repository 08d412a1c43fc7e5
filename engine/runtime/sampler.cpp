#include "engine/runtime/sampler.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace folio {

namespace {

bool byLogitDescending(const TokenCandidate& a, const TokenCandidate& b) {
    return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
}

void sortCandidates(SamplerState& s) {
    if (!s.sorted) std::sort(s.candidates.begin(), s.candidates.end(), byLogitDescending);
    s.sorted = true;
}

void renormalize(SamplerState& s) {
    double sum = 0.0;
    for (const TokenCandidate& c : s.candidates) sum += c.prob;
    if (sum <= 0.0) return;
    const auto inv = static_cast<float>(1.0 / sum);
    for (TokenCandidate& c : s.candidates) c.prob *= inv;
}

// ---- stages ----

bool repetitionEnabled(const SamplingParams& p) {
    return p.repetitionPenalty != 1.0f && p.repetitionPenalty > 0.0f && p.penaltyLastN != 0;
}
// CTRL-style penalty: a positive logit is divided by the penalty, a negative one multiplied, so a
// penalty > 1 always makes a seen token less likely. Applied once per distinct token.
void applyRepetition(SamplerState& s, const SamplingParams& p) {
    for (int32_t id : s.penaltyTokens) {
        float& logit = s.candidates[static_cast<size_t>(id)].logit;
        logit = logit > 0.0f ? logit / p.repetitionPenalty : logit * p.repetitionPenalty;
    }
}

bool presenceEnabled(const SamplingParams& p) {
    return p.presencePenalty != 0.0f && p.penaltyLastN != 0;
}
// Subtracts the penalty once from every token that occurred at least once.
void applyPresence(SamplerState& s, const SamplingParams& p) {
    for (int32_t id : s.penaltyTokens)
        s.candidates[static_cast<size_t>(id)].logit -= p.presencePenalty;
}

bool temperatureEnabled(const SamplingParams& p) {
    return p.temperature > 0.0f && p.temperature != 1.0f;
}
void applyTemperature(SamplerState& s, const SamplingParams& p) {
    const float inv = 1.0f / p.temperature;
    for (TokenCandidate& c : s.candidates) c.logit *= inv;
}

bool topKEnabled(const SamplingParams& p) {
    return p.topK > 0;
}
// Keeps the k largest logits, sorted. One pass with an in-place heap of the best k (the heap's
// root is the worst kept candidate), so k = 20 over 152k logits costs ~n comparisons.
void applyTopK(SamplerState& s, const SamplingParams& p) {
    const auto k = static_cast<size_t>(p.topK);
    auto& c = s.candidates;
    if (k < c.size()) {
        const auto heapEnd = c.begin() + static_cast<std::ptrdiff_t>(k);
        // byLogitDescending as the heap order puts the smallest (worst) element at the root.
        std::make_heap(c.begin(), heapEnd, byLogitDescending);
        for (size_t i = k; i < c.size(); ++i) {
            if (!byLogitDescending(c[i], c.front())) continue;
            std::pop_heap(c.begin(), heapEnd, byLogitDescending);
            *(heapEnd - 1) = c[i];
            std::push_heap(c.begin(), heapEnd, byLogitDescending);
        }
        c.resize(k);
        s.sorted = false;
    }
    sortCandidates(s);
}

bool always(const SamplingParams&) {
    return true;
}
void applySoftmax(SamplerState& s, const SamplingParams&) {
    float maxLogit = -INFINITY;
    for (const TokenCandidate& c : s.candidates) maxLogit = std::max(maxLogit, c.logit);
    double sum = 0.0;
    for (TokenCandidate& c : s.candidates) {
        // An infinite maximum (all -inf, or some +inf) shares the mass among the maxima.
        c.prob = std::isinf(maxLogit) ? (c.logit == maxLogit ? 1.0f : 0.0f)
                                      : std::exp(c.logit - maxLogit);
        sum += c.prob;
    }
    const auto inv = static_cast<float>(1.0 / sum);
    for (TokenCandidate& c : s.candidates) c.prob *= inv;
    s.normalized = true;
}

bool topPEnabled(const SamplingParams& p) {
    return p.topP < 1.0f;
}
// Keeps the smallest prefix (by descending probability) whose mass reaches topP; at least one.
// Without a preceding top-k the candidates are unsorted (152k for Qwen): instead of sorting all
// of them, sort growing chunks selected with nth_element until the mass is reached (usually
// within the first chunk), so the cost stays O(n) in practice.
void applyTopP(SamplerState& s, const SamplingParams& p) {
    assert(s.normalized);
    auto& c = s.candidates;
    const size_t n = c.size();
    size_t done = 0;  // c[0, done) is sorted and holds the largest candidates
    size_t chunk = s.sorted ? n : 256;
    double cumulative = 0.0;
    while (done < n) {
        const size_t next = std::min(n, done + chunk);
        if (!s.sorted) {
            const auto first = c.begin() + std::ptrdiff_t(done),
                       mid = c.begin() + std::ptrdiff_t(next);
            if (next < n) std::nth_element(first, mid, c.end(), byLogitDescending);
            std::sort(first, mid, byLogitDescending);
        }
        for (size_t i = done; i < next; ++i) {
            cumulative += c[i].prob;
            if (cumulative >= p.topP) {
                c.resize(i + 1);
                s.sorted = true;
                renormalize(s);
                return;
            }
        }
        done = next;
        chunk *= 4;
    }
    s.sorted = true;  // the mass never reached topP (rounding): everything is kept, now sorted
    renormalize(s);
}

bool minPEnabled(const SamplingParams& p) {
    return p.minP > 0.0f;
}
// Keeps the tokens whose probability is at least minP times the largest one.
void applyMinP(SamplerState& s, const SamplingParams& p) {
    assert(s.normalized);
    float maxProb = 0.0f;
    for (const TokenCandidate& c : s.candidates) maxProb = std::max(maxProb, c.prob);
    const float threshold = p.minP * maxProb;
    // Stable in-place compaction (std::stable_partition may allocate).
    size_t out = 0;
    for (const TokenCandidate& c : s.candidates)
        if (c.prob >= threshold) s.candidates[out++] = c;
    s.candidates.resize(out);
    renormalize(s);
}

constexpr SamplerStage kStages[] = {
    {"repetition_penalty", repetitionEnabled, applyRepetition},
    {"presence_penalty", presenceEnabled, applyPresence},
    {"temperature", temperatureEnabled, applyTemperature},
    {"top_k", topKEnabled, applyTopK},
    {"softmax", always, applySoftmax},
    {"top_p", topPEnabled, applyTopP},
    {"min_p", minPEnabled, applyMinP},
};
constexpr size_t kFirstNonPenaltyStage = 2;

}  // namespace

std::span<const SamplerStage> samplerStages() {
    return kStages;
}

const SamplerStage* findSamplerStage(std::string_view name) {
    for (const SamplerStage& stage : kStages)
        if (stage.name == name) return &stage;
    return nullptr;
}

int32_t drawCandidate(const SamplerState& state, double u) {
    assert(!state.candidates.empty());
    double total = 0.0;
    for (const TokenCandidate& c : state.candidates) total += c.prob;
    const double target = u * total;
    double cumulative = 0.0;
    for (const TokenCandidate& c : state.candidates) {
        cumulative += c.prob;
        if (target < cumulative) return c.id;
    }
    return state.candidates.back().id;  // rounding: u close to 1
}

Sampler::Sampler(const SamplingParams& params, int32_t vocabSize)
    : m_params(params), m_vocabSize(vocabSize) {
    assert(vocabSize > 0);
    m_rng.seed(params.seed != 0 ? params.seed : std::random_device{}());
}

void Sampler::collectPenaltyTokens(const std::vector<int32_t>& recentTokens) {
    m_state.penaltyTokens.clear();
    m_state.penaltyCounts.clear();
    const size_t lastN = m_params.penaltyLastN < 0
                             ? recentTokens.size()
                             : std::min(recentTokens.size(), size_t(m_params.penaltyLastN));
    for (size_t i = recentTokens.size() - lastN; i < recentTokens.size(); ++i) {
        const int32_t id = recentTokens[i];
        if (id >= 0 && id < m_vocabSize) m_state.penaltyTokens.push_back(id);
    }
    std::sort(m_state.penaltyTokens.begin(), m_state.penaltyTokens.end());
    // Collapse runs into (id, count) in place.
    size_t out = 0;
    for (size_t i = 0; i < m_state.penaltyTokens.size();) {
        size_t j = i;
        while (j < m_state.penaltyTokens.size() &&
               m_state.penaltyTokens[j] == m_state.penaltyTokens[i])
            ++j;
        m_state.penaltyTokens[out++] = m_state.penaltyTokens[i];
        m_state.penaltyCounts.push_back(static_cast<int32_t>(j - i));
        i = j;
    }
    m_state.penaltyTokens.resize(out);
}

int32_t Sampler::sample(const float* logits, const std::vector<int32_t>& recentTokens) {
    auto& cands = m_state.candidates;
    cands.resize(
        static_cast<size_t>(m_vocabSize));  // capacity kept: no allocation after the first call
    for (int32_t i = 0; i < m_vocabSize; ++i) {
        const float logit =
            std::isnan(logits[i]) ? -INFINITY : logits[i];  // keeps sort well-defined
        cands[size_t(i)] = {i, logit, 0.0f};
    }
    m_state.sorted = false;
    m_state.normalized = false;
    if (repetitionEnabled(m_params) || presenceEnabled(m_params)) {
        collectPenaltyTokens(recentTokens);
    } else {
        m_state.penaltyTokens.clear();
        m_state.penaltyCounts.clear();
    }

    for (size_t i = 0; i < kFirstNonPenaltyStage; ++i)
        if (kStages[i].enabled(m_params)) kStages[i].apply(m_state, m_params);

    if (m_params.temperature <= 0.0f) {
        auto best = std::min_element(cands.begin(), cands.end(), byLogitDescending);
        return best->id;
    }
    for (size_t i = kFirstNonPenaltyStage; i < std::size(kStages); ++i)
        if (kStages[i].enabled(m_params)) kStages[i].apply(m_state, m_params);
    return drawCandidate(m_state, unitInterval(m_rng()));
}

}  // namespace folio
