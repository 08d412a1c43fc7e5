#pragma once
// Model hyper-parameters, read from GGUF metadata only (nothing hard-coded per model size), and
// the table of supported architectures.
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/gguf/gguf.h"
#include "engine/status.h"

namespace folio {

enum class RopeStyle {
    Neox,        // rotate pairs (x[i], x[i + headDim/2]) — Qwen2/Qwen3
    Interleaved  // rotate pairs (x[2i], x[2i+1]) — Llama as stored by llama.cpp's converter
};

// What differs between the decoder-only architectures we run. One row per architecture.
struct ArchitectureTraits {
    std::string_view name;  // general.architecture
    RopeStyle rope;
    bool qkvBias;   // attn_q/k/v.bias tensors (Qwen2)
    bool qkNorm;    // per-head RMSNorm of q and k before RoPE (Qwen3)
    bool thinking;  // the family's chat template has <think> blocks (Qwen3)
};

const ArchitectureTraits* findArchitecture(std::string_view name);  // nullptr when unsupported

struct ModelConfig {
    const ArchitectureTraits* arch = nullptr;
    std::string name;  // general.name
    int nLayer = 0;
    int nEmbd = 0;    // model width
    int nHead = 0;    // query heads
    int nKvHead = 0;  // key/value heads (GQA)
    int headDim = 0;  // per head; key_length when present, else nEmbd / nHead
    int nFf = 0;      // SwiGLU hidden width
    int nVocab = 0;
    int nCtxTrain = 0;  // context the model was trained for
    float rmsEps = 1e-6f;
    float ropeTheta = 10000.0f;
    int fileType = -1;        // general.file_type (llama.cpp's LLAMA_FTYPE numbering)
    bool tiedOutput = false;  // no output.weight: logits use token_embd

    int qDim() const { return nHead * headDim; }
    int kvDim() const { return nKvHead * headDim; }
};

// Reads and validates the hyper-parameters; errors name the missing/invalid key.
Expected<ModelConfig> readModelConfig(const GgufFile& file);

// "Q4_K_M" etc. for general.file_type, or "unknown".
std::string_view fileTypeName(int fileType);

}  // namespace folio
