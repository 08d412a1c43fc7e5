// The CUDA forward pass: the same math as engine/model/forward.cpp (the CPU backend), chained
// from the kernels in this folder. See cuda_forward.cuh for the memory layout and contracts.
#include <algorithm>
#include <cmath>

#include "engine/cuda/cuda_forward.cuh"
#include "engine/cuda/memory_plan.h"
#include "engine/quant/quant.h"

namespace folio::cuda {

namespace {

// Chunks of fewer tokens use the matvec kernels once per token (decode, short chunks); larger
// ones dequantise to f16 and use cuBLAS on tensor cores.
constexpr int kGemmMinTokens = 8;
// VRAM left free for the driver, cuBLAS's own allocations and fragmentation.
constexpr uint64_t kReserveBytes = 512ull << 20;
constexpr uint64_t kCublasWorkspaceBytes = 64ull << 20;
constexpr int kThreads = 256;

unsigned gridFor(int64_t n) {
    return unsigned((n + kThreads - 1) / kThreads);
}

// x[i] += y[i], i < n.
__global__ void addKernel(float* x, const float* y, int64_t n) {
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < n) x[i] += y[i];
}

// x[t][i] += b[i] for x [rows][dim].
__global__ void addBiasKernel(float* x, const float* b, int dim, int64_t n) {
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < n) x[i] += b[i % dim];
}

// Writes K and V of tokens [0, gridDim.x) at positions startPos + t into the paged pool of one
// layer (pool already advanced to the layer). k, v: [nTok][nKvHeads * headDim] f32.
__global__ void storeKvKernel(const float* k, const float* v, __half* pool, PagedKvLayout L,
                              const int32_t* table, int startPos) {
    const int t = blockIdx.x;
    const int pos = startPos + t;
    const int kvDim = L.nKvHeads * L.headDim;
    const int64_t base = int64_t(table[pos / L.blockTokens]) * L.blockStride +
                         int64_t(pos % L.blockTokens) * L.headDim;
    for (int i = threadIdx.x; i < kvDim; i += blockDim.x) {
        const int64_t off = base + int64_t(i / L.headDim) * L.headStride + i % L.headDim;
        pool[off] = __float2half(k[int64_t(t) * kvDim + i]);
        pool[off + L.valueOffset] = __float2half(v[int64_t(t) * kvDim + i]);
    }
}

std::string gib(size_t bytes) {
    return std::to_string((bytes + (1ull << 29)) >> 30) + " GiB";
}

Status uploadFloats(DeviceBuffer& d, const std::vector<float>& v) {
    return d.upload(v.data(), v.size() * sizeof(float));
}

uint64_t matrixElements(const WeightMatrix& w) {
    return uint64_t(w.rows) * uint64_t(w.cols);
}

uint64_t storedBytes(const WeightMatrix& w) {
    return uint64_t(w.rows) * w.rowStride;
}

// The seven matrices of a layer, in a fixed order.
void layerMatrices(const LayerWeights& w, const WeightMatrix* (&out)[7]) {
    out[0] = &w.wq, out[1] = &w.wk, out[2] = &w.wv, out[3] = &w.wo;
    out[4] = &w.gate, out[5] = &w.up, out[6] = &w.down;
}

}  // namespace

Expected<std::string> describeDevice() {
    auto info = probeDevice();
    if (!info) return info.error();
    return info->name + " (sm_" + std::to_string(info->computeMajor) +
           std::to_string(info->computeMinor) + ", " + gib(info->freeBytes) + " free of " +
           gib(info->totalBytes) + ")";
}

CudaBackend::CudaBackend(const Model& model, const KvCache& cache, int maxChunk)
    : m_model(model),
      m_config(model.config()),
      m_maxChunk(maxChunk),
      m_poolBlocks(cache.pages().blockCount()),
      m_blockTokens(cache.config().blockTokens) {}

