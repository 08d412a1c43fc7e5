// Kernel dispatch: activation quantization (scalar, shared by every level so that all levels see
// the same activation bytes) and the choice of the per-type kernel for the active SIMD level.
#include "engine/quant/kernels.h"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>

#include "engine/quant/cpu_features.h"
#include "engine/quant/kernels_internal.h"
#include "engine/quant/quant.h"

namespace folio {

using namespace quant;

namespace {

enum class ActFormat { None, F32, Bf16, Q8, Q8K };

struct ActEntry {
    GgmlType type;
    ActFormat format;
};

constexpr ActEntry kActFormats[] = {
    {GgmlType::F32, ActFormat::F32},   {GgmlType::F16, ActFormat::F32},
    {GgmlType::BF16, ActFormat::Bf16}, {GgmlType::Q4_0, ActFormat::Q8},
    {GgmlType::Q4_1, ActFormat::Q8},   {GgmlType::Q5_0, ActFormat::Q8},
    {GgmlType::Q5_1, ActFormat::Q8},   {GgmlType::Q8_0, ActFormat::Q8},
    {GgmlType::Q4_K, ActFormat::Q8K},  {GgmlType::Q5_K, ActFormat::Q8K},
    {GgmlType::Q6_K, ActFormat::Q8K},
};

ActFormat actFormat(GgmlType t) {
    for (const ActEntry& e : kActFormats)
        if (e.type == t) return e.format;
    return ActFormat::None;
}

// Symmetric int8 quantization of `count` values: scale = max|x| / 127, round to nearest.
// Returns the scale; q[i] in [-127, 127].
float quantizeInt8(const float* x, int8_t* q, int count) {
    float amax = 0.0f;
    for (int i = 0; i < count; ++i) amax = std::max(amax, std::fabs(x[i]));
    const float d = amax / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    for (int i = 0; i < count; ++i) {
        const float v = std::clamp(std::nearbyint(x[i] * id), -127.0f, 127.0f);
        q[i] = static_cast<int8_t>(v);
    }
    return d;
}

void quantizeActQ8(const float* x, ActQ8* y, int64_t n) {
    for (int64_t b = 0; b < n / kQK; ++b, x += kQK) {
        // Same rounding as llama.cpp's Q8_0 activations (scale stored as f16), so that our logits
        // match the reference's to its own quantization noise rather than adding ours.
        float amax = 0.0f;
        for (int i = 0; i < kQK; ++i) amax = std::max(amax, std::fabs(x[i]));
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        for (int i = 0; i < kQK; ++i)
            y[b].qs[i] =
                static_cast<int8_t>(std::clamp(std::nearbyint(x[i] * id), -127.0f, 127.0f));
        y[b].d = f16ToF32(f32ToF16(amax / 127.0f));
        int sum = 0;
        for (int i = 0; i < kQK; ++i) sum += y[b].qs[i];
        y[b].s = y[b].d * static_cast<float>(sum);
    }
}

void quantizeActQ8K(const float* x, ActQ8K* y, int64_t n) {
    for (int64_t b = 0; b < n / kQKK; ++b, x += kQKK) {
        y[b].d = quantizeInt8(x, y[b].qs, kQKK);
        for (int g = 0; g < kQKK / 16; ++g) {
            int sum = 0;
            for (int i = 0; i < 16; ++i) sum += y[b].qs[16 * g + i];
            y[b].bsums[g] = static_cast<int16_t>(sum);
        }
    }
}

void quantizeActBf16(const float* x, uint16_t* y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = f32ToBf16(x[i]);
}

int levelRank(KernelLevel l) {
    return static_cast<int>(l);
}

std::atomic<int>& levelSlot() {
    static std::atomic<int> level{levelRank(detectKernelLevel())};
    return level;
}

const KernelTable* scalarKernelTable() {
    return &scalarKernels();
}

// Each level's tables, indexed by levelRank: its DotMultiFn kernels, and its prefill and decode
// routines (getters; nullptr: the level has none and uses the DotMultiFn kernels).
struct LevelTables {
    const KernelTable* (*kernels)();
    const TileTable* (*tiles)();
    const GemvTable* (*gemv)();
};
constexpr LevelTables kLevelTables[] = {
    {scalarKernelTable, nullptr, nullptr},             // Scalar
    {avx2Kernels, nullptr, avx2Gemv},                  // Avx2
    {avx512Kernels, avx512Tiles, avx512Gemv},          // Avx512
    {avx512Kernels, avx512Bf16Tiles, avx512Bf16Gemv},  // Avx512Bf16
};
static_assert(sizeof(kLevelTables) / sizeof(kLevelTables[0]) ==
              static_cast<size_t>(KernelLevel::Avx512Bf16) + 1);

// The active level's tables; nullptr where it has none.
const TileTable* activeTiles() {
    const LevelTables& level = kLevelTables[levelRank(kernelLevel())];
    return level.tiles ? level.tiles() : nullptr;
}
const GemvTable* activeGemv() {
    const LevelTables& level = kLevelTables[levelRank(kernelLevel())];
    return level.gemv ? level.gemv() : nullptr;
}
const KernelTable* activeKernels() {
    return kLevelTables[levelRank(kernelLevel())].kernels();
}

// The kernels for `t` at the active level, falling back to scalar where a level lacks a type.
// All null for an unsupported type (a caller bug: callers check kernelSupports first).
const DotMultiFn* kernelsFor(GgmlType t) {
    static constexpr DotMultiFn kNone[kMaxMulti] = {};
    const auto raw = static_cast<uint32_t>(t);
    assert(kernelSupports(t));
    if (raw >= static_cast<uint32_t>(kTypeSlots)) return kNone;
    const KernelTable* table = activeKernels();
    if (table && table->multi[raw][0]) return table->multi[raw];
    return scalarKernels().multi[raw];
}

// Release builds answer an unsupported type with NaN outputs rather than a crash.
void fillNan(float* out, int64_t nRows, int64_t nAct, int64_t outStride) {
    for (int64_t j = 0; j < nAct; ++j)
        for (int64_t r = 0; r < nRows; ++r)
            out[j * outStride + r] = std::numeric_limits<float>::quiet_NaN();
}

}  // namespace

bool kernelSupports(GgmlType weightType) {
    return actFormat(weightType) != ActFormat::None;
}

bool sharesActivations(GgmlType a, GgmlType b) {
    return actFormat(a) != ActFormat::None && actFormat(a) == actFormat(b);
}

size_t activationRowBytes(GgmlType weightType, int64_t n) {
    switch (actFormat(weightType)) {
        case ActFormat::F32:
            return static_cast<size_t>(n) * sizeof(float);
        case ActFormat::Bf16:
            return static_cast<size_t>(n) * sizeof(uint16_t);
        case ActFormat::Q8:
            return static_cast<size_t>(n / kQK) * sizeof(ActQ8);
        case ActFormat::Q8K:
            return static_cast<size_t>(n / kQKK) * sizeof(ActQ8K);
        case ActFormat::None:
            break;
    }
    return 0;
}

void quantizeActivationRow(GgmlType weightType, const float* x, void* dst, int64_t n) {
    // The SIMD quantizers write the scalar code's bytes (tested), so the level changes speed only.
    const TileTable* simd = activeTiles();
    const ActFormat format = actFormat(weightType);
    if (simd && format == ActFormat::Q8 && simd->quantizeQ8)
        return simd->quantizeQ8(x, static_cast<uint8_t*>(dst), n);
    if (simd && format == ActFormat::Q8K && simd->quantizeQ8K)
        return simd->quantizeQ8K(x, static_cast<uint8_t*>(dst), n);
    switch (format) {
        case ActFormat::F32:
            std::memcpy(dst, x, static_cast<size_t>(n) * sizeof(float));
            return;
        case ActFormat::Bf16:
            quantizeActBf16(x, static_cast<uint16_t*>(dst), n);
            return;
        case ActFormat::Q8:
            assert(n % kQK == 0);
            quantizeActQ8(x, static_cast<ActQ8*>(dst), n);
            return;
        case ActFormat::Q8K:
            assert(n % kQKK == 0);
            quantizeActQ8K(x, static_cast<ActQ8K*>(dst), n);
            return;
        case ActFormat::None:
            break;
    }
    assert(false && "quantizeActivationRow: unsupported weight type");
}

namespace {

// The prefill routine for `t` at the active level; nullptr where the level has none for `t`.
GemmFn gemmFor(GgmlType t) {
    const auto raw = static_cast<uint32_t>(t);
    const TileTable* table = activeTiles();
    return table && raw < static_cast<uint32_t>(kTypeSlots) ? table->gemm[raw] : nullptr;
}

// The decode routine for `t` at the active level; nullptr where the level has none for `t`.
GemvFn gemvFor(GgmlType t) {
    const auto raw = static_cast<uint32_t>(t);
    const GemvTable* table = activeGemv();
    return table && raw < static_cast<uint32_t>(kTypeSlots) ? table->gemv[raw] : nullptr;
}

}  // namespace

void dotRows(GgmlType weightType, const uint8_t* w, size_t rowStride, int64_t nRows,
             const void* act, int64_t n, float* out) {
    // Decode: the multi-row gemv kernels where the level has one for the type (same bits as the
    // one-row kernels, fewer cycles per weight byte), else the one-row kernel per row.
    const auto* a = static_cast<const uint8_t*>(act);
    if (const GemvFn gemv = gemvFor(weightType)) return gemv(w, rowStride, nRows, a, n, out);
    const DotMultiFn fn = kernelsFor(weightType)[0];
    if (!fn) return fillNan(out, nRows, 1, 1);
    for (int64_t r = 0; r < nRows; ++r) fn(w + r * rowStride, a, 0, n, out + r, 1);
}

void dotRowsMulti(GgmlType weightType, const uint8_t* w, size_t rowStride, int64_t nRows,
                  const uint8_t* act, int64_t nAct, int64_t n, float* out, int64_t outStride) {
    const size_t actBytes = activationRowBytes(weightType, n);
    if (const GemmFn gemm = gemmFor(weightType))
        return gemm(w, rowStride, nRows, act, actBytes, nAct, n, out, outStride);
    // Tiles of kRowTile weight rows x kMaxMulti activation rows: the activation group stays in
    // L1 across the tile's rows and each weight block is decoded once per group.
    constexpr int64_t kRowTile = 8;
    const DotMultiFn* fns = kernelsFor(weightType);
    if (!fns[0]) return fillNan(out, nRows, nAct, outStride);
    for (int64_t r0 = 0; r0 < nRows; r0 += kRowTile) {
        const int64_t r1 = std::min(nRows, r0 + kRowTile);
        for (int64_t j0 = 0; j0 < nAct; j0 += kMaxMulti) {
            const int64_t na = std::min<int64_t>(kMaxMulti, nAct - j0);
            const uint8_t* a = act + j0 * actBytes;
            for (int64_t r = r0; r < r1; ++r)
                fns[na - 1](w + r * rowStride, a, actBytes, n, out + j0 * outStride + r, outStride);
        }
    }
}

KernelLevel detectKernelLevel() {
    const CpuFeatures& f = cpuFeatures();
    const bool avx2 = f.avx2 && f.fma && f.f16c;
    const bool avx512 =
        avx2 && f.avx512f && f.avx512bw && f.avx512vl && f.avx512vnni && avx512Kernels();
    if (avx512 && f.avx512bf16 && avx512Bf16Tiles()) return KernelLevel::Avx512Bf16;
    if (avx512) return KernelLevel::Avx512;
    if (avx2 && avx2Kernels()) return KernelLevel::Avx2;
    return KernelLevel::Scalar;
}

KernelLevel kernelLevel() {
    return static_cast<KernelLevel>(levelSlot().load(std::memory_order_relaxed));
}

void setKernelLevel(KernelLevel level) {
    const int clamped = std::min(levelRank(level), levelRank(detectKernelLevel()));
    levelSlot().store(clamped, std::memory_order_relaxed);
}

std::vector<KernelLevel> supportedKernelLevels() {
    std::vector<KernelLevel> out;
    for (KernelLevel l :
         {KernelLevel::Scalar, KernelLevel::Avx2, KernelLevel::Avx512, KernelLevel::Avx512Bf16}) {
        if (levelRank(l) <= levelRank(detectKernelLevel())) out.push_back(l);
    }
    return out;
}

const char* kernelLevelName(KernelLevel level) {
    switch (level) {
        case KernelLevel::Scalar:
            return "scalar";
        case KernelLevel::Avx2:
            return "avx2";
        case KernelLevel::Avx512:
            return "avx512";
        case KernelLevel::Avx512Bf16:
            return "avx512-bf16";
    }
    return "unknown";
}

}  // namespace folio
