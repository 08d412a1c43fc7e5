#pragma once
// The measuring helpers shared by `folio-cli bench` (engine/cli/cmd_bench.cpp) and llama.cpp's
// depth driver (bench/peer/llama_depth_bench.cpp), so both engines' numbers are taken and
// printed the same way. Header-only and standard C++17 + POSIX only: the peer driver is compiled
// against llama.cpp with a plain c++ command line, outside the Folio build.
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace folio::bench_stats {

// User + system CPU seconds of this process, all threads together.
inline double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto sec = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; };
    return sec(u.ru_utime) + sec(u.ru_stime);
}

// The median of v (the mean of the middle two for an even count); 0 for none.
inline double median(std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// v as a JSON array with three decimals, e.g. [1.000, 2.500].
inline std::string jsonArray(const std::vector<double>& v) {
    std::string s = "[";
    char buf[32];
    for (size_t i = 0; i < v.size(); ++i) {
        std::snprintf(buf, sizeof buf, "%s%.3f", i ? ", " : "", v[i]);
        s += buf;
    }
    return s + "]";
}

}  // namespace folio::bench_stats
