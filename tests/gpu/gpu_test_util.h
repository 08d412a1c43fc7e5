#pragma once
// Helpers of the gpu-labelled suites: random data, the normalised error, and a main() that skips
// (exit 77, which CTest reports as skipped) when no CUDA device is usable.
#include <QtTest>
#include <cstdio>
#include <random>
#include <vector>

#include "engine/cuda/cuda_backend.h"

namespace folio::test {

inline std::vector<float> randomVector(size_t n, uint32_t seed, float sigma = 1.f) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> d(0.f, sigma);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng);
    return v;
}

// Normalised mean squared error: sum (a-b)^2 / sum b^2 (b is the CPU reference).
inline double nmse(const std::vector<float>& a, const std::vector<float>& b) {
    double num = 0, den = 0;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        num += double(a[i] - b[i]) * (a[i] - b[i]);
        den += double(b[i]) * b[i];
    }
    if (a.size() != b.size()) return 1e30;
    return den > 0 ? num / den : num;
}

// Error limits of the CUDA backend against the CPU: element-wise and attention kernels, and
// matrix products (whose GPU side rounds activations or weights to f16, or sums in another order).
constexpr double kNmseGeneral = 1e-7;
constexpr double kNmseMatrix = 5e-4;

}  // namespace folio::test

// QVERIFY2 with the measured error in the message.
#define FOLIO_VERIFY_NMSE(gpu, cpu, limit)                                               \
    do {                                                                                 \
        const double e_ = folio::test::nmse((gpu), (cpu));                               \
        QVERIFY2(e_ < (limit), qPrintable(QString("nmse %1 >= %2").arg(e_).arg(limit))); \
    } while (0)

#define FOLIO_GPU_TEST_MAIN(TestClass)                                                         \
    int main(int argc, char** argv) {                                                          \
        auto device = folio::cuda::probeDevice();                                              \
        if (!device) {                                                                         \
            std::printf("SKIP: %s\n", device.error().message.c_str());                         \
            return 77;                                                                         \
        }                                                                                      \
        std::printf("CUDA device: %s (sm_%d%d)\n", device->name.c_str(), device->computeMajor, \
                    device->computeMinor);                                                     \
        TestClass t;                                                                           \
        return QTest::qExec(&t, argc, argv);                                                   \
    }
