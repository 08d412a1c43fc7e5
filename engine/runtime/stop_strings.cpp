#include "engine/runtime/stop_strings.h"

#include <algorithm>

namespace folio {

StopStringMatcher::StopStringMatcher(std::vector<std::string> stops) {
    for (std::string& s : stops)
        if (!s.empty()) m_stops.push_back(std::move(s));
}

size_t StopStringMatcher::heldBackLength() const {
    size_t best = 0;
    for (const std::string& stop : m_stops) {
        const size_t maxLen = std::min(stop.size() - 1, m_pending.size());
        for (size_t len = maxLen; len > best; --len) {
            if (std::string_view(m_pending).substr(m_pending.size() - len) ==
                std::string_view(stop).substr(0, len)) {
                best = len;
                break;
            }
        }
    }
    return best;
}

StopStringMatcher::Result StopStringMatcher::push(std::string_view text) {
    if (m_stopped) return {"", true};
    m_pending.append(text);
    // A stop string can only complete inside m_pending: anything emitted earlier was checked not
    // to start one. Take the earliest match over all stop strings.
    size_t first = std::string::npos;
    for (const std::string& stop : m_stops) first = std::min(first, m_pending.find(stop));
    if (first != std::string::npos) {
        Result r{m_pending.substr(0, first), true};
        m_pending.clear();
        m_stopped = true;
        return r;
    }
    const size_t hold = heldBackLength();
    Result r{m_pending.substr(0, m_pending.size() - hold), false};
    m_pending.erase(0, m_pending.size() - hold);
    return r;
}

std::string StopStringMatcher::flush() {
    std::string out = std::move(m_pending);
    m_pending.clear();
    return out;
}

}  // namespace folio
