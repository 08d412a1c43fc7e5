#pragma once
// Small fused element-wise kernels of the transformer block. All pointers are f32 row-major;
// shapes are given per function. Pure functions, thread-safe.
#include <cstdint>

#include "engine/model/config.h"

namespace folio {

// out[i] = x[i] / rms(x) * weight[i], rms over n elements. out may alias x.
void rmsNorm(const float* x, const float* weight, float* out, int n, float eps);

// Rotary position embedding in place for one token: x is [nHeads][headDim]; `cosSin` holds
// headDim/2 (cos, sin) pairs for this token's position (see ropeTable).
void applyRope(float* x, int nHeads, int headDim, const float* cosSin, RopeStyle style);

// cosSin[i] = (cos(pos * theta^(-2i/headDim)), sin(...)) for i in [0, headDim/2), in double
// precision before rounding so long positions stay exact.
void ropeTable(int pos, int headDim, float theta, float* cosSin);

// gate[i] = silu(gate[i]) * up[i], n elements.
void swiglu(float* gate, const float* up, int n);

// x[i] += y[i].
void addInPlace(float* x, const float* y, int n);

}  // namespace folio
