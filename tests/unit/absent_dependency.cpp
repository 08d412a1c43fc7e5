// The dependency that tests/unit/broken_plugin.cpp needs and an installed tree lacks.
__attribute__((visibility("default"))) int folioTestAbsentValue() {
    return 1;
}
