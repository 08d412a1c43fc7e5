// Tensor-core causal prefill attention over the paged f16 KV cache: FlashAttention-2
// structure (a CTA owns a tile of queries of one head and streams K/V tiles through shared
// memory with an online softmax) with both products on tensor cores through nvcuda::wmma
// (16x16x16 f16 fragments, f32 accumulation). The scalar kernel in cuda_attention.cu is the
// reference; FOLIO_CUDA_ATTENTION=scalar forces it (see cuda_attention.cu).
//
// Numerics: Q*scale and the softmax weights P are rounded to f16 before their products (K and V
// are f16 already); scores, max, sums and the output accumulator stay f32. Against the f32 CPU
// reference that adds roughly 2^-12 relative error per rounded operand, i.e. a normalised MSE
// around 1e-7 instead of ~1e-9 (the tests bound it by kNmseTensorCore).
//
// Cost estimate (target: time to first token <= 3 s for a 32K prompt, Qwen3-8B shape:
// 36 layers, 32 q heads, head dim 128). Causal attention does QK^T and PV over N^2/2 pairs:
// 2 products * 2 FLOP * (N^2/2) * D = 2*N^2*D per head and layer
//   = 2 * 32768^2 * 128 * 32 heads * 36 layers = 3.2e14 FLOP.
// H200 dense f16 tensor peak ~990 TFLOP/s: 0.32 s at peak, ~1.1 s at 30% and ~3.2 s at 10%.
// The projections and MLP add 2 * 8e9 params * 32768 = 5.2e14 FLOP, ~0.9 s through cuBLAS at
// ~60% of peak. So the 3 s target needs this kernel at >= ~15% of peak (~150 TFLOP/s); the
// scalar FP32 kernel (CUDA-core FP32, far below that) cannot reach it. This WMMA version keeps
// the output accumulator in shared memory (WMMA hides which fragment element is which row, so
// the per-row rescale goes through shared memory); if a GPU measurement shows it below ~15%,
// the next steps are mma.sync with register-resident O, cp.async double buffering of K/V and
// packing the q heads of one KV head into the same CTA. Unmeasured so far: no GPU was lent.
#include <mma.h>

#include <cmath>

#include "engine/cuda/cuda_attention_tc.cuh"

