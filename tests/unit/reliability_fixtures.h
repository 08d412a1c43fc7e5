#pragma once
// In-memory fixtures for the reliability suites and the fuzz targets: a small byte-level BPE
// vocabulary (GPT-2 byte mapping, a few merges, ChatML control tokens) and a tiny but complete
// qwen2 model (1 layer, F32 weights with small finite values) built with gguf_builder.h.
// Nothing here validates: the files are exactly what the knobs say, so tests can break them.
#include <array>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "engine/gguf/gguf.h"
#include "unit/gguf_builder.h"

namespace folio::test::reliability {

using namespace folio::test::gguf;

// GPT-2's byte -> code point mapping (printable Latin-1 bytes map to themselves, the rest to
// U+0100 upwards), as UTF-8 strings: the texts of the 256 byte tokens of a byte-level BPE.
inline std::array<std::string, 256> byteTokenTexts() {
    std::array<std::string, 256> out;
    uint32_t next = 256;
    for (uint32_t b = 0; b < 256; ++b) {
        const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
        const uint32_t cp = printable ? b : next++;
        std::string s;
        if (cp < 0x80) {
            s += char(cp);
        } else {
            s += char(0xC0 | (cp >> 6));
            s += char(0x80 | (cp & 0x3F));
        }
        out[b] = s;
    }
    return out;
}

struct VocabOptions {
    int padTokens = 0;  // extra NORMAL tokens "[PADn]" (to grow the vocabulary)
    bool withMerges = true;
    std::string pre = "qwen2";  // tokenizer.ggml.pre
};

// The tokenizer.ggml.* key-value entries. Ids: 0..255 bytes, then merges, then pads, then
// <|endoftext|>, <|im_start|>, <|im_end|> (CONTROL).
inline std::vector<Bytes> vocabKvs(const VocabOptions& o = {}, int* vocabSize = nullptr) {
    std::vector<std::string> tokens;
    for (const std::string& t : byteTokenTexts()) tokens.push_back(t);
    std::vector<std::string> merges;
    if (o.withMerges) {
        const char* pairs[][2] = {{"h", "e"}, {"l", "l"},   {"he", "ll"}, {"hell", "o"},
                                  {"Ġ", "t"}, {"Ġt", "he"}, {"i", "n"},   {"Ġ", "a"}};
        for (auto& p : pairs) {
            merges.push_back(std::string(p[0]) + " " + p[1]);
            tokens.push_back(std::string(p[0]) + p[1]);
        }
    }
    for (int i = 0; i < o.padTokens; ++i) tokens.push_back("[PAD" + std::to_string(i) + "]");
    const size_t firstSpecial = tokens.size();
    for (const char* s : {"<|endoftext|>", "<|im_start|>", "<|im_end|>"}) tokens.push_back(s);

    Bytes tokenArr, typeArr, mergeArr;
    for (size_t i = 0; i < tokens.size(); ++i) {
        append(tokenArr, str(tokens[i]));
        put<int32_t>(typeArr, i >= firstSpecial ? 3 : 1);
    }
    for (const std::string& m : merges) append(mergeArr, str(m));
    if (vocabSize) *vocabSize = int(tokens.size());
    return {
        kv("tokenizer.ggml.model", kStr, str("gpt2")),
        kv("tokenizer.ggml.pre", kStr, str(o.pre)),
        kv("tokenizer.ggml.tokens", kArr, arrayOf(kStr, tokens.size(), tokenArr)),
        kv("tokenizer.ggml.token_type", kArr, arrayOf(kI32, tokens.size(), typeArr)),
        kv("tokenizer.ggml.merges", kArr, arrayOf(kStr, merges.size(), mergeArr)),
        kv("tokenizer.ggml.eos_token_id", kU32, scalar<uint32_t>(uint32_t(firstSpecial + 2))),
        kv("tokenizer.ggml.bos_token_id", kU32, scalar<uint32_t>(uint32_t(firstSpecial))),
    };
}

// A vocab-only GGUF (no tensors).
inline Bytes vocabFile(const VocabOptions& o = {}) {
    Spec s;
    s.kvs = vocabKvs(o);
    s.kvs.insert(s.kvs.begin(), kv("general.architecture", kStr, str("qwen2")));
    return build(s);
}

struct TinyModel {
    int nLayer = 1;
    int nEmbd = 64;
    int nHead = 2;
    int nKvHead = 1;
    int nFf = 512;
    int contextLength = 4096;
    int padTokens = 0;
};

// A qwen2 model: every tensor F32 (type 0), untied output.weight. Metadata first, then
// tokenizer keys, so callers can drop or replace entries by key prefix.
inline Spec tinyModelSpec(const TinyModel& m = {}) {
    int nVocab = 0;
    VocabOptions vo;
    vo.padTokens = m.padTokens;
    std::vector<Bytes> tok = vocabKvs(vo, &nVocab);
    Spec s;
    s.kvs = {
        kv("general.architecture", kStr, str("qwen2")),
        kv("general.name", kStr, str("reliability-tiny")),
        kv("general.alignment", kU32, scalar<uint32_t>(64)),
        kv("qwen2.block_count", kU32, scalar<uint32_t>(uint32_t(m.nLayer))),
        kv("qwen2.context_length", kU32, scalar<uint32_t>(uint32_t(m.contextLength))),
        kv("qwen2.embedding_length", kU32, scalar<uint32_t>(uint32_t(m.nEmbd))),
        kv("qwen2.feed_forward_length", kU32, scalar<uint32_t>(uint32_t(m.nFf))),
        kv("qwen2.attention.head_count", kU32, scalar<uint32_t>(uint32_t(m.nHead))),
        kv("qwen2.attention.head_count_kv", kU32, scalar<uint32_t>(uint32_t(m.nKvHead))),
        kv("qwen2.rope.freq_base", kF32, scalar<float>(1000000.0f)),
        kv("qwen2.attention.layer_norm_rms_epsilon", kF32, scalar<float>(1e-6f)),
    };
    s.kvs.insert(s.kvs.end(), tok.begin(), tok.end());
    const int64_t e = m.nEmbd, v = nVocab, f = m.nFf;
    const int64_t q = e, kvd = int64_t(e / m.nHead) * m.nKvHead;
    auto f32 = [](std::string name, std::vector<int64_t> ne) {
        int64_t n = 1;
        for (int64_t d : ne) n *= d;
        return TensorSpec{std::move(name), std::move(ne), 0, uint64_t(n) * 4, {}, {}};
    };
    s.tensors = {f32("token_embd.weight", {e, v}), f32("output_norm.weight", {e}),
                 f32("output.weight", {e, v})};
    for (int l = 0; l < m.nLayer; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        const std::vector<TensorSpec> layer = {
            f32(p + "attn_norm.weight", {e}),      f32(p + "attn_q.weight", {e, q}),
            f32(p + "attn_k.weight", {e, kvd}),    f32(p + "attn_v.weight", {e, kvd}),
            f32(p + "attn_output.weight", {q, e}), f32(p + "attn_q.bias", {q}),
            f32(p + "attn_k.bias", {kvd}),         f32(p + "attn_v.bias", {kvd}),
            f32(p + "ffn_norm.weight", {e}),       f32(p + "ffn_gate.weight", {e, f}),
            f32(p + "ffn_up.weight", {e, f}),      f32(p + "ffn_down.weight", {f, e}),
        };
        s.tensors.insert(s.tensors.end(), layer.begin(), layer.end());
    }
    return s;
}

// Overwrites the pattern bytes of every F32 tensor with finite values: norms 1, biases 0,
// matrices a deterministic spread in [-0.1, 0.1]. Returns false if b does not parse.
inline bool fillFiniteWeights(Bytes& b) {
    auto parsed = GgufFile::fromMemory(b.data(), b.size());
    if (!parsed) return false;
    const GgufFile& file = *parsed.value();
    for (const GgufTensor& t : file.tensors()) {
        if (t.type != GgmlType::F32) continue;
        const size_t at = size_t(t.data - b.data());
        const std::string_view name = t.name;
        const bool norm = name.find("norm") != std::string_view::npos;
        const bool bias = name.find("bias") != std::string_view::npos;
        for (int64_t i = 0; i < t.nElements(); ++i) {
            const float x = norm ? 1.0f : bias ? 0.0f : 0.1f * std::sin(float(i) * 0.7f + 0.3f);
            std::memcpy(b.data() + at + size_t(i) * 4, &x, 4);
        }
    }
    return true;
}

inline Bytes tinyModelFile(const TinyModel& m = {}) {
    Bytes b = build(tinyModelSpec(m));
    fillFiniteWeights(b);
    return b;
}

}  // namespace folio::test::reliability
