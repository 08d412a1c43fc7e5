// membw: the memory read bandwidth that decode can at best reach on this machine.
//
// Each of T threads streams through its own slice of one large buffer (far larger than the
// caches) and sums it; the bandwidth is total bytes / wall time of the slowest thread, best of
// several repetitions. Decode reads every weight once per token, so (weight + KV bytes per
// token) / this bandwidth is the least time a token can take.
//
// usage: membw [--mb 1024] [--threads 1,2] [--reps 7] [--json]
// Prints one line per thread count: "threads T: X.XX GB/s" (GB = 1e9 bytes), or one JSON object.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// Sum of a slice with four independent accumulators, so the loop is bound by the loads.
uint64_t sumSlice(const uint64_t* p, size_t n) {
    uint64_t a = 0, b = 0, c = 0, d = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        a += p[i];
        b += p[i + 1];
        c += p[i + 2];
        d += p[i + 3];
    }
    for (; i < n; ++i) a += p[i];
    return a + b + c + d;
}

// One timed pass of `threads` readers over buf[0..n); returns seconds.
double timedPass(const std::vector<uint64_t>& buf, int threads, std::atomic<uint64_t>& sink) {
    const size_t n = buf.size();
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> pool;
    std::vector<double> seconds(size_t(threads), 0.0);
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            const size_t begin = n * size_t(t) / size_t(threads);
            const size_t end = n * size_t(t + 1) / size_t(threads);
            ready.fetch_add(1);
            while (!go.load(std::memory_order_acquire)) {
            }
            const auto t0 = Clock::now();
            sink.fetch_add(sumSlice(buf.data() + begin, end - begin), std::memory_order_relaxed);
            seconds[size_t(t)] = std::chrono::duration<double>(Clock::now() - t0).count();
        });
    }
    while (ready.load() != threads) std::this_thread::yield();
    go.store(true, std::memory_order_release);
    for (auto& th : pool) th.join();
    return *std::max_element(seconds.begin(), seconds.end());
}

std::vector<int> parseList(const char* s) {
    std::vector<int> out;
    std::string text(s);
    size_t pos = 0;
    while (pos <= text.size()) {
        const size_t comma = std::min(text.find(',', pos), text.size());
        const int v = std::atoi(text.substr(pos, comma - pos).c_str());
        if (v > 0) out.push_back(v);
        pos = comma + 1;
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    size_t mb = 1024;
    int reps = 7;
    bool json = false;
    std::vector<int> threadCounts = {1, 2};
    for (int i = 1; i < argc; ++i) {
        const bool hasValue = i + 1 < argc;
        if (!std::strcmp(argv[i], "--mb") && hasValue) {
            mb = size_t(std::max(16, std::atoi(argv[++i])));
        } else if (!std::strcmp(argv[i], "--threads") && hasValue) {
            threadCounts = parseList(argv[++i]);
        } else if (!std::strcmp(argv[i], "--reps") && hasValue) {
            reps = std::max(1, std::atoi(argv[++i]));
        } else if (!std::strcmp(argv[i], "--json")) {
            json = true;
        } else {
            std::fprintf(stderr, "usage: membw [--mb 1024] [--threads 1,2] [--reps 7] [--json]\n");
            return 1;
        }
    }
    if (threadCounts.empty()) {
        std::fprintf(stderr, "membw: --threads needs positive counts, e.g. 1,2\n");
        return 1;
    }
    // Filled with non-zero data so that no page is a shared zero page.
    std::vector<uint64_t> buf(mb * 1024 * 1024 / sizeof(uint64_t));
    for (size_t i = 0; i < buf.size(); ++i) buf[i] = i * 0x9E3779B97F4A7C15ull;
    std::atomic<uint64_t> sink{0};

    std::string out = "{\"buffer_mb\": " + std::to_string(mb) + ", \"gbps\": {";
    for (size_t k = 0; k < threadCounts.size(); ++k) {
        const int t = threadCounts[k];
        timedPass(buf, t, sink);  // warm-up: page tables, frequency
        double best = 1e30;
        for (int r = 0; r < reps; ++r) best = std::min(best, timedPass(buf, t, sink));
        const double gbps = double(buf.size() * sizeof(uint64_t)) / best / 1e9;
        if (json) {
            char item[64];
            std::snprintf(item, sizeof item, "%s\"%d\": %.2f", k ? ", " : "", t, gbps);
            out += item;
        } else {
            std::printf("threads %d: %.2f GB/s\n", t, gbps);
        }
    }
    if (json)
        std::printf("%s}, \"checksum\": %llu}\n", out.c_str(),
                    static_cast<unsigned long long>(sink.load() & 0xFFFF));
    return 0;
}
