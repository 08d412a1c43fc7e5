#include "engine/model/forward.h"

#include <cmath>

#include "engine/ops/attention.h"
#include "engine/ops/elementwise.h"
#include "engine/quant/quant.h"
#include "engine/runtime/thread_pool.h"

namespace folio {

ForwardPass::ForwardPass(const Model& model, ThreadPool& pool, int maxChunk)
    : m_model(model), m_pool(pool), m_maxChunk(maxChunk) {
    const ModelConfig& c = model.config();
    const size_t n = size_t(maxChunk);
    m_x.resize(n * c.nEmbd);
    m_xb.resize(n * c.nEmbd);
    m_q.resize(n * c.qDim());
    m_k.resize(n * c.kvDim());
    m_v.resize(n * c.kvDim());
    m_att.resize(n * c.qDim());
    m_proj.resize(n * c.nEmbd);
    m_gate.resize(n * c.nFf);
    m_up.resize(n * c.nFf);
    m_rope.resize(n * c.headDim);
}

Status ForwardPass::run(KvCache& cache, KvCache::SeqId seq, const int32_t* tokens, int n,
                        int startPos, float* logits, bool allLogits) {
    const ModelConfig& c = m_model.config();
    const ModelWeights& w = m_model.weights();
    if (n <= 0 || n > m_maxChunk) return makeError("forward: chunk size out of range");
    for (int j = 0; j < n; ++j)
        if (tokens[j] < 0 || tokens[j] >= c.nVocab)
            return makeError("forward: token id " + std::to_string(tokens[j]) + " out of range");

    const WeightMatrix& emb = w.tokenEmbedding;
    m_pool.parallelFor(n, 1, [&](int64_t b, int64_t e) {
        for (int64_t j = b; j < e; ++j) {
            dequantizeRow(emb.type, emb.data + size_t(tokens[j]) * emb.rowStride,
                          &m_x[size_t(j) * c.nEmbd], c.nEmbd);
            ropeTable(startPos + int(j), c.headDim, c.ropeTheta, &m_rope[size_t(j) * c.headDim]);
        }
    });

    for (int l = 0; l < c.nLayer; ++l) {
        attentionBlock(w.layers[size_t(l)], l, cache, seq, n, startPos);
        feedForwardBlock(w.layers[size_t(l)], n);
    }
    if (!logits) return {};

    // Final norm + output projection for the rows that need logits.
    const int first = allLogits ? 0 : n - 1;
    const int rows = n - first;
    m_pool.parallelFor(rows, 1, [&](int64_t b, int64_t e) {
        for (int64_t j = b; j < e; ++j)
            rmsNorm(&m_x[size_t(first + j) * c.nEmbd], w.outputNorm.data(),
                    &m_xb[size_t(j) * c.nEmbd], c.nEmbd, c.rmsEps);
    });
    matmul(w.output, m_xb.data(), rows, logits, m_pool, m_scratch);
    return {};
}

void ForwardPass::attentionBlock(const LayerWeights& w, int layer, KvCache& cache,
                                 KvCache::SeqId seq, int n, int startPos) {
    const ModelConfig& c = m_model.config();
    const int qDim = c.qDim(), kvDim = c.kvDim();
    m_pool.parallelFor(n, 1, [&](int64_t b, int64_t e) {
        for (int64_t j = b; j < e; ++j)
            rmsNorm(&m_x[size_t(j) * c.nEmbd], w.attnNorm.data(), &m_xb[size_t(j) * c.nEmbd],
                    c.nEmbd, c.rmsEps);
    });
    const MatmulOut qkv[] = {{&w.wq, m_q.data()}, {&w.wk, m_k.data()}, {&w.wv, m_v.data()}};
    matmulShared(qkv, 3, m_xb.data(), n, m_pool, m_scratch);

    m_pool.parallelFor(n, 1, [&](int64_t b, int64_t e) {
        for (int64_t j = b; j < e; ++j) {
            float* q = &m_q[size_t(j) * qDim];
            float* k = &m_k[size_t(j) * kvDim];
            float* v = &m_v[size_t(j) * kvDim];
            if (!w.bq.empty()) {
                addInPlace(q, w.bq.data(), qDim);
                addInPlace(k, w.bk.data(), kvDim);
                addInPlace(v, w.bv.data(), kvDim);
            }
            if (!w.qNorm.empty()) {
                for (int h = 0; h < c.nHead; ++h)
                    rmsNorm(q + h * c.headDim, w.qNorm.data(), q + h * c.headDim, c.headDim,
                            c.rmsEps);
                for (int h = 0; h < c.nKvHead; ++h)
                    rmsNorm(k + h * c.headDim, w.kNorm.data(), k + h * c.headDim, c.headDim,
                            c.rmsEps);
            }
            const float* cs = &m_rope[size_t(j) * c.headDim];
            applyRope(q, c.nHead, c.headDim, cs, c.arch->rope);
            applyRope(k, c.nKvHead, c.headDim, cs, c.arch->rope);
        }
    });
    for (int j = 0; j < n; ++j)
        cache.store(seq, layer, startPos + j, &m_k[size_t(j) * kvDim], &m_v[size_t(j) * kvDim]);

    const float scale = 1.0f / std::sqrt(float(c.headDim));
    attention(cache, seq, layer, m_q.data(), n, startPos, c.nHead, scale, m_att.data(), m_pool);
    matmul(w.wo, m_att.data(), n, m_proj.data(), m_pool, m_scratch);
    m_pool.parallelFor(n, 1, [&](int64_t b, int64_t e) {
        for (int64_t j = b; j < e; ++j)
            addInPlace(&m_x[size_t(j) * c.nEmbd], &m_proj[size_t(j) * c.nEmbd], c.nEmbd);
    });
}

void ForwardPass::feedForwardBlock(const LayerWeights& w, int n) {
    const ModelConfig& c = m_model.config();
    m_pool.parallelFor(n, 1, [&](int64_t b, int64_t e) {
        for (int64_t j = b; j < e; ++j)
            rmsNorm(&m_x[size_t(j) * c.nEmbd], w.ffnNorm.data(), &m_xb[size_t(j) * c.nEmbd],
                    c.nEmbd, c.rmsEps);
    });
    const MatmulOut gateUp[] = {{&w.gate, m_gate.data()}, {&w.up, m_up.data()}};
    matmulShared(gateUp, 2, m_xb.data(), n, m_pool, m_scratch);
    m_pool.parallelFor(n, 1, [&](int64_t b, int64_t e) {
        for (int64_t j = b; j < e; ++j)
            swiglu(&m_gate[size_t(j) * c.nFf], &m_up[size_t(j) * c.nFf], c.nFf);
    });
    matmul(w.down, m_gate.data(), n, m_proj.data(), m_pool, m_scratch);
    m_pool.parallelFor(n, 1, [&](int64_t b, int64_t e) {
        for (int64_t j = b; j < e; ++j)
            addInPlace(&m_x[size_t(j) * c.nEmbd], &m_proj[size_t(j) * c.nEmbd], c.nEmbd);
    });
}

}  // namespace folio
