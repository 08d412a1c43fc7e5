#pragma once
// GGUF v2/v3 reader: memory-maps the file, validates every count, length, type, shape, offset and
// alignment before anything uses it, and exposes zero-copy views of metadata and tensor data.
//
// Contract: after open() succeeds the object is immutable; all const methods are thread-safe.
// Views (string_view, tensor data pointers) live as long as the GgufFile.
// Failures are returned as Error with a message naming the field (never an abort, never an
// allocation larger than the file).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/quant/ggml_type.h"
#include "engine/status.h"

namespace folio {

enum class GgufValueType : uint32_t {
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
};

// One metadata value. Scalars are widened; arrays point into the mapped file.
struct GgufValue {
    GgufValueType type = GgufValueType::UInt8;
    GgufValueType arrayType = GgufValueType::UInt8;  // element type when type == Array
    uint64_t arrayCount = 0;
    const uint8_t* arrayData = nullptr;  // raw elements (strings: length-prefixed)
    int64_t i = 0;   // integer and bool values (UInt64 above INT64_MAX: raw bits; getInt refuses)
    double f = 0.0;  // float values
    std::string_view s;  // string value
};

struct GgufTensor {
    std::string_view name;
    GgmlType type = GgmlType::F32;
    int nDims = 0;
    int64_t ne[4] = {1, 1, 1, 1};  // ne[0] is the contiguous (row) dimension, as in ggml
    uint64_t offset = 0;           // from the start of the data section
    uint64_t nbytes = 0;
    const uint8_t* data = nullptr;  // into the mapping, aligned to the file's alignment
    int64_t nElements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
};

class GgufReader;  // bounds-checked cursor, private to gguf.cpp

class GgufFile {
public:
    static Expected<std::unique_ptr<GgufFile>> open(const std::string& path);
    // Parses a buffer the caller keeps alive (tests, fuzzing). No copy is made.
    static Expected<std::unique_ptr<GgufFile>> fromMemory(const uint8_t* data, size_t size);
    ~GgufFile();
    GgufFile(const GgufFile&) = delete;
    GgufFile& operator=(const GgufFile&) = delete;

    uint32_t version() const { return m_version; }
    size_t fileSize() const { return m_size; }
    uint64_t alignment() const { return m_alignment; }
    // Byte offset of the tensor data section from the start of the file: the end of the tensor
    // infos rounded up to alignment(). May exceed fileSize() only when there are no tensors.
    uint64_t dataOffset() const { return m_dataOffset; }

    const GgufValue* find(std::string_view key) const;
    std::optional<int64_t> getInt(std::string_view key) const;   // any integer type or bool
    std::optional<double> getFloat(std::string_view key) const;  // float or integer types
    std::optional<std::string_view> getString(std::string_view key) const;
    std::optional<bool> getBool(std::string_view key) const;
    // Arrays; nullopt when missing or of another element type.
    std::optional<std::vector<std::string_view>> getStringArray(std::string_view key) const;
    std::optional<std::vector<float>> getFloatArray(std::string_view key) const;
    std::optional<std::vector<int64_t>> getIntArray(std::string_view key) const;
    const std::vector<std::pair<std::string_view, GgufValue>>& metadata() const { return m_kv; }

    const GgufTensor* tensor(std::string_view name) const;
    const std::vector<GgufTensor>& tensors() const { return m_tensors; }

    // Tells the kernel that a tensor's pages are read a few rows at a time, in no order (the
    // token embedding, one row per prompt token): a page fault then maps that page alone, not
    // the readahead window around it, so the resident set holds the rows used rather than most
    // of the table. A hint only: nothing happens for fromMemory buffers or when it fails.
    void adviseRandomAccess(const GgufTensor& t) const;

private:
    GgufFile() = default;
    Status parse();
    Status parseHeader(GgufReader& r, uint64_t& nTensors, uint64_t& nKv);
    Status parseKv(GgufReader& r, uint64_t index);
    Status resolveAlignment();
    Status parseTensorInfo(GgufReader& r, uint64_t index);
    Status layoutTensors(uint64_t infoEnd);

    const uint8_t* m_data = nullptr;
    size_t m_size = 0;
    void* m_mapping = nullptr;  // non-null when we own an mmap of m_size bytes
    uint32_t m_version = 0;
    uint64_t m_alignment = 32;
    uint64_t m_dataOffset = 0;
    std::vector<std::pair<std::string_view, GgufValue>> m_kv;
    std::vector<GgufTensor> m_tensors;
    std::unordered_map<std::string_view, size_t> m_kvIndex;      // key -> index into m_kv
    std::unordered_map<std::string_view, size_t> m_tensorIndex;  // name -> index into m_tensors
};

}  // namespace folio
