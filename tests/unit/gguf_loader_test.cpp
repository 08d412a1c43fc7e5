// GgufFile: a valid file built in memory (every getter, tensor lookup, data contents and
// alignment), one case per validation rule with the field its message must name, every
// truncation and byte flips of a valid file, open() errors, and the real model / vocab files.
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/gguf/gguf.h"
#include "support/test_env.h"
#include "unit/gguf_builder.h"

using folio::GgmlType;
using folio::GgufFile;
using namespace folio::test::gguf;

namespace {

// Resident set size in bytes from /proc/self/statm, or -1 where that file does not exist.
qint64 residentBytes() {
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly)) return -1;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    if (fields.size() < 2) return -1;
    return fields[1].toLongLong() * static_cast<qint64>(sysconf(_SC_PAGESIZE));
}

// The VmFlags line of the mapping that holds p (/proc/self/smaps), or "" where there is none.
QByteArray mappingFlags(const void* p) {
    QFile smaps(QStringLiteral("/proc/self/smaps"));
    if (!smaps.open(QIODevice::ReadOnly)) return {};
    const auto addr = reinterpret_cast<quintptr>(p);
    bool inside = false;
    for (const QByteArray& line : smaps.readAll().split('\n')) {
        const int dash = line.indexOf('-');
        const int space = line.indexOf(' ');
        if (dash > 0 && space > dash && !line.endsWith(':') && !line.startsWith("VmFlags")) {
            bool ok1 = false, ok2 = false;
            const quintptr start = line.left(dash).toULongLong(&ok1, 16);
            const quintptr end = line.mid(dash + 1, space - dash - 1).toULongLong(&ok2, 16);
            if (ok1 && ok2) inside = start <= addr && addr < end;
        } else if (inside && line.startsWith("VmFlags:")) {
            return line;
        }
    }
    return {};
}

QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

struct CorruptCase {
    const char* name;
    std::function<Bytes()> make;
    std::vector<const char*> mustMention;  // all must appear in the error message
};

Spec withKv(Bytes entry) {
    Spec s = validSpec();
    s.kvs.push_back(std::move(entry));
    return s;
}
Spec withTensor(TensorSpec t) {
    Spec s = validSpec();
    s.tensors.push_back(std::move(t));
    return s;
}
Spec withAlignment(Bytes entry) {
    Spec s = validSpec();
    s.kvs[1] = std::move(entry);
    return s;
}

