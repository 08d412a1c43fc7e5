// The AVX-512 kernel level: the AVX2 kernels on 256-bit vectors with VNNI (vpdpbusd) for the
// int8 dot products (AVX512VL+VNNI), which saves the maddubs/madd pair and its saturation.
// The table pointer below is constant data, so avx512Kernels() is safe to call on any CPU.
#include "engine/quant/kernels_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#include <cstring>
#include <type_traits>

#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni")
#define FOLIO_X86_VNNI 1
#include "engine/quant/kernels_x86.h"
#undef FOLIO_X86_VNNI

namespace {
constexpr folio::quant::KernelTable kAvx512Table = makeX86Table();
}
#pragma GCC pop_options

const folio::quant::KernelTable* folio::quant::avx512Kernels() {
    return &kAvx512Table;
}

#else
const folio::quant::KernelTable* folio::quant::avx512Kernels() {
    return nullptr;
}
#endif
