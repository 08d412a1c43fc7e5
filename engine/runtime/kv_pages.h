#pragma once
// The paged KV cache's page table: pure data, no tensors, testable on its own (the storage lives
// in kv_cache.h and follows what this class decides).
//
// The pool is a fixed set of blocks of `blockTokens` token slots. Each sequence owns a block
// table (its i-th block holds positions [i*blockTokens, (i+1)*blockTokens)). Blocks carry
// reference counts, so fork() shares all blocks and a shared, partially filled last block is
// copied before it is written (copy-on-write; the copy is reported so storage can copy bytes).
//
// Prefix cache: every FULL block whose tokens are committed is published under a hash chain key
// (hash of the previous block's key and the block's token ids). A new sequence whose tokens start
// with a cached prefix attaches those blocks (refcount + 1) instead of recomputing them. A
// published block whose refcount drops to 0 stays cached (LRU) and is evicted only when the
// allocator runs out of free blocks. A published block is never written again: appending into it
// (after truncate) copies it first, so the cached content stays valid.
//
// Waste bound: a sequence holds exactly ceil((length + reserved) / blockTokens) blocks, so at
// most one partial block per sequence.
//
// Thread-safety: none; owned and used by the engine thread.
#include <cstdint>
#include <list>
#include <unordered_map>
#include <vector>

#include "engine/status.h"

namespace folio {

struct KvStats {
    int64_t blocksTotal = 0;
    int64_t blocksInUse = 0;      // refcount > 0
    int64_t blocksFree = 0;       // on the free list (never or no longer published)
    int64_t blocksCached = 0;     // refcount 0 but kept for the prefix cache (evictable)
    int64_t prefixHitTokens = 0;  // tokens attached from the prefix cache, since creation
    int64_t cowCopies = 0;        // blocks copied before a write, since creation
    int64_t evictions = 0;        // cached blocks reused for new data, since creation
};

// One copy-on-write: storage must copy the first nTokens token slots of block src to dst.
struct KvBlockCopy {
    int32_t src = 0;
    int32_t dst = 0;
    int nTokens = 0;
};

class KvPages {
public:
    using SeqId = int32_t;
    using BlockId = int32_t;

    // nBlocks > 0, blockTokens > 0 (programmer-checked by the caller, KvCache::create).
    KvPages(int32_t nBlocks, int blockTokens);
    KvPages(const KvPages&) = delete;
    KvPages& operator=(const KvPages&) = delete;

    int blockTokens() const { return m_blockTokens; }
    int32_t blockCount() const { return static_cast<int32_t>(m_blocks.size()); }

    // Sequence ids are small non-negative integers, reused after freeSequence.
    SeqId createSequence();
    void freeSequence(SeqId seq);  // releases its blocks (published ones stay cached)
    // A new sequence with src's committed tokens, sharing their blocks (src's reservation is
    // not forked).
    SeqId forkSequence(SeqId src);
    bool isSequence(SeqId seq) const;

    int length(SeqId seq) const;                          // committed tokens
    int reserved(SeqId seq) const;                        // reserved, not yet committed tokens
    const std::vector<int32_t>& tokens(SeqId seq) const;  // committed token ids
    // Block table: covers positions [0, length + reserved).
    const std::vector<BlockId>& blockTable(SeqId seq) const;

    // Attaches the longest cached prefix of `tokens` to an empty sequence (no tokens, nothing
    // reserved). Returns the number of tokens attached: a multiple of blockTokens and strictly
    // less than tokens.size(), so at least one token is left to compute logits for.
    int attachCachedPrefix(SeqId seq, const std::vector<int32_t>& tokens);

    // The disk tier (kv_disk.h): the chain key the next full block of `seq` would have if it
    // held ids[0..blockTokens); the sequence's committed length must be a multiple of
    // blockTokens.
    uint64_t nextBlockKey(SeqId seq, const int32_t* ids) const;
    // Appends one full block holding ids[0..blockTokens) to `seq` (committed length a multiple of
    // blockTokens, nothing reserved) as committed and published; the caller fills its storage
    // before anything reads it. Error when no block is free or evictable.
    Expected<BlockId> appendRestoredBlock(SeqId seq, const int32_t* ids);
    // The chain keys of the sequence's full committed blocks, in order.
    const std::vector<uint64_t>& blockKeys(SeqId seq) const { return seqRef(seq).keys; }

    // Keeps the first n committed tokens (0 <= n <= length) and drops any reservation.
    void truncate(SeqId seq, int n);

    // Makes room for `tokens` at positions [length + reserved, ... + tokens.size()). On success
    // returns the block copies storage must perform (copy-on-write of a shared or published
    // partial last block). On failure (pool exhausted) nothing changes.
    Expected<std::vector<KvBlockCopy>> reserve(SeqId seq, const std::vector<int32_t>& tokens);

    // Marks all reserved tokens as committed and publishes newly full blocks.
    void commit(SeqId seq);

    KvStats stats() const;
    int refCount(BlockId block) const { return m_blocks[static_cast<size_t>(block)].refs; }

private:
    struct Block {
        int refs = 0;
        bool published = false;
        uint64_t key = 0;          // valid when published
        uint64_t parentKey = 0;    // key of the previous block in the chain (collision check)
        std::vector<int32_t> ids;  // the block's token ids when published (collision check)
        std::list<BlockId>::iterator lru;  // valid when published && refs == 0
    };
    struct Sequence {
        bool live = false;
        std::vector<int32_t> tokens;   // committed
        std::vector<int32_t> pending;  // reserved, not committed
        std::vector<BlockId> blocks;
        std::vector<uint64_t> keys;  // chain key of each full committed block
    };

    Sequence& seqRef(SeqId seq);
    const Sequence& seqRef(SeqId seq) const;
    int64_t availableBlocks() const { return static_cast<int64_t>(m_free.size() + m_lru.size()); }
    BlockId allocate();  // caller checked availableBlocks() > 0
    void retain(BlockId block);
    void release(BlockId block);
    void unpublish(BlockId block);
    uint64_t chainKey(uint64_t parent, const int32_t* ids) const;
    BlockId findCached(uint64_t parent, const int32_t* ids) const;
    void publishFullBlocks(Sequence& s);

    int m_blockTokens;
    std::vector<Block> m_blocks;
    std::vector<BlockId> m_free;  // LIFO free list
    std::list<BlockId> m_lru;     // cached blocks, least recently used first
    std::vector<Sequence> m_seqs;
    std::vector<SeqId> m_freeSeqIds;
    int64_t m_prefixHitTokens = 0;
    int64_t m_cowCopies = 0;
    int64_t m_evictions = 0;

    std::unordered_map<uint64_t, BlockId> m_index;  // prefix index: chain key -> block
};

}  // namespace folio
