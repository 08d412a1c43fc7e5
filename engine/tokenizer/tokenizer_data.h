#pragma once
// Internal state of a Tokenizer (engine/tokenizer only). Built once by the loaders in
// tokenizer_load.cpp, then immutable; BpeModel's word cache is the only mutable part and is
// internally synchronised.
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/status.h"
#include "engine/tokenizer/pretokenizer.h"

namespace folio {

// Token types as GGUF (llama.cpp) and SentencePiece number them.
enum class TokenType : int32_t {
    Undefined = 0,
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
};

// Byte trie over added-token texts, for leftmost-longest matching in O(text * depth).
class SpecialTrie {
public:
    void insert(std::string_view text, int32_t id, bool control);
    // Longest token starting at text[pos] (controls only when allowControl); {-1, 0} if none.
    std::pair<int32_t, size_t> match(std::string_view text, size_t pos, bool allowControl) const;
    bool empty() const { return m_nodes.size() <= 1; }
    bool mayStart(unsigned char b) const { return m_first[b]; }

private:
    struct Node {
        std::vector<std::pair<unsigned char, int32_t>> next;  // (byte, node index)
        int32_t id = -1;
        bool control = false;
    };
    std::vector<Node> m_nodes = std::vector<Node>(1);
    bool m_first[256] = {};
};

class BpeModel;
class SpmModel;

struct TokenizerData {
    enum class Kind { Bpe, Spm };
    Kind kind = Kind::Bpe;
    std::vector<std::string> texts;  // per id: the vocabulary entry as stored
    std::vector<std::string> bytes;  // per id: the raw bytes it stands for
    std::vector<TokenType> types;    // per id
    std::vector<float> scores;       // per id (SentencePiece only)
    std::unordered_map<std::string_view, int32_t> textToId;  // views into texts
    std::vector<uint8_t> endOfGeneration;                    // per id
    int32_t bos = -1, eos = -1, eot = -1, eom = -1, unk = -1;
    bool addBos = false;
    bool addSpacePrefix = true;  // SentencePiece: encode " " + text (llama.cpp and HF Llama)
    bool nfc = false;            // NFC-normalise text outside added tokens
    std::string preName;         // pre-tokenizer name, for describe()
    std::string chatTemplate;
    SpecialTrie added;
    std::unique_ptr<BpeModel> bpe;
    std::unique_ptr<SpmModel> spm;

    TokenizerData();
    ~TokenizerData();
    // Fills textToId, endOfGeneration and the added-token trie from texts/types and the ids.
    void finish();
};

// Byte-level BPE over pre-tokenized words. encodeWord results are cached per word.
class BpeModel {
public:
    // texts/types: the vocabulary; merges: ranked pairs of vocabulary texts.
    static Expected<std::unique_ptr<BpeModel>> create(
        const TokenizerData& data,
        const std::vector<std::pair<std::string_view, std::string_view>>& merges,
        const PreTokenizerInfo& pre);
    // Appends the ids of text (no added tokens inside; already normalised).
    void encode(std::string_view text, std::vector<int32_t>& out) const;

private:
    BpeModel() = default;
    void encodeWord(std::string_view word, std::vector<int32_t>& out) const;
    void mergeWord(std::string_view word, std::vector<int32_t>& out) const;
    uint64_t findMerge(int32_t a, int32_t b) const;  // (rank << 32 | merged id), or UINT64_MAX

    PreTokenizerKind m_kind = PreTokenizerKind::Gpt2;
    bool m_ignoreMerges = false;
    int32_t m_byteToken[256] = {};  // id of each single byte, -1 if missing
    std::unordered_map<std::string_view, int32_t> m_rawToId;  // normal tokens by raw bytes
    std::vector<uint64_t> m_mergeKeys;    // open addressing; empty slot = UINT64_MAX
    std::vector<uint64_t> m_mergeValues;  // (rank << 32) | merged id
    uint64_t m_mergeMask = 0;

    static constexpr size_t kCacheMaxWordBytes = 64;
    static constexpr size_t kCacheMaxEntries = 1 << 16;
    mutable std::shared_mutex m_cacheMutex;
    mutable std::unordered_map<std::string, std::vector<int32_t>> m_cache;
};

// SentencePiece model through libsentencepiece (when built with FOLIO_HAVE_SENTENCEPIECE).
class SpmModel {
public:
    static Expected<std::unique_ptr<SpmModel>> create(const TokenizerData& data);
    ~SpmModel();
    // Appends the ids of one text fragment (space prefix and escaping are done here).
    void encode(std::string_view text, bool addSpacePrefix, std::vector<int32_t>& out) const;

private:
    SpmModel() = default;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// GPT-2's reversible byte <-> printable character mapping used by byte-level BPE vocabularies.
uint32_t byteLevelChar(uint8_t byte);
// Decodes a byte-level token text to raw bytes; false if it has a character outside the map.
bool byteLevelDecode(std::string_view text, std::string& out);

}  // namespace folio
