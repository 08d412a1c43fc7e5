#pragma once
// Pre-tokenizers: split text into the "words" that byte-level BPE encodes independently.
// Each variant is a hand-written matcher that behaves exactly like the Hugging Face regex it
// names (leftmost alternative wins, greedy quantifiers with backtracking), over the Unicode
// classes in unicode.h. Variants are registered in one table (kPreTokenizers in the .cpp).
// Thread-safe: everything here is pure.
#include <cstddef>
#include <functional>
#include <string_view>

namespace folio {

enum class PreTokenizerKind {
    Gpt2,    // 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
    Llama3,  // (?i:'s|..)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
             // ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
    Qwen2,   // as Llama3 but \p{N} (single digits)
    Qwen35,  // as Qwen2 with \p{M} counted with letters: [\p{L}\p{M}]+ and [^\s\p{L}\p{M}\p{N}]
    Smollm,  // \p{N} first (every digit its own word), then Gpt2 on the text between digits
};

struct PreTokenizerInfo {
    std::string_view ggufName;  // tokenizer.ggml.pre
    PreTokenizerKind kind;
    bool ignoreMerges;  // a word that is itself a vocabulary token is not merged (llama.cpp/HF)
};

// Looks up tokenizer.ggml.pre; nullptr when unknown.
const PreTokenizerInfo* findPreTokenizer(std::string_view ggufName);
// Maps a tokenizer.json Split regex to a variant; nullptr when it is not one we implement.
const PreTokenizerInfo* findPreTokenizerByRegex(std::string_view regex);

// Calls word(offset, length) for consecutive non-empty pieces that exactly cover text.
// Invalid UTF-8 bytes count as symbols (neither letter, digit nor space).
void preTokenize(PreTokenizerKind kind, std::string_view text,
                 const std::function<void(size_t, size_t)>& word);

}  // namespace folio
