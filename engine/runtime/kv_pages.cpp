#include "engine/runtime/kv_pages.h"

#include <algorithm>
#include <cassert>
#include <string>

#include "engine/runtime/hash64.h"

namespace folio {

namespace {
// Chain key of the (non-existent) block before the first one.
constexpr uint64_t kChainSeed = 0x6a09e667f3bcc908ull;

int blocksFor(int64_t tokens, int blockTokens) {
    return static_cast<int>((tokens + blockTokens - 1) / blockTokens);
}
}  // namespace

KvPages::KvPages(int32_t nBlocks, int blockTokens) : m_blockTokens(blockTokens) {
    assert(nBlocks > 0 && blockTokens > 0);
    m_blocks.resize(static_cast<size_t>(nBlocks));
    m_free.reserve(static_cast<size_t>(nBlocks));
    // LIFO: block 0 is handed out first.
    for (int32_t b = nBlocks - 1; b >= 0; --b) m_free.push_back(b);
}

KvPages::Sequence& KvPages::seqRef(SeqId seq) {
    assert(isSequence(seq));
    return m_seqs[static_cast<size_t>(seq)];
}

const KvPages::Sequence& KvPages::seqRef(SeqId seq) const {
    assert(isSequence(seq));
    return m_seqs[static_cast<size_t>(seq)];
}

bool KvPages::isSequence(SeqId seq) const {
    return seq >= 0 && static_cast<size_t>(seq) < m_seqs.size() &&
           m_seqs[static_cast<size_t>(seq)].live;
}

KvPages::SeqId KvPages::createSequence() {
    SeqId id;
    if (!m_freeSeqIds.empty()) {
        id = m_freeSeqIds.back();
        m_freeSeqIds.pop_back();
    } else {
        id = static_cast<SeqId>(m_seqs.size());
        m_seqs.emplace_back();
    }
    m_seqs[static_cast<size_t>(id)] = Sequence{};
    m_seqs[static_cast<size_t>(id)].live = true;
    return id;
}

void KvPages::freeSequence(SeqId seq) {
    Sequence& s = seqRef(seq);
    // Release the tail first so that, once cached, a chain is evicted from its end: evicting
    // its head would make every later block of the chain unreachable.
    for (auto it = s.blocks.rbegin(); it != s.blocks.rend(); ++it) release(*it);
    s = Sequence{};
    m_freeSeqIds.push_back(seq);
}

KvPages::SeqId KvPages::forkSequence(SeqId src) {
    SeqId id = createSequence();
    const Sequence& from = seqRef(src);
    Sequence& to = seqRef(id);
    to.tokens = from.tokens;
    to.keys = from.keys;
    int n = blocksFor(static_cast<int64_t>(from.tokens.size()), m_blockTokens);
    to.blocks.assign(from.blocks.begin(), from.blocks.begin() + n);
    for (BlockId b : to.blocks) retain(b);
    return id;
}

int KvPages::length(SeqId seq) const {
    return static_cast<int>(seqRef(seq).tokens.size());
}
int KvPages::reserved(SeqId seq) const {
    return static_cast<int>(seqRef(seq).pending.size());
}
const std::vector<int32_t>& KvPages::tokens(SeqId seq) const {
    return seqRef(seq).tokens;
}
const std::vector<KvPages::BlockId>& KvPages::blockTable(SeqId seq) const {
    return seqRef(seq).blocks;
}

KvPages::BlockId KvPages::allocate() {
    BlockId b;
    if (!m_free.empty()) {
        b = m_free.back();
        m_free.pop_back();
    } else {
        assert(!m_lru.empty());
        b = m_lru.front();  // least recently used cached block
        unpublish(b);
        ++m_evictions;
    }
    m_blocks[static_cast<size_t>(b)].refs = 1;
    return b;
}

void KvPages::retain(BlockId block) {
    Block& b = m_blocks[static_cast<size_t>(block)];
    if (b.refs == 0 && b.published) m_lru.erase(b.lru);
    ++b.refs;
}

void KvPages::release(BlockId block) {
    Block& b = m_blocks[static_cast<size_t>(block)];
    assert(b.refs > 0);
    if (--b.refs > 0) return;
    if (b.published) {
        b.lru = m_lru.insert(m_lru.end(), block);
    } else {
        m_free.push_back(block);
    }
}

// Removes a block from the prefix index (and from the LRU list when it is cached there).
// A cached block is then not on the free list: the caller (allocate) takes it directly.
void KvPages::unpublish(BlockId block) {
    Block& b = m_blocks[static_cast<size_t>(block)];
    if (!b.published) return;
    auto it = m_index.find(b.key);
    if (it != m_index.end() && it->second == block) m_index.erase(it);
    if (b.refs == 0) m_lru.erase(b.lru);
    b.published = false;
    b.ids.clear();
}

uint64_t KvPages::chainKey(uint64_t parent, const int32_t* ids) const {
    uint64_t h = mix64(parent ^ static_cast<uint64_t>(m_blockTokens));
    for (int i = 0; i < m_blockTokens; ++i) h = mix64(h ^ static_cast<uint32_t>(ids[i]));
    return h;
}

KvPages::BlockId KvPages::findCached(uint64_t parent, const int32_t* ids) const {
    auto it = m_index.find(chainKey(parent, ids));
    if (it == m_index.end()) return -1;
    const Block& b = m_blocks[static_cast<size_t>(it->second)];
    // The key is a hash: compare the chain parent and the tokens to rule out collisions.
    if (b.parentKey != parent || !std::equal(b.ids.begin(), b.ids.end(), ids)) return -1;
    return it->second;
}

int KvPages::attachCachedPrefix(SeqId seq, const std::vector<int32_t>& tokens) {
    Sequence& s = seqRef(seq);
    assert(s.tokens.empty() && s.pending.empty() && s.blocks.empty());
    uint64_t parent = kChainSeed;
    size_t n = 0;
    const size_t bt = static_cast<size_t>(m_blockTokens);
    while (n + bt < tokens.size()) {  // strictly less: leave >= 1 token to compute
        BlockId b = findCached(parent, tokens.data() + n);
        if (b < 0) break;
        retain(b);
        s.blocks.push_back(b);
        parent = m_blocks[static_cast<size_t>(b)].key;
        s.keys.push_back(parent);
        n += bt;
    }
    s.tokens.assign(tokens.begin(), tokens.begin() + static_cast<std::ptrdiff_t>(n));
    m_prefixHitTokens += static_cast<int64_t>(n);
    return static_cast<int>(n);
}

uint64_t KvPages::nextBlockKey(SeqId seq, const int32_t* ids) const {
    const Sequence& s = seqRef(seq);
    assert(s.tokens.size() % static_cast<size_t>(m_blockTokens) == 0 && s.pending.empty());
    return chainKey(s.keys.empty() ? kChainSeed : s.keys.back(), ids);
}

Expected<KvPages::BlockId> KvPages::appendRestoredBlock(SeqId seq, const int32_t* ids) {
    Sequence& s = seqRef(seq);
    assert(s.tokens.size() % static_cast<size_t>(m_blockTokens) == 0 && s.pending.empty());
    assert(s.blocks.size() == s.keys.size());
    if (availableBlocks() == 0) return makeError("the KV cache has no free block");
    const BlockId b = allocate();
    s.blocks.push_back(b);
    s.tokens.insert(s.tokens.end(), ids, ids + m_blockTokens);
    publishFullBlocks(s);
    return b;
}

void KvPages::truncate(SeqId seq, int n) {
    Sequence& s = seqRef(seq);
    assert(n >= 0 && static_cast<size_t>(n) <= s.tokens.size());
    s.pending.clear();
    s.tokens.resize(static_cast<size_t>(n));
    size_t keep = static_cast<size_t>(blocksFor(n, m_blockTokens));
    while (s.blocks.size() > keep) {
        release(s.blocks.back());
        s.blocks.pop_back();
    }
    s.keys.resize(std::min(s.keys.size(), static_cast<size_t>(n / m_blockTokens)));
}

Expected<std::vector<KvBlockCopy>> KvPages::reserve(SeqId seq, const std::vector<int32_t>& tokens) {
    Sequence& s = seqRef(seq);
    std::vector<KvBlockCopy> copies;
    if (tokens.empty()) return copies;
    const int64_t start = static_cast<int64_t>(s.tokens.size() + s.pending.size());
    const int64_t end = start + static_cast<int64_t>(tokens.size());
    // Writing into a partial last block that is shared or published needs a private copy.
    const size_t lastIndex = static_cast<size_t>(start / m_blockTokens);
    bool cow = false;
    if (start % m_blockTokens != 0) {
        const Block& last = m_blocks[static_cast<size_t>(s.blocks[lastIndex])];
        cow = last.refs > 1 || last.published;
    }
    const int64_t need =
        blocksFor(end, m_blockTokens) - static_cast<int64_t>(s.blocks.size()) + (cow ? 1 : 0);
    if (need > availableBlocks()) {
        return makeError("KV cache full: " + std::to_string(tokens.size()) + " more tokens need " +
                         std::to_string(need) + " blocks of " + std::to_string(m_blockTokens) +
                         " tokens, " + std::to_string(availableBlocks()) + " of " +
                         std::to_string(m_blocks.size()) + " are available");
    }
    if (cow) {
        BlockId src = s.blocks[lastIndex];
        BlockId dst = allocate();
        copies.push_back({src, dst, static_cast<int>(start % m_blockTokens)});
        release(src);
        s.blocks[lastIndex] = dst;
        ++m_cowCopies;
    }
    while (static_cast<int64_t>(s.blocks.size()) < blocksFor(end, m_blockTokens))
        s.blocks.push_back(allocate());
    s.pending.insert(s.pending.end(), tokens.begin(), tokens.end());
    return copies;
}

void KvPages::commit(SeqId seq) {
    Sequence& s = seqRef(seq);
    s.tokens.insert(s.tokens.end(), s.pending.begin(), s.pending.end());
    s.pending.clear();
    publishFullBlocks(s);
}

void KvPages::publishFullBlocks(Sequence& s) {
    const size_t bt = static_cast<size_t>(m_blockTokens);
    const size_t nFull = s.tokens.size() / bt;
    for (size_t i = s.keys.size(); i < nFull; ++i) {
        const int32_t* ids = s.tokens.data() + i * bt;
        const uint64_t parent = i == 0 ? kChainSeed : s.keys[i - 1];
        const uint64_t key = chainKey(parent, ids);
        s.keys.push_back(key);
        Block& b = m_blocks[static_cast<size_t>(s.blocks[i])];
        // Already published (attached from the cache or forked), or another block already holds
        // the same content: nothing to do.
        if (b.published || m_index.count(key) != 0) continue;
        m_index.emplace(key, s.blocks[i]);
        b.published = true;
        b.key = key;
        b.parentKey = parent;
        b.ids.assign(ids, ids + bt);
    }
}

KvStats KvPages::stats() const {
    KvStats st;
    st.blocksTotal = static_cast<int64_t>(m_blocks.size());
    st.blocksFree = static_cast<int64_t>(m_free.size());
    st.blocksCached = static_cast<int64_t>(m_lru.size());
    st.blocksInUse = st.blocksTotal - st.blocksFree - st.blocksCached;
    st.prefixHitTokens = m_prefixHitTokens;
    st.cowCopies = m_cowCopies;
    st.evictions = m_evictions;
    return st;
}

}  // namespace folio
