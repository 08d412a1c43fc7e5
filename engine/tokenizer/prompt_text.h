#pragma once
// A rendered chat prompt: the text, plus the byte ranges where the chat template itself placed
// special tokens (e.g. "<|im_start|>"). Only those ranges may become special token ids; the same
// characters anywhere else (typed by a user, extracted from a PDF) are encoded as ordinary text,
// so a document cannot inject a system turn.
#include <cstddef>
#include <string>
#include <vector>

namespace folio {

struct SpecialSpan {
    size_t offset = 0;  // byte offset into PromptText::text
    size_t length = 0;  // bytes; text.substr(offset, length) is exactly one special token's text
};

struct PromptText {
    std::string text;
    std::vector<SpecialSpan> specials;  // sorted by offset, non-overlapping

    // Appends template scaffolding that is exactly one special token.
    void appendSpecial(const std::string& tokenText) {
        specials.push_back({text.size(), tokenText.size()});
        text += tokenText;
    }
    // Appends text that must never be parsed for special tokens.
    void appendText(const std::string& plain) { text += plain; }
};

}  // namespace folio
