#pragma once
// A loaded decoder-only transformer (Qwen2, Qwen3, Llama): configuration, weight views into the
// memory-mapped GGUF file (quantized weights are used in place, never copied), and the tokenizer.
//
// Contract: after load() the Model is immutable and may be shared by reference across threads;
// the forward pass itself runs on the engine thread with a ForwardContext it owns.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/gguf/gguf.h"
#include "engine/model/config.h"
#include "engine/ops/matmul.h"
#include "engine/status.h"
#include "engine/tokenizer/tokenizer.h"

namespace folio {

struct LayerWeights {
    std::vector<float> attnNorm;      // [nEmbd]
    WeightMatrix wq, wk, wv, wo;      // [qDim x nEmbd], [kvDim x nEmbd] x2, [nEmbd x qDim]
    std::vector<float> bq, bk, bv;    // [qDim], [kvDim], [kvDim] (qwen2 only; else empty)
    std::vector<float> qNorm, kNorm;  // [headDim] (qwen3 only; else empty)
    std::vector<float> ffnNorm;       // [nEmbd]
    WeightMatrix gate, up, down;      // [nFf x nEmbd] x2, [nEmbd x nFf]
};

struct ModelWeights {
    WeightMatrix tokenEmbedding;    // [nVocab x nEmbd]
    std::vector<float> outputNorm;  // [nEmbd]
    WeightMatrix output;            // [nVocab x nEmbd] (token_embd when tied)
    std::vector<LayerWeights> layers;
};

class Model {
public:
    // Opens, validates and maps the file; reads the config, binds every tensor (checking shapes and
    // types) and builds the tokenizer. onProgress gets 0..1.
    static Expected<std::unique_ptr<Model>> load(const std::string& path,
                                                 const std::function<void(float)>& onProgress = {});
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;

    const ModelConfig& config() const { return m_config; }
    const ModelWeights& weights() const { return m_weights; }
    const Tokenizer& tokenizer() const { return *m_tokenizer; }
    std::shared_ptr<const Tokenizer> sharedTokenizer() const { return m_tokenizer; }
    const GgufFile& file() const { return *m_file; }
    const std::string& path() const { return m_path; }
    int64_t parameterCount() const { return m_parameters; }
    size_t weightBytes() const { return m_weightBytes; }
    // Tensor type name -> count, e.g. {"Q5_0": 133, ...}.
    std::vector<std::pair<std::string, int>> tensorTypeCounts() const;

private:
    Model() = default;
    Status bindWeights();

    std::string m_path;
    std::unique_ptr<GgufFile> m_file;
    ModelConfig m_config;
    ModelWeights m_weights;
    std::shared_ptr<const Tokenizer> m_tokenizer;
    int64_t m_parameters = 0;
    size_t m_weightBytes = 0;
};

}  // namespace folio
