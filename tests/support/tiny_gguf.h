#pragma once
// Small files for the model-download suites: a valid GGUF v3 (the loader check passes) and the
// helpers those suites share. Header-only; Qt only.
#include <QByteArray>
#include <QCryptographicHash>
#include <QFile>
#include <QString>
#include <cstdint>

namespace folio::test {

namespace tinygguf {
inline void putRaw(QByteArray& b, const void* p, size_t n) {
    b.append(static_cast<const char*>(p), qsizetype(n));
}
inline void putU32(QByteArray& b, uint32_t v) {
    putRaw(b, &v, 4);
}
inline void putU64(QByteArray& b, uint64_t v) {
    putRaw(b, &v, 8);
}
inline void putStr(QByteArray& b, const QByteArray& s) {
    putU64(b, uint64_t(s.size()));
    b += s;
}
}  // namespace tinygguf

// A GGUF v3 with architecture "test" and one F32 tensor "weights" of n pseudo-random floats
// (a linear congruential sequence from `seed`, so different seeds give different files).
inline QByteArray makeTinyGguf(int n, uint32_t seed = 12345) {
    using namespace tinygguf;
    QByteArray b("GGUF");
    putU32(b, 3);
    putU64(b, 1);  // tensors
    putU64(b, 1);  // metadata pairs
    putStr(b, "general.architecture");
    putU32(b, 8);  // string
    putStr(b, "test");
    putStr(b, "weights");
    putU32(b, 1);            // dims
    putU64(b, uint64_t(n));  // ne[0]
    putU32(b, 0);            // F32
    putU64(b, 0);            // offset
    while (b.size() % 32) b.append('\0');
    uint32_t x = seed;
    for (int i = 0; i < n; ++i) {
        x = x * 1664525u + 1013904223u;
        const float f = float(x >> 8) / float(1 << 24);
        putRaw(b, &f, 4);
    }
    return b;
}

inline QString sha256Hex(const QByteArray& data) {
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

// The whole file, or empty when it cannot be read.
inline QByteArray readWholeFile(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace folio::test
