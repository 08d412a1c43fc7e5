#pragma once
// Streams generated text while watching for stop strings (SamplingParams::stopStrings).
// push() returns the text that is safe to show: text that might be the beginning of a stop
// string is held back until it is known not to be. When a stop string completes, push() returns
// the text before it with stopped = true; the stop string itself and anything after it are never
// emitted. flush() returns the held-back text at the end of generation.
//
// The matcher works on bytes: it does not split or join UTF-8 sequences itself, so a caller that
// needs whole characters keeps its own UTF-8 buffer before or after it.
// Thread-compatible (one generation at a time).
#include <string>
#include <string_view>
#include <vector>

namespace folio {

class StopStringMatcher {
public:
    // Empty strings in `stops` are ignored.
    explicit StopStringMatcher(std::vector<std::string> stops);

    struct Result {
        std::string text;  // safe to show now (never part of a stop string)
        bool stopped = false;
    };
    // After a stop, further pushes return {"", true}.
    Result push(std::string_view text);
    // The held-back text (empty after a stop); the matcher is then empty again.
    std::string flush();

    bool stopped() const { return m_stopped; }

private:
    // Length of the longest suffix of m_pending that is a proper prefix of some stop string.
    size_t heldBackLength() const;

    std::vector<std::string> m_stops;
    std::string m_pending;
    bool m_stopped = false;
};

}  // namespace folio
