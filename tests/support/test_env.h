#pragma once
// Paths and skips shared by the test suites (no engine or app dependency).
// Tests that need ../shared call requireShared(); tests that need the default model call
// requireModel(). Both QSKIP with a clear message when the data is absent, except that
// FOLIO_REQUIRE_MODEL=1 (set by the README test command and CI) turns a missing model into a
// failure so that CI can never pass by skipping everything.
#include <QDir>
#include <QFileInfo>
#include <QString>
#include <QtTest>

namespace folio::test {

inline QString envPath(const char* name) {
    return QString::fromLocal8Bit(qgetenv(name));
}
inline QString sourceDir() {
    return envPath("FOLIO_SOURCE_DIR");
}
inline QString binaryDir() {
    return envPath("FOLIO_BINARY_DIR");
}
inline QString sharedDir() {
    return envPath("FOLIO_SHARED_DIR");
}
inline QString sharedPath(const QString& rel) {
    return QDir(sharedDir()).filePath(rel);
}
inline QString modelPath() {
    return envPath("FOLIO_TEST_MODEL");
}
inline bool haveShared() {
    return !sharedDir().isEmpty() && QFileInfo(sharedPath("data")).isDir();
}
inline bool haveModel() {
    return QFileInfo(modelPath()).isFile();
}
inline bool modelRequired() {
    return qgetenv("FOLIO_REQUIRE_MODEL") == "1";
}
// FOLIO_TEST_TIMEOUT_SCALE (>= 1; 1 when unset or invalid): the asan and tsan presets set it
// because the code runs several times slower there (tests/CMakeLists.txt). Suites multiply their
// own waits and wall-clock budgets by it; what they assert does not change.
inline double timeoutScale() {
    bool ok = false;
    const double scale = qEnvironmentVariable("FOLIO_TEST_TIMEOUT_SCALE").toDouble(&ok);
    return ok && scale > 1 ? scale : 1.0;
}

// True in the asan and tsan builds. There the GUI thread's own work is instrumented and several
// times slower, so an event-loop stall bound measures the sanitizer, not our code: suites report
// such bounds instead of checking them (the Release build in CI checks them).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitizedBuild = true;
#else
inline constexpr bool kSanitizedBuild = false;
#endif

}  // namespace folio::test

#define FOLIO_REQUIRE_SHARED()                                                  \
    do {                                                                        \
        if (!folio::test::haveShared())                                         \
            QSKIP("../shared/data is absent (set FOLIO_SHARED_DIR); skipping"); \
    } while (0)

#define FOLIO_REQUIRE_MODEL()                                                   \
    do {                                                                        \
        if (!folio::test::haveModel()) {                                        \
            if (folio::test::modelRequired())                                   \
                QFAIL("default model missing: run scripts/fetch-model");        \
            QSKIP("default model missing (run scripts/fetch-model); skipping"); \
        }                                                                       \
    } while (0)
