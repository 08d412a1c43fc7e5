#include "engine/tokenizer/pretokenizer.h"

#include <cstdint>

#include "engine/tokenizer/unicode.h"

namespace folio {
namespace {

// The regexes as they appear in tokenizer.json files (JSON-unescaped), mapped to variants.
constexpr std::string_view kGpt2Regex =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
constexpr std::string_view kLlama3Regex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr std::string_view kQwen2Regex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr std::string_view kQwen35Regex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// tokenizer.ggml.pre values (as llama.cpp's converter writes them) per variant.
constexpr PreTokenizerInfo kPreTokenizers[] = {
    {"gpt-2", PreTokenizerKind::Gpt2, false},
    {"llama-bpe", PreTokenizerKind::Llama3, true},
    {"llama3", PreTokenizerKind::Llama3, true},
    {"llama-v3", PreTokenizerKind::Llama3, true},
    {"smaug-bpe", PreTokenizerKind::Llama3, false},
    {"qwen2", PreTokenizerKind::Qwen2, false},
    {"deepseek-r1-qwen", PreTokenizerKind::Qwen2, false},
    {"qwen35", PreTokenizerKind::Qwen35, false},
    {"smollm", PreTokenizerKind::Smollm, false},
};

struct RegexEntry {
    std::string_view regex;
    const PreTokenizerInfo* info;
};
const RegexEntry kRegexes[] = {
    {kGpt2Regex, &kPreTokenizers[0]},
    {kLlama3Regex, &kPreTokenizers[1]},
    {kQwen2Regex, &kPreTokenizers[5]},
    {kQwen35Regex, &kPreTokenizers[7]},
};

struct Char {
    uint32_t cp = 0;
    uint8_t flags = 0;
    size_t len = 0;  // 0 past the end
};

// Decodes lazily; every matcher works on byte offsets.
class Cursor {
public:
    explicit Cursor(std::string_view s) : m_s(s) {}
    size_t size() const { return m_s.size(); }
    Char at(size_t pos) const {
        Char c;
        if (pos >= m_s.size()) return c;
        const auto b = static_cast<unsigned char>(m_s[pos]);
        if (b < 0x80) {
            c.cp = b;
            c.len = 1;
        } else {
            c.cp = unicode::decodeUtf8(m_s, pos, &c.len);
        }
        c.flags = unicode::charFlags(c.cp);
        return c;
    }

private:
    std::string_view m_s;
};

bool isCrLf(uint32_t cp) {
    return cp == '\r' || cp == '\n';
}

// End of the run of characters satisfying pred starting at pos (pos itself when none).
template <class Pred>
size_t runEnd(const Cursor& c, size_t pos, Pred pred, size_t maxCount = SIZE_MAX) {
    size_t count = 0;
    while (pos < c.size() && count < maxCount) {
        const Char ch = c.at(pos);
        if (!pred(ch)) break;
        pos += ch.len;
        ++count;
    }
    return pos;
}

// Contractions after an apostrophe at pos-1: 's 't 're 've 'm 'll 'd. Returns the end or 0.
size_t matchContraction(const Cursor& c, size_t pos, bool ignoreCase) {
    auto lower = [&](size_t p) -> uint32_t {
        const Char ch = c.at(p);
        if (ch.len != 1) return 0;
        return ignoreCase && ch.cp >= 'A' && ch.cp <= 'Z' ? ch.cp + 32 : ch.cp;
    };
    const uint32_t a = lower(pos);
    if (a == 's' || a == 't' || a == 'm' || a == 'd') return pos + 1;
    const uint32_t b = lower(pos + 1);
    if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return pos + 2;
    return 0;
}

// Whitespace alternatives shared by all variants, at a whitespace character:
// [\s*[\r\n]+ when withNewlineRun] | \s+(?!\S) | \s+
size_t matchSpaces(const Cursor& c, size_t pos, bool withNewlineRun) {
    size_t end = pos, lastStart = pos, lastCrLfEnd = 0;
    while (end < c.size()) {
        const Char ch = c.at(end);
        if (!(ch.flags & unicode::kSpace)) break;
        lastStart = end;
        end += ch.len;
        if (isCrLf(ch.cp)) lastCrLfEnd = end;
    }
    if (withNewlineRun && lastCrLfEnd != 0) return lastCrLfEnd;
    if (end == c.size()) return end;        // \s+(?!\S) at the end of the text
    if (lastStart > pos) return lastStart;  // \s+(?!\S): leave the last space to the next word
    return end;                             // \s+
}

size_t matchGpt2(const Cursor& c, size_t pos) {
    const Char c0 = c.at(pos);
    if (c0.cp == '\'') {
        if (size_t e = matchContraction(c, pos + 1, false)) return e;
    }
    const size_t q = c0.cp == ' ' && pos + 1 < c.size() ? pos + 1 : pos;
    const Char cq = q == pos ? c0 : c.at(q);
    using namespace unicode;
    if (cq.flags & kLetter) return runEnd(c, q, [](const Char& ch) { return ch.flags & kLetter; });
    if (cq.flags & kNumber) return runEnd(c, q, [](const Char& ch) { return ch.flags & kNumber; });
    constexpr uint8_t kNotSymbol = kSpace | kLetter | kNumber;
    if (!(cq.flags & kNotSymbol))
        return runEnd(c, q, [](const Char& ch) { return !(ch.flags & kNotSymbol); });
    return matchSpaces(c, pos, false);
}

// Llama 3 / Qwen2 / Qwen3.5: letters = \p{L} (plus \p{M} for Qwen3.5), digits up to maxDigits.
size_t matchQwenFamily(const Cursor& c, size_t pos, uint8_t letterMask, size_t maxDigits) {
    using namespace unicode;
    const Char c0 = c.at(pos);
    if (c0.cp == '\'') {
        if (size_t e = matchContraction(c, pos + 1, true)) return e;
    }
    auto isLetter = [letterMask](const Char& ch) { return (ch.flags & letterMask) != 0; };
    // [^\r\n\p{L}\p{N}]?<letters>+
    if (isLetter(c0)) return runEnd(c, pos, isLetter);
    if (!isCrLf(c0.cp) && !(c0.flags & (kLetter | kNumber))) {
        const Char c1 = c.at(pos + c0.len);
        if (c1.len != 0 && isLetter(c1)) return runEnd(c, pos + c0.len, isLetter);
    }
    // \p{N}{1,maxDigits}
    if (c0.flags & kNumber)
        return runEnd(
            c, pos, [](const Char& ch) { return ch.flags & kNumber; }, maxDigits);
    // " ?[^\s<letters>\p{N}]+[\r\n]*"
    const uint8_t notSymbol = kSpace | kNumber | letterMask;
    auto isSymbol = [notSymbol](const Char& ch) { return !(ch.flags & notSymbol); };
    const size_t q = c0.cp == ' ' ? pos + 1 : pos;
    const Char cq = q == pos ? c0 : c.at(q);
    if (cq.len != 0 && isSymbol(cq)) {
        const size_t e = runEnd(c, q, isSymbol);
        return runEnd(c, e, [](const Char& ch) { return isCrLf(ch.cp); });
    }
    return matchSpaces(c, pos, true);
}

size_t matchAt(PreTokenizerKind kind, const Cursor& c, size_t pos) {
    using namespace unicode;
    switch (kind) {
        case PreTokenizerKind::Gpt2:
            return matchGpt2(c, pos);
        case PreTokenizerKind::Llama3:
            return matchQwenFamily(c, pos, kLetter, 3);
        case PreTokenizerKind::Qwen2:
            return matchQwenFamily(c, pos, kLetter, 1);
        case PreTokenizerKind::Qwen35:
            return matchQwenFamily(c, pos, kLetter | kMark, 1);
        case PreTokenizerKind::Smollm:
            break;  // two passes: see preTokenizeSmollm
    }
    return c.size();
}

void splitWith(PreTokenizerKind kind, const Cursor& c, size_t pos,
               const std::function<void(size_t, size_t)>& word) {
    while (pos < c.size()) {
        size_t end = matchAt(kind, c, pos);
        if (end <= pos) end = pos + 1;  // cannot happen: every character matches an alternative
        word(pos, end - pos);
        pos = end;
    }
}

// SmolLM (llama.cpp applies two regexes in turn): every \p{N} character is a word of its own, and
// each run of text between digits is split by the GPT-2 regex as a text of its own, so that its
// lookaheads end at the digit ("a 1" gives "a", " ", "1").
void preTokenizeSmollm(std::string_view text, const std::function<void(size_t, size_t)>& word) {
    const Cursor whole(text);
    size_t pos = 0;
    while (pos < text.size()) {
        const Char ch = whole.at(pos);
        if (ch.flags & unicode::kNumber) {
            word(pos, ch.len);
            pos += ch.len;
            continue;
        }
        const size_t end =
            runEnd(whole, pos, [](const Char& x) { return !(x.flags & unicode::kNumber); });
        splitWith(PreTokenizerKind::Gpt2, Cursor(text.substr(0, end)), pos, word);
        pos = end;
    }
}

}  // namespace

const PreTokenizerInfo* findPreTokenizer(std::string_view ggufName) {
    for (const PreTokenizerInfo& info : kPreTokenizers)
        if (info.ggufName == ggufName) return &info;
    return nullptr;
}

const PreTokenizerInfo* findPreTokenizerByRegex(std::string_view regex) {
    for (const RegexEntry& e : kRegexes)
        if (e.regex == regex) return e.info;
    return nullptr;
}

void preTokenize(PreTokenizerKind kind, std::string_view text,
                 const std::function<void(size_t, size_t)>& word) {
    if (kind == PreTokenizerKind::Smollm)
        preTokenizeSmollm(text, word);
    else
        splitWith(kind, Cursor(text), 0, word);
}

}  // namespace folio
