#pragma once
// The orthonormal Walsh-Hadamard transform written out from its definition (Sylvester's matrix,
// H[i][j] = (-1)^popcount(i & j) / sqrt(n)), O(n^2): the tests' independent reference for the
// engine's fast in-place transform (hadamardRotate, which the q8_0 KV cache applies to K rows).
#include <bit>
#include <cmath>
#include <vector>

namespace folio::test {

// H x for x of n values (n a power of two).
inline std::vector<float> hadamard(const float* x, int n) {
    std::vector<float> y(size_t(n), 0.0f);
    const double norm = 1.0 / std::sqrt(double(n));
    for (int i = 0; i < n; ++i) {
        double sum = 0;
        for (int j = 0; j < n; ++j)
            sum += (std::popcount(unsigned(i & j)) % 2 ? -1.0 : 1.0) * double(x[j]);
        y[size_t(i)] = float(sum * norm);
    }
    return y;
}

}  // namespace folio::test
