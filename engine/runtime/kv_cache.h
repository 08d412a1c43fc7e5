#pragma once
// Storage of the paged KV cache: one pool of blocks allocated once, laid out for attention, with
// the page table (kv_pages.h) deciding which block holds which positions.
//
// Pool layout (rows of type config().type), layer-major:
//   layer l: block 0, block 1, ... each K [nKvHeads][blockTokens][headDim] then
//            V [nKvHeads][blockTokens][headDim]
// so one head's keys (and values) in a block are contiguous, and one layer's blocks are too:
// decode attention over a long context (one layer at a time) streams the layer's blocks instead
// of jumping a whole every-layer block (1.8 MB on the Qwen3-0.6B shape) between 64 KiB runs,
// which read at ~60% of the linear bandwidth (docs/CHANGELOG-benchmarks.md, decode at depth).
// With Q8_0, each [blockTokens][headDim] run is the int8 values followed by their scales
// [blockTokens][headDim / kKvQ8Group] f32 (rowsQ8).
//
// Use per forward pass of a chunk of tokens: reserve(seq, chunk) -> store() each layer's K/V of
// every position -> attention() -> commit(seq).
//
// Thread-safety: the sequence operations (create/fork/free/reserve/commit/truncate/attach) are
// for one thread (the engine thread). store() of distinct (layer, pos) and concurrent reads
// through keys()/values() are safe once reserve() has returned.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/ops/attention_kernels.h"
#include "engine/runtime/kv_pages.h"
#include "engine/runtime/types.h"
#include "engine/status.h"

namespace folio {

struct KvCacheConfig {
    int nLayers = 0;
    int nKvHeads = 0;
    int headDim = 0;
    int blockTokens = 16;
    int64_t maxTokens = 0;  // pool capacity in tokens, over all sequences (rounded up to blocks)
    KvType type = KvType::F16;
};

class KvCache {
public:
    using SeqId = KvPages::SeqId;
    using BlockId = KvPages::BlockId;

    // Blocks allocated beyond ceil(maxTokens / blockTokens): room for copy-on-write.
    static constexpr int kSpareBlocks = 4;

    // Validates the config and allocates the whole pool. A config that is invalid or a pool that
    // cannot be allocated is an Error naming the problem.
    static Expected<std::unique_ptr<KvCache>> create(const KvCacheConfig& config);
    ~KvCache();
    KvCache(const KvCache&) = delete;
    KvCache& operator=(const KvCache&) = delete;

    SeqId createSequence() { return m_pages.createSequence(); }
    void freeSequence(SeqId seq) { m_pages.freeSequence(seq); }
    SeqId forkSequence(SeqId src) { return m_pages.forkSequence(src); }

    int length(SeqId seq) const { return m_pages.length(seq); }  // committed tokens
    int reserved(SeqId seq) const { return m_pages.reserved(seq); }
    const std::vector<int32_t>& tokens(SeqId seq) const { return m_pages.tokens(seq); }

    // See KvPages::attachCachedPrefix: returns tokens attached (multiple of blockTokens,
    // < tokens.size()); the sequence must be empty.
    int attachCachedPrefix(SeqId seq, const std::vector<int32_t>& tokens) {
        return m_pages.attachCachedPrefix(seq, tokens);
    }
    // Keeps only the first n committed tokens (n <= length); drops any reservation.
    void truncate(SeqId seq, int n) { m_pages.truncate(seq, n); }

    // Makes room for `tokens` at positions [length, length + tokens.size()) (allocating blocks and
    // copying a shared partial block); Error when the pool is exhausted (nothing changes then).
    Status reserve(SeqId seq, const std::vector<int32_t>& tokens);
    // Stores K and V of position pos (reserved, not committed) in `layer`: k and v are
    // [nKvHeads][headDim] f32 each, RoPE already applied to k.
    void store(SeqId seq, int layer, int pos, const float* k, const float* v);
    // Marks the reserved tokens as valid and publishes newly full blocks in the prefix index.
    void commit(SeqId seq) { m_pages.commit(seq); }
    // Storage mirrors (the CUDA backend's device pool): called by reserve() after each whole
    // block copy src -> dst it makes, on the calling thread. Empty by default.
    void setBlockCopyHook(std::function<void(BlockId src, BlockId dst)> hook) {
        m_copyHook = std::move(hook);
    }

