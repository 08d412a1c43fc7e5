#pragma once
// Builds GGUF files in memory for the gguf_* test suites: raw kv entries, tensor infos and an
// aligned data section, with knobs to write inconsistent counts, offsets and shapes on purpose.
// The values written are the spec's, never validated here: that is the loader's job.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gguf/gguf.h"

namespace folio::test::gguf {

using Bytes = std::vector<uint8_t>;

// GGUF value type numbers, as on disk.
enum : uint32_t {
    kU8 = 0,
    kI8 = 1,
    kU16 = 2,
    kI16 = 3,
    kU32 = 4,
    kI32 = 5,
    kF32 = 6,
    kBool = 7,
    kStr = 8,
    kArr = 9,
    kU64 = 10,
    kI64 = 11,
    kF64 = 12,
};

constexpr uint32_t kMagic = 0x46554747;
constexpr uint64_t kLayoutAlignment = 64;  // the valid file sets general.alignment = 64

// resize + memcpy rather than insert(): g++ 12 -O2 reports a false -Wstringop-overflow for
// insert() into an empty vector.
inline void appendRaw(Bytes& b, const void* p, size_t n) {
    if (n == 0) return;
    const size_t at = b.size();
    b.resize(at + n);
    std::memcpy(b.data() + at, p, n);
}
template <class T>
inline void put(Bytes& b, T v) {
    appendRaw(b, &v, sizeof(T));
}
inline void append(Bytes& b, const Bytes& more) {
    appendRaw(b, more.data(), more.size());
}

template <class T>
inline Bytes scalar(T v) {
    Bytes b;
    put(b, v);
    return b;
}
inline Bytes str(std::string_view s) {
    Bytes b;
    put<uint64_t>(b, s.size());
    appendRaw(b, s.data(), s.size());
    return b;
}
inline Bytes kv(std::string_view key, uint32_t type, const Bytes& payload) {
    Bytes b = str(key);
    put(b, type);
    append(b, payload);
    return b;
}
inline Bytes arrayOf(uint32_t elemType, uint64_t count, const Bytes& elems) {
    Bytes b;
    put(b, elemType);
    put(b, count);
    append(b, elems);
    return b;
}
template <class T>
inline Bytes numbers(const std::vector<T>& values) {
    Bytes b;
    for (T v : values) put(b, v);
    return b;
}

struct TensorSpec {
    std::string name;
    std::vector<int64_t> ne;
    uint32_t type = 0;
    uint64_t dataBytes = 0;          // bytes the builder writes for it
    std::optional<uint64_t> offset;  // default: next free aligned offset
    std::optional<uint32_t> nDims;   // default: ne.size()
};

struct Spec {
    uint32_t magic = kMagic;
    uint32_t version = 3;
    std::optional<uint64_t> nTensors;  // default: tensors.size()
    std::optional<uint64_t> nKv;       // default: kvs.size()
    std::vector<Bytes> kvs;            // raw kv entries
    std::vector<TensorSpec> tensors;
    std::optional<uint64_t> dataSize;             // default: up to the end of the last tensor
    uint64_t layoutAlignment = kLayoutAlignment;  // padding and default offsets
};

inline uint8_t patternByte(size_t tensorIndex, uint64_t i) {
    return static_cast<uint8_t>(tensorIndex * 31 + i * 7 + 1);
}
inline uint64_t alignUp(uint64_t x, uint64_t a) {
    return (x + a - 1) / a * a;
}

// Serialises a spec; infoEnd receives the offset just past the tensor infos.
inline Bytes build(const Spec& s, uint64_t* infoEnd = nullptr) {
    Bytes b;
    put(b, s.magic);
    put(b, s.version);
    put<uint64_t>(b, s.nTensors.value_or(s.tensors.size()));
    put<uint64_t>(b, s.nKv.value_or(s.kvs.size()));
    for (const Bytes& entry : s.kvs) append(b, entry);
    std::vector<uint64_t> offsets;
    uint64_t next = 0;
    uint64_t end = 0;
    for (const TensorSpec& t : s.tensors) {
        const uint64_t o = t.offset.value_or(next);
        offsets.push_back(o);
        next = alignUp(o + t.dataBytes, s.layoutAlignment);
        end = std::max(end, o + t.dataBytes);
        append(b, str(t.name));
        put<uint32_t>(b, t.nDims.value_or(static_cast<uint32_t>(t.ne.size())));
        for (int64_t d : t.ne) put(b, d);
        put(b, t.type);
        put(b, o);
    }
    if (infoEnd) *infoEnd = b.size();
    if (s.tensors.empty()) return b;
    b.resize(alignUp(b.size(), s.layoutAlignment), 0);
    const uint64_t dataStart = b.size();
    const uint64_t dataSize = s.dataSize.value_or(end);
    b.resize(dataStart + dataSize, 0);
    for (size_t k = 0; k < s.tensors.size(); ++k) {
        for (uint64_t i = 0; i < s.tensors[k].dataBytes && offsets[k] + i < dataSize; ++i) {
            b[dataStart + offsets[k] + i] = patternByte(k, i);
        }
    }
    return b;
}

// Tensors: F32 [4,3] 48 B at 0; Q8_0 [64,2] 136 B at 64; F16 [8] 16 B at 256; Q4_K [256] 144 B
// at 320. The file ends exactly at the end of the last tensor, so any truncation is an error.
inline Spec validSpec() {
    Spec s;
    s.kvs = {
        kv("general.architecture", kStr, str("test")),
        kv("general.alignment", kU32, scalar<uint32_t>(64)),
        kv("t.u8", kU8, scalar<uint8_t>(200)),
        kv("t.i8", kI8, scalar<int8_t>(-5)),
        kv("t.u16", kU16, scalar<uint16_t>(60000)),
        kv("t.i16", kI16, scalar<int16_t>(-30000)),
        kv("t.u32", kU32, scalar<uint32_t>(4000000000u)),
        kv("t.i32", kI32, scalar<int32_t>(-2000000000)),
        kv("t.u64", kU64, scalar<uint64_t>(1ull << 40)),
        kv("t.u64max", kU64, scalar<uint64_t>(UINT64_MAX)),
        kv("t.i64", kI64, scalar<int64_t>(-(1ll << 40))),
        kv("t.f32", kF32, scalar<float>(1.5f)),
        kv("t.f64", kF64, scalar<double>(-2.25)),
        kv("t.flag", kBool, scalar<uint8_t>(1)),
        kv("t.off", kBool, scalar<uint8_t>(0)),
        kv("t.strs", kArr,
           [] {
               Bytes e = str("a");
               append(e, str("bc"));
               append(e, str(""));
               return arrayOf(kStr, 3, e);
           }()),
        kv("t.floats", kArr, arrayOf(kF32, 3, numbers<float>({0.5f, -1.0f, 2.0f}))),
        kv("t.ints", kArr, arrayOf(kI32, 3, numbers<int32_t>({1, -2, 3}))),
        kv("t.u8s", kArr, arrayOf(kU8, 2, numbers<uint8_t>({7, 255}))),
        kv("t.empty", kArr, arrayOf(kI64, 0, {})),
    };
    s.tensors = {
        {"tok_embd", {4, 3}, 0, 48, {}, {}},
        {"blk.0.w", {64, 2}, 8, 136, {}, {}},
        {"blk.0.n", {8}, 1, 16, {}, {}},
        {"q4k", {256}, 12, 144, {}, {}},
    };
    return s;
}

inline Bytes validFile() {
    return build(validSpec());
}

// Parses an exact-size heap copy of b[0, n), so that a read past the end is a real out-of-bounds
// access (caught by ASan). The copy lives until the next call; not thread-safe.
inline Expected<std::unique_ptr<GgufFile>> parseCopy(const Bytes& b, size_t n) {
    static std::unique_ptr<uint8_t[]> copy;
    copy.reset(new uint8_t[n]);
    if (n != 0) std::memcpy(copy.get(), b.data(), n);
    return GgufFile::fromMemory(copy.get(), n);
}

}  // namespace folio::test::gguf
