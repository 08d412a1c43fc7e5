// The AVX-512 (VL + VNNI, 256-bit vectors) decode kernels: kernels_x86_gemv.h compiled for this
// level. The table pointer below is constant data, so avx512Gemv() is safe to call on any CPU.
#include "engine/quant/kernels_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#include <cstring>
#include <type_traits>

#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni")
#define FOLIO_X86_VNNI 1
#include "engine/quant/kernels_x86.h"
#include "engine/quant/kernels_x86_gemv.h"
#undef FOLIO_X86_VNNI

namespace {
constexpr folio::quant::GemvTable kAvx512Gemv = makeX86GemvTable();
}
#pragma GCC pop_options

const folio::quant::GemvTable* folio::quant::avx512Gemv() {
    return &kAvx512Gemv;
}

#else
const folio::quant::GemvTable* folio::quant::avx512Gemv() {
    return nullptr;
}
#endif
