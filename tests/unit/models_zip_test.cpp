// ZipReader on archives built in the test (zip_builder.h): stored and deflated members round-trip;
// hostile archives (lying sizes, offsets outside the file, zip bombs, bad CRC, corrupt deflate,
// Zip64/encryption/unknown methods, truncation, random byte flips) give errors, never a crash or
// more output than the declared size.
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include "app/models/zip_reader.h"
#include "zip_builder.h"

using folio::ZipLimits;
using folio::ZipReader;

namespace {

QByteArray pattern(int n, uint32_t seed) {
    QByteArray b(n, '\0');
    uint32_t x = seed;
    for (int i = 0; i < n; ++i) {
        x = x * 1664525u + 1013904223u;
        b[i] = char((i % 7 == 0) ? (x >> 24) : 'a' + (i % 13));  // compressible, not trivially
    }
    return b;
}

}  // namespace

class ModelsZipTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_n = 0;

    QString write(const QByteArray& bytes) {
        const QString path = m_dir.filePath(QStringLiteral("z%1.zip").arg(m_n++));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size()) return {};
        return path;
    }
    // Opens bytes and extracts member i; returns the error text ("" on success) and the output.
    QString extract(const QByteArray& bytes, int i, QByteArray* out = nullptr,
                    const ZipLimits& limits = {}) {
        auto zip = ZipReader::open(write(bytes).toStdString(), limits);
        if (!zip) return QString::fromStdString(zip.error().message);
        if (i >= int(zip->members().size())) return QStringLiteral("no member %1").arg(i);
        QByteArray got;
        const folio::Status s = zip->extract(
            zip->members()[size_t(i)], [&](const uint8_t* d, size_t n) -> folio::Status {
                got.append(reinterpret_cast<const char*>(d), qsizetype(n));
                return {};
            });
        if (out) *out = got;
        return s ? QString() : QString::fromStdString(s.message());
    }
    ziptest::BuiltZip sample() {
        return ziptest::build({{"pkg/__init__.py", "", false},
                               {"pkg/data/part01.bin", pattern(300000, 7), true},
                               {"pkg/stored.bin", pattern(5000, 9), false}});
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void readsStoredAndDeflatedMembers() {
        const auto z = sample();
        auto zip = ZipReader::open(write(z.bytes).toStdString());
        QVERIFY2(zip, zip ? "" : zip.error().message.c_str());
        QCOMPARE(zip->members().size(), size_t(3));
        QCOMPARE(QByteArray::fromStdString(zip->members()[1].name),
                 QByteArray("pkg/data/part01.bin"));
        QCOMPARE(zip->members()[1].method, uint16_t(8));
        QVERIFY(zip->members()[1].compressedSize < zip->members()[1].size);
        QByteArray out;
        QCOMPARE(extract(z.bytes, 1, &out), QString());
        QCOMPARE(out, pattern(300000, 7));
        QCOMPARE(extract(z.bytes, 2, &out), QString());
        QCOMPARE(out, pattern(5000, 9));
        QCOMPARE(extract(z.bytes, 0, &out), QString());
        QVERIFY(out.isEmpty());
    }

    void findsTheEndRecordBehindAComment() {
        auto z = sample();
        ziptest::set16(z.bytes, z.endOffset + 20, 5);
        z.bytes += "hello";
        QCOMPARE(extract(z.bytes, 1), QString());
    }

    void rejectsHostileDirectories_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("error");
        const auto z = sample();
        const qsizetype c1 = z.centralOffsets[1], e = z.endOffset;
        auto patched = [&](qsizetype at, uint32_t v, bool wide) {
            QByteArray b = z.bytes;
            wide ? ziptest::set32(b, at, v) : ziptest::set16(b, at, v);
            return b;
        };
        QTest::newRow("empty") << QByteArray() << "too small";
        QTest::newRow("no end record") << z.bytes.left(e) << "no zip end-of-central-directory";
        QTest::newRow("truncated end") << z.bytes.left(z.bytes.size() - 3) << "no zip end";
        QTest::newRow("directory past the end")
            << patched(e + 16, uint32_t(e - 10), true) << "outside the file";
        QTest::newRow("huge directory size")
            << patched(e + 12, 0xfffffff0u, true) << "outside the file";
        QTest::newRow("more entries than bytes") << patched(e + 10, 900, false) << "multi-disk";
        QByteArray many = patched(e + 10, 900, false);
        ziptest::set16(many, e + 8, 900);
        QTest::newRow("entry count") << many << "too small for its entry count";
        QTest::newRow("zip64 marker") << patched(e + 16, 0xffffffffu, true) << "Zip64";
        QTest::newRow("name runs past") << patched(c1 + 28, 60000, false) << "runs past";
        QTest::newRow("bad central signature") << patched(c1, 0x12345678, true) << "bad signature";
        QTest::newRow("local offset outside")
            << patched(c1 + 42, 0x7fffffff, true) << "outside the archive";
        QTest::newRow("compressed size outside")
            << patched(c1 + 20, 0x7fffffff, true) << "outside the archive";
        QTest::newRow("zip64 size") << patched(c1 + 24, 0xffffffffu, true) << "Zip64";
        QTest::newRow("encrypted") << patched(c1 + 8, 1, false) << "encrypted";
    }
    void rejectsHostileDirectories() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, error);
        const QString got = extract(bytes, 1);
        QVERIFY2(got.contains(error), qPrintable(got));
    }

    void rejectsHostileMembers_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("error");
        const auto z = sample();
        const qsizetype c1 = z.centralOffsets[1], l1 = z.localOffsets[1];
        auto patched = [&](qsizetype at, uint32_t v, bool wide) {
            QByteArray b = z.bytes;
            wide ? ziptest::set32(b, at, v) : ziptest::set16(b, at, v);
            return b;
        };
        // The declared size is smaller than what the stream inflates to: stops at the declared.
        QTest::newRow("size lie") << patched(c1 + 24, 1000, true) << "past its declared size";
        QTest::newRow("size too big") << patched(c1 + 24, 300001, true) << "expected 300001";
        QTest::newRow("crc") << patched(c1 + 16, 0xdeadbeef, true) << "CRC-32 mismatch";
        QTest::newRow("method") << patched(c1 + 10, 12, false) << "method 12";
        QTest::newRow("local method differs") << patched(l1 + 8, 0, false) << "disagree";
        QTest::newRow("local signature") << patched(l1, 0, true) << "local header signature";
        QTest::newRow("local name runs into directory")
            << patched(l1 + 26, 0xffff, false) << "runs into the central directory";
        QByteArray garbage = z.bytes;
        for (qsizetype i = l1 + 30 + 19 + 10; i < l1 + 30 + 19 + 200; ++i) garbage[i] = char(0xff);
        QTest::newRow("corrupt deflate") << garbage << "corrupt deflate data";
        QTest::newRow("truncated stream") << patched(c1 + 20, 100, true) << "truncated deflate";
    }
    void rejectsHostileMembers() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, error);
        QByteArray out;
        const QString got = extract(bytes, 1, &out);
        QVERIFY2(got.contains(error), qPrintable(got));
        QVERIFY(out.size() <= 300001);
    }

    void storedMemberErrorsAreChecked() {
        auto z = sample();
        ziptest::set32(z.bytes, z.centralOffsets[2] + 16, 1);
        QVERIFY(extract(z.bytes, 2).contains("CRC-32"));
        ziptest::set32(z.bytes, z.centralOffsets[2] + 24, 4000);
        QVERIFY(extract(z.bytes, 2).contains("stored member with different sizes"));
    }

    // A real bomb: 64 MiB of zeros deflates to ~64 KiB; a 1 MiB cap refuses it before inflating
    // and a lying declared size stops it at that size.
    void refusesZipBombs() {
        const QByteArray zeros(64 << 20, '\0');
        auto z = ziptest::build({{"bomb.bin", zeros, true}});
        QVERIFY(z.bytes.size() < (1 << 20));
        ZipLimits small;
        small.maxMemberBytes = 1 << 20;
        QByteArray out;
        QVERIFY(extract(z.bytes, 0, &out, small).contains("exceeds the limit"));
        QVERIFY(out.isEmpty());
        ziptest::set32(z.bytes, z.centralOffsets[0] + 24, 4096);
        QVERIFY(extract(z.bytes, 0, &out).contains("past its declared size"));
        QVERIFY(out.size() <= 4096);
    }

    void sinkErrorsStopExtraction() {
        auto zip = ZipReader::open(write(sample().bytes).toStdString());
        QVERIFY(zip);
        int calls = 0;
        const folio::Status s =
            zip->extract(zip->members()[1], [&](const uint8_t*, size_t) -> folio::Status {
                ++calls;
                return folio::makeError("disk full");
            });
        QVERIFY(!s);
        QCOMPARE(QString::fromStdString(s.message()), QString("disk full"));
        QCOMPARE(calls, 1);
    }

    // Random corruption anywhere: every outcome is an error or the exact original bytes.
    void survivesRandomCorruption() {
        const auto z = sample();
        QRandomGenerator rng(1234);
        for (int round = 0; round < 300; ++round) {
            QByteArray b = z.bytes;
            const int flips = 1 + int(rng.bounded(8));
            for (int i = 0; i < flips; ++i)
                b[int(rng.bounded(int(b.size())))] = char(rng.bounded(256));
            if (round % 5 == 0) b.truncate(int(rng.bounded(int(b.size()))));
            for (int m = 0; m < 3; ++m) {
                QByteArray out;
                if (extract(b, m, &out).isEmpty())
                    QVERIFY(out == pattern(300000, 7) || out == pattern(5000, 9) || out.isEmpty());
            }
        }
    }
};

QTEST_GUILESS_MAIN(ModelsZipTest)
#include "models_zip_test.moc"
