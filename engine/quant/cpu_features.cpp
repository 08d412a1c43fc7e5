// CPUID via the compiler's __builtin_cpu_supports, which also checks XGETBV for OS support.
#include "engine/quant/cpu_features.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace folio {
namespace {

CpuFeatures detect() {
    CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    f.avx2 = __builtin_cpu_supports("avx2");
    f.fma = __builtin_cpu_supports("fma");
    // F16C from CPUID.1:ECX bit 29 (clang 14 has no "f16c" name for __builtin_cpu_supports).
    // It is only used together with AVX2, whose check above covers the OS's YMM state.
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    f.f16c = __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 29)) != 0;
    f.avx512f = __builtin_cpu_supports("avx512f");
    f.avx512bw = __builtin_cpu_supports("avx512bw");
    f.avx512vl = __builtin_cpu_supports("avx512vl");
    f.avx512vnni = __builtin_cpu_supports("avx512vnni");
    // From CPUID directly for the same reason as F16C; the OS's ZMM state is covered by avx512f.
    f.avx512bf16 =
        f.avx512f && __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) && (eax & (1u << 5)) != 0;
#endif
    return f;
}

}  // namespace

const CpuFeatures& cpuFeatures() {
    static const CpuFeatures features = detect();  // C++11 magic static: thread-safe init
    return features;
}

}  // namespace folio