const std::vector<CorruptCase>& corruptCases() {
    static const std::vector<CorruptCase> cases = {
        {"empty", [] { return Bytes{}; }, {"empty"}},
        {"shorter than magic",
         [] {
             return Bytes{'G', 'G', 'U'};
         },
         {"magic"}},
        {"bad magic",
         [] {
             Spec s = validSpec();
             s.magic = 0x58554747;
             return build(s);
         },
         {"magic"}},
        {"version 1",
         [] {
             Spec s = validSpec();
             s.version = 1;
             return build(s);
         },
         {"version 1"}},
        {"version 4",
         [] {
             Spec s = validSpec();
             s.version = 4;
             return build(s);
         },
         {"version 4"}},
        {"big-endian",
         [] {
             Spec s = validSpec();
             s.version = 0x03000000;
             return build(s);
         },
         {"big-endian"}},
        {"kv count huge",
         [] {
             Spec s = validSpec();
             s.nKv = 1ull << 60;
             return build(s);
         },
         {"kv count"}},
        {"tensor count huge",
         [] {
             Spec s = validSpec();
             s.nTensors = UINT64_MAX;
             return build(s);
         },
         {"tensor count"}},
        {"key length past end",
         [] {
             Spec s;
             Bytes raw = scalar<uint64_t>(1000);
             raw.resize(raw.size() + 10, 'k');
             s.kvs = {raw};
             return build(s);
         },
         {"kv #0 key length 1000", "bytes left"}},
        {"key too long",
         [] { return build(withKv(kv(std::string(65537, 'k'), kU8, {1}))); },
         {"key length 65537", "limit"}},
        {"empty key", [] { return build(withKv(kv("", kU8, {1}))); }, {"empty key"}},
        {"string value past end",
         [] { return build(withKv(kv("general.name", kStr, scalar<uint64_t>(1ull << 40)))); },
         {"key 'general.name'", "string value length"}},
        {"array count huge",
         [] { return build(withKv(kv("t.big", kArr, arrayOf(kU32, 1ull << 40, {})))); },
         {"key 't.big'", "array count"}},
        {"array string element past end",
         [] {
             Bytes elems = str("a");
             append(elems, scalar<uint64_t>(1ull << 40));
             return build(withKv(kv("t.toks", kArr, arrayOf(kStr, 2, elems))));
         },
         {"key 't.toks'", "array element 1 length"}},
        {"unknown value type",
         [] {
             return build(withKv(kv("t.bad", 13, {0, 0, 0, 0})));
         },
         {"key 't.bad'", "unknown value type 13"}},
        {"unknown array element type",
         [] { return build(withKv(kv("t.bad", kArr, arrayOf(99, 1, {0})))); },
         {"key 't.bad'", "unknown array element type 99"}},
        {"nested array",
         [] { return build(withKv(kv("t.nest", kArr, arrayOf(kArr, 1, arrayOf(kU8, 1, {1}))))); },
         {"key 't.nest'", "nested"}},
        {"duplicate key",
         [] { return build(withKv(kv("t.u8", kU8, {3}))); },
         {"key 't.u8'", "duplicate key"}},
        {"bool not 0 or 1",
         [] { return build(withKv(kv("t.b", kBool, {2}))); },
         {"key 't.b'", "bool value 2"}},
        {"alignment 0",
         [] { return build(withAlignment(kv("general.alignment", kU32, scalar<uint32_t>(0)))); },
         {"general.alignment", "power of two"}},
        {"alignment 3",
         [] { return build(withAlignment(kv("general.alignment", kU32, scalar<uint32_t>(3)))); },
         {"general.alignment", "3 is not a power of two"}},
        {"alignment huge",
         [] {
             return build(withAlignment(kv("general.alignment", kU32, scalar<uint32_t>(1u << 21))));
         },
         {"general.alignment", "2097152"}},
        {"alignment string",
         [] { return build(withAlignment(kv("general.alignment", kStr, str("32")))); },
         {"general.alignment", "not an integer"}},
        {"duplicate tensor name",
         [] {
             return build(withTensor({"blk.0.w", {32}, 0, 128, {}, {}}));
         },
         {"tensor 'blk.0.w'", "duplicate tensor name"}},
        {"empty tensor name",
         [] {
             return build(withTensor({"", {32}, 0, 128, {}, {}}));
         },
         {"tensor #4", "empty name"}},
        {"tensor name too long",
         [] {
             return build(withTensor({std::string(65537, 't'), {32}, 0, 128, {}, {}}));
         },
         {"tensor #4 name length 65537", "limit"}},
        {"n_dims 0",
         [] {
             return build(withTensor({"t0", {}, 0, 0, {}, 0u}));
         },
         {"tensor 't0'", "n_dims 0"}},
        {"n_dims 5",
         [] {
             return build(withTensor({"t5", {32, 1, 1, 1, 1}, 0, 128, {}, {}}));
         },
         {"tensor 't5'", "n_dims 5"}},
        {"dimension negative",
         [] {
             return build(withTensor({"neg", {32, -2}, 0, 0, {}, {}}));
         },
         {"tensor 'neg'", "ne[1]", "negative"}},
        {"element count overflow",
         [] {
             return build(withTensor({"huge", {1ll << 32, 1ll << 32, 4}, 0, 0, {}, {}}));
         },
         {"tensor 'huge'", "element count overflows"}},
        {"byte size overflow",
         [] {
             return build(withTensor({"wide", {1ll << 61}, 0, 0, {}, {}}));
         },
         {"tensor 'wide'", "byte size overflows"}},
        {"ne0 not a multiple of the block",
         [] {
             return build(withTensor({"q40", {33}, 2, 0, {}, {}}));
         },
         {"tensor 'q40'", "ne[0] = 33", "Q4_0 block size 32"}},
        {"unknown tensor type",
         [] {
             return build(withTensor({"odd", {32}, 99, 0, {}, {}}));
         },
         {"tensor 'odd'", "unknown tensor type 99"}},
        {"removed tensor type 4",
         [] {
             return build(withTensor({"q42", {32}, 4, 0, {}, {}}));
         },
         {"tensor 'q42'", "unknown tensor type 4"}},
        {"offset misaligned",
         [] {
             Spec s = validSpec();
             s.tensors[1].offset = 48;
             return build(s);
         },
         {"tensor 'blk.0.w'", "offset 48 not aligned to 64"}},
        {"offset past end",
         [] {
             Spec s = validSpec();
             s.tensors[3].offset = 1ull << 20;
             s.dataSize = 464;
             return build(s);
         },
         {"tensor 'q4k'", "offset 1048576", "past the end of the data section"}},
        {"offset near UINT64_MAX",
         [] {
             Spec s = validSpec();
             s.tensors[0].offset = UINT64_MAX - 63;
             s.dataSize = 464;
             return build(s);
         },
         {"tensor 'tok_embd'", "past the end of the data section"}},
        {"overlapping tensors",
         [] {
             Spec s = validSpec();
             s.tensors[2].offset = 192;
             return build(s);
         },
         {"tensor 'blk.0.n'", "overlaps tensor 'blk.0.w'"}},
        {"tensor count one too many",
         [] {
             Spec s = validSpec();
             s.nTensors = 5;
             return build(s);
         },
         {"tensor #4"}},
    };
    return cases;
}

}  // namespace

