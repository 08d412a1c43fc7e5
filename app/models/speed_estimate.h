#pragma once
// How fast a model will run on this computer, estimated before it is downloaded: from the speed
// measured on a reference computer (the model manifest's ref_* keys, `folio-cli bench`) scaled
// by this computer's core count and CPU kernel level (engine `hostCpu()`). Shown on the first-run
// page so that a person can choose between a better and a faster model knowing what each costs.
// An estimate, not a promise: memory speed, other programs and turbo clocks move it by tens of
// percent. Pure functions; thread-safe.
#include <string>

namespace folio {

// Speed measured on the reference computer, 2 threads being the usual figure.
struct ReferenceSpeed {
    double prefillTokensPerSecond = 0;  // reading a prompt (512 tokens)
    double decodeTokensPerSecond = 0;   // writing the answer
    int threads = 0;
    std::string level;  // the kernel level it ran at, e.g. "avx512-bf16"
    bool known() const {
        return prefillTokensPerSecond > 0 && decodeTokensPerSecond > 0 && threads > 0;
    }
};

struct SpeedEstimate {
    double prefillTokensPerSecond = 0;
    double decodeTokensPerSecond = 0;
    bool known() const { return prefillTokensPerSecond > 0 && decodeTokensPerSecond > 0; }
    // Seconds to read `tokens` of prompt (a document), rounded up to a whole second.
    int secondsToRead(int tokens) const;
};

// Unknown (all zero) when the reference or the level is unknown.
SpeedEstimate estimateSpeed(const ReferenceSpeed& reference, int cores, const std::string& level);

}  // namespace folio
