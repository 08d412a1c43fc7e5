#pragma once
// Unicode helpers for the tokenizers: lenient UTF-8 decoding, character classes for the
// pre-tokenizers, and NFC normalisation. Tables come from scripts/gen_unicode_tables.py.
//
// Invalid UTF-8 (stray continuation bytes, overlong forms, encoded surrogates/CESU-8, truncated
// sequences, code points above U+10FFFF) is never rejected: each offending byte decodes to the
// pseudo code point kInvalidByteBase + byte, which has no character class, no decomposition, and
// encodes back to the same single byte. So every byte string has a defined, lossless result.
// All functions are pure and thread-safe.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace folio::unicode {

enum CharFlag : uint8_t {
    kLetter = 1,        // \p{L}
    kNumber = 2,        // \p{N}
    kMark = 4,          // \p{M}
    kSpace = 8,         // \s (the White_Space property)
    kNfcUnstable = 16,  // NFC may change text containing this character
};

constexpr uint32_t kInvalidByteBase = 0x110000;  // pseudo code points 0x110000..0x1100FF

// Decodes one code point starting at text[pos]; sets *length to the bytes consumed (>= 1).
// pos must be < text.size().
uint32_t decodeUtf8(std::string_view text, size_t pos, size_t* length);

// Appends cp as UTF-8 (a pseudo code point from decodeUtf8 appends its original byte).
void appendUtf8(std::string& out, uint32_t cp);

// True when text is entirely well-formed UTF-8.
bool isValidUtf8(std::string_view text);

// Byte length of the longest prefix of text that does not end inside an incomplete (but so far
// valid) UTF-8 sequence. Bytes that can never become valid are counted as complete.
size_t completeUtf8Prefix(std::string_view text);

// Replaces ill-formed sequences with U+FFFD, one per maximal subpart (as Python's and
// ICU's decoders do): a truncated "\xE6\x88" becomes one U+FFFD.
std::string sanitizeUtf8(std::string_view text);

uint8_t charFlags(uint32_t cp);  // CharFlag bits; 0 for pseudo code points
uint8_t combiningClass(uint32_t cp);

// Canonical composition normal form. Invalid bytes are kept as they are and block composition.
std::string nfc(std::string_view text);

const char* unicodeVersion();

}  // namespace folio::unicode
