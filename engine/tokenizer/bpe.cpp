// Byte-level BPE: pre-tokenize, then merge each word's bytes by merge rank.
#include <algorithm>
#include <array>
#include <queue>

#include "engine/tokenizer/tokenizer_data.h"
#include "engine/tokenizer/unicode.h"

namespace folio {
namespace {

// GPT-2's bytes_to_unicode: printable Latin-1 bytes map to themselves, the rest to U+0100.. in
// byte order.
const std::array<uint32_t, 256>& byteToChar() {
    static const std::array<uint32_t, 256> table = [] {
        std::array<uint32_t, 256> t{};
        uint32_t next = 256;
        for (uint32_t b = 0; b < 256; ++b) {
            const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
            t[b] = printable ? b : next++;
        }
        return t;
    }();
    return table;
}

// Inverse of byteToChar for code points below 324; -1 elsewhere.
const std::array<int16_t, 324>& charToByte() {
    static const std::array<int16_t, 324> table = [] {
        std::array<int16_t, 324> t{};
        t.fill(-1);
        for (uint32_t b = 0; b < 256; ++b) t[byteToChar()[b]] = int16_t(b);
        return t;
    }();
    return table;
}

uint64_t pairKey(int32_t a, int32_t b) {
    return (uint64_t(uint32_t(a)) << 32) | uint32_t(b);
}

uint64_t hashKey(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

}  // namespace

uint32_t byteLevelChar(uint8_t byte) {
    return byteToChar()[byte];
}

bool byteLevelDecode(std::string_view text, std::string& out) {
    out.clear();
    size_t pos = 0, len = 0;
    while (pos < text.size()) {
        const uint32_t cp = unicode::decodeUtf8(text, pos, &len);
        if (cp >= 324 || charToByte()[cp] < 0) return false;
        out.push_back(char(charToByte()[cp]));
        pos += len;
    }
    return true;
}

Expected<std::unique_ptr<BpeModel>> BpeModel::create(
    const TokenizerData& data,
    const std::vector<std::pair<std::string_view, std::string_view>>& merges,
    const PreTokenizerInfo& pre) {
    std::unique_ptr<BpeModel> m(new BpeModel());
    m->m_kind = pre.kind;
    m->m_ignoreMerges = pre.ignoreMerges;
    for (uint32_t b = 0; b < 256; ++b) {
        std::string ch;
        unicode::appendUtf8(ch, byteLevelChar(uint8_t(b)));
        auto it = data.textToId.find(ch);
        m->m_byteToken[b] = it == data.textToId.end() ? -1 : it->second;
    }
    for (size_t id = 0; id < data.texts.size(); ++id) {
        if (data.types[id] == TokenType::Normal) m->m_rawToId.emplace(data.bytes[id], int32_t(id));
    }
    size_t capacity = 16;
    while (capacity < merges.size() * 2) capacity *= 2;
    m->m_mergeKeys.assign(capacity, UINT64_MAX);
    m->m_mergeValues.assign(capacity, 0);
    m->m_mergeMask = capacity - 1;
    std::string joined;
    for (size_t rank = 0; rank < merges.size(); ++rank) {
        const auto& [left, right] = merges[rank];
        auto a = data.textToId.find(left), b = data.textToId.find(right);
        joined.assign(left);
        joined.append(right);
        auto c = data.textToId.find(joined);
        if (a == data.textToId.end() || b == data.textToId.end() || c == data.textToId.end())
            return makeError("tokenizer merges: entry " + std::to_string(rank) + " ('" +
                             std::string(left) + " " + std::string(right) +
                             "') names a token that is not in the vocabulary");
        const uint64_t key = pairKey(a->second, b->second);
        uint64_t slot = hashKey(key) & m->m_mergeMask;
        while (m->m_mergeKeys[slot] != UINT64_MAX && m->m_mergeKeys[slot] != key)
            slot = (slot + 1) & m->m_mergeMask;
        if (m->m_mergeKeys[slot] == key) continue;  // a duplicate keeps its first (best) rank
        m->m_mergeKeys[slot] = key;
        m->m_mergeValues[slot] = (uint64_t(rank) << 32) | uint32_t(c->second);
    }
    return m;
}

uint64_t BpeModel::findMerge(int32_t a, int32_t b) const {
    const uint64_t key = pairKey(a, b);
    uint64_t slot = hashKey(key) & m_mergeMask;
    while (true) {
        const uint64_t k = m_mergeKeys[slot];
        if (k == key) return m_mergeValues[slot];
        if (k == UINT64_MAX) return UINT64_MAX;
        slot = (slot + 1) & m_mergeMask;
    }
}

void BpeModel::encode(std::string_view text, std::vector<int32_t>& out) const {
    preTokenize(m_kind, text, [&](size_t offset, size_t length) {
        encodeWord(text.substr(offset, length), out);
    });
}

void BpeModel::encodeWord(std::string_view word, std::vector<int32_t>& out) const {
    if (m_ignoreMerges) {
        auto it = m_rawToId.find(word);
        if (it != m_rawToId.end()) {
            out.push_back(it->second);
            return;
        }
    }
    if (word.size() > kCacheMaxWordBytes) {
        mergeWord(word, out);
        return;
    }
    {
        std::shared_lock lock(m_cacheMutex);
        auto it = m_cache.find(std::string(word));
        if (it != m_cache.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            return;
        }
    }
    const size_t before = out.size();
    mergeWord(word, out);
    std::unique_lock lock(m_cacheMutex);
    if (m_cache.size() >= kCacheMaxEntries) m_cache.clear();  // bounded memory; simple policy
    m_cache.emplace(std::string(word), std::vector<int32_t>(out.begin() + before, out.end()));
}

// Merges the word's bytes: repeatedly the pair with the lowest merge rank, leftmost first
// (as HF tokenizers and llama.cpp do). A min-heap of (rank, position) keeps this
// O(n log n), so a 10 MB word (a paste without spaces, a run of newlines) stays fast.
void BpeModel::mergeWord(std::string_view word, std::vector<int32_t>& out) const {
    struct Symbol {
        int32_t id;
        int32_t prev;
        int32_t next;
    };
    std::vector<Symbol> sym;
    sym.reserve(word.size());
    for (size_t i = 0; i < word.size(); ++i) {
        const int32_t id = m_byteToken[static_cast<unsigned char>(word[i])];
        if (id < 0) continue;  // a byte the vocabulary cannot express is dropped, as HF does
        const auto n = int32_t(sym.size());
        sym.push_back({id, n - 1, n + 1});
    }
    if (sym.empty()) return;
    sym.back().next = -1;
    using Entry = uint64_t;  // (rank << 32) | left position; smaller is better
    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap;
    auto pushPair = [&](int32_t left) {
        if (left < 0 || sym[left].next < 0) return;
        const uint64_t m = findMerge(sym[left].id, sym[sym[left].next].id);
        if (m != UINT64_MAX) heap.push(((m >> 32) << 32) | uint32_t(left));
    };
    for (int32_t i = 0; i + 1 < int32_t(sym.size()); ++i) pushPair(i);
    while (!heap.empty()) {
        const Entry top = heap.top();
        heap.pop();
        const auto left = int32_t(uint32_t(top));
        const int32_t right = sym[left].next;
        if (sym[left].id < 0 || right < 0) continue;
        const uint64_t m = findMerge(sym[left].id, sym[right].id);
        if (m == UINT64_MAX || (m >> 32) != (top >> 32)) continue;  // stale entry
        sym[left].id = int32_t(uint32_t(m));
        sym[left].next = sym[right].next;
        if (sym[right].next >= 0) sym[sym[right].next].prev = left;
        sym[right].id = -1;
        pushPair(sym[left].prev);
        pushPair(left);
    }
    for (int32_t i = 0; i >= 0; i = sym[i].next) out.push_back(sym[i].id);
}

}  // namespace folio