class GgufLoaderTest : public QObject {
    Q_OBJECT

private slots:
    void typeTable();
    void validFileGetters();
    void validFileTensors();
    void version2Accepted();
    void defaultAlignment();
    void corrupt_data();
    void corrupt();
    void dataSectionPastEnd();
    void everyTruncationFails();
    void byteFlipsNeverCrash();
    void openValidFile();
    void openErrors();
    void realModel();
    void sharedVocabFiles();
};

void GgufLoaderTest::typeTable() {
    struct Row {
        GgmlType type;
        const char* name;
        int blockSize;
        int blockBytes;
        bool supported;
    };
    const Row rows[] = {
        {GgmlType::F32, "F32", 1, 4, true},        {GgmlType::F16, "F16", 1, 2, true},
        {GgmlType::BF16, "BF16", 1, 2, true},      {GgmlType::Q4_0, "Q4_0", 32, 18, true},
        {GgmlType::Q4_1, "Q4_1", 32, 20, true},    {GgmlType::Q5_0, "Q5_0", 32, 22, true},
        {GgmlType::Q5_1, "Q5_1", 32, 24, true},    {GgmlType::Q8_0, "Q8_0", 32, 34, true},
        {GgmlType::Q8_1, "Q8_1", 32, 36, false},   {GgmlType::Q2_K, "Q2_K", 256, 84, false},
        {GgmlType::Q3_K, "Q3_K", 256, 110, false}, {GgmlType::Q4_K, "Q4_K", 256, 144, true},
        {GgmlType::Q5_K, "Q5_K", 256, 176, true},  {GgmlType::Q6_K, "Q6_K", 256, 210, true},
        {GgmlType::Q8_K, "Q8_K", 256, 292, false},
    };
    for (const Row& r : rows) {
        const folio::TypeInfo* info = folio::typeInfo(r.type);
        QVERIFY2(info, r.name);
        QCOMPARE(info->type, r.type);
        QCOMPARE(qs(info->name), QString::fromLatin1(r.name));
        QCOMPARE(qs(folio::typeName(r.type)), QString::fromLatin1(r.name));
        QCOMPARE(info->blockSize, r.blockSize);
        QCOMPARE(info->blockBytes, r.blockBytes);
        QCOMPARE(info->supported, r.supported);
    }
    for (uint32_t unknown : {4u, 5u, 16u, 29u, 31u, 1000u, UINT32_MAX}) {
        QVERIFY2(!folio::typeInfo(unknown), qPrintable(QString::number(unknown)));
    }
    QCOMPARE(qs(folio::typeName(static_cast<GgmlType>(4))), QStringLiteral("unknown"));
}

