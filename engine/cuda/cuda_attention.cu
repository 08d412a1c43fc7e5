// Attention over the paged f16 KV cache on the GPU: split-K flash-decoding for one query token,
// and a FlashAttention-2-style causal prefill kernel with FP32 scalar arithmetic. Both read K/V
// blocks directly through the block table (no gather copy) and handle GQA by mapping query head h
// to kv head h / group. Prefill runs the tensor-core kernel (cuda_attention_tc.cu) by default; the
// scalar one stays as its reference and fallback (PrefillKernel in cuda_backend.h,
// FOLIO_CUDA_ATTENTION=scalar). CPU twin: engine/ops/attention.h.
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "engine/cuda/cuda_attention_tc.cuh"
#include "engine/cuda/cuda_util.cuh"

namespace folio::cuda {

namespace {

constexpr int kDecodeWarps = 4;
constexpr int kMaxGroup = 8;                 // query heads per kv head the decode kernel holds
constexpr int kDecodePartitionTokens = 256;  // context positions per split-K partition

__device__ __forceinline__ int64_t keyOffset(const PagedKvLayout& L, const int32_t* table,
                                             int kvHead, int pos) {
    return int64_t(table[pos / L.blockTokens]) * L.blockStride + int64_t(kvHead) * L.headStride +
           int64_t(pos % L.blockTokens) * L.headDim;
}

// Grid (nKvHeads, nPartitions). Each block scores its partition of the context for all `group`
// query heads of one kv head (each K row is read once for the group), then writes the partition's
// unnormalised output, max and sum of exponentials for the combine kernel.
//   partOut: [nHead][nPart][D]; partMax, partSum: [nHead][nPart].
template <int D>
__global__ void decodePartitionKernel(const __half* pool, PagedKvLayout L, const int32_t* table,
                                      const float* q, int group, int contextLen, float scale,
                                      int nPart, float* partOut, float* partMax, float* partSum) {
    __shared__ float qs[kMaxGroup][D];
    __shared__ float scores[kMaxGroup][kDecodePartitionTokens];
    constexpr int kPerLane = D / kWarp;
    const int kvh = blockIdx.x, part = blockIdx.y;
    const int t0 = part * kDecodePartitionTokens;
    const int nT = min(contextLen - t0, kDecodePartitionTokens);
    const int warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp;
    const float* qh = q + size_t(kvh) * group * D;
    for (int i = threadIdx.x; i < group * D; i += blockDim.x) qs[i / D][i % D] = qh[i] * scale;
    __syncthreads();

    for (int t = warp; t < nT; t += kDecodeWarps) {
        const __half* k = pool + keyOffset(L, table, kvh, t0 + t);
        float kr[kPerLane];
        for (int j = 0; j < kPerLane; ++j) kr[j] = __half2float(k[lane + j * kWarp]);
        for (int g = 0; g < group; ++g) {
            float s = 0.f;
            for (int j = 0; j < kPerLane; ++j) s += kr[j] * qs[g][lane + j * kWarp];
            s = warpSum(s);
            if (lane == 0) scores[g][t] = s;
        }
    }
    __syncthreads();

    for (int g = warp; g < group; g += kDecodeWarps) {
        float m = -INFINITY;
        for (int t = lane; t < nT; t += kWarp) m = fmaxf(m, scores[g][t]);
        m = warpMax(m);
        float sum = 0.f;
        for (int t = lane; t < nT; t += kWarp) {
            const float p = __expf(scores[g][t] - m);
            scores[g][t] = p;
            sum += p;
        }
        sum = warpSum(sum);
        if (lane == 0) {
            const int h = kvh * group + g;
            partMax[h * nPart + part] = m;
            partSum[h * nPart + part] = sum;
        }
    }
    __syncthreads();

    // Consecutive threads take consecutive d, so each V row is read coalesced.
    for (int o = threadIdx.x; o < group * D; o += blockDim.x) {
        const int g = o / D, d = o % D;
        float acc = 0.f;
        for (int t = 0; t < nT; ++t)
            acc += scores[g][t] *
                   __half2float(pool[keyOffset(L, table, kvh, t0 + t) + L.valueOffset + d]);
        partOut[(size_t(kvh * group + g) * nPart + part) * D + d] = acc;
    }
}

// Grid nHead, block D: merges the partitions of one head by their (max, sum).
__global__ void decodeCombineKernel(const float* partOut, const float* partMax,
                                    const float* partSum, int nPart, float* out) {
    const int h = blockIdx.x, d = threadIdx.x, D = blockDim.x;
    float m = -INFINITY;
    for (int p = 0; p < nPart; ++p) m = fmaxf(m, partMax[h * nPart + p]);
    float total = 0.f, acc = 0.f;
    for (int p = 0; p < nPart; ++p) {
        const float w = __expf(partMax[h * nPart + p] - m);
        total += partSum[h * nPart + p] * w;
        acc += partOut[(size_t(h) * nPart + p) * D + d] * w;
    }
    out[size_t(h) * D + d] = acc / total;
}

constexpr int kBr = 16;               // query rows per block
constexpr int kBc = 16;               // keys per tile
constexpr int kPrefillThreads = 128;  // 8 threads per query row
constexpr int kThreadsPerRow = kPrefillThreads / kBr;

// Grid (ceil(nTok / kBr), nHead). The block keeps its query tile, one K tile and one V tile in
// shared memory; each query row's running max m, sum l and output accumulator live in the
// registers of its 8 threads (each owns columns d = sub + 8j). Tiles past the last row's
// position are never loaded (causal), keys after a row's own position are masked.
template <int D>
__global__ void prefillKernel(const __half* pool, PagedKvLayout L, const int32_t* table,
                              const float* q, int nTok, int startPos, int nHead, int group,
                              float scale, float* out) {
    __shared__ float qs[kBr][D];
    __shared__ float ks[kBc][D + 1];  // +1: the score loop reads columns of different rows
    __shared__ float vs[kBc][D];
    __shared__ float ss[kBr][kBc + 1];
    constexpr int kPerThread = D / kThreadsPerRow;
    const int h = blockIdx.y, kvh = h / group, row0 = blockIdx.x * kBr;
    const int r = threadIdx.x / kThreadsPerRow, sub = threadIdx.x % kThreadsPerRow;
    for (int i = threadIdx.x; i < kBr * D; i += kPrefillThreads) {
        const int rr = i / D, d = i % D, t = row0 + rr;
        qs[rr][d] = t < nTok ? q[(size_t(t) * nHead + h) * D + d] * scale : 0.f;
    }
    float acc[kPerThread];
    for (int j = 0; j < kPerThread; ++j) acc[j] = 0.f;
    float m = -INFINITY, l = 0.f;
    const bool rowValid = row0 + r < nTok;
    const int kvEnd = startPos + min(row0 + kBr, nTok);  // keys [0, kvEnd) matter to this block

    for (int k0 = 0; k0 < kvEnd; k0 += kBc) {
        __syncthreads();  // the previous tile is no longer read (and qs is written)
        for (int i = threadIdx.x; i < kBc * D; i += kPrefillThreads) {
            const int c = i / D, d = i % D, pos = k0 + c;
            float kv = 0.f, vv = 0.f;
            if (pos < kvEnd) {
                const int64_t at = keyOffset(L, table, kvh, pos) + d;
                kv = __half2float(pool[at]);
                vv = __half2float(pool[at + L.valueOffset]);
            }
            ks[c][d] = kv;
            vs[c][d] = vv;
        }
        __syncthreads();
        for (int p = threadIdx.x; p < kBr * kBc; p += kPrefillThreads) {
            const int rr = p / kBc, c = p % kBc;
            float s = -INFINITY;
            if (row0 + rr < nTok && k0 + c <= startPos + row0 + rr) {
                s = 0.f;
                for (int d = 0; d < D; ++d) s += qs[rr][d] * ks[c][d];
            }
            ss[rr][c] = s;
        }
        __syncthreads();
        if (rowValid) {
            float mx = -INFINITY;
            for (int c = 0; c < kBc; ++c) mx = fmaxf(mx, ss[r][c]);
            const float mNew = fmaxf(m, mx);
            if (mNew != -INFINITY) {  // a tile with no visible key changes nothing
                const float corr = __expf(m - mNew);
                float p[kBc];
                float ps = 0.f;
                for (int c = 0; c < kBc; ++c) {
                    p[c] = __expf(ss[r][c] - mNew);
                    ps += p[c];
                }
                l = l * corr + ps;
                for (int j = 0; j < kPerThread; ++j) {
                    const int d = sub + kThreadsPerRow * j;
                    float a = acc[j] * corr;
                    for (int c = 0; c < kBc; ++c) a += p[c] * vs[c][d];
                    acc[j] = a;
                }
                m = mNew;
            }
        }
    }
    if (rowValid) {
        float* o = out + (size_t(row0 + r) * nHead + h) * D;
        for (int j = 0; j < kPerThread; ++j) o[sub + kThreadsPerRow * j] = acc[j] / l;
    }
}

int decodePartitions(int contextLen) {
    return (contextLen + kDecodePartitionTokens - 1) / kDecodePartitionTokens;
}

struct HeadDimEntry {
    int headDim;
    void (*decode)(const __half*, PagedKvLayout, const int32_t*, const float*, int, int, float, int,
                   float*, float*, float*, cudaStream_t);
    void (*prefill)(const __half*, PagedKvLayout, const int32_t*, const float*, int, int, int, int,
                    float, float*, cudaStream_t);
};

template <int D>
void decodeLaunch(const __half* pool, PagedKvLayout L, const int32_t* table, const float* q,
                  int group, int contextLen, float scale, int nPart, float* partOut, float* partMax,
                  float* partSum, cudaStream_t s) {
    decodePartitionKernel<D><<<dim3(L.nKvHeads, nPart), kDecodeWarps * kWarp, 0, s>>>(
        pool, L, table, q, group, contextLen, scale, nPart, partOut, partMax, partSum);
}

template <int D>
void prefillLaunch(const __half* pool, PagedKvLayout L, const int32_t* table, const float* q,
                   int nTok, int startPos, int nHead, int group, float scale, float* out,
                   cudaStream_t s) {
    prefillKernel<D><<<dim3((nTok + kBr - 1) / kBr, nHead), kPrefillThreads, 0, s>>>(
        pool, L, table, q, nTok, startPos, nHead, group, scale, out);
}

// Head sizes with compiled kernels (the prefill tiles of 256 would exceed 48 KiB of static
// shared memory).
const HeadDimEntry kHeadDims[] = {
    {64, decodeLaunch<64>, prefillLaunch<64>},
    {128, decodeLaunch<128>, prefillLaunch<128>},
};

const HeadDimEntry* findHeadDim(int d) {
    for (const HeadDimEntry& e : kHeadDims)
        if (e.headDim == d) return &e;
    return nullptr;
}

Status checkHeads(const PagedKvLayout& L, int nHead, const char* what) {
    if (nHead <= 0 || nHead % L.nKvHeads != 0)
        return makeError(std::string("cuda ") + what + ": nHead " + std::to_string(nHead) +
                         " is not a positive multiple of nKvHeads " + std::to_string(L.nKvHeads));
    return {};
}

}  // namespace

Status validateLayout(const PagedKvLayout& L) {
    auto bad = [](const char* field, int64_t v) {
        return Status(makeError(std::string("cuda paged KV layout: invalid ") + field + " " +
                                std::to_string(v)));
    };
    if (L.nKvHeads <= 0) return bad("nKvHeads", L.nKvHeads);
    if (!findHeadDim(L.headDim)) return bad("headDim (supported: 64, 128)", L.headDim);
    if (L.blockTokens <= 0) return bad("blockTokens", L.blockTokens);
    const int64_t head = int64_t(L.blockTokens) * L.headDim;
    if (L.headStride < head) return bad("headStride", L.headStride);
    if (L.valueOffset < L.headStride * L.nKvHeads) return bad("valueOffset", L.valueOffset);
    if (L.blockStride < L.valueOffset + L.headStride * L.nKvHeads)
        return bad("blockStride", L.blockStride);
    if (L.poolBlocks <= 0) return bad("poolBlocks", L.poolBlocks);
    return {};
}

size_t decodeWorkspaceFloats(int nHead, int headDim, int contextLen) {
    const size_t parts = size_t(decodePartitions(contextLen));
    return size_t(nHead) * parts * (size_t(headDim) + 2);
}

Status launchDecodeAttention(const __half* pool, const PagedKvLayout& L, const int32_t* table,
                             const float* q, int nHead, int contextLen, float scale, float* out,
                             float* workspace, cudaStream_t stream) {
    if (Status s = validateLayout(L); !s) return s;
    if (Status s = checkHeads(L, nHead, "decodeAttention"); !s) return s;
    const int group = nHead / L.nKvHeads;
    if (group > kMaxGroup)
        return makeError("cuda decodeAttention: " + std::to_string(group) +
                         " query heads per kv head (at most 8 supported)");
    if (contextLen <= 0) return makeError("cuda decodeAttention: contextLen must be > 0");
    const int nPart = decodePartitions(contextLen);
    float* partOut = workspace;
    float* partMax = partOut + size_t(nHead) * nPart * L.headDim;
    float* partSum = partMax + size_t(nHead) * nPart;
    findHeadDim(L.headDim)->decode(pool, L, table, q, group, contextLen, scale, nPart, partOut,
                                   partMax, partSum, stream);
    decodeCombineKernel<<<nHead, L.headDim, 0, stream>>>(partOut, partMax, partSum, nPart, out);
    return {};
}

namespace {

// FOLIO_CUDA_ATTENTION=scalar forces the scalar prefill kernel (to bisect a parity failure);
// unset or any other value leaves Auto. Read once (thread-safe static initialisation), at the
// backend's first prefill.
PrefillKernel environmentPrefillKernel() {
    static const PrefillKernel kFromEnv = [] {
        const char* v = std::getenv("FOLIO_CUDA_ATTENTION");
        return v && std::strcmp(v, "scalar") == 0 ? PrefillKernel::Scalar : PrefillKernel::Auto;
    }();
    return kFromEnv;
}

Status launchPrefillWith(PrefillKernel kernel, const __half* pool, const PagedKvLayout& L,
                         const int32_t* table, const float* q, int nTok, int startPos, int nHead,
                         float scale, float* out, cudaStream_t stream) {
    if (Status s = validateLayout(L); !s) return s;
    if (Status s = checkHeads(L, nHead, "prefillAttention"); !s) return s;
    if (nTok <= 0 || startPos < 0)
        return makeError("cuda prefillAttention: nTok must be > 0 and startPos >= 0");
    if (kernel == PrefillKernel::Auto) kernel = environmentPrefillKernel();
    if (kernel == PrefillKernel::Auto)
        kernel =
            tensorCorePrefillSupports(pool, L) ? PrefillKernel::TensorCore : PrefillKernel::Scalar;
    if (kernel == PrefillKernel::TensorCore)
        return launchPrefillTensorCore(pool, L, table, q, nTok, startPos, nHead, scale, out,
                                       stream);
    findHeadDim(L.headDim)->prefill(pool, L, table, q, nTok, startPos, nHead, nHead / L.nKvHeads,
                                    scale, out, stream);
    return {};
}

}  // namespace

Status launchPrefillAttention(const __half* pool, const PagedKvLayout& L, const int32_t* table,
                              const float* q, int nTok, int startPos, int nHead, float scale,
                              float* out, cudaStream_t stream) {
    return launchPrefillWith(PrefillKernel::Auto, pool, L, table, q, nTok, startPos, nHead, scale,
                             out, stream);
}

namespace {

// Uploads the pool and the block table for the host entry points.
Status uploadKv(const uint16_t* pool, const PagedKvLayout& L, const int32_t* table, int contextLen,
                DeviceBuffer& dpool, DeviceBuffer& dtable) {
    if (Status s = validateLayout(L); !s) return s;
    const int nTable = (contextLen + L.blockTokens - 1) / L.blockTokens;
    for (int i = 0; i < nTable; ++i)
        if (table[i] < 0 || table[i] >= L.poolBlocks)
            return makeError("cuda attention: block table entry " + std::to_string(i) + " = " +
                             std::to_string(table[i]) + " is outside the pool");
    if (Status s = dpool.upload(pool, size_t(L.poolBlocks) * size_t(L.blockStride) * 2); !s)
        return s;
    return dtable.upload(table, size_t(nTable) * sizeof(int32_t));
}

}  // namespace

Status decodeAttention(const uint16_t* pool, const PagedKvLayout& layout, const int32_t* blockTable,
                       const float* q, int nHead, int contextLen, float scale, float* out) {
    if (contextLen <= 0) return makeError("cuda decodeAttention: contextLen must be > 0");
    DeviceBuffer dpool, dtable, dq, dout, dwork;
    if (Status s = uploadKv(pool, layout, blockTable, contextLen, dpool, dtable); !s) return s;
    const size_t qBytes = size_t(nHead) * layout.headDim * 4;
    if (Status s = dq.upload(q, qBytes); !s) return s;
    if (Status s = dout.allocate(qBytes); !s) return s;
    if (Status s = dwork.allocate(decodeWorkspaceFloats(nHead, layout.headDim, contextLen) * 4); !s)
        return s;
    if (Status s = launchDecodeAttention(dpool.as<__half>(), layout, dtable.as<int32_t>(),
                                         dq.as<float>(), nHead, contextLen, scale, dout.as<float>(),
                                         dwork.as<float>(), nullptr);
        !s)
        return s;
    if (Status s = finish("decodeAttention"); !s) return s;
    return dout.download(out, qBytes);
}

Status prefillAttention(const uint16_t* pool, const PagedKvLayout& layout,
                        const int32_t* blockTable, const float* q, int nTok, int startPos,
                        int nHead, float scale, float* out, PrefillKernel kernel) {
    if (nTok <= 0 || startPos < 0)
        return makeError("cuda prefillAttention: nTok must be > 0 and startPos >= 0");
    DeviceBuffer dpool, dtable, dq, dout;
    if (Status s = uploadKv(pool, layout, blockTable, startPos + nTok, dpool, dtable); !s) return s;
    const size_t qBytes = size_t(nTok) * nHead * layout.headDim * 4;
    if (Status s = dq.upload(q, qBytes); !s) return s;
    if (Status s = dout.allocate(qBytes); !s) return s;
    if (Status s = launchPrefillWith(kernel, dpool.as<__half>(), layout, dtable.as<int32_t>(),
                                     dq.as<float>(), nTok, startPos, nHead, scale, dout.as<float>(),
                                     nullptr);
        !s)
        return s;
    if (Status s = finish("prefillAttention"); !s) return s;
    return dout.download(out, qBytes);
}

}  // namespace folio::cuda
