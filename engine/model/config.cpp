#include "engine/model/config.h"

#include <array>

namespace folio {

namespace {

constexpr std::array kArchitectures = {
    ArchitectureTraits{"qwen2", RopeStyle::Neox, true, false, false},
    ArchitectureTraits{"qwen3", RopeStyle::Neox, false, true, true},
    ArchitectureTraits{"llama", RopeStyle::Interleaved, false, false, false},
};

struct FileTypeName {
    int id;
    std::string_view name;
};
// llama.cpp's LLAMA_FTYPE values.
constexpr std::array kFileTypes = {
    FileTypeName{0, "F32"},     FileTypeName{1, "F16"},     FileTypeName{2, "Q4_0"},
    FileTypeName{3, "Q4_1"},    FileTypeName{7, "Q8_0"},    FileTypeName{8, "Q5_0"},
    FileTypeName{9, "Q5_1"},    FileTypeName{10, "Q2_K"},   FileTypeName{11, "Q3_K_S"},
    FileTypeName{12, "Q3_K_M"}, FileTypeName{13, "Q3_K_L"}, FileTypeName{14, "Q4_K_S"},
    FileTypeName{15, "Q4_K_M"}, FileTypeName{16, "Q5_K_S"}, FileTypeName{17, "Q5_K_M"},
    FileTypeName{18, "Q6_K"},   FileTypeName{32, "BF16"},
};

// Reads "<arch>.<key>" as a positive int within [1, maxValue].
Status readPositive(const GgufFile& file, const std::string& arch, const char* key, int maxValue,
                    int& out) {
    std::string full = arch + "." + key;
    auto v = file.getInt(full);
    if (!v) return makeError("model: missing metadata " + full);
    if (*v < 1 || *v > maxValue)
        return makeError("model: metadata " + full + " = " + std::to_string(*v) + " out of range");
    out = static_cast<int>(*v);
    return {};
}

}  // namespace

const ArchitectureTraits* findArchitecture(std::string_view name) {
    for (const auto& a : kArchitectures)
        if (a.name == name) return &a;
    return nullptr;
}

std::string_view fileTypeName(int fileType) {
    for (const auto& f : kFileTypes)
        if (f.id == fileType) return f.name;
    return "unknown";
}

Expected<ModelConfig> readModelConfig(const GgufFile& file) {
    ModelConfig c;
    auto archName = file.getString("general.architecture");
    if (!archName) return makeError("model: missing metadata general.architecture");
    c.arch = findArchitecture(*archName);
    if (!c.arch)
        return makeError("model: architecture '" + std::string(*archName) +
                         "' is not supported (supported: qwen2, qwen3, llama)");
    const std::string arch(*archName);
    if (auto n = file.getString("general.name")) c.name = std::string(*n);

    constexpr int kMaxDim = 1 << 20;
    Status s;
    if (!(s = readPositive(file, arch, "block_count", 4096, c.nLayer))) return Error{s.message()};
    if (!(s = readPositive(file, arch, "embedding_length", kMaxDim, c.nEmbd)))
        return Error{s.message()};
    if (!(s = readPositive(file, arch, "feed_forward_length", kMaxDim, c.nFf)))
        return Error{s.message()};
    if (!(s = readPositive(file, arch, "attention.head_count", 4096, c.nHead)))
        return Error{s.message()};
    c.nKvHead = c.nHead;
    if (file.find(arch + ".attention.head_count_kv"))
        if (!(s = readPositive(file, arch, "attention.head_count_kv", 4096, c.nKvHead)))
            return Error{s.message()};
    if (c.nHead % c.nKvHead != 0)
        return makeError("model: head_count " + std::to_string(c.nHead) +
                         " is not a multiple of head_count_kv " + std::to_string(c.nKvHead));
    c.headDim = c.nEmbd / c.nHead;
    if (file.find(arch + ".attention.key_length"))
        if (!(s = readPositive(file, arch, "attention.key_length", 4096, c.headDim)))
            return Error{s.message()};
    if (c.headDim % 2 != 0) return makeError("model: head dimension must be even for RoPE");
    c.nCtxTrain = 4096;
    if (file.find(arch + ".context_length"))
        if (!(s = readPositive(file, arch, "context_length", 1 << 24, c.nCtxTrain)))
            return Error{s.message()};
    if (auto eps = file.getFloat(arch + ".attention.layer_norm_rms_epsilon"))
        c.rmsEps = float(*eps);
    if (auto theta = file.getFloat(arch + ".rope.freq_base")) c.ropeTheta = float(*theta);
    if (!(c.rmsEps > 0.0f && c.rmsEps < 1.0f)) return makeError("model: rms epsilon out of range");
    if (!(c.ropeTheta > 1.0f)) return makeError("model: rope.freq_base out of range");
    if (auto ft = file.getInt("general.file_type")) c.fileType = static_cast<int>(*ft);

    const GgufTensor* embd = file.tensor("token_embd.weight");
    if (!embd) return makeError("model: missing tensor token_embd.weight");
    if (embd->ne[0] != c.nEmbd)
        return makeError("model: token_embd.weight width != embedding_length");
    c.nVocab = static_cast<int>(embd->ne[1]);
    c.tiedOutput = file.tensor("output.weight") == nullptr;
    return c;
}

}  // namespace folio
