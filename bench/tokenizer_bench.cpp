// Encode throughput of Folio's tokenizer: tokenizer_bench TOKENIZER(.json|.gguf) TEXT [REPEATS]
// Prints one JSON object: bytes, tokens, best and median seconds per encode, MB/s.
// Special-token text is parsed (as HF does by default) so both produce identical ids.
// Single-threaded; the first encode is a warm-up (it fills the word cache, as in a running app).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include "engine/tokenizer/tokenizer.h"

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: tokenizer_bench TOKENIZER TEXT [REPEATS]\n");
        return 1;
    }
    auto tok = folio::Tokenizer::load(argv[1]);
    if (!tok) {
        std::fprintf(stderr, "error: %s\n", tok.error().message.c_str());
        return 1;
    }
    std::ifstream in(argv[2], std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    const int repeats = argc > 3 ? std::max(1, std::atoi(argv[3])) : 5;
    auto c0 = std::chrono::steady_clock::now();
    size_t nTokens = tok.value()->encode(text, true).size();  // cold: empty word cache
    const double cold =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - c0).count();
    std::vector<double> seconds;
    for (int i = 0; i < repeats; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        nTokens = tok.value()->encode(text, true).size();
        seconds.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(seconds.begin(), seconds.end());
    const double median = seconds[seconds.size() / 2];
    std::printf(
        "{\"impl\": \"folio\", \"bytes\": %zu, \"tokens\": %zu, \"cold_s\": %.4f, "
        "\"best_s\": %.4f, \"median_s\": %.4f, \"mb_per_s\": %.2f}\n",
        text.size(), nTokens, cold, seconds.front(), median, text.size() / median / 1e6);
    return 0;
}
