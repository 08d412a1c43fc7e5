// CPU-parity tests of the CUDA kernels (label gpu). Without a CUDA device the suite exits with 77,
// which CTest reports as skipped.
#include <QtTest>
#include <cstdio>
#include <random>

#include "engine/cuda/cuda_backend.h"
#include "engine/ops/elementwise.h"
#include "engine/quant/quant.h"

using namespace folio;

namespace {

std::vector<float> randomVector(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> d(0.f, 1.f);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng);
    return v;
}

// Normalised mean squared error: sum (a-b)^2 / sum b^2.
double nmse(const std::vector<float>& a, const std::vector<float>& b) {
    double num = 0, den = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        num += double(a[i] - b[i]) * (a[i] - b[i]);
        den += double(b[i]) * b[i];
    }
    return den > 0 ? num / den : num;
}

}  // namespace

class CudaParityTest : public QObject {
    Q_OBJECT
private slots:
    void rmsNormMatchesCpu() {
        const int rows = 7, n = 896;
        auto x = randomVector(size_t(rows) * n, 1), w = randomVector(n, 2);
        std::vector<float> gpu(x.size()), cpu(x.size());
        Status s = cuda::rmsNorm(x.data(), w.data(), gpu.data(), rows, n, 1e-6f);
        QVERIFY2(s.ok(), s.message().c_str());
        for (int r = 0; r < rows; ++r)
            rmsNorm(&x[size_t(r) * n], w.data(), &cpu[size_t(r) * n], n, 1e-6f);
        QVERIFY(nmse(gpu, cpu) < 1e-7);
    }

    void swigluMatchesCpu() {
        auto g = randomVector(4864, 3), u = randomVector(4864, 4);
        auto gpu = g, cpu = g;
        Status s = cuda::swiglu(gpu.data(), u.data(), int64_t(g.size()));
        QVERIFY2(s.ok(), s.message().c_str());
        swiglu(cpu.data(), u.data(), int(cpu.size()));
        QVERIFY(nmse(gpu, cpu) < 1e-7);
    }

    void matvecQ8_0MatchesCpu() {
        const int rows = 128, cols = 896;
        auto wf = randomVector(size_t(rows) * cols, 5), x = randomVector(cols, 6);
        const size_t rowBytesQ8 = rowBytes(GgmlType::Q8_0, cols);
        std::vector<uint8_t> w(rowBytesQ8 * rows);
        for (int r = 0; r < rows; ++r)
            quantizeRowQ8_0(&wf[size_t(r) * cols], &w[r * rowBytesQ8], cols);
        std::vector<float> gpu(rows), cpu(rows);
        Status s = cuda::matvecQ8_0(w.data(), x.data(), gpu.data(), rows, cols);
        QVERIFY2(s.ok(), s.message().c_str());
        for (int r = 0; r < rows; ++r) cpu[r] = dotRowRef(GgmlType::Q8_0, &w[r * rowBytesQ8], x.data(), cols);
        QVERIFY(nmse(gpu, cpu) < 5e-4);
    }
};

int main(int argc, char** argv) {
    auto device = cuda::probeDevice();
    if (!device) {
        std::printf("SKIP: %s\n", device.error().message.c_str());
        return 77;
    }
    std::printf("CUDA device: %s (sm_%d%d)\n", device->name.c_str(), device->computeMajor,
                device->computeMinor);
    CudaParityTest t;
    return QTest::qExec(&t, argc, argv);
}
#include "cuda_parity_test.moc"