Expected<std::unique_ptr<CudaBackend>> CudaBackend::create(const BackendContext& context) {
    if (!context.model || !context.cache || context.maxChunk <= 0)
        return makeError("cuda backend: model, cache and maxChunk must be set");
    auto info = probeDevice();
    if (!info) return info.error();
    if (info->computeMajor < 8)
        return makeError("cuda backend: " + info->name + " (sm_" +
                         std::to_string(info->computeMajor) + std::to_string(info->computeMinor) +
                         ") is older than the architectures this build has (sm_80 and newer)");
    const Model& model = *context.model;
    const ModelConfig& c = model.config();
    const ModelWeights& w = model.weights();
    // Shapes the attention kernels handle (checked again per launch; here to refuse early).
    const int group = c.nKvHead > 0 ? c.nHead / c.nKvHead : 0;
    if (c.headDim != 64 && c.headDim != 128)
        return makeError("cuda backend: head size " + std::to_string(c.headDim) +
                         " is not supported on the GPU (64 or 128)");
    if (group < 1 || group > 8 || c.nHead % c.nKvHead != 0)
        return makeError("cuda backend: " + std::to_string(c.nHead) + " query heads over " +
                         std::to_string(c.nKvHead) +
                         " kv heads is not supported on the GPU (at most 8 per kv head)");
    if (Status s = checkMatrixShape(w.output.type, int(w.output.rows), int(w.output.cols),
                                    "cuda backend: output");
        !s)
        return makeError(s.message());

    // The memory plan: weights as stored, their f16 copies, KV for the whole pool, workspace.
    MemoryPlanInput in;
    uint64_t largest = matrixElements(w.output);
    for (const LayerWeights& lw : w.layers) {
        const WeightMatrix* ms[7];
        uint64_t bytes = 0, elements = 0;
        layerMatrices(lw, ms);
        for (const WeightMatrix* m : ms) {
            // Unsupported types are refused before anything is allocated.
            if (Status s = checkMatrixShape(m->type, int(m->rows), int(m->cols), "cuda backend");
                !s)
                return makeError(s.message());
            bytes += storedBytes(*m);
            elements += matrixElements(*m);
            largest = std::max(largest, matrixElements(*m));
        }
        bytes += 4 * uint64_t(lw.attnNorm.size() + lw.ffnNorm.size() + lw.bq.size() + lw.bk.size() +
                              lw.bv.size() + lw.qNorm.size() + lw.kNorm.size());
        in.layerWeightBytes.push_back(bytes);
        in.layerWeightElements.push_back(elements);
    }
    const uint64_t chunk = uint64_t(context.maxChunk);
    const uint64_t widest = uint64_t(std::max({c.nEmbd, c.qDim(), c.nFf}));
    in.otherWeightBytes = storedBytes(w.output) + 4 * uint64_t(c.nEmbd);
    in.kvBytesPerTokenPerLayer = 2ull * uint64_t(c.nKvHead) * uint64_t(c.headDim) * 2;
    in.contextTokens = uint64_t(context.cache->pages().blockCount()) *
                       uint64_t(context.cache->config().blockTokens);
    in.workspaceBytes =
        chunk * 4 * (3ull * c.nEmbd + 2ull * c.qDim() + 2ull * c.kvDim() + 2ull * c.nFf) +
        chunk * 4 * uint64_t(c.nVocab) + chunk * 2 * widest + 2 * largest +
        4 * decodeWorkspaceFloats(c.nHead, c.headDim, int(in.contextTokens)) +
        4 * (chunk + uint64_t(context.cache->pages().blockCount())) + kCublasWorkspaceBytes;
    in.freeBytes = info->freeBytes;
    in.reserveBytes = kReserveBytes;
    const MemoryPlan plan = planGpuMemory(in);
    if (plan.kind == OffloadKind::Refuse) return makeError("cuda backend: " + plan.message);
    if (plan.kind == OffloadKind::Partial)
        return makeError("cuda backend: the model does not fit whole on " + info->name + " (" +
                         plan.message + "); partial offload is not implemented (issue #6)");

    std::unique_ptr<CudaBackend> b(new CudaBackend(model, *context.cache, context.maxChunk));
    if (Status s = b->allocate(plan.f16PrefillCopy); !s)
        return makeError("cuda backend: loading the model on " + info->name +
                         " failed: " + s.message());
    b->m_description = "CUDA (" + info->name + ", " + plan.message + ")";
    return Expected<std::unique_ptr<CudaBackend>>(std::move(b));
}

