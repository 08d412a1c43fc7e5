#pragma once
// Text <-> token ids, identical to the reference tokenizers (Hugging Face `tokenizers`,
// llama.cpp) for the vocabularies Folio runs:
//   - byte-level BPE (tokenizer.ggml.model "gpt2", or an HF tokenizer.json with a BPE model)
//     with the pre-tokenizers registered in pretokenizer.h and optional NFC normalisation;
//   - SentencePiece (tokenizer.ggml.model "llama") through libsentencepiece.
//
// Thread-safety: a Tokenizer is immutable after load; all const methods may be called from any
// number of threads at once. A StreamingDetokenizer is single-threaded state over a Tokenizer
// that must outlive it.
//
// Special tokens: control tokens ("<|im_start|>", "<|endoftext|>", ...) are recognised in text
// only when parseSpecial is true, or, for encodePrompt, only inside PromptText::specials.
// Non-special added tokens (GGUF type USER_DEFINED, tokenizer.json added tokens with
// "special": false, e.g. "<think>") are always recognised, as llama.cpp and HF do.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/status.h"
#include "engine/tokenizer/prompt_text.h"

namespace folio {

class GgufFile;
struct TokenizerData;

class Tokenizer {
public:
    // Reads tokenizer.ggml.* from a model or vocab-only GGUF. Errors name the missing/bad key.
    static Expected<std::unique_ptr<Tokenizer>> fromGguf(const GgufFile& file);
    // Reads an HF tokenizer.json, and tokenizer_config.json beside it if present (chat template,
    // bos/eos, add_bos_token).
    static Expected<std::unique_ptr<Tokenizer>> fromTokenizerJson(const std::string& path);
    // Dispatches on the extension: ".gguf" or ".json".
    static Expected<std::unique_ptr<Tokenizer>> load(const std::string& path);

    ~Tokenizer();
    Tokenizer(const Tokenizer&) = delete;
    Tokenizer& operator=(const Tokenizer&) = delete;

    // Encodes text (any bytes; invalid UTF-8 is encoded byte by byte). No BOS/EOS is added.
    std::vector<int32_t> encode(std::string_view text, bool parseSpecial = false) const;
    // Encodes a rendered chat prompt: each span in prompt.specials that is exactly a special
    // token's text becomes that token; all other text is encoded with parseSpecial = false.
    std::vector<int32_t> encodePrompt(const PromptText& prompt) const;
    // Concatenated token bytes (may be invalid UTF-8 for partial sequences); special tokens
    // are rendered as their text; out-of-range ids are skipped. SentencePiece: the leading
    // space that encoding added is removed, as sentencepiece's DecodeIds does.
    std::string decode(const std::vector<int32_t>& ids) const;
    // The raw bytes one token stands for ("" for an out-of-range id).
    std::string tokenBytes(int32_t id) const;
    // Exact lookup of a vocabulary entry as stored in the model (GGUF tokenizer.ggml.tokens /
    // tokenizer.json vocab or added token), e.g. "<|im_end|>" or "Ġthe".
    std::optional<int32_t> tokenId(std::string_view tokenText) const;

    int32_t vocabSize() const;
    int32_t bosId() const;  // -1 when the model has none
    int32_t eosId() const;  // -1 when the model has none
    bool addBosDefault() const;
    // True for tokens that end a generated turn: eos, eot, eom and the known end markers
    // (<|im_end|>, <|endoftext|>, <|eot_id|>, <|eom_id|>, <end_of_turn>, ...).
    bool isEndOfGeneration(int32_t id) const;
    // The embedded Jinja chat template ("" if none).
    std::string_view chatTemplate() const;

    // Diagnostics: "bpe/qwen2", "bpe/llama-bpe+nfc", "spm", ...
    std::string describe() const;

private:
    friend struct TokenizerFactory;  // the loaders in tokenizer_load.cpp
    explicit Tokenizer(std::unique_ptr<TokenizerData> data);
    std::unique_ptr<TokenizerData> m_data;

    // Ids of the plain-text segments of recent prompts, so that each chat turn encodes only the
    // messages it adds (special tokens split the text, so a segment's ids never depend on its
    // neighbours). Key: segment bytes + the SentencePiece "after an added token" flag.
    struct SegmentIds {
        std::vector<int32_t> ids;
        bool afterAdded = false;  // the flag's value after the segment
    };
    static constexpr size_t kSegmentCacheMaxBytes = 16u << 20;
    static constexpr size_t kSegmentCacheMinBytes = 64;  // shorter segments are cheap to encode
    mutable std::mutex m_segmentMutex;
    mutable std::unordered_map<std::string, SegmentIds> m_segmentCache;
    mutable size_t m_segmentCacheBytes = 0;
};

// Turns a stream of generated ids into text pieces that are always complete UTF-8.
// Contract: the concatenation of all push() results and the final flush() equals
// unicode::sanitizeUtf8(tokenizer.decode(allIds)); a valid multi-byte character split across
// tokens is held back until complete, so U+FFFD appears only for bytes that are truly invalid.
class StreamingDetokenizer {
public:
    explicit StreamingDetokenizer(const Tokenizer& tokenizer);
    std::string push(int32_t id);
    std::string flush();  // emits what is held back (invalid bytes as U+FFFD) and resets

private:
    const Tokenizer& m_tokenizer;
    std::string m_pending;  // bytes not yet emitted: an incomplete UTF-8 tail
    bool m_first = true;    // SentencePiece: strip the leading space of the first piece
};

}  // namespace folio
