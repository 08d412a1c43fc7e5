#include "app/documents/retrieval_cap.h"

#include <algorithm>
#include <cmath>

namespace folio {

namespace {
// Prefill tokens a second times parameters, for the estimate before a measurement: the 0.5B
// model (494M parameters) reads 403 tok/s on the reference computer (docs/models.md), the 1.5B
// (1.54B) 180; the smaller constant of the two keeps the first cap on the safe side.
constexpr double kTokensPerSecondTimesParameters = 2.0e11;
}  // namespace

void PrefillSpeed::reset(int64_t parameters) {
    m_parameters = std::max<int64_t>(parameters, 0);
    m_measured = 0;
}

void PrefillSpeed::add(int prefilledTokens, double tokensPerSecond) {
    if (prefilledTokens >= kMinMeasuredTokens && tokensPerSecond > 0) m_measured = tokensPerSecond;
}

double PrefillSpeed::tokensPerSecond() const {
    if (m_measured > 0) return m_measured;
    return m_parameters > 0 ? kTokensPerSecondTimesParameters / double(m_parameters) : 0.0;
}

int PrefillSpeed::retrievalCapTokens() const {
    const double speed = tokensPerSecond();
    if (speed <= 0) return kMinCapTokens;
    const double cap = std::round(speed * kRetrievalSeconds);
    return int(std::clamp(cap, double(kMinCapTokens), double(kMaxCapTokens)));
}

}  // namespace folio