Status CudaBackend::uploadMatrix(const WeightMatrix& w, DeviceMatrix& d, bool f16Copy,
                                 const char* what) {
    if (w.rows > INT32_MAX || w.cols > INT32_MAX)
        return makeError(std::string(what) + ": matrix too large for the GPU kernels");
    d.type = w.type;
    d.rows = int(w.rows);
    d.cols = int(w.cols);
    if (Status s = checkMatrixShape(w.type, d.rows, d.cols, what); !s) return s;
    if (matrixBytes(w.type, d.rows, d.cols) != storedBytes(w))
        return makeError(std::string(what) + ": rows are not stored contiguously");
    if (Status s = d.q.upload(w.data, storedBytes(w)); !s) return s;
    if (!f16Copy) return {};
    if (Status s = d.f16.allocate(size_t(matrixElements(w)) * 2); !s) return s;
    if (Status s = launchDequantizeF16(w.type, d.q.as<void>(), d.f16.as<__half>(), d.rows, d.cols,
                                       nullptr);
        !s)
        return s;
    d.hasF16 = true;
    return finish(what);
}

Status CudaBackend::uploadLayer(const LayerWeights& w, DeviceLayer& d, bool f16Copies) {
    if (Status s = uploadFloats(d.attnNorm, w.attnNorm); !s) return s;
    if (Status s = uploadFloats(d.ffnNorm, w.ffnNorm); !s) return s;
    d.hasBias = !w.bq.empty();
    if (d.hasBias) {
        if (Status s = uploadFloats(d.bq, w.bq); !s) return s;
        if (Status s = uploadFloats(d.bk, w.bk); !s) return s;
        if (Status s = uploadFloats(d.bv, w.bv); !s) return s;
    }
    d.hasQkNorm = !w.qNorm.empty();
    if (d.hasQkNorm) {
        if (Status s = uploadFloats(d.qNorm, w.qNorm); !s) return s;
        if (Status s = uploadFloats(d.kNorm, w.kNorm); !s) return s;
    }
    const struct {
        const WeightMatrix& host;
        DeviceMatrix& dev;
        const char* name;
    } matrices[] = {{w.wq, d.wq, "attn_q"},       {w.wk, d.wk, "attn_k"},
                    {w.wv, d.wv, "attn_v"},       {w.wo, d.wo, "attn_output"},
                    {w.gate, d.gate, "ffn_gate"}, {w.up, d.up, "ffn_up"},
                    {w.down, d.down, "ffn_down"}};
    for (const auto& m : matrices)
        if (Status s = uploadMatrix(m.host, m.dev, f16Copies, m.name); !s) return s;
    return {};
}

