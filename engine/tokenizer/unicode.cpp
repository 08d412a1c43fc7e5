#include "engine/tokenizer/unicode.h"

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

#include "engine/tokenizer/unicode_tables.h"

namespace folio::unicode {
namespace {

namespace t = tables;

constexpr uint32_t kHangulBase = 0xAC00, kHangulCount = 11172;
constexpr uint32_t kJamoLBase = 0x1100, kJamoVBase = 0x1161, kJamoTBase = 0x11A7;
constexpr uint32_t kJamoLCount = 19, kJamoVCount = 21, kJamoTCount = 28;
constexpr uint32_t kJamoNCount = kJamoVCount * kJamoTCount;

bool isCont(unsigned char b) {
    return (b & 0xC0) == 0x80;
}

uint8_t lookupRange(const t::FlagRange* ranges, size_t count, uint32_t cp) {
    const t::FlagRange* end = ranges + count;
    const t::FlagRange* it = std::upper_bound(
        ranges, end, cp, [](uint32_t v, const t::FlagRange& r) { return v < r.first; });
    if (it == ranges) return 0;
    --it;
    return cp <= it->last ? it->value : 0;
}

// Flags of the Basic Multilingual Plane, expanded once from the range table (64 KiB) so that
// the pre-tokenizers classify most text with one load.
const std::array<uint8_t, 0x10000>& bmpFlags() {
    static const std::unique_ptr<std::array<uint8_t, 0x10000>> table = [] {
        auto a = std::make_unique<std::array<uint8_t, 0x10000>>();
        a->fill(0);
        for (size_t i = 0; i < t::kFlagRangeCount; ++i) {
            const t::FlagRange& r = t::kFlagRanges[i];
            for (uint32_t cp = r.first; cp <= r.last && cp < 0x10000; ++cp) (*a)[cp] = r.value;
        }
        return a;
    }();
    return *table;
}

const t::Decomposition* findDecomposition(uint32_t cp) {
    const t::Decomposition* end = t::kDecompositions + t::kDecompositionCount;
    const t::Decomposition* it =
        std::lower_bound(t::kDecompositions, end, cp,
                         [](const t::Decomposition& d, uint32_t v) { return d.cp < v; });
    return it != end && it->cp == cp ? it : nullptr;
}

// Appends the full canonical decomposition of cp.
void decompose(uint32_t cp, std::vector<uint32_t>& out) {
    if (cp >= kHangulBase && cp < kHangulBase + kHangulCount) {
        const uint32_t s = cp - kHangulBase;
        out.push_back(kJamoLBase + s / kJamoNCount);
        out.push_back(kJamoVBase + (s % kJamoNCount) / kJamoTCount);
        if (s % kJamoTCount != 0) out.push_back(kJamoTBase + s % kJamoTCount);
        return;
    }
    const t::Decomposition* d = cp < 0xC0 ? nullptr : findDecomposition(cp);
    if (d == nullptr) {
        out.push_back(cp);
        return;
    }
    decompose(d->a, out);
    if (d->b != 0) decompose(d->b, out);
}

// The primary composite of (a, b), or 0.
uint32_t compose(uint32_t a, uint32_t b) {
    if (a >= kJamoLBase && a < kJamoLBase + kJamoLCount && b >= kJamoVBase &&
        b < kJamoVBase + kJamoVCount) {
        return kHangulBase + ((a - kJamoLBase) * kJamoVCount + (b - kJamoVBase)) * kJamoTCount;
    }
    if (a >= kHangulBase && a < kHangulBase + kHangulCount &&
        (a - kHangulBase) % kJamoTCount == 0 && b > kJamoTBase && b < kJamoTBase + kJamoTCount) {
        return a + (b - kJamoTBase);
    }
    const t::Composition* end = t::kCompositions + t::kCompositionCount;
    const t::Composition* it =
        std::lower_bound(t::kCompositions, end, std::make_pair(a, b),
                         [](const t::Composition& c, const std::pair<uint32_t, uint32_t>& v) {
                             return c.a != v.first ? c.a < v.first : c.b < v.second;
                         });
    return it != end && it->a == a && it->b == b ? it->c : 0;
}

}  // namespace

uint32_t decodeUtf8(std::string_view text, size_t pos, size_t* length) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    const unsigned char b0 = s[pos];
    *length = 1;
    if (b0 < 0x80) return b0;
    auto at = [&](size_t k) -> unsigned char { return pos + k < n ? s[pos + k] : 0; };
    if (b0 >= 0xC2 && b0 <= 0xDF && isCont(at(1))) {
        *length = 2;
        return (uint32_t(b0 & 0x1F) << 6) | (at(1) & 0x3F);
    }
    if (b0 >= 0xE0 && b0 <= 0xEF) {
        const unsigned char b1 = at(1);
        const unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;
        const unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;  // no UTF-16 surrogates
        if (b1 >= lo && b1 <= hi && isCont(at(2))) {
            *length = 3;
            return (uint32_t(b0 & 0x0F) << 12) | (uint32_t(b1 & 0x3F) << 6) | (at(2) & 0x3F);
        }
    }
    if (b0 >= 0xF0 && b0 <= 0xF4) {
        const unsigned char b1 = at(1);
        const unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;
        const unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;
        if (b1 >= lo && b1 <= hi && isCont(at(2)) && isCont(at(3))) {
            *length = 4;
            return (uint32_t(b0 & 0x07) << 18) | (uint32_t(b1 & 0x3F) << 12) |
                   (uint32_t(at(2) & 0x3F) << 6) | (at(3) & 0x3F);
        }
    }
    return kInvalidByteBase + b0;
}

void appendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(char(cp));
    } else if (cp < 0x800) {
        out.push_back(char(0xC0 | (cp >> 6)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(char(0xE0 | (cp >> 12)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else if (cp < kInvalidByteBase) {
        out.push_back(char(0xF0 | (cp >> 18)));
        out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(char(cp - kInvalidByteBase));
    }
}

bool isValidUtf8(std::string_view text) {
    size_t pos = 0, len = 0;
    while (pos < text.size()) {
        if (decodeUtf8(text, pos, &len) >= kInvalidByteBase) return false;
        pos += len;
    }
    return true;
}

size_t completeUtf8Prefix(std::string_view text) {
    // Only the last sequence can be incomplete: find its lead byte within the last 3 bytes.
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    size_t i = n;
    while (i > 0 && n - i < 3 && isCont(s[i - 1])) --i;
    if (i == 0) return n;
    const size_t lead = i - 1;
    const unsigned char b0 = s[lead];
    const size_t need = b0 >= 0xF5 ? 1 : b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC2 ? 2 : 1;
    const size_t have = n - lead;
    if (have >= need) return n;  // complete, or invalid in a way more bytes cannot fix
    if (have >= 2) {
        const unsigned char b1 = s[lead + 1];
        const unsigned char lo = b0 == 0xE0 ? 0xA0 : b0 == 0xF0 ? 0x90 : 0x80;
        const unsigned char hi = b0 == 0xED ? 0x9F : b0 == 0xF4 ? 0x8F : 0xBF;
        if (b1 < lo || b1 > hi) return n;
    }
    return lead;
}

// Bytes of the maximal subpart of an ill-formed sequence at pos (Unicode's "U+FFFD
// substitution of maximal subparts"): a lead byte plus the continuation bytes that were valid
// so far, or 1.
static size_t maximalSubpart(std::string_view text, size_t pos) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const unsigned char b0 = s[pos];
    const size_t need = b0 >= 0xF5 ? 1 : b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC2 ? 2 : 1;
    size_t len = 1;
    while (len < need && pos + len < text.size()) {
        const unsigned char b = s[pos + len];
        unsigned char lo = 0x80, hi = 0xBF;
        if (len == 1) {
            lo = b0 == 0xE0 ? 0xA0 : b0 == 0xF0 ? 0x90 : 0x80;
            hi = b0 == 0xED ? 0x9F : b0 == 0xF4 ? 0x8F : 0xBF;
        }
        if (b < lo || b > hi) break;
        ++len;
    }
    return len;
}

std::string sanitizeUtf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t pos = 0, len = 0;
    while (pos < text.size()) {
        const uint32_t cp = decodeUtf8(text, pos, &len);
        if (cp >= kInvalidByteBase) {
            out += "\xEF\xBF\xBD";
            len = maximalSubpart(text, pos);
        } else {
            out.append(text.substr(pos, len));
        }
        pos += len;
    }
    return out;
}

uint8_t charFlags(uint32_t cp) {
    if (cp < 0x10000) return bmpFlags()[cp];
    if (cp >= kInvalidByteBase) return 0;
    return lookupRange(t::kFlagRanges, t::kFlagRangeCount, cp);
}

uint8_t combiningClass(uint32_t cp) {
    if (cp < 0x300 || cp >= kInvalidByteBase) return 0;
    return lookupRange(t::kCombiningClassRanges, t::kCombiningClassRangeCount, cp);
}

std::string nfc(std::string_view text) {
    size_t pos = 0, len = 0;
    bool stable = true;
    while (pos < text.size() && stable) {
        if (static_cast<unsigned char>(text[pos]) < 0x80) {
            ++pos;
            continue;
        }
        stable = !(charFlags(decodeUtf8(text, pos, &len)) & kNfcUnstable);
        pos += len;
    }
    if (stable) return std::string(text);

    std::vector<uint32_t> cps;
    cps.reserve(text.size());
    for (pos = 0; pos < text.size(); pos += len) decompose(decodeUtf8(text, pos, &len), cps);

    // Canonical ordering: stable-sort each run of non-starters by combining class.
    for (size_t i = 0; i < cps.size();) {
        if (combiningClass(cps[i]) == 0) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < cps.size() && combiningClass(cps[j]) != 0) ++j;
        std::stable_sort(cps.begin() + i, cps.begin() + j, [](uint32_t a, uint32_t b) {
            return combiningClass(a) < combiningClass(b);
        });
        i = j;
    }

    // Canonical composition. lastClass is -1 right after the starter (nothing in between).
    std::vector<uint32_t> out;
    out.reserve(cps.size());
    size_t starter = SIZE_MAX;
    int lastClass = -1;
    for (uint32_t cp : cps) {
        const int cc = combiningClass(cp);
        if (starter != SIZE_MAX && (lastClass == -1 || lastClass < cc)) {
            if (uint32_t c = compose(out[starter], cp)) {
                out[starter] = c;
                continue;
            }
        }
        if (cc == 0) {
            starter = out.size();
            lastClass = -1;
        } else {
            lastClass = cc;
        }
        out.push_back(cp);
    }
    std::string result;
    result.reserve(text.size());
    for (uint32_t cp : out) appendUtf8(result, cp);
    return result;
}

const char* unicodeVersion() {
    return tables::kUnicodeVersion;
}

}  // namespace folio::unicode
