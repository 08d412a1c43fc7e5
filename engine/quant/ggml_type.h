#pragma once
// GGML tensor element types as numbered in the GGUF format, and their block layout.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace folio {

enum class GgmlType : uint32_t {
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q8_1 = 9,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    Q8_K = 15,
    BF16 = 30,
};

// Block layout of a type: a row of n elements occupies (n / blockSize) * blockBytes bytes.
// `supported` says whether the engine can compute with it (dequantize and dot).
struct TypeInfo {
    GgmlType type;
    std::string_view name;
    int blockSize;   // elements per block
    int blockBytes;  // bytes per block
    bool supported;
};

// Returns nullptr for a type number the engine does not know (input from a file: check it).
const TypeInfo* typeInfo(uint32_t rawType);
inline const TypeInfo* typeInfo(GgmlType t) {
    return typeInfo(static_cast<uint32_t>(t));
}
std::string_view typeName(GgmlType t);

}  // namespace folio
