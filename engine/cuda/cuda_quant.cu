// Weight formats on the GPU: warp-per-row matvec with dequantisation fused into the dot product
// (the decode path), and dequantisation to f16 (done once at upload for the cuBLAS prefill path).
// Block layouts are GGUF's, read byte-wise so no alignment is assumed (blocks of 18, 22 or 34
// bytes are not 4-byte aligned). CPU twins: engine/quant/quant.h dequantizeRow / dotRowRef.
//
// Each format is a Traits struct that splits a block into kChunks chunks of 8 elements and
// visits one chunk: f(elementIndexInBlock, value) for its 8 elements. The chunk order is chosen
// so that consecutive lanes of a warp read consecutive bytes (coalesced loads).
#include <cuda_bf16.h>

#include "engine/cuda/cuda_util.cuh"

namespace folio::cuda {

namespace {

__device__ __forceinline__ float loadHalf(const uint8_t* p) {
    const unsigned short bits = static_cast<unsigned short>(p[0] | (p[1] << 8));
    return __half2float(__ushort_as_half(bits));
}

__device__ __forceinline__ float loadBf16(const uint8_t* p) {
    const unsigned short bits = static_cast<unsigned short>(p[0] | (p[1] << 8));
    return __bfloat162float(__ushort_as_bfloat16(bits));
}

// Q4_0: d (f16), qs[16]: element j low nibble of qs[j], element j+16 high nibble; x = (q-8)*d.
struct TraitsQ4_0 {
    static constexpr int kBlockSize = 32, kBlockBytes = 18, kChunks = 4;
    template <class F>
    __device__ static void visit(const uint8_t* b, int c, F f) {
        const float d = loadHalf(b);
        for (int j = 0; j < 4; ++j) {
            const int e = 4 * c + j;
            const int q = b[2 + e];
            f(e, float((q & 0x0F) - 8) * d);
            f(e + 16, float((q >> 4) - 8) * d);
        }
    }
};

// Q5_0: d, qh[4] (bit j: 5th bit of element j), qs[16] as Q4_0; x = (q-16)*d.
struct TraitsQ5_0 {
    static constexpr int kBlockSize = 32, kBlockBytes = 22, kChunks = 4;
    template <class F>
    __device__ static void visit(const uint8_t* b, int c, F f) {
        const float d = loadHalf(b);
        const uint32_t qh =
            uint32_t(b[2]) | uint32_t(b[3]) << 8 | uint32_t(b[4]) << 16 | uint32_t(b[5]) << 24;
        for (int j = 0; j < 4; ++j) {
            const int e = 4 * c + j;
            const int q = b[6 + e];
            const int lo = (q & 0x0F) | int((qh >> e) & 1u) << 4;
            const int hi = (q >> 4) | int((qh >> (e + 16)) & 1u) << 4;
            f(e, float(lo - 16) * d);
            f(e + 16, float(hi - 16) * d);
        }
    }
};

// Q8_0: d, qs[32] int8; x = q*d.
struct TraitsQ8_0 {
    static constexpr int kBlockSize = 32, kBlockBytes = 34, kChunks = 4;
    template <class F>
    __device__ static void visit(const uint8_t* b, int c, F f) {
        const float d = loadHalf(b);
        for (int j = 0; j < 8; ++j) {
            const int e = 8 * c + j;
            f(e, float(static_cast<int8_t>(b[2 + e])) * d);
        }
    }
};

// The 6-bit scale and min of sub-block j of a Q4_K/Q5_K block (same packing as
// quant unpackScalesK4).
__device__ __forceinline__ void scaleMinK4(const uint8_t* s, int j, int& sc, int& mn) {
    if (j < 4) {
        sc = s[j] & 63;
        mn = s[j + 4] & 63;
    } else {
        sc = (s[j + 4] & 0x0F) | ((s[j - 4] >> 6) << 4);
        mn = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
    }
}

// Q4_K: d, dmin, scales[12], qs[128]; 4 groups of 64 elements: qs[32g + l] holds element 64g+l
// (low nibble, sub-block 2g) and 64g+32+l (high nibble, sub-block 2g+1). Chunk c: g = c/8,
// l in [4(c%8), +4).
struct TraitsQ4_K {
    static constexpr int kBlockSize = 256, kBlockBytes = 144, kChunks = 32;
    template <class F>
    __device__ static void visit(const uint8_t* b, int c, F f) {
        const float d = loadHalf(b), dmin = loadHalf(b + 2);
        const int g = c / 8, l0 = 4 * (c % 8);
        int sc1, m1, sc2, m2;
        scaleMinK4(b + 4, 2 * g, sc1, m1);
        scaleMinK4(b + 4, 2 * g + 1, sc2, m2);
        const float d1 = d * float(sc1), o1 = dmin * float(m1);
        const float d2 = d * float(sc2), o2 = dmin * float(m2);
        const uint8_t* qs = b + 16 + 32 * g;
        for (int j = 0; j < 4; ++j) {
            const int l = l0 + j;
            f(64 * g + l, d1 * float(qs[l] & 0x0F) - o1);
            f(64 * g + 32 + l, d2 * float(qs[l] >> 4) - o2);
        }
    }
};

// Q6_K: ql[128], qh[64], scales[16] int8, d; two halves of 128 elements, in each ql[l], ql[l+32]
// and qh[l] give elements l, l+32, l+64, l+96. Chunk c: half c/16, l in {2(c%16), 2(c%16)+1}.
struct TraitsQ6_K {
    static constexpr int kBlockSize = 256, kBlockBytes = 210, kChunks = 32;
    template <class F>
    __device__ static void visit(const uint8_t* b, int c, F f) {
        const float d = loadHalf(b + 208);
        const int h = c / 16;
        const uint8_t* ql = b + 64 * h;
        const uint8_t* qh = b + 128 + 32 * h;
        const int8_t* sc = reinterpret_cast<const int8_t*>(b + 192) + 8 * h;
        for (int j = 0; j < 2; ++j) {
            const int l = 2 * (c % 16) + j;
            const int is = l / 16;
            const int q1 = ((ql[l] & 0x0F) | (((qh[l] >> 0) & 3) << 4)) - 32;
            const int q2 = ((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) - 32;
            const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
            const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
            f(128 * h + l, d * float(sc[is]) * float(q1));
            f(128 * h + l + 32, d * float(sc[is + 2]) * float(q2));
            f(128 * h + l + 64, d * float(sc[is + 4]) * float(q3));
            f(128 * h + l + 96, d * float(sc[is + 6]) * float(q4));
        }
    }
};

// F16 / BF16: a "block" of 8 elements, one chunk.
struct TraitsF16 {
    static constexpr int kBlockSize = 8, kBlockBytes = 16, kChunks = 1;
    template <class F>
    __device__ static void visit(const uint8_t* b, int, F f) {
        for (int j = 0; j < 8; ++j) f(j, loadHalf(b + 2 * j));
    }
};

struct TraitsBf16 {
    static constexpr int kBlockSize = 8, kBlockBytes = 16, kChunks = 1;
    template <class F>
    __device__ static void visit(const uint8_t* b, int, F f) {
        for (int j = 0; j < 8; ++j) f(j, loadBf16(b + 2 * j));
    }
};

constexpr int kMatvecWarpsPerBlock = 4;

// One warp per output row; lanes stride over the row's chunks and reduce with shuffles.
template <class T>
__global__ void matvecKernel(const uint8_t* w, const float* x, float* y, int rows,
                             int blocksPerRow) {
    const int row = blockIdx.x * kMatvecWarpsPerBlock + threadIdx.x / kWarp;
    const int lane = threadIdx.x % kWarp;
    if (row >= rows) return;
    const uint8_t* r = w + size_t(row) * blocksPerRow * T::kBlockBytes;
    const int nChunks = blocksPerRow * T::kChunks;
    float sum = 0.f;
    for (int i = lane; i < nChunks; i += kWarp) {
        const int b = i / T::kChunks, c = i % T::kChunks;
        const float* xb = x + size_t(b) * T::kBlockSize;
        T::visit(r + size_t(b) * T::kBlockBytes, c, [&](int e, float v) { sum += v * xb[e]; });
    }
    sum = warpSum(sum);
    if (lane == 0) y[row] = sum;
}

// One thread per chunk of the whole matrix.
template <class T>
__global__ void dequantF16Kernel(const uint8_t* w, __half* out, int64_t nChunksTotal) {
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= nChunksTotal) return;
    const int64_t b = i / T::kChunks;
    const int c = int(i % T::kChunks);
    __half* ob = out + b * T::kBlockSize;  // rows are whole blocks, so blocks tile the matrix
    T::visit(w + b * T::kBlockBytes, c, [&](int e, float v) { ob[e] = __float2half_rn(v); });
}

// Saturating: an activation beyond f16's range (outliers of real models' FFN, up to ~1e5)
// becomes +-65504 rather than inf, which cuBLAS would turn into NaN logits. NaN stays NaN.
__global__ void f32ToF16Kernel(const float* x, __half* out, int64_t n) {
    constexpr float kF16Max = 65504.0f;
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const float v = x[i];
    out[i] = __float2half_rn(v != v ? v : fminf(fmaxf(v, -kF16Max), kF16Max));
}

template <class T>
void matvecLaunch(const void* w, const float* x, float* y, int rows, int cols, cudaStream_t s) {
    const int blocks = (rows + kMatvecWarpsPerBlock - 1) / kMatvecWarpsPerBlock;
    matvecKernel<T><<<blocks, kMatvecWarpsPerBlock * kWarp, 0, s>>>(
        static_cast<const uint8_t*>(w), x, y, rows, cols / T::kBlockSize);
}

template <class T>
void dequantLaunch(const void* w, __half* out, int rows, int cols, cudaStream_t s) {
    const int64_t chunks = int64_t(rows) * (cols / T::kBlockSize) * T::kChunks;
    dequantF16Kernel<T><<<unsigned((chunks + 255) / 256), 256, 0, s>>>(
        static_cast<const uint8_t*>(w), out, chunks);
}

struct FormatEntry {
    GgmlType type;
    int blockSize;
    int blockBytes;
    void (*matvec)(const void*, const float*, float*, int, int, cudaStream_t);
    void (*dequant)(const void*, __half*, int, int, cudaStream_t);
};

template <class T>
constexpr FormatEntry entry(GgmlType t) {
    return {t, T::kBlockSize, T::kBlockBytes, matvecLaunch<T>, dequantLaunch<T>};
}

const FormatEntry kFormats[] = {
    entry<TraitsQ4_0>(GgmlType::Q4_0), entry<TraitsQ5_0>(GgmlType::Q5_0),
    entry<TraitsQ8_0>(GgmlType::Q8_0), entry<TraitsQ4_K>(GgmlType::Q4_K),
    entry<TraitsQ6_K>(GgmlType::Q6_K), entry<TraitsF16>(GgmlType::F16),
    entry<TraitsBf16>(GgmlType::BF16),
};

const FormatEntry* findFormat(GgmlType t) {
    for (const FormatEntry& e : kFormats)
        if (e.type == t) return &e;
    return nullptr;
}

// The format of t if it is supported and the shape fits it; otherwise an Error naming why.
Expected<const FormatEntry*> checkedFormat(GgmlType t, int rows, int cols, const char* what) {
    const FormatEntry* f = findFormat(t);
    if (!f)
        return makeError(std::string("cuda ") + what + ": weight type " + std::string(typeName(t)) +
                         " is not supported on the GPU");
    if (rows <= 0 || cols <= 0 || cols % f->blockSize != 0)
        return makeError(std::string("cuda ") + what + ": shape " + std::to_string(rows) + "x" +
                         std::to_string(cols) + " is not a whole number of " +
                         std::string(typeName(t)) + " blocks per row");
    return f;
}

}  // namespace

bool matvecSupports(GgmlType t) {
    return findFormat(t) != nullptr;
}

Status checkMatrixShape(GgmlType t, int rows, int cols, const char* what) {
    auto f = checkedFormat(t, rows, cols, what);
    if (!f) return f.error();
    return {};
}

Status launchMatvec(GgmlType t, const void* w, const float* x, float* y, int rows, int cols,
                    cudaStream_t stream) {
    auto f = checkedFormat(t, rows, cols, "matvec");
    if (!f) return f.error();
    (*f)->matvec(w, x, y, rows, cols, stream);
    return {};
}

Status launchDequantizeF16(GgmlType t, const void* w, __half* out, int rows, int cols,
                           cudaStream_t stream) {
    auto f = checkedFormat(t, rows, cols, "dequantizeF16");
    if (!f) return f.error();
    (*f)->dequant(w, out, rows, cols, stream);
    return {};
}

void launchF32ToF16(const float* x, __half* out, int64_t n, cudaStream_t stream) {
    if (n <= 0) return;  // a grid of 0 blocks is a launch error
    f32ToF16Kernel<<<unsigned((n + 255) / 256), 256, 0, stream>>>(x, out, n);
}

// Bytes of a [rows][cols] matrix of a supported type (the caller checked the shape).
size_t matrixBytes(GgmlType t, int rows, int cols) {
    const FormatEntry* f = findFormat(t);
    return size_t(rows) * size_t(cols / f->blockSize) * size_t(f->blockBytes);
}

Status matvec(GgmlType t, const void* w, const float* x, float* y, int rows, int cols) {
    auto f = checkedFormat(t, rows, cols, "matvec");
    if (!f) return f.error();
    DeviceBuffer dw, dx, dy;
    if (Status s = dw.upload(w, matrixBytes(t, rows, cols)); !s) return s;
    if (Status s = dx.upload(x, size_t(cols) * 4); !s) return s;
    if (Status s = dy.allocate(size_t(rows) * 4); !s) return s;
    if (Status s =
            launchMatvec(t, dw.as<void>(), dx.as<float>(), dy.as<float>(), rows, cols, nullptr);
        !s)
        return s;
    if (Status s = finish("matvec"); !s) return s;
    return dy.download(y, size_t(rows) * 4);
}

}  // namespace folio::cuda