void GgufLoaderTest::validFileGetters() {
    const Bytes b = validFile();
    auto r = GgufFile::fromMemory(b.data(), b.size());
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    const GgufFile& f = **r;
    QCOMPARE(f.version(), 3u);
    QCOMPARE(f.fileSize(), b.size());
    QCOMPARE(f.alignment(), uint64_t{64});
    QCOMPARE(f.metadata().size(), validSpec().kvs.size());
    QCOMPARE(qs(*f.getString("general.architecture")), QStringLiteral("test"));
    QCOMPARE(*f.getInt("t.u8"), int64_t{200});
    QCOMPARE(*f.getInt("t.i8"), int64_t{-5});
    QCOMPARE(*f.getInt("t.u16"), int64_t{60000});
    QCOMPARE(*f.getInt("t.i16"), int64_t{-30000});
    QCOMPARE(*f.getInt("t.u32"), int64_t{4000000000});
    QCOMPARE(*f.getInt("t.i32"), int64_t{-2000000000});
    QCOMPARE(*f.getInt("t.u64"), int64_t{1} << 40);
    QCOMPARE(*f.getInt("t.i64"), -(int64_t{1} << 40));
    QVERIFY(!f.getInt("t.u64max"));  // does not fit int64
    QCOMPARE(*f.getFloat("t.u64max"), 18446744073709551615.0);
    QCOMPARE(*f.getFloat("t.f32"), 1.5);
    QCOMPARE(*f.getFloat("t.f64"), -2.25);
    QCOMPARE(*f.getFloat("t.i16"), -30000.0);
    QCOMPARE(*f.getBool("t.flag"), true);
    QCOMPARE(*f.getBool("t.off"), false);
    QCOMPARE(*f.getInt("t.flag"), int64_t{1});
    // Wrong types and missing keys give nullopt, never a converted value.
    QVERIFY(!f.getInt("t.f32"));
    QVERIFY(!f.getString("t.u8"));
    QVERIFY(!f.getBool("t.u8"));
    QVERIFY(!f.getFloat("general.architecture"));
    QVERIFY(!f.getInt("missing"));
    QVERIFY(!f.find("missing"));
    QVERIFY(!f.getStringArray("t.ints"));
    QVERIFY(!f.getFloatArray("t.strs"));
    QVERIFY(!f.getIntArray("t.floats"));
    QVERIFY(!f.getIntArray("t.u8"));

    const auto strs = f.getStringArray("t.strs");
    QVERIFY(strs);
    QCOMPARE(strs->size(), size_t{3});
    QCOMPARE(qs((*strs)[0]), QStringLiteral("a"));
    QCOMPARE(qs((*strs)[1]), QStringLiteral("bc"));
    QVERIFY((*strs)[2].empty());
    QCOMPARE(*f.getFloatArray("t.floats"), (std::vector<float>{0.5f, -1.0f, 2.0f}));
    QCOMPARE(*f.getIntArray("t.ints"), (std::vector<int64_t>{1, -2, 3}));
    QCOMPARE(*f.getIntArray("t.u8s"), (std::vector<int64_t>{7, 255}));
    QVERIFY(f.getIntArray("t.empty")->empty());
    const folio::GgufValue* arr = f.find("t.ints");
    QVERIFY(arr);
    QCOMPARE(arr->type, folio::GgufValueType::Array);
    QCOMPARE(arr->arrayType, folio::GgufValueType::Int32);
    QCOMPARE(arr->arrayCount, uint64_t{3});
    QCOMPARE(qs(f.metadata()[2].first), QStringLiteral("t.u8"));  // file order is kept
}

