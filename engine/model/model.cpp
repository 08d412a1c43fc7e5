#include "engine/model/model.h"

#include <map>

#include "engine/quant/quant.h"

namespace folio {

namespace {

// Binds a 2-D weight with the expected shape [rows x cols] (ne[0] = cols).
Status bindMatrix(const GgufFile& file, const std::string& name, int64_t cols, int64_t rows,
                  WeightMatrix& out) {
    const GgufTensor* t = file.tensor(name);
    if (!t) return makeError("model: missing tensor " + name);
    if (t->nDims != 2 || t->ne[0] != cols || t->ne[1] != rows)
        return makeError("model: tensor " + name + " has shape [" + std::to_string(t->ne[0]) +
                         ", " + std::to_string(t->ne[1]) + "], expected [" + std::to_string(cols) +
                         ", " + std::to_string(rows) + "]");
    const TypeInfo* info = typeInfo(t->type);
    if (!info || !info->supported)
        return makeError("model: tensor " + name + " has unsupported type " +
                         std::string(typeName(t->type)));
    out.type = t->type;
    out.data = t->data;
    out.cols = cols;
    out.rows = rows;
    out.rowStride = rowBytes(t->type, cols);
    return {};
}

// Copies a 1-D tensor of n elements (any float type) into f32.
Status bindVector(const GgufFile& file, const std::string& name, int64_t n,
                  std::vector<float>& out) {
    const GgufTensor* t = file.tensor(name);
    if (!t) return makeError("model: missing tensor " + name);
    if (t->nElements() != n)
        return makeError("model: tensor " + name + " has " + std::to_string(t->nElements()) +
                         " elements, expected " + std::to_string(n));
    const TypeInfo* info = typeInfo(t->type);
    if (!info || !info->supported || n % info->blockSize != 0)
        return makeError("model: tensor " + name + " has unsupported type");
    out.resize(size_t(n));
    dequantizeRow(t->type, t->data, out.data(), n);
    return {};
}

std::string layerName(int layer, const char* suffix) {
    return "blk." + std::to_string(layer) + "." + suffix;
}

}  // namespace

Expected<std::unique_ptr<Model>> Model::load(const std::string& path,
                                             const std::function<void(float)>& onProgress) {
    std::unique_ptr<Model> model(new Model());
    model->m_path = path;
    auto file = GgufFile::open(path);
    if (!file) return file.error();
    model->m_file = std::move(file.value());
    if (onProgress) onProgress(0.1f);
    auto config = readModelConfig(*model->m_file);
    if (!config) return config.error();
    model->m_config = config.value();
    if (Status s = model->bindWeights(); !s) return Error{s.message()};
    if (onProgress) onProgress(0.6f);
    auto tokenizer = Tokenizer::fromGguf(*model->m_file);
    if (!tokenizer) return tokenizer.error();
    model->m_tokenizer = std::shared_ptr<const Tokenizer>(std::move(tokenizer.value()));
    if (model->m_tokenizer->vocabSize() < model->m_config.nVocab - 1024 ||
        model->m_tokenizer->vocabSize() > model->m_config.nVocab)
        return makeError("model: tokenizer has " + std::to_string(model->m_tokenizer->vocabSize()) +
                         " tokens but token_embd has " + std::to_string(model->m_config.nVocab));
    for (const auto& t : model->m_file->tensors()) {
        model->m_parameters += t.nElements();
        model->m_weightBytes += t.nbytes;
    }
    if (onProgress) onProgress(1.0f);
    return model;
}

Status Model::bindWeights() {
    const ModelConfig& c = m_config;
    const GgufFile& f = *m_file;
    Status s;
    if (!(s = bindMatrix(f, "token_embd.weight", c.nEmbd, c.nVocab, m_weights.tokenEmbedding)))
        return s;
    if (!(s = bindVector(f, "output_norm.weight", c.nEmbd, m_weights.outputNorm))) return s;
    if (c.tiedOutput)
        m_weights.output = m_weights.tokenEmbedding;
    else if (!(s = bindMatrix(f, "output.weight", c.nEmbd, c.nVocab, m_weights.output)))
        return s;
    // An embedding table that is not also the output matrix is only ever read a row per token
    // (a tied one is streamed whole for every token's logits, where readahead helps).
    if (!c.tiedOutput) f.adviseRandomAccess(*f.tensor("token_embd.weight"));
    m_weights.layers.resize(size_t(c.nLayer));
    for (int l = 0; l < c.nLayer; ++l) {
        LayerWeights& w = m_weights.layers[size_t(l)];
        auto mat = [&](const char* n, int64_t cols, int64_t rows, WeightMatrix& out) {
            return bindMatrix(f, layerName(l, n), cols, rows, out);
        };
        auto vec = [&](const char* n, int64_t len, std::vector<float>& out) {
            return bindVector(f, layerName(l, n), len, out);
        };
        if (!(s = vec("attn_norm.weight", c.nEmbd, w.attnNorm))) return s;
        if (!(s = mat("attn_q.weight", c.nEmbd, c.qDim(), w.wq))) return s;
        if (!(s = mat("attn_k.weight", c.nEmbd, c.kvDim(), w.wk))) return s;
        if (!(s = mat("attn_v.weight", c.nEmbd, c.kvDim(), w.wv))) return s;
        if (!(s = mat("attn_output.weight", c.qDim(), c.nEmbd, w.wo))) return s;
        if (c.arch->qkvBias) {
            if (!(s = vec("attn_q.bias", c.qDim(), w.bq))) return s;
            if (!(s = vec("attn_k.bias", c.kvDim(), w.bk))) return s;
            if (!(s = vec("attn_v.bias", c.kvDim(), w.bv))) return s;
        }
        if (c.arch->qkNorm) {
            if (!(s = vec("attn_q_norm.weight", c.headDim, w.qNorm))) return s;
            if (!(s = vec("attn_k_norm.weight", c.headDim, w.kNorm))) return s;
        }
        if (!(s = vec("ffn_norm.weight", c.nEmbd, w.ffnNorm))) return s;
        if (!(s = mat("ffn_gate.weight", c.nEmbd, c.nFf, w.gate))) return s;
        if (!(s = mat("ffn_up.weight", c.nEmbd, c.nFf, w.up))) return s;
        if (!(s = mat("ffn_down.weight", c.nFf, c.nEmbd, w.down))) return s;
    }
    return {};
}

std::vector<std::pair<std::string, int>> Model::tensorTypeCounts() const {
    std::map<std::string, int> counts;
    for (const auto& t : m_file->tensors()) counts[std::string(typeName(t.type))]++;
    return {counts.begin(), counts.end()};
}

}  // namespace folio