namespace folio::cuda {

namespace {

namespace wmma = nvcuda::wmma;

constexpr int kTcWarps = 4;
constexpr int kTcThreads = kTcWarps * kWarp;
constexpr int kTcRowsPerWarp = 16;                // one WMMA M tile per warp
constexpr int kTcBr = kTcWarps * kTcRowsPerWarp;  // 64 query rows per CTA
constexpr int kTcBc = 64;                         // keys per tile: 4 pages of 16 tokens
constexpr int kF = 16;                            // WMMA fragment edge
constexpr int kHalfPad = 8;                       // f16 row padding: avoids bank conflicts
constexpr int kFloatPad = 4;                      // f32 row padding (WMMA needs ld % 4 == 0)
constexpr int kSLd = kTcBc + kFloatPad;           // scores row stride, floats
constexpr int kPLd = kTcBc + kHalfPad;            // P row stride, halves

// Shared memory of one CTA for head size D; every region starts 32-byte aligned (WMMA pointers
// must be) because every size below is a multiple of 32 bytes.
template <int D>
struct TcSmem {
    static constexpr int kHLd = D + kHalfPad;   // Q, K, V row stride, halves
    static constexpr int kOLd = D + kFloatPad;  // output accumulator row stride, floats
    static constexpr size_t kQ = 0;             // [64][kHLd] f16
    static constexpr size_t kK = kQ + size_t(kTcBr) * kHLd * 2;  // [64][kHLd] f16
    static constexpr size_t kV = kK + size_t(kTcBc) * kHLd * 2;  // [64][kHLd] f16
    static constexpr size_t kS = kV + size_t(kTcBc) * kHLd * 2;  // [64][kSLd] f32
    static constexpr size_t kP = kS + size_t(kTcBr) * kSLd * 4;  // [64][kPLd] f16
    static constexpr size_t kO = kP + size_t(kTcBr) * kPLd * 2;  // [64][kOLd] f32
    static constexpr size_t kBytes = kO + size_t(kTcBr) * kOLd * 4;
};

__device__ __forceinline__ int64_t tcKeyOffset(const PagedKvLayout& L, const int32_t* table,
                                               int kvHead, int pos) {
    return int64_t(table[pos / L.blockTokens]) * L.blockStride + int64_t(kvHead) * L.headStride +
           int64_t(pos % L.blockTokens) * L.headDim;
}

// Grid (ceil(nTok / 64), nHead), 128 threads, TcSmem<D>::kBytes of dynamic shared memory.
// Warp w owns query rows [row0 + 16w, row0 + 16w + 16); in the softmax lanes 2r and 2r+1 share
// row r of the warp, each taking half of the key columns and half of the output columns. Keys
// [0, kvEnd) are streamed in tiles of 64 read straight from the pool through the block table
// (16-byte vectors; keys past kvEnd are zero). Query row t sees keys <= startPos + t.
template <int D>
__global__ void __launch_bounds__(kTcThreads)
    prefillTcKernel(const __half* pool, PagedKvLayout L, const int32_t* table, const float* q,
                    int nTok, int startPos, int nHead, int group, float scale, float* out) {
    using S = TcSmem<D>;
    extern __shared__ __align__(128) unsigned char smem[];
    __half* qs = reinterpret_cast<__half*>(smem + S::kQ);
    __half* ks = reinterpret_cast<__half*>(smem + S::kK);
    __half* vs = reinterpret_cast<__half*>(smem + S::kV);
    const int h = blockIdx.y, kvh = h / group, row0 = blockIdx.x * kTcBr;
    const int warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp;
    float* sw = reinterpret_cast<float*>(smem + S::kS) + warp * kTcRowsPerWarp * kSLd;
    __half* pw = reinterpret_cast<__half*>(smem + S::kP) + warp * kTcRowsPerWarp * kPLd;
    float* ow = reinterpret_cast<float*>(smem + S::kO) + warp * kTcRowsPerWarp * S::kOLd;

    for (int i = threadIdx.x; i < kTcBr * D; i += kTcThreads) {
        const int r = i / D, d = i % D, t = row0 + r;
        qs[r * S::kHLd + d] =
            __float2half(t < nTok ? q[(size_t(t) * nHead + h) * D + d] * scale : 0.f);
    }
    for (int i = lane; i < kTcRowsPerWarp * D; i += kWarp) ow[(i / D) * S::kOLd + i % D] = 0.f;

    const int myRow = lane / 2, colHalf = lane % 2;  // softmax: this lane's row and column half
    const int myT = row0 + warp * kTcRowsPerWarp + myRow;  // its query index (may be >= nTok)
    const int warpLastT = min(row0 + warp * kTcRowsPerWarp + kTcRowsPerWarp, nTok) - 1;
    float m = -INFINITY, l = 0.f;
    const int kvEnd = startPos + min(row0 + kTcBr, nTok);  // keys [0, kvEnd) matter to the CTA
    constexpr int kChunks = D / 8;                         // 16-byte vectors per K/V row

    for (int k0 = 0; k0 < kvEnd; k0 += kTcBc) {
        __syncthreads();  // the previous tile is no longer read (and qs is complete)
        for (int i = threadIdx.x; i < kTcBc * kChunks; i += kTcThreads) {
            const int c = i / kChunks, v8 = (i % kChunks) * 8, pos = k0 + c;
            uint4 kv = make_uint4(0, 0, 0, 0), vv = kv;
            if (pos < kvEnd) {
                const int64_t at = tcKeyOffset(L, table, kvh, pos) + v8;
                kv = *reinterpret_cast<const uint4*>(pool + at);
                vv = *reinterpret_cast<const uint4*>(pool + at + L.valueOffset);
            }
            *reinterpret_cast<uint4*>(ks + c * S::kHLd + v8) = kv;
            *reinterpret_cast<uint4*>(vs + c * S::kHLd + v8) = vv;
        }
        __syncthreads();
        // A warp whose rows are all past nTok, or that sees none of this tile's keys, skips it
        // (warp-uniform condition: no divergence inside WMMA).
        if (warpLastT < row0 + warp * kTcRowsPerWarp || k0 > startPos + warpLastT) continue;

        // S = Q K^T for the warp's 16 rows and the tile's 64 keys (K^T read as col-major B).
        for (int n = 0; n < kTcBc / kF; ++n) {
            wmma::fragment<wmma::accumulator, kF, kF, kF, float> acc;
            wmma::fill_fragment(acc, 0.f);
            for (int kk = 0; kk < D / kF; ++kk) {
                wmma::fragment<wmma::matrix_a, kF, kF, kF, __half, wmma::row_major> a;
                wmma::fragment<wmma::matrix_b, kF, kF, kF, __half, wmma::col_major> b;
                wmma::load_matrix_sync(a, qs + warp * kTcRowsPerWarp * S::kHLd + kk * kF, S::kHLd);
                wmma::load_matrix_sync(b, ks + n * kF * S::kHLd + kk * kF, S::kHLd);
                wmma::mma_sync(acc, a, b, acc);
            }
            wmma::store_matrix_sync(sw + n * kF, acc, kSLd, wmma::mem_row_major);
        }
        __syncwarp();

        // Online softmax of the lane's half row; the partner lane (lane ^ 1) has the other half.
        constexpr int kHalfCols = kTcBc / 2;
        const int c0 = colHalf * kHalfCols;
        const int lastKey = startPos + myT;  // keys <= lastKey are visible to this row
        const bool rowValid = myT < nTok;
        float mx = -INFINITY;
        for (int c = c0; c < c0 + kHalfCols; ++c) {
            float& s = sw[myRow * kSLd + c];
            if (!rowValid || k0 + c > lastKey) s = -INFINITY;
            mx = fmaxf(mx, s);
        }
        mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
        const float mNew = fmaxf(m, mx);
        // A row with no visible key yet keeps m = -inf: its P is 0 and its correction 1.
        const bool any = mNew != -INFINITY;
        const float corr = any ? __expf(m - mNew) : 1.f;
        float ps = 0.f;
        for (int c = c0; c < c0 + kHalfCols; ++c) {
            const float p = any ? __expf(sw[myRow * kSLd + c] - mNew) : 0.f;
            const __half ph = __float2half(p);
            pw[myRow * kPLd + c] = ph;
            ps += __half2float(ph);  // sum what the PV product uses, so rounding cancels in o/l
        }
        ps += __shfl_xor_sync(0xffffffffu, ps, 1);
        l = l * corr + ps;
        m = mNew;
        for (int d = colHalf * (D / 2); d < (colHalf + 1) * (D / 2); ++d)
            ow[myRow * S::kOLd + d] *= corr;
        __syncwarp();

        // O += P V (V row-major as B): accumulate in place through the shared-memory O rows.
        for (int n = 0; n < D / kF; ++n) {
            wmma::fragment<wmma::accumulator, kF, kF, kF, float> acc;
            wmma::load_matrix_sync(acc, ow + n * kF, S::kOLd, wmma::mem_row_major);
            for (int kk = 0; kk < kTcBc / kF; ++kk) {
                wmma::fragment<wmma::matrix_a, kF, kF, kF, __half, wmma::row_major> a;
                wmma::fragment<wmma::matrix_b, kF, kF, kF, __half, wmma::row_major> b;
                wmma::load_matrix_sync(a, pw + kk * kF, kPLd);
                wmma::load_matrix_sync(b, vs + kk * kF * S::kHLd + n * kF, S::kHLd);
                wmma::mma_sync(acc, a, b, acc);
            }
            wmma::store_matrix_sync(ow + n * kF, acc, S::kOLd, wmma::mem_row_major);
        }
        __syncwarp();
    }
    __syncwarp();
    if (myT < nTok && l > 0.f) {
        float* o = out + (size_t(myT) * nHead + h) * D;
        const float inv = 1.f / l;
        for (int d = colHalf * (D / 2); d < (colHalf + 1) * (D / 2); ++d)
            o[d] = ow[myRow * S::kOLd + d] * inv;
    }
}

// Opts the kernel into more than 48 KiB of dynamic shared memory (once per head size; the
// attribute is per function and per device, and the backend uses one device).
template <int D>
Status prefillTcLaunch(const __half* pool, const PagedKvLayout& L, const int32_t* table,
                       const float* q, int nTok, int startPos, int nHead, int group, float scale,
                       float* out, cudaStream_t stream) {
    static const cudaError_t optIn = cudaFuncSetAttribute(
        prefillTcKernel<D>, cudaFuncAttributeMaxDynamicSharedMemorySize, int(TcSmem<D>::kBytes));
    FOLIO_CUDA_TRY(optIn, "tensor-core prefill attention: shared memory opt-in");
    const dim3 grid(unsigned((nTok + kTcBr - 1) / kTcBr), unsigned(nHead));
    prefillTcKernel<D><<<grid, kTcThreads, TcSmem<D>::kBytes, stream>>>(
        pool, L, table, q, nTok, startPos, nHead, group, scale, out);
    return {};
}

struct TcHeadDim {
    int headDim;
    size_t smemBytes;  // dynamic shared memory per CTA (D=128: 110 KiB, so sm_80/sm_90 only)
    Status (*launch)(const __half*, const PagedKvLayout&, const int32_t*, const float*, int, int,
                     int, int, float, float*, cudaStream_t);
};

const TcHeadDim kTcHeadDims[] = {{64, TcSmem<64>::kBytes, prefillTcLaunch<64>},
                                 {128, TcSmem<128>::kBytes, prefillTcLaunch<128>}};

const TcHeadDim* findTcHeadDim(int d) {
    for (const TcHeadDim& e : kTcHeadDims)
        if (e.headDim == d) return &e;
    return nullptr;
}

}  // namespace

namespace {

// Every K/V row starts at a multiple of 8 halves from an aligned base: 16-byte vectors.
bool poolAligned(const __half* pool, const PagedKvLayout& L) {
    return reinterpret_cast<uintptr_t>(pool) % 16 == 0 && L.blockStride % 8 == 0 &&
           L.headStride % 8 == 0 && L.valueOffset % 8 == 0 && L.headDim % 8 == 0;
}

}  // namespace

bool tensorCorePrefillSupports(const __half* pool, const PagedKvLayout& L) {
    // The opt-in limit is per device; the backend drives one device, so it is read once.
    static const int kOptIn = [] {
        int device = 0, bytes = 0;
        if (cudaGetDevice(&device) != cudaSuccess ||
            cudaDeviceGetAttribute(&bytes, cudaDevAttrMaxSharedMemoryPerBlockOptin, device) !=
                cudaSuccess)
            return 0;
        return bytes;
    }();
    const TcHeadDim* e = findTcHeadDim(L.headDim);
    return e && e->smemBytes <= size_t(kOptIn) && poolAligned(pool, L);
}

Status launchPrefillTensorCore(const __half* pool, const PagedKvLayout& L,
                               const int32_t* blockTable, const float* q, int nTok, int startPos,
                               int nHead, float scale, float* out, cudaStream_t stream) {
    const TcHeadDim* e = findTcHeadDim(L.headDim);
    if (!e)
        return makeError("cuda tensor-core prefill attention: headDim " +
                         std::to_string(L.headDim) + " not supported (64, 128)");
    if (!poolAligned(pool, L))
        return makeError("cuda tensor-core prefill attention: pool or strides not 16-byte aligned");
    return e->launch(pool, L, blockTable, q, nTok, startPos, nHead, nHead / L.nKvHeads, scale, out,
                     stream);
}

}  // namespace folio::cuda