void GgufLoaderTest::validFileTensors() {
    const Bytes b = validFile();
    auto r = GgufFile::fromMemory(b.data(), b.size());
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    const GgufFile& f = **r;
    const Spec spec = validSpec();
    QCOMPARE(f.tensors().size(), spec.tensors.size());
    const uint64_t expectedOffsets[] = {0, 64, 256, 320};
    const GgmlType expectedTypes[] = {GgmlType::F32, GgmlType::Q8_0, GgmlType::F16, GgmlType::Q4_K};
    QCOMPARE(f.dataOffset() % 64, uint64_t{0});
    QCOMPARE(f.dataOffset() + 464, uint64_t{b.size()});
    for (size_t k = 0; k < spec.tensors.size(); ++k) {
        const folio::GgufTensor* t = f.tensor(spec.tensors[k].name);
        QVERIFY2(t, spec.tensors[k].name.c_str());
        QCOMPARE(t, &f.tensors()[k]);
        QCOMPARE(t->type, expectedTypes[k]);
        QCOMPARE(t->nDims, static_cast<int>(spec.tensors[k].ne.size()));
        for (int d = 0; d < 4; ++d) {
            const int64_t want = d < t->nDims ? spec.tensors[k].ne[d] : 1;
            QCOMPARE(t->ne[d], want);
        }
        QCOMPARE(t->offset, expectedOffsets[k]);
        QCOMPARE(t->nbytes, spec.tensors[k].dataBytes);
        QCOMPARE(t->data, b.data() + f.dataOffset() + t->offset);
        QCOMPARE(static_cast<uint64_t>(t->data - b.data()) % f.alignment(), uint64_t{0});
        for (uint64_t i = 0; i < t->nbytes; ++i) QCOMPARE(t->data[i], patternByte(k, i));
    }
    QCOMPARE(f.tensor("blk.0.w")->nElements(), int64_t{128});
    QVERIFY(!f.tensor("missing"));
    QVERIFY(!f.tensor(""));
}

void GgufLoaderTest::version2Accepted() {
    Spec s = validSpec();
    s.version = 2;
    const Bytes b = build(s);
    auto r = GgufFile::fromMemory(b.data(), b.size());
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QCOMPARE((*r)->version(), 2u);
}

void GgufLoaderTest::defaultAlignment() {
    // Without general.alignment the alignment is 32: an offset of 32 is then fine, 48 is not.
    Spec s;
    s.layoutAlignment = 32;
    s.tensors = {{"a", {8}, 0, 32, {}, {}}, {"b", {8}, 0, 32, uint64_t{96}, {}}};
    Bytes b = build(s);
    auto r = GgufFile::fromMemory(b.data(), b.size());
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QCOMPARE((*r)->alignment(), uint64_t{32});
    QCOMPARE((*r)->dataOffset() % 32, uint64_t{0});
    s.tensors[1].offset = 48;
    b = build(s);
    auto bad = GgufFile::fromMemory(b.data(), b.size());
    QVERIFY(!bad.ok());
    QVERIFY2(bad.error().message.find("offset 48 not aligned to 32") != std::string::npos,
             bad.error().message.c_str());
}

void GgufLoaderTest::corrupt_data() {
    QTest::addColumn<int>("index");
    const auto& cases = corruptCases();
    for (size_t i = 0; i < cases.size(); ++i) {
        QTest::newRow(cases[i].name) << static_cast<int>(i);
    }
}

void GgufLoaderTest::corrupt() {
    QFETCH(int, index);
    const CorruptCase& c = corruptCases()[static_cast<size_t>(index)];
    const Bytes b = c.make();
    auto r = parseCopy(b, b.size());
    QVERIFY2(!r.ok(), "a corrupt file was accepted");
    const std::string& msg = r.error().message;
    QVERIFY2(msg.rfind("gguf: ", 0) == 0, msg.c_str());
    QVERIFY2(msg.find('\n') == std::string::npos, msg.c_str());
    for (const char* needle : c.mustMention) {
        QVERIFY2(msg.find(needle) != std::string::npos,
                 qPrintable(QStringLiteral("'%1' not in: %2").arg(needle, qs(msg))));
    }
}

