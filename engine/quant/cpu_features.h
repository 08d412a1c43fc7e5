#pragma once
// What the CPU we run on can execute, read once from CPUID (and the OS's saved-state mask, so
// that AVX-512 is only reported when the kernel preserves the wide registers).
// Thread-safe: the value is computed on first use and immutable afterwards.
namespace folio {

struct CpuFeatures {
    bool avx2 = false;
    bool fma = false;
    bool f16c = false;
    bool avx512f = false;
    bool avx512bw = false;
    bool avx512vl = false;
    bool avx512vnni = false;
    bool avx512bf16 = false;  // vdpbf16ps (CPUID.(7,1):EAX bit 5)
};

const CpuFeatures& cpuFeatures();

}  // namespace folio
