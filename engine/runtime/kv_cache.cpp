#include "engine/runtime/kv_cache.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>
#include <new>
#include <string>

#include "engine/ops/attention_kernels.h"

namespace folio {

namespace {
constexpr std::align_val_t kPoolAlignment{64};

// Storage per KvType: bytes of one row of headDim values.
size_t rowBytesF32(int hd) {
    return static_cast<size_t>(hd) * 4;
}
size_t rowBytesF16(int hd) {
    return static_cast<size_t>(hd) * 2;
}
size_t rowBytesQ8(int hd) {  // int8 values, then one f32 scale per kKvQ8Group (kv_cache.h)
    return static_cast<size_t>(hd) + static_cast<size_t>(hd / kKvQ8Group) * sizeof(float);
}
struct KvTypeInfo {
    KvType type;
    const char* name;
    size_t (*rowBytes)(int headDim);
    int headDimMultiple;  // headDim must be a multiple of this
};
constexpr KvTypeInfo kKvTypes[] = {
    {KvType::F32, "f32", rowBytesF32, 1},
    {KvType::F16, "f16", rowBytesF16, 1},
    {KvType::Q8_0, "q8_0", rowBytesQ8, kKvQ8Group},
};

const KvTypeInfo& kvTypeInfo(KvType t) {
    for (const KvTypeInfo& info : kKvTypes)
        if (info.type == t) return info;
    return kKvTypes[0];
}

Status validate(const KvCacheConfig& c) {
    auto bad = [](const char* field, int64_t value) {
        return Status(makeError(std::string("KvCacheConfig.") + field + " must be positive, got " +
                                std::to_string(value)));
    };
    if (c.nLayers <= 0) return bad("nLayers", c.nLayers);
    if (c.nKvHeads <= 0) return bad("nKvHeads", c.nKvHeads);
    if (c.headDim <= 0) return bad("headDim", c.headDim);
    if (c.blockTokens <= 0) return bad("blockTokens", c.blockTokens);
    if (c.maxTokens <= 0) return bad("maxTokens", c.maxTokens);
    const KvTypeInfo& info = kvTypeInfo(c.type);
    if (c.headDim % info.headDimMultiple != 0) {
        return makeError(std::string("KvCacheConfig.type ") + info.name + " needs a head size " +
                         "that is a multiple of " + std::to_string(info.headDimMultiple) +
                         ", got " + std::to_string(c.headDim));
    }
    return {};
}
}  // namespace

void KvCache::PoolDeleter::operator()(uint8_t* p) const {
    ::operator delete(p, kPoolAlignment);
}

Expected<std::unique_ptr<KvCache>> KvCache::create(const KvCacheConfig& config) {
    if (Status st = validate(config); !st) return makeError(st.message());
    // Every product is overflow-checked: maxTokens and the shape come from the caller.
    const uint64_t nBlocks64 =
        (static_cast<uint64_t>(config.maxTokens) + static_cast<uint64_t>(config.blockTokens) - 1) /
            static_cast<uint64_t>(config.blockTokens) +
        kSpareBlocks;
    uint64_t headBytes = 0, layerBlockBytes = 0, layerBytes = 0, total = 0;
    bool overflow = config.headDim > (1 << 20);  // rowBytes below then cannot overflow
    overflow |=
        __builtin_mul_overflow(static_cast<uint64_t>(config.blockTokens),
                               kvTypeInfo(config.type).rowBytes(config.headDim), &headBytes);
    overflow |= __builtin_mul_overflow(headBytes, 2u * static_cast<uint64_t>(config.nKvHeads),
                                       &layerBlockBytes);
    overflow |= __builtin_mul_overflow(layerBlockBytes, nBlocks64, &layerBytes);
    overflow |= __builtin_mul_overflow(layerBytes, static_cast<uint64_t>(config.nLayers), &total);
    if (overflow || nBlocks64 > static_cast<uint64_t>(std::numeric_limits<int32_t>::max()) ||
        total > static_cast<uint64_t>(std::numeric_limits<std::ptrdiff_t>::max())) {
        return makeError("KV cache of " + std::to_string(config.maxTokens) +
                         " tokens is too large to address (maxTokens)");
    }
    void* pool = ::operator new(static_cast<size_t>(total), kPoolAlignment, std::nothrow);
    if (pool == nullptr) {
        return makeError("cannot allocate the KV cache: " + std::to_string(total >> 20) +
                         " MiB for " + std::to_string(config.maxTokens) + " tokens");
    }
    std::unique_ptr<KvCache> cache(
        new KvCache(config, static_cast<int32_t>(nBlocks64), static_cast<uint8_t*>(pool)));
    cache->m_headBytes = static_cast<size_t>(headBytes);
    cache->m_layerBlockBytes = static_cast<size_t>(layerBlockBytes);
    cache->m_layerBytes = static_cast<size_t>(layerBytes);
    return cache;
}

KvCache::KvCache(const KvCacheConfig& config, int32_t nBlocks, uint8_t* pool)
    : m_config(config), m_pages(nBlocks, config.blockTokens), m_pool(pool) {}

KvCache::~KvCache() = default;

const char* KvCache::typeName(KvType type) {
    return kvTypeInfo(type).name;
}

std::optional<KvType> KvCache::typeFromName(std::string_view name) {
    for (KvType t : {KvType::F16, KvType::Q8_0, KvType::F32})
        if (name == typeName(t)) return t;
    return std::nullopt;
}

size_t KvCache::bytesPerToken(const KvCacheConfig& config) {
    if (config.headDim <= 0 || config.headDim % kvTypeInfo(config.type).headDimMultiple != 0)
        return 0;
    return 2 * static_cast<size_t>(config.nLayers) * static_cast<size_t>(config.nKvHeads) *
           kvTypeInfo(config.type).rowBytes(config.headDim);
}

uint8_t* KvCache::headData(BlockId block, int layer, int kv, int kvHead) const {
    const size_t index = static_cast<size_t>(kv) * m_config.nKvHeads + kvHead;
    return m_pool.get() + static_cast<size_t>(layer) * m_layerBytes +
           static_cast<size_t>(block) * m_layerBlockBytes + index * m_headBytes;
}

const void* KvCache::keys(BlockId block, int layer, int kvHead) const {
    return headData(block, layer, 0, kvHead);
}

const void* KvCache::values(BlockId block, int layer, int kvHead) const {
    return headData(block, layer, 1, kvHead);
}

KvRowsQ8 KvCache::rowsQ8(BlockId block, int layer, int kv, int kvHead) const {
    assert(m_config.type == KvType::Q8_0);
    const uint8_t* base = headData(block, layer, kv, kvHead);
    const size_t values = static_cast<size_t>(m_config.blockTokens) * m_config.headDim;
    return {reinterpret_cast<const int8_t*>(base), reinterpret_cast<const float*>(base + values)};
}

Status KvCache::reserve(SeqId seq, const std::vector<int32_t>& tokens) {
    auto copies = m_pages.reserve(seq, tokens);
    if (!copies) return copies.error();
    // Copy-on-write: the whole block (every layer) is copied; unused slots are harmless.
    for (const KvBlockCopy& c : *copies) {
        for (int layer = 0; layer < m_config.nLayers; ++layer) {
            std::memcpy(headData(c.dst, layer, 0, 0), headData(c.src, layer, 0, 0),
                        m_layerBlockBytes);
        }
        if (m_copyHook) m_copyHook(c.src, c.dst);
    }
    return {};
}

void KvCache::store(SeqId seq, int layer, int pos, const float* k, const float* v) {
    const int bt = m_config.blockTokens, hd = m_config.headDim;
    const std::vector<BlockId>& table = m_pages.blockTable(seq);
    assert(layer >= 0 && layer < m_config.nLayers);
    assert(pos >= 0 && pos < m_pages.length(seq) + m_pages.reserved(seq));
    const BlockId block = table[static_cast<size_t>(pos / bt)];
    const size_t slot = static_cast<size_t>(pos % bt) * hd;
    const AttentionKernelTable* kernels = attentionKernels(AttentionKernel::Auto);
    for (int h = 0; h < m_config.nKvHeads; ++h) {
        const float* src[2] = {k + static_cast<size_t>(h) * hd, v + static_cast<size_t>(h) * hd};
        for (int kv = 0; kv < 2; ++kv) {
            uint8_t* dst = headData(block, layer, kv, h);
            switch (m_config.type) {
                case KvType::F32:
                    std::memcpy(reinterpret_cast<float*>(dst) + slot, src[kv], hd * sizeof(float));
                    break;
                case KvType::F16:
                    kernels->floatToHalf(src[kv], reinterpret_cast<uint16_t*>(dst) + slot, hd);
                    break;
                case KvType::Q8_0: {
                    // Values [blockTokens][hd] int8, then the scales [blockTokens][hd / group].
                    float* scales = reinterpret_cast<float*>(
                        dst + static_cast<size_t>(m_config.blockTokens) * hd);
                    const float* row = src[kv];
                    float rotatedRow[kMaxRotatedHeadDim];
                    if (kv == 0 && keysRotated()) {
                        std::copy_n(row, hd, rotatedRow);
                        hadamardRotate(rotatedRow, hd);
                        row = rotatedRow;
                    }
                    quantizeKvRowQ8(row, reinterpret_cast<int8_t*>(dst) + slot,
                                    scales + slot / kKvQ8Group, hd);
                    break;
                }
            }
        }
    }
}

void KvCache::copyBlockOut(BlockId block, uint8_t* out) const {
    for (int layer = 0; layer < m_config.nLayers; ++layer)
        std::memcpy(out + size_t(layer) * m_layerBlockBytes, headData(block, layer, 0, 0),
                    m_layerBlockBytes);
}

Status KvCache::restoreBlock(SeqId seq, const int32_t* ids, const uint8_t* bytes) {
    auto block = m_pages.appendRestoredBlock(seq, ids);
    if (!block) return block.error();
    for (int layer = 0; layer < m_config.nLayers; ++layer)
        std::memcpy(headData(*block, layer, 0, 0), bytes + size_t(layer) * m_layerBlockBytes,
                    m_layerBlockBytes);
    return {};
}

}  // namespace folio