void GgufLoaderTest::dataSectionPastEnd() {
    uint64_t infoEnd = 0;
    const Bytes b = build(validSpec(), &infoEnd);
    QVERIFY(infoEnd % kLayoutAlignment != 0);  // there is padding to cut into
    auto r = parseCopy(b, infoEnd + 1);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().message.find("data section starts at byte") != std::string::npos,
             r.error().message.c_str());
}

void GgufLoaderTest::everyTruncationFails() {
    const Bytes b = validFile();
    for (size_t n = 0; n < b.size(); ++n) {
        auto r = parseCopy(b, n);
        QVERIFY2(!r.ok(), qPrintable(QStringLiteral("prefix of %1 bytes accepted").arg(n)));
        QVERIFY(r.error().message.size() > 6);
    }
    QVERIFY(parseCopy(b, b.size()).ok());
}

void GgufLoaderTest::byteFlipsNeverCrash() {
    // Flipping any metadata byte may be accepted or refused, but must never read outside the
    // buffer or produce a tensor that points outside it.
    const Bytes valid = validFile();
    auto ref = GgufFile::fromMemory(valid.data(), valid.size());
    QVERIFY(ref.ok());
    const size_t metaEnd = (*ref)->dataOffset();
    int refused = 0;
    for (size_t pos = 0; pos < metaEnd; ++pos) {
        for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
            Bytes b = valid;
            b[pos] ^= mask;
            auto r = parseCopy(b, b.size());
            if (!r.ok()) {
                ++refused;
                continue;
            }
            for (const folio::GgufTensor& t : (*r)->tensors()) {
                QVERIFY(t.offset + t.nbytes <= (*r)->fileSize() - (*r)->dataOffset());
            }
        }
    }
    QVERIFY(refused > 0);
}

void GgufLoaderTest::openValidFile() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("valid.gguf");
    const Bytes b = validFile();
    {
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        QCOMPARE(out.write(reinterpret_cast<const char*>(b.data()), qint64(b.size())),
                 qint64(b.size()));
    }
    auto r = GgufFile::open(path.toStdString());
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    const GgufFile& f = **r;
    QCOMPARE(f.fileSize(), b.size());
    QCOMPARE(*f.getInt("t.u16"), int64_t{60000});
    for (size_t k = 0; k < f.tensors().size(); ++k) {
        const folio::GgufTensor& t = f.tensors()[k];
        // The mapping is page aligned, so file-relative alignment is pointer alignment.
        QCOMPARE(reinterpret_cast<uintptr_t>(t.data) % f.alignment(), uintptr_t{0});
        QCOMPARE(std::memcmp(t.data, b.data() + f.dataOffset() + t.offset, t.nbytes), 0);
    }
    // adviseRandomAccess marks the tensor's pages for random reads (VmFlags "rr").
    const folio::GgufTensor& last = f.tensors().back();
    const QByteArray before = mappingFlags(last.data);
    if (before.isEmpty()) QSKIP("no /proc/self/smaps here");
    QVERIFY2(!before.contains(" rr"), before.constData());
    f.adviseRandomAccess(last);
    const QByteArray after = mappingFlags(last.data);
    QVERIFY2(after.contains(" rr"), after.constData());
    // A parsed buffer is not ours to advise: a no-op.
    auto mem = GgufFile::fromMemory(b.data(), b.size());
    QVERIFY(mem.ok());
    (*mem)->adviseRandomAccess((*mem)->tensors().back());
    QVERIFY(!mappingFlags((*mem)->tensors().back().data).contains(" rr"));
}