Status CudaBackend::allocate(bool f16Copies) {
    const ModelConfig& c = m_config;
    const ModelWeights& w = m_model.weights();
    m_layout.nKvHeads = c.nKvHead;
    m_layout.headDim = c.headDim;
    m_layout.blockTokens = m_blockTokens;
    m_layout.headStride = int64_t(m_blockTokens) * c.headDim;
    m_layout.valueOffset = int64_t(c.nKvHead) * m_layout.headStride;
    m_layerOffset = 2 * m_layout.valueOffset;
    m_layout.blockStride = int64_t(c.nLayer) * m_layerOffset;
    m_layout.poolBlocks = m_poolBlocks;
    if (Status s = validateLayout(m_layout); !s) return s;

    auto gemm = Gemm::create(nullptr);
    if (!gemm) return gemm.error();
    m_gemm = std::move(gemm.value());

    m_layers.reset(new DeviceLayer[size_t(c.nLayer)]);
    uint64_t largest = matrixElements(w.output);
    for (int l = 0; l < c.nLayer; ++l) {
        const std::string where = "layer " + std::to_string(l);
        if (Status s = uploadLayer(w.layers[size_t(l)], m_layers[size_t(l)], f16Copies); !s)
            return makeError(where + ": " + s.message());
        const WeightMatrix* ms[7];
        layerMatrices(w.layers[size_t(l)], ms);
        for (const WeightMatrix* m : ms) largest = std::max(largest, matrixElements(*m));
    }
    if (Status s = uploadFloats(m_outputNorm, w.outputNorm); !s) return s;
    if (Status s = uploadMatrix(w.output, m_output, false, "output"); !s) return s;
    if (Status s = m_kv.allocate(size_t(m_poolBlocks) * size_t(m_layout.blockStride) * 2); !s)
        return s;

    const size_t n = size_t(m_maxChunk);
    const struct {
        DeviceBuffer& buffer;
        size_t bytes;
    } buffers[] = {
        {m_x, n * c.nEmbd * 4},
        {m_xb, n * c.nEmbd * 4},
        {m_q, n * c.qDim() * 4},
        {m_k, n * c.kvDim() * 4},
        {m_v, n * c.kvDim() * 4},
        {m_att, n * c.qDim() * 4},
        {m_proj, n * c.nEmbd * 4},
        {m_gate, n * c.nFf * 4},
        {m_up, n * c.nFf * 4},
        {m_logits, n * size_t(c.nVocab) * 4},
        {m_xHalf, n * size_t(std::max({c.nEmbd, c.qDim(), c.nFf})) * 2},
        {m_wScratch, size_t(largest) * 2},
        {m_decodeWork, decodeWorkspaceFloats(c.nHead, c.headDim, m_poolBlocks * m_blockTokens) * 4},
        {m_positions, n * 4},
        {m_table, size_t(m_poolBlocks) * 4},
    };
    for (const auto& b : buffers)
        if (Status s = b.buffer.allocate(b.bytes); !s) return s;
    m_hostX.resize(n * c.nEmbd);
    m_hostPos.resize(n);
    return finish("cuda backend: upload");
}

void CudaBackend::copyBlock(int32_t src, int32_t dst) {
    if (src < 0 || dst < 0 || src >= m_poolBlocks || dst >= m_poolBlocks) {
        m_deferredError = "cuda backend: block copy " + std::to_string(src) + " -> " +
                          std::to_string(dst) + " is outside the pool";
        return;
    }
    const size_t blockBytes = size_t(m_layout.blockStride) * 2;
    __half* pool = m_kv.as<__half>();
    Status s = check(
        cudaMemcpy(pool + size_t(dst) * m_layout.blockStride,
                   pool + size_t(src) * m_layout.blockStride, blockBytes, cudaMemcpyDeviceToDevice),
        "KV block copy");
    if (!s && m_deferredError.empty()) m_deferredError = s.message();
}

Status CudaBackend::matmul(const DeviceMatrix& w, const float* x, float* y, int n) {
    if (n < kGemmMinTokens) {
        for (int t = 0; t < n; ++t)
            if (Status s = launchMatvec(w.type, w.q.as<void>(), x + size_t(t) * w.cols,
                                        y + size_t(t) * w.rows, w.rows, w.cols, nullptr);
                !s)
                return s;
        return {};
    }
    const __half* w16 = w.f16.as<__half>();
    if (!w.hasF16) {
        if (Status s = launchDequantizeF16(w.type, w.q.as<void>(), m_wScratch.as<__half>(), w.rows,
                                           w.cols, nullptr);
            !s)
            return s;
        w16 = m_wScratch.as<__half>();
    }
    launchF32ToF16(x, m_xHalf.as<__half>(), int64_t(n) * w.cols, nullptr);
    return m_gemm->run(w16, m_xHalf.as<__half>(), y, w.rows, w.cols, n);
}

