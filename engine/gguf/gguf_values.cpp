// Typed getters over the validated GGUF metadata (contract in gguf.h). Everything here reads
// values that parse() has already bounds-checked, so no getter can step outside the file.
#include <cstring>

#include "engine/gguf/gguf.h"

namespace folio {
namespace {

bool isIntegerType(GgufValueType t) {
    switch (t) {
        case GgufValueType::UInt8:
        case GgufValueType::Int8:
        case GgufValueType::UInt16:
        case GgufValueType::Int16:
        case GgufValueType::UInt32:
        case GgufValueType::Int32:
        case GgufValueType::UInt64:
        case GgufValueType::Int64:
            return true;
        default:
            return false;
    }
}

bool isFloatType(GgufValueType t) {
    return t == GgufValueType::Float32 || t == GgufValueType::Float64;
}

template <class T>
T loadAs(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

// Reads element i of an integer array. Returns false for a uint64 above INT64_MAX.
bool intElement(GgufValueType t, const uint8_t* base, uint64_t i, int64_t& out) {
    switch (t) {
        case GgufValueType::UInt8:
            out = loadAs<uint8_t>(base + i);
            return true;
        case GgufValueType::Int8:
            out = loadAs<int8_t>(base + i);
            return true;
        case GgufValueType::UInt16:
            out = loadAs<uint16_t>(base + 2 * i);
            return true;
        case GgufValueType::Int16:
            out = loadAs<int16_t>(base + 2 * i);
            return true;
        case GgufValueType::UInt32:
            out = loadAs<uint32_t>(base + 4 * i);
            return true;
        case GgufValueType::Int32:
            out = loadAs<int32_t>(base + 4 * i);
            return true;
        case GgufValueType::Int64:
            out = loadAs<int64_t>(base + 8 * i);
            return true;
        case GgufValueType::UInt64: {
            const uint64_t u = loadAs<uint64_t>(base + 8 * i);
            out = static_cast<int64_t>(u);
            return u <= static_cast<uint64_t>(INT64_MAX);
        }
        default:
            return false;
    }
}

}  // namespace

const GgufValue* GgufFile::find(std::string_view key) const {
    auto it = m_kvIndex.find(key);
    return it == m_kvIndex.end() ? nullptr : &m_kv[it->second].second;
}

std::optional<int64_t> GgufFile::getInt(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return std::nullopt;
    if (v->type == GgufValueType::Bool) return v->i;
    if (!isIntegerType(v->type)) return std::nullopt;
    if (v->type == GgufValueType::UInt64 && v->i < 0) return std::nullopt;  // above INT64_MAX
    return v->i;
}

std::optional<double> GgufFile::getFloat(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return std::nullopt;
    if (isFloatType(v->type)) return v->f;
    if (v->type == GgufValueType::UInt64) return static_cast<double>(static_cast<uint64_t>(v->i));
    if (isIntegerType(v->type)) return static_cast<double>(v->i);
    return std::nullopt;
}

std::optional<std::string_view> GgufFile::getString(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v || v->type != GgufValueType::String) return std::nullopt;
    return v->s;
}

std::optional<bool> GgufFile::getBool(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v || v->type != GgufValueType::Bool) return std::nullopt;
    return v->i != 0;
}

std::optional<std::vector<std::string_view>> GgufFile::getStringArray(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v || v->type != GgufValueType::Array || v->arrayType != GgufValueType::String) {
        return std::nullopt;
    }
    std::vector<std::string_view> out;
    out.reserve(v->arrayCount);  // parse() checked count * 8 <= bytes of the array
    const uint8_t* p = v->arrayData;
    for (uint64_t i = 0; i < v->arrayCount; ++i) {
        const uint64_t len = loadAs<uint64_t>(p);
        out.emplace_back(reinterpret_cast<const char*>(p + 8), len);
        p += 8 + len;
    }
    return out;
}

std::optional<std::vector<float>> GgufFile::getFloatArray(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v || v->type != GgufValueType::Array || !isFloatType(v->arrayType)) return std::nullopt;
    std::vector<float> out(v->arrayCount);
    for (uint64_t i = 0; i < v->arrayCount; ++i) {
        out[i] = v->arrayType == GgufValueType::Float32
                     ? loadAs<float>(v->arrayData + 4 * i)
                     : static_cast<float>(loadAs<double>(v->arrayData + 8 * i));
    }
    return out;
}

std::optional<std::vector<int64_t>> GgufFile::getIntArray(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v || v->type != GgufValueType::Array || !isIntegerType(v->arrayType)) {
        return std::nullopt;
    }
    std::vector<int64_t> out(v->arrayCount);
    for (uint64_t i = 0; i < v->arrayCount; ++i) {
        if (!intElement(v->arrayType, v->arrayData, i, out[i])) return std::nullopt;
    }
    return out;
}

const GgufTensor* GgufFile::tensor(std::string_view name) const {
    auto it = m_tensorIndex.find(name);
    return it == m_tensorIndex.end() ? nullptr : &m_tensors[it->second];
}

}  // namespace folio
