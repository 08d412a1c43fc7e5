#pragma once
// Generated Unicode data (engine/tokenizer/unicode_tables.cpp, written by
// scripts/gen_unicode_tables.py). Internal to engine/tokenizer; use unicode.h instead.
#include <cstddef>
#include <cstdint>

namespace folio::unicode::tables {

// Inclusive code point range [first, last] with one value (flags or a combining class).
struct FlagRange {
    uint32_t first;
    uint32_t last;
    uint8_t value;
};

// Canonical decomposition, one level: cp -> a (+ b, 0 when the mapping is a singleton).
struct Decomposition {
    uint32_t cp;
    uint32_t a;
    uint32_t b;
};

// Primary composite: (a, b) -> c, sorted by (a, b). Composition exclusions are absent.
struct Composition {
    uint32_t a;
    uint32_t b;
    uint32_t c;
};

extern const FlagRange kFlagRanges[];  // sorted, non-overlapping; absent code points have 0
extern const size_t kFlagRangeCount;
extern const FlagRange kCombiningClassRanges[];
extern const size_t kCombiningClassRangeCount;
extern const Decomposition kDecompositions[];  // sorted by cp
extern const size_t kDecompositionCount;
extern const Composition kCompositions[];
extern const size_t kCompositionCount;
extern const char kUnicodeVersion[];

}  // namespace folio::unicode::tables
