#include "engine/ops/elementwise.h"

#include <cmath>

namespace folio {

void rmsNorm(const float* x, const float* weight, float* out, int n, float eps) {
    double sum = 0.0;
    for (int i = 0; i < n; ++i) sum += double(x[i]) * x[i];
    const float scale = float(1.0 / std::sqrt(sum / n + eps));
    for (int i = 0; i < n; ++i) out[i] = x[i] * scale * weight[i];
}

void ropeTable(int pos, int headDim, float theta, float* cosSin) {
    const int half = headDim / 2;
    for (int i = 0; i < half; ++i) {
        double freq = std::pow(double(theta), -2.0 * i / headDim);
        double angle = double(pos) * freq;
        cosSin[2 * i] = float(std::cos(angle));
        cosSin[2 * i + 1] = float(std::sin(angle));
    }
}

void applyRope(float* x, int nHeads, int headDim, const float* cosSin, RopeStyle style) {
    const int half = headDim / 2;
    for (int h = 0; h < nHeads; ++h) {
        float* v = x + int64_t(h) * headDim;
        for (int i = 0; i < half; ++i) {
            const float c = cosSin[2 * i], s = cosSin[2 * i + 1];
            const int a = style == RopeStyle::Neox ? i : 2 * i;
            const int b = style == RopeStyle::Neox ? i + half : 2 * i + 1;
            const float x0 = v[a], x1 = v[b];
            v[a] = x0 * c - x1 * s;
            v[b] = x0 * s + x1 * c;
        }
    }
}

void swiglu(float* gate, const float* up, int n) {
    for (int i = 0; i < n; ++i) {
        const float g = gate[i];
        gate[i] = g / (1.0f + std::exp(-g)) * up[i];
    }
}

void addInPlace(float* x, const float* y, int n) {
    for (int i = 0; i < n; ++i) x[i] += y[i];
}

}  // namespace folio
