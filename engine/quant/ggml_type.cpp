// The GGML type table: block layouts as stored in GGUF files (ggml's block_* structs) and which
// types the engine computes with. The numbers are the on-disk type ids, so they never change.
#include "engine/quant/ggml_type.h"

#include <array>

namespace folio {
namespace {

// Block sizes in bytes, derived from the on-disk block structs (d = f16 scale, m = f16 min):
//   Q4_0: d + 16 nibbles            Q4_1: d, m + 16 nibbles
//   Q5_0: d + 4 high bits + 16      Q5_1: d, m + 4 high bits + 16
//   Q8_0: d + 32 int8               Q8_1: d, s + 32 int8
//   Q2_K: 16 scales + 64 q + d, dmin                 = 84
//   Q3_K: 32 hmask + 64 q + 12 scales + d            = 110
//   Q4_K: d, dmin + 12 scales + 128 q                = 144
//   Q5_K: d, dmin + 12 scales + 32 qh + 128 q        = 176
//   Q6_K: 128 ql + 64 qh + 16 scales + d             = 210
//   Q8_K: f32 d + 256 int8 + 16 int16 bsums          = 292
constexpr std::array<TypeInfo, 15> kTypes = {{
    {GgmlType::F32, "F32", 1, 4, true},
    {GgmlType::F16, "F16", 1, 2, true},
    {GgmlType::Q4_0, "Q4_0", 32, 18, true},
    {GgmlType::Q4_1, "Q4_1", 32, 20, true},
    {GgmlType::Q5_0, "Q5_0", 32, 22, true},
    {GgmlType::Q5_1, "Q5_1", 32, 24, true},
    {GgmlType::Q8_0, "Q8_0", 32, 34, true},
    {GgmlType::Q8_1, "Q8_1", 32, 36, false},
    {GgmlType::Q2_K, "Q2_K", 256, 84, false},
    {GgmlType::Q3_K, "Q3_K", 256, 110, false},
    {GgmlType::Q4_K, "Q4_K", 256, 144, true},
    {GgmlType::Q5_K, "Q5_K", 256, 176, true},
    {GgmlType::Q6_K, "Q6_K", 256, 210, true},
    {GgmlType::Q8_K, "Q8_K", 256, 292, false},
    {GgmlType::BF16, "BF16", 1, 2, true},
}};

}  // namespace

const TypeInfo* typeInfo(uint32_t rawType) {
    for (const TypeInfo& info : kTypes) {
        if (static_cast<uint32_t>(info.type) == rawType) return &info;
    }
    return nullptr;
}

std::string_view typeName(GgmlType t) {
    const TypeInfo* info = typeInfo(t);
    return info ? info->name : std::string_view("unknown");
}

}  // namespace folio