void GgufLoaderTest::openErrors() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto expectError = [](const QString& path, const char* needle) -> QString {
        auto r = GgufFile::open(path.toStdString());
        if (r.ok()) return QStringLiteral("accepted: ") + path;
        const std::string& msg = r.error().message;
        if (msg.find(path.toStdString()) == std::string::npos ||
            msg.find(needle) == std::string::npos)
            return QStringLiteral("unexpected message: ") + qs(msg);
        return QString();
    };
    QString problem = expectError(dir.filePath("missing.gguf"), "No such file");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    problem = expectError(dir.path(), "is a directory");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    if (QFileInfo::exists("/dev/null")) {
        problem = expectError(QStringLiteral("/dev/null"), "not a regular file");
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    const QString empty = dir.filePath("empty.gguf");
    {
        QFile out(empty);
        QVERIFY(out.open(QIODevice::WriteOnly));
    }
    problem = expectError(empty, "empty");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    const QString truncated = dir.filePath("truncated.gguf");
    const Bytes b = validFile();
    {
        QFile out(truncated);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(reinterpret_cast<const char*>(b.data()), qint64(b.size() - 1));
    }
    problem = expectError(truncated, "tensor 'q4k'");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void GgufLoaderTest::realModel() {
    FOLIO_REQUIRE_MODEL();
    const qint64 residentBefore = residentBytes();
    auto r = GgufFile::open(folio::test::modelPath().toStdString());
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    const GgufFile& f = **r;
    // open() must be lazy: the mapping is 490 MB, but only the metadata (~7 MB here) is read.
    if (residentBefore >= 0) {
        const qint64 grown = residentBytes() - residentBefore;
        QVERIFY2(grown < 64 * 1024 * 1024, qPrintable(QString::number(grown)));
    }
    QCOMPARE(qs(*f.getString("general.architecture")), QStringLiteral("qwen2"));
    QCOMPARE(qs(*f.getString("tokenizer.ggml.model")), QStringLiteral("gpt2"));
    QCOMPARE(qs(*f.getString("tokenizer.ggml.pre")), QStringLiteral("qwen2"));
    QCOMPARE(f.tensors().size(), size_t{291});
    QCOMPARE(*f.getInt("qwen2.block_count"), int64_t{24});
    QCOMPARE(*f.getInt("qwen2.embedding_length"), int64_t{896});
    const auto tokens = f.getStringArray("tokenizer.ggml.tokens");
    QVERIFY(tokens);
    QCOMPARE(tokens->size(), size_t{151936});
    QCOMPARE(f.getIntArray("tokenizer.ggml.token_type")->size(), size_t{151936});
    QVERIFY(f.getStringArray("tokenizer.ggml.merges")->size() > 100000);
    QVERIFY(f.getString("tokenizer.chat_template"));
    const folio::GgufTensor* out = f.tensor("output.weight");
    QVERIFY(out);
    QCOMPARE(out->type, GgmlType::Q8_0);
    QCOMPARE(out->ne[0], int64_t{896});
    QCOMPARE(out->ne[1], int64_t{151936});
    QCOMPARE(out->nbytes, uint64_t{151936} * (896 / 32) * 34);
    for (const folio::GgufTensor& t : f.tensors()) {
        QVERIFY2(folio::typeInfo(t.type)->supported, std::string(t.name).c_str());
        QCOMPARE(reinterpret_cast<uintptr_t>(t.data) % f.alignment(), uintptr_t{0});
    }
    QVERIFY(f.tensor("token_embd.weight"));
    QVERIFY(f.tensor("blk.23.attn_q.bias"));
}

void GgufLoaderTest::sharedVocabFiles() {
    FOLIO_REQUIRE_SHARED();
    const QDir dir(folio::test::sharedPath("data/vocab"));
    const QStringList files = dir.entryList({"*.gguf"}, QDir::Files, QDir::Name);
    QVERIFY2(!files.isEmpty(), qPrintable(dir.path()));
    for (const QString& name : files) {
        auto r = GgufFile::open(dir.filePath(name).toStdString());
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QVERIFY2((*r)->getString("tokenizer.ggml.model"), qPrintable(name));
        const auto tokens = (*r)->getStringArray("tokenizer.ggml.tokens");
        QVERIFY2(tokens && !tokens->empty(), qPrintable(name));
    }
}

QTEST_GUILESS_MAIN(GgufLoaderTest)
#include "gguf_loader_test.moc"