Status CudaBackend::attentionBlock(int layer, int n, int startPos) {
    const ModelConfig& c = m_config;
    const DeviceLayer& d = m_layers[size_t(layer)];
    launchRmsNorm(m_x.as<float>(), d.attnNorm.as<float>(), m_xb.as<float>(), n, c.nEmbd, c.rmsEps,
                  nullptr);
    if (Status s = matmul(d.wq, m_xb.as<float>(), m_q.as<float>(), n); !s) return s;
    if (Status s = matmul(d.wk, m_xb.as<float>(), m_k.as<float>(), n); !s) return s;
    if (Status s = matmul(d.wv, m_xb.as<float>(), m_v.as<float>(), n); !s) return s;
    if (d.hasBias) {
        const int64_t nq = int64_t(n) * c.qDim(), nkv = int64_t(n) * c.kvDim();
        addBiasKernel<<<gridFor(nq), kThreads>>>(m_q.as<float>(), d.bq.as<float>(), c.qDim(), nq);
        addBiasKernel<<<gridFor(nkv), kThreads>>>(m_k.as<float>(), d.bk.as<float>(), c.kvDim(),
                                                  nkv);
        addBiasKernel<<<gridFor(nkv), kThreads>>>(m_v.as<float>(), d.bv.as<float>(), c.kvDim(),
                                                  nkv);
    }
    const bool neox = c.arch->rope == RopeStyle::Neox;
    const int32_t* pos = m_positions.as<int32_t>();
    if (Status s = launchQkNormRope(m_q.as<float>(), n, c.nHead, c.headDim, pos,
                                    d.hasQkNorm ? d.qNorm.as<float>() : nullptr, c.rmsEps,
                                    c.ropeTheta, neox, nullptr);
        !s)
        return s;
    if (Status s = launchQkNormRope(m_k.as<float>(), n, c.nKvHead, c.headDim, pos,
                                    d.hasQkNorm ? d.kNorm.as<float>() : nullptr, c.rmsEps,
                                    c.ropeTheta, neox, nullptr);
        !s)
        return s;
    __half* pool = m_kv.as<__half>() + size_t(layer) * size_t(m_layerOffset);
    const int32_t* table = m_table.as<int32_t>();
    storeKvKernel<<<unsigned(n), kThreads>>>(m_k.as<float>(), m_v.as<float>(), pool, m_layout,
                                             table, startPos);
    const float scale = 1.0f / std::sqrt(float(c.headDim));
    if (n == 1) {
        if (Status s =
                launchDecodeAttention(pool, m_layout, table, m_q.as<float>(), c.nHead, startPos + 1,
                                      scale, m_att.as<float>(), m_decodeWork.as<float>(), nullptr);
            !s)
            return s;
    } else {
        if (Status s = launchPrefillAttention(pool, m_layout, table, m_q.as<float>(), n, startPos,
                                              c.nHead, scale, m_att.as<float>(), nullptr);
            !s)
            return s;
    }
    if (Status s = matmul(d.wo, m_att.as<float>(), m_proj.as<float>(), n); !s) return s;
    const int64_t nx = int64_t(n) * c.nEmbd;
    addKernel<<<gridFor(nx), kThreads>>>(m_x.as<float>(), m_proj.as<float>(), nx);
    return check(cudaGetLastError(), "attention block");
}

