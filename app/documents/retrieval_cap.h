#pragma once
// How many tokens of retrieved pages a question about a long document gets: a time budget, not a
// fixed count. Every prompt token costs time to first token, and a look-up needs a few pages, so
// the cap is what this model reads in kRetrievalSeconds on this computer: 6,000 tokens for the
// 0.5B model on 2 cores of a server CPU, 3,000 for the 1.5B (bench/docqa chose the time on its
// long-document tuning split, docs/quality.md). The speed is the last measured prefill speed of
// the loaded model (a reply that read at least kMinMeasuredTokens new prompt tokens), and before
// any measurement an estimate from the parameter count.
// Plain value type; not thread-safe (owned by the chat controller, or the benchmark).
#include <cstdint>

namespace folio {

class PrefillSpeed {
public:
    static constexpr double kRetrievalSeconds = 15.0;
    static constexpr int kMinCapTokens = 3000;   // a few pages, even on a slow computer
    static constexpr int kMaxCapTokens = 12000;  // beyond this a small model is distracted
    static constexpr int kMinMeasuredTokens = 1024;

    // A new model: forgets the measurement; parameters: the model's count (0 unknown).
    void reset(int64_t parameters);
    // A finished reply: prefilledTokens = prompt tokens minus those served from the cache.
    void add(int prefilledTokens, double tokensPerSecond);
    // Measured, else estimated from the parameters; 0 when neither is known.
    double tokensPerSecond() const;
    // The retrieval-mode cap of the document block (DocumentTurnOptions::retrievalBudgetTokens).
    int retrievalCapTokens() const;

private:
    int64_t m_parameters = 0;
    double m_measured = 0;
};

}  // namespace folio
