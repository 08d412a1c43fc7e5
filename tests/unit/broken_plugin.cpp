// A stand-in for libfolio_cuda.so whose dependency is missing, for build_layout_test: it is
// copied into an installed tree as lib/folio/libfolio_cuda.so while the library it needs
// (libfolio_test_absent.so, tests/unit/absent_dependency.cpp) stays in the build directory,
// where nothing finds it (no RUNPATH). The loader must then report that library by name, as
// it would report a missing libcublas on a machine without the CUDA libraries.
int folioTestAbsentValue();

extern "C" __attribute__((visibility("default"))) int folio_test_broken_plugin() {
    return folioTestAbsentValue();
}
