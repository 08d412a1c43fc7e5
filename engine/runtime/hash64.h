#pragma once
// The 64-bit finalizer both hashes of the KV cache build on (the prefix chain keys in
// kv_pages.cpp, the saved blocks' identity and checksum in kv_disk.cpp): MurmurHash3's fmix64,
// which spreads every input bit over the whole word. Changing it changes every saved block's
// name: bump KvDiskCache::kFormatVersion with it.
#include <cstdint>

namespace folio {

inline uint64_t mix64(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

}  // namespace folio
