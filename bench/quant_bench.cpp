// quant_bench: single-thread throughput of the dot-product kernels on a 4096 x 4096 weight
// matrix, per weight type and kernel level. GB/s counts weight bytes read per activation row:
// for dotRows that is the decode speed limit; "multi4" is dotRowsMulti with 4 activation rows
// (prefill), counted as 4 passes over the weights; "multi64" is the prefill pattern of matmul
// (64 activation rows per call), counted as 64 passes.
//
// Times are the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID), best of the calls made in
// kMinSeconds: on a shared machine wall time mostly measures the other processes.
//
// Usage: quant_bench [type...]   (type names as in GGUF, e.g. Q4_K Q8_0; default: all)
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "engine/quant/kernels.h"
#include "engine/quant/quant.h"

namespace {

using folio::GgmlType;

constexpr int64_t kRows = 4096;
constexpr int64_t kCols = 4096;
constexpr double kMinSeconds = 0.25;

const GgmlType kTypes[] = {GgmlType::F32,  GgmlType::F16,  GgmlType::BF16, GgmlType::Q4_0,
                           GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0,
                           GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K};

// Byte offsets of the f16 scale fields in a block of each block type.
struct ScaleFields {
    GgmlType type;
    size_t blockBytes;
    int offsets[2];  // -1: none
};
constexpr ScaleFields kScaleFields[] = {
    {GgmlType::Q4_0, 18, {0, -1}}, {GgmlType::Q4_1, 20, {0, 2}},     {GgmlType::Q5_0, 22, {0, -1}},
    {GgmlType::Q5_1, 24, {0, 2}},  {GgmlType::Q8_0, 34, {0, -1}},    {GgmlType::Q4_K, 144, {0, 2}},
    {GgmlType::Q5_K, 176, {0, 2}}, {GgmlType::Q6_K, 210, {208, -1}},
};

// Random quants with small normal scales (no inf/nan/subnormal, which would distort timing).
std::vector<uint8_t> makeMatrix(GgmlType t, std::mt19937& rng) {
    std::vector<uint8_t> m(folio::rowBytes(t, kCols) * kRows);
    std::uniform_int_distribution<int> byte(0, 255);
    for (auto& b : m) b = static_cast<uint8_t>(byte(rng));
    if (t == GgmlType::F16 || t == GgmlType::BF16) {
        for (size_t i = 0; i < m.size(); i += 2)
            m[i + 1] = static_cast<uint8_t>(0x30 | (m[i + 1] & 0x8F));
    } else if (t == GgmlType::F32) {
        for (size_t i = 0; i < m.size(); i += 4)
            m[i + 3] = static_cast<uint8_t>(0x3C | (m[i + 3] & 0x81));
    }
    for (const ScaleFields& f : kScaleFields) {
        if (f.type != t) continue;
        const uint16_t scale = folio::f32ToF16(0.01f);
        for (size_t o = 0; o < m.size(); o += f.blockBytes)
            for (int off : f.offsets)
                if (off >= 0) std::memcpy(m.data() + o + off, &scale, 2);
    }
    return m;
}

double threadSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Best CPU seconds of one call.
template <class Fn>
double secondsPerCall(Fn&& fn) {
    fn();  // warm caches and page in
    double best = 1e30, total = 0;
    int calls = 0;
    do {
        const double t0 = threadSeconds();
        fn();
        const double dt = threadSeconds() - t0;
        best = std::min(best, dt);
        total += dt;
        ++calls;
    } while (total < kMinSeconds || calls < 3);
    return best;
}

void benchType(GgmlType t, std::mt19937& rng) {
    const std::vector<uint8_t> w = makeMatrix(t, rng);
    const size_t stride = folio::rowBytes(t, kCols);
    std::normal_distribution<float> xd(0.0f, 1.0f);
    constexpr int kAct = 4;
    constexpr int kPrefill = 64;
    const size_t actBytes = folio::activationRowBytes(t, kCols);
    std::vector<uint8_t> act(actBytes * kPrefill);
    std::vector<float> x(kCols);
    for (int j = 0; j < kPrefill; ++j) {
        for (auto& v : x) v = xd(rng);
        folio::quantizeActivationRow(t, x.data(), act.data() + j * actBytes, kCols);
    }
    std::vector<float> out(kRows * kPrefill);
    const double gb = static_cast<double>(w.size()) / 1e9;
    for (folio::KernelLevel level : folio::supportedKernelLevels()) {
        folio::setKernelLevel(level);
        const double single = secondsPerCall(
            [&] { folio::dotRows(t, w.data(), stride, kRows, act.data(), kCols, out.data()); });
        const double multi = secondsPerCall([&] {
            folio::dotRowsMulti(t, w.data(), stride, kRows, act.data(), kAct, kCols, out.data(),
                                kRows);
        });
        // A 1024-row slice of the matrix: one thread's share of a prefill matmul.
        const double prefill = secondsPerCall([&] {
            folio::dotRowsMulti(t, w.data(), stride, kRows / 4, act.data(), kPrefill, kCols,
                                out.data(), kRows);
        });
        std::printf(
            "%-5s %-7s dotRows %7.2f GB/s  multi4 %7.2f GB/s (x%.2f per row)  multi64 %7.2f GB/s\n",
            std::string(folio::typeName(t)).c_str(), folio::kernelLevelName(level), gb / single,
            gb * kAct / multi, single * kAct / multi, gb / 4 * kPrefill / prefill);
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::mt19937 rng(42);
    std::printf("quant_bench: %lld x %lld, one thread, detected level %s\n",
                static_cast<long long>(kRows), static_cast<long long>(kCols),
                folio::kernelLevelName(folio::detectKernelLevel()));
    for (GgmlType t : kTypes) {
        bool wanted = argc < 2;
        for (int i = 1; i < argc; ++i) wanted |= folio::typeName(t) == std::string_view(argv[i]);
        if (wanted) benchType(t, rng);
    }
    return 0;
}
