#pragma once
// The transformer forward pass over a chunk of tokens, reading and writing the paged KV cache.
//
// Threading: a ForwardPass belongs to the engine thread; it uses the ThreadPool for the kernels.
// Buffers are sized once for `maxChunk` tokens, so decoding allocates nothing per token.
#include <cstdint>
#include <vector>

#include "engine/model/model.h"
#include "engine/ops/matmul.h"
#include "engine/runtime/kv_cache.h"
#include "engine/status.h"

namespace folio {

class ThreadPool;

class ForwardPass {
public:
    ForwardPass(const Model& model, ThreadPool& pool, int maxChunk = 512);
    ForwardPass(const ForwardPass&) = delete;
    ForwardPass& operator=(const ForwardPass&) = delete;

    int maxChunk() const { return m_maxChunk; }

    // Processes tokens[0..n) at positions [startPos, startPos + n) of `seq`; n <= maxChunk.
    // The caller has reserved the tokens in the cache (KvCache::reserve) and commits after.
    // logits: allLogits ? [n][nVocab] : [nVocab] (the last token only). May be null (no logits).
    Status run(KvCache& cache, KvCache::SeqId seq, const int32_t* tokens, int n, int startPos,
               float* logits, bool allLogits);

private:
    void attentionBlock(const LayerWeights& w, int layer, KvCache& cache, KvCache::SeqId seq, int n,
                        int startPos);
    void feedForwardBlock(const LayerWeights& w, int n);

    const Model& m_model;
    ThreadPool& m_pool;
    int m_maxChunk;
    MatmulScratch m_scratch;
    // Activations for a chunk, row-major per token.
    std::vector<float> m_x;     // [maxChunk][nEmbd] residual stream
    std::vector<float> m_xb;    // [maxChunk][nEmbd] normalised input
    std::vector<float> m_q;     // [maxChunk][qDim]
    std::vector<float> m_k;     // [maxChunk][kvDim]
    std::vector<float> m_v;     // [maxChunk][kvDim]
    std::vector<float> m_att;   // [maxChunk][qDim]
    std::vector<float> m_proj;  // [maxChunk][nEmbd]
    std::vector<float> m_gate;  // [maxChunk][nFf]
    std::vector<float> m_up;    // [maxChunk][nFf]
    std::vector<float> m_rope;  // [maxChunk][headDim] (cos, sin) pairs per position
};

}  // namespace folio