Status CudaBackend::feedForwardBlock(int layer, int n) {
    const ModelConfig& c = m_config;
    const DeviceLayer& d = m_layers[size_t(layer)];
    launchRmsNorm(m_x.as<float>(), d.ffnNorm.as<float>(), m_xb.as<float>(), n, c.nEmbd, c.rmsEps,
                  nullptr);
    if (Status s = matmul(d.gate, m_xb.as<float>(), m_gate.as<float>(), n); !s) return s;
    if (Status s = matmul(d.up, m_xb.as<float>(), m_up.as<float>(), n); !s) return s;
    launchSwiglu(m_gate.as<float>(), m_up.as<float>(), int64_t(n) * c.nFf, nullptr);
    if (Status s = matmul(d.down, m_gate.as<float>(), m_proj.as<float>(), n); !s) return s;
    const int64_t nx = int64_t(n) * c.nEmbd;
    addKernel<<<gridFor(nx), kThreads>>>(m_x.as<float>(), m_proj.as<float>(), nx);
    return check(cudaGetLastError(), "feed-forward block");
}

Status CudaBackend::run(KvCache& cache, KvCache::SeqId seq, const int32_t* tokens, int n,
                        int startPos, float* logits, bool allLogits) {
    const ModelConfig& c = m_config;
    // After a failed block copy the device pool no longer mirrors the cache: refuse to run.
    if (!m_deferredError.empty()) return makeError(m_deferredError);
    if (n <= 0 || n > m_maxChunk) return makeError("forward: chunk size out of range");
    if (startPos < 0) return makeError("forward: negative start position");
    for (int j = 0; j < n; ++j)
        if (tokens[j] < 0 || tokens[j] >= c.nVocab)
            return makeError("forward: token id " + std::to_string(tokens[j]) + " out of range");
    const std::vector<KvCache::BlockId>& table = cache.blockTable(seq);
    const size_t needBlocks = size_t((startPos + n + m_blockTokens - 1) / m_blockTokens);
    if (table.size() < needBlocks || table.size() > size_t(m_poolBlocks))
        return makeError("cuda forward: the sequence's block table does not cover the chunk");

    // Embedding rows are dequantised on the host straight from the mapped file (n rows only).
    const WeightMatrix& emb = m_model.weights().tokenEmbedding;
    for (int j = 0; j < n; ++j) {
        dequantizeRow(emb.type, emb.data + size_t(tokens[j]) * emb.rowStride,
                      &m_hostX[size_t(j) * c.nEmbd], c.nEmbd);
        m_hostPos[size_t(j)] = startPos + j;
    }
    FOLIO_CUDA_TRY(cudaMemcpy(m_x.as<float>(), m_hostX.data(), size_t(n) * c.nEmbd * 4,
                              cudaMemcpyHostToDevice),
                   "upload embeddings");
    FOLIO_CUDA_TRY(cudaMemcpy(m_positions.as<int32_t>(), m_hostPos.data(), size_t(n) * 4,
                              cudaMemcpyHostToDevice),
                   "upload positions");
    FOLIO_CUDA_TRY(
        cudaMemcpy(m_table.as<int32_t>(), table.data(), table.size() * 4, cudaMemcpyHostToDevice),
        "upload block table");

    for (int l = 0; l < c.nLayer; ++l) {
        if (Status s = attentionBlock(l, n, startPos); !s) return s;
        if (Status s = feedForwardBlock(l, n); !s) return s;
    }
    if (!logits) return finish("cuda forward");

    const int first = allLogits ? 0 : n - 1;
    const int rows = n - first;
    launchRmsNorm(m_x.as<float>() + size_t(first) * c.nEmbd, m_outputNorm.as<float>(),
                  m_xb.as<float>(), rows, c.nEmbd, c.rmsEps, nullptr);
    if (Status s = matmul(m_output, m_xb.as<float>(), m_logits.as<float>(), rows); !s) return s;
    if (Status s = finish("cuda forward"); !s) return s;
    return m_logits.download(logits, size_t(rows) * size_t(c.nVocab) * 4);
}

}  // namespace folio::cuda
