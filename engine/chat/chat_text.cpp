#include "engine/chat/chat_text.h"

#include <cstdint>

namespace folio::chat {

namespace {

bool isPyWhitespace(uint32_t cp) {
    if ((cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20)) return true;
    if (cp < 0x85) return false;
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

// Decodes the code point starting at s[i]; returns its byte length (1 for invalid bytes, whose
// code point is reported as 0xFFFD so that they are never whitespace).
size_t decodeAt(std::string_view s, size_t i, uint32_t& cp) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    size_t len = b0 < 0x80           ? 1
                 : (b0 >> 5) == 0x6  ? 2
                 : (b0 >> 4) == 0xE  ? 3
                 : (b0 >> 3) == 0x1E ? 4
                                     : 0;
    if (len == 0 || i + len > s.size()) {
        cp = 0xFFFD;
        return 1;
    }
    cp = len == 1 ? b0 : (b0 & (0x7F >> len));
    for (size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) {
            cp = 0xFFFD;
            return 1;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    return len;
}

}  // namespace

std::string_view pyStrip(std::string_view s) {
    size_t begin = 0;
    while (begin < s.size()) {
        uint32_t cp;
        size_t len = decodeAt(s, begin, cp);
        if (!isPyWhitespace(cp)) break;
        begin += len;
    }
    // Scan forward and remember where the last non-whitespace code point ends.
    size_t end = begin;
    for (size_t i = begin; i < s.size();) {
        uint32_t cp;
        size_t len = decodeAt(s, i, cp);
        i += len;
        if (!isPyWhitespace(cp)) end = i;
    }
    return s.substr(begin, end - begin);
}

std::string_view lstripNewlines(std::string_view s) {
    size_t i = s.find_first_not_of('\n');
    return i == std::string_view::npos ? std::string_view() : s.substr(i);
}

std::string_view rstripNewlines(std::string_view s) {
    size_t i = s.find_last_not_of('\n');
    return i == std::string_view::npos ? std::string_view() : s.substr(0, i + 1);
}

std::string_view stripNewlines(std::string_view s) {
    return rstripNewlines(lstripNewlines(s));
}

std::string_view beforeFirst(std::string_view s, std::string_view sep) {
    size_t i = s.find(sep);
    return i == std::string_view::npos ? s : s.substr(0, i);
}

std::string_view afterLast(std::string_view s, std::string_view sep) {
    size_t i = s.rfind(sep);
    return i == std::string_view::npos ? s : s.substr(i + sep.size());
}

bool splitThink(std::string_view content, std::string_view& reasoning, std::string_view& answer) {
    if (content.find("</think>") == std::string_view::npos) return false;
    answer = lstripNewlines(afterLast(content, "</think>"));
    reasoning =
        lstripNewlines(afterLast(rstripNewlines(beforeFirst(content, "</think>")), "<think>"));
    return true;
}

}  // namespace folio::chat
