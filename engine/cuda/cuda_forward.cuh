#pragma once
// The CUDA forward pass (engine/cuda internal; reached through libfolio_cuda.so's factory).
//
// Weights are uploaded once: every matrix as stored (the decode matvec kernels read it), plus an
// f16 copy of each layer matrix when the memory plan has room (cuBLAS prefill); without that room
// prefill dequantises each matrix into one f16 scratch buffer just before its product. Partial
// offload is not implemented: a model that does not fit whole is refused with the plan's message
// (the caller then runs on the CPU).
//
// KV: one device pool with the host KvCache's block layout and block count (f16), indexed by the
// same block ids; copyBlock mirrors the host cache's copy-on-write.
//
// Everything runs on the legacy default stream, in order, so no event or stream bookkeeping is
// needed; run() synchronises once at the end and turns any CUDA error into a Status.
// Threading: one engine thread, like every Backend.
#include <memory>
#include <string>
#include <vector>

#include "engine/backend/backend.h"
#include "engine/cuda/cuda_gemm.cuh"
#include "engine/cuda/cuda_util.cuh"
#include "engine/model/model.h"

namespace folio::cuda {

// A weight matrix on the device. q: [rows] rows in GGUF layout of `type`; f16: [rows][cols] or
// unallocated (hasF16 false).
struct DeviceMatrix {
    GgmlType type = GgmlType::F32;
    int rows = 0;
    int cols = 0;
    DeviceBuffer q;
    DeviceBuffer f16;
    bool hasF16 = false;
};

// One layer's weights on the device; vectors are f32. Optional ones (biases, QK-norm) stay
// unallocated when the architecture has none (has* flags).
struct DeviceLayer {
    DeviceBuffer attnNorm, ffnNorm;  // [nEmbd]
    DeviceBuffer bq, bk, bv;         // [qDim], [kvDim], [kvDim] (Qwen2)
    DeviceBuffer qNorm, kNorm;       // [headDim] (Qwen3)
    bool hasBias = false;
    bool hasQkNorm = false;
    DeviceMatrix wq, wk, wv, wo, gate, up, down;
};

class CudaBackend final : public Backend {
public:
    // Plans memory, uploads the weights and allocates the KV pool and activations. Errors: no
    // device, unsupported weight type or head size, the plan refuses, cudaMalloc fails.
    static Expected<std::unique_ptr<CudaBackend>> create(const BackendContext& context);
    ~CudaBackend() override = default;

    const char* name() const override { return "cuda"; }
    std::string description() const override { return m_description; }
    int maxChunk() const override { return m_maxChunk; }
    Status run(KvCache& cache, KvCache::SeqId seq, const int32_t* tokens, int n, int startPos,
               float* logits, bool allLogits) override;
    void copyBlock(int32_t src, int32_t dst) override;

private:
    CudaBackend(const Model& model, const KvCache& cache, int maxChunk);
    Status allocate(bool f16Copies);
    Status uploadLayer(const LayerWeights& w, DeviceLayer& d, bool f16Copies);
    Status uploadMatrix(const WeightMatrix& w, DeviceMatrix& d, bool f16Copy, const char* what);
    // y [n][w.rows] = x [n][w.cols] * W^T, on the device.
    Status matmul(const DeviceMatrix& w, const float* x, float* y, int n);
    Status attentionBlock(int layer, int n, int startPos);
    Status feedForwardBlock(int layer, int n);

    const Model& m_model;
    const ModelConfig& m_config;
    int m_maxChunk;
    int32_t m_poolBlocks;  // the host cache's block count
    int m_blockTokens;
    std::string m_description;
    std::string m_deferredError;  // a failed copyBlock, reported by every later run()

    std::unique_ptr<Gemm> m_gemm;
    std::unique_ptr<DeviceLayer[]> m_layers;  // [nLayer]
    DeviceBuffer m_outputNorm;                // [nEmbd]
    DeviceMatrix m_output;                    // [nVocab][nEmbd], never an f16 copy
    PagedKvLayout m_layout;                   // of layer 0; layer l adds l * layerOffset
    int64_t m_layerOffset = 0;                // elements
    DeviceBuffer m_kv;                        // [poolBlocks][nLayer][2][nKvHead][bt][hd] f16

    // Activations, row-major per token, sized for maxChunk tokens.
    DeviceBuffer m_x, m_xb, m_q, m_k, m_v, m_att, m_proj, m_gate, m_up;
    DeviceBuffer m_logits;    // [maxChunk][nVocab] f32
    DeviceBuffer m_xHalf;     // [maxChunk][max(nEmbd, qDim, nFf)] f16, gemm input
    DeviceBuffer m_wScratch;  // f16 [largest matrix], dequantised weights for gemm
    DeviceBuffer m_decodeWork;
    DeviceBuffer m_positions;        // [maxChunk] int32
    DeviceBuffer m_table;            // [poolBlocks] int32
    std::vector<float> m_hostX;      // [maxChunk][nEmbd], embedding rows
    std::vector<int32_t> m_hostPos;  // [maxChunk]
};

// "NVIDIA H200 (sm_90, 139 GiB free of 140 GiB)" or an Error saying why there is no device.
Expected<std::string> describeDevice();

}  // namespace folio::cuda
