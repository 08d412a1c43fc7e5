// libFuzzer target: the saved-KV-block loader (engine/runtime/kv_disk.h) on an arbitrary file in
// a block's place. Contract: never a crash; a file is loaded only when it is exactly a block of
// this layout holding the expected token ids, and then the bytes returned are its payload; any
// other file is refused and deleted.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "engine/runtime/kv_disk.h"
#include "fuzz_common.h"

namespace {

// The layout of the seeds (fuzz/corpus/kv_disk, written by make_seeds.py): 4 tokens of 64
// bytes, identity 7, key 11, ids 1 2 3 4.
constexpr uint64_t kIdentity = 7;
constexpr uint64_t kKey = 11;
constexpr int kBlockTokens = 4;
constexpr size_t kBlockBytes = 64;
constexpr int32_t kIds[kBlockTokens] = {1, 2, 3, 4};
constexpr size_t kHeaderBytes = 48;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    namespace fs = std::filesystem;
    static const fs::path root = fs::temp_directory_path() / "folio-fuzz-kv-disk";
    fs::remove_all(root);
    const fs::path folder = root / "0000000000000007";
    fs::create_directories(folder);
    {
        std::ofstream out(folder / "000000000000000b.kvb", std::ios::binary);
        out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
    }
    auto disk = folio::KvDiskCache::open(root.string(), {kIdentity, kBlockTokens, kBlockBytes},
                                         int64_t(1) << 20);
    if (!disk) folio::fuzz::fuzzFail("the cache did not open");
    std::vector<uint8_t> out(kBlockBytes);
    const bool loaded = disk.value()->load(kKey, kIds, out.data());
    const size_t expected = kHeaderBytes + sizeof kIds + kBlockBytes;
    if (loaded) {
        if (size != expected) folio::fuzz::fuzzFail("a file of the wrong size was loaded");
        if (std::memcmp(data + kHeaderBytes, kIds, sizeof kIds) != 0)
            folio::fuzz::fuzzFail("other token ids were loaded");
        if (std::memcmp(out.data(), data + kHeaderBytes + sizeof kIds, kBlockBytes) != 0)
            folio::fuzz::fuzzFail("the bytes returned are not the file's payload");
    } else if (fs::exists(folder / "000000000000000b.kvb")) {
        folio::fuzz::fuzzFail("a refused file was kept");
    }
    return 0;
}