    // 2 * nLayers * nKvHeads * bytes of one row of headDim values: K and V of one position in
    // every layer, for `config` (nothing is allocated; 0 for a head size the type cannot store).
    // The one formula for the cache itself and for memory plans such as `folio-cli info`.
    static size_t bytesPerToken(const KvCacheConfig& config);
    size_t bytesPerToken() const { return bytesPerToken(m_config); }
    // Bytes of one (block, layer, K or V, head) run: blockTokens rows (and their scales).
    size_t headBytes() const { return m_headBytes; }
    static const char* typeName(KvType type);  // "f32", "f16", "q8_0"
    // The type typeName() names; nullopt for any other text.
    static std::optional<KvType> typeFromName(std::string_view name);
    KvStats stats() const { return m_pages.stats(); }

    // The disk tier (kv_disk.h). Bytes of one block in every layer (K and V): what a saved block
    // holds.
    size_t blockBytes() const { return size_t(m_config.nLayers) * m_layerBlockBytes; }
    // Copies block `block` of every layer into out[0..blockBytes()), layer by layer.
    void copyBlockOut(BlockId block, uint8_t* out) const;
    // Appends a full block of ids[0..blockTokens) to `seq` with the K/V in bytes (as copyBlockOut
    // wrote them); see KvPages::appendRestoredBlock.
    Status restoreBlock(SeqId seq, const int32_t* ids, const uint8_t* bytes);
    uint64_t nextBlockKey(SeqId seq, const int32_t* ids) const {
        return m_pages.nextBlockKey(seq, ids);
    }
    const std::vector<uint64_t>& blockKeys(SeqId seq) const { return m_pages.blockKeys(seq); }
    const KvCacheConfig& config() const { return m_config; }
    const KvPages& pages() const { return m_pages; }

    // Read access for attention. The block table covers positions [0, length + reserved).
    const std::vector<BlockId>& blockTable(SeqId seq) const { return m_pages.blockTable(seq); }
    // [blockTokens][headDim] elements of config().type for (block, layer, kvHead); for Q8_0 the
    // int8 values (rowsQ8 gives their scales too).
    const void* keys(BlockId block, int layer, int kvHead) const;
    const void* values(BlockId block, int layer, int kvHead) const;
    // Q8_0 only: the rows of (block, layer, kvHead), kv 0 = keys, 1 = values.
    KvRowsQ8 rowsQ8(BlockId block, int layer, int kv, int kvHead) const;
    // Whether K rows are stored rotated by hadamardRotate (attention_kernels.h): in a Q8_0 cache
    // whose head size is a power of two. V is stored as it is: rotating it measured no better.
    bool keysRotated() const {
        return m_config.type == KvType::Q8_0 && isRotatedHeadDim(m_config.headDim);
    }

private:
    KvCache(const KvCacheConfig& config, int32_t nBlocks, uint8_t* pool);
    uint8_t* headData(BlockId block, int layer, int kv, int kvHead) const;

    struct PoolDeleter {
        void operator()(uint8_t* p) const;
    };

    KvCacheConfig m_config;
    KvPages m_pages;
    size_t m_headBytes = 0;        // blockTokens * headDim * element bytes
    size_t m_layerBlockBytes = 0;  // one block of one layer: 2 * nKvHeads * m_headBytes
    size_t m_layerBytes = 0;       // one layer's blocks: nBlocks * m_layerBlockBytes
    std::unique_ptr<uint8_t, PoolDeleter> m_pool;      // nLayers * m_layerBytes, 64-byte aligned
    std::function<void(BlockId, BlockId)> m_copyHook;  // see setBlockCopyHook
};

}  // namespace folio
