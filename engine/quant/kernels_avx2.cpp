// The AVX2+FMA+F16C kernel level. Only this file's kernels use those instructions; the table
// pointer below is constant data, so avx2Kernels() is safe to call on any CPU.
#include "engine/quant/kernels_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#include <cstring>
#include <type_traits>

#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
#define FOLIO_X86_VNNI 0
#include "engine/quant/kernels_x86.h"
#undef FOLIO_X86_VNNI

namespace {
constexpr folio::quant::KernelTable kAvx2Table = makeX86Table();
}
#pragma GCC pop_options

const folio::quant::KernelTable* folio::quant::avx2Kernels() {
    return &kAvx2Table;
}

#else
const folio::quant::KernelTable* folio::quant::avx2Kernels() {
    return nullptr;
}
#endif
