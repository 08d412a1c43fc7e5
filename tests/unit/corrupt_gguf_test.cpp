// The corrupt-GGUF corpus of the reliability checklist (item 1), generated here from a valid tiny
// qwen2 model (reliability_fixtures.h) and loaded through Model::load, the path the app takes.
// Each case must fail with its own error that names the problem, and loading must never grow
// peak memory by more than twice the file size (a hostile count or length must not become an
// allocation). Peak memory: /proc/self/status VmHWM after resetting it through
// /proc/self/clear_refs ("5"), so each case is measured on its own.
#include <QDir>
#include <QFile>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>
#include <functional>

#include "engine/model/model.h"
#include "support/test_env.h"
#include "unit/reliability_fixtures.h"

using namespace folio::test::gguf;
namespace rel = folio::test::reliability;

namespace {

// Page granularity, allocator arenas and the error strings themselves: growth the measurement
// shows even for a file that is rejected at its first byte.
constexpr int64_t kRssNoiseBytes = 256 * 1024;

// Under AddressSanitizer (the asan preset) RSS includes shadow memory, redzones and the freed-
// memory quarantine, so peak growth says nothing about the loader: it is not checked there.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kPeakMeasurable = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kPeakMeasurable = false;
#else
constexpr bool kPeakMeasurable = true;
#endif
#else
constexpr bool kPeakMeasurable = true;
#endif

int64_t statusKb(const char* field) {
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly)) return -1;
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (const QByteArray& line : lines) {
        if (line.startsWith(field))
            return line.mid(qsizetype(strlen(field))).trimmed().split(' ')[0].toLongLong();
    }
    return -1;
}

bool resetPeak() {
    QFile f(QStringLiteral("/proc/self/clear_refs"));
    return f.open(QIODevice::WriteOnly) && f.write("5") == 1;
}

struct Case {
    const char* name;
    std::function<Bytes()> make;
    const char* expected;  // substring of the error message
};

// The valid model's spec with one change applied.
Bytes patched(const std::function<void(Spec&)>& change) {
    Spec s = rel::tinyModelSpec();
    change(s);
    Bytes b = build(s);
    rel::fillFiniteWeights(b);  // fails (and leaves pattern bytes) for files that do not parse
    return b;
}

size_t kvIndex(const Spec& s, std::string_view key) {
    const Bytes k = str(key);
    for (size_t i = 0; i < s.kvs.size(); ++i)
        if (s.kvs[i].size() >= k.size() && std::equal(k.begin(), k.end(), s.kvs[i].begin()))
            return i;
    qFatal("fixture has no key %s", std::string(key).c_str());
}

TensorSpec& tensorNamed(Spec& s, std::string_view name) {
    for (TensorSpec& t : s.tensors)
        if (t.name == name) return t;
    qFatal("fixture has no tensor %s", std::string(name).c_str());
}

// Explicit offsets for every tensor, as the builder would lay them out.
void pinOffsets(Spec& s) {
    uint64_t next = 0;
    for (TensorSpec& t : s.tensors) {
        t.offset = next;
        next = alignUp(next + t.dataBytes, s.layoutAlignment);
    }
}

std::vector<Case> loaderCases() {
    return {
        {"bad magic", [] { return patched([](Spec& s) { s.magic = 0x46554746; }); }, "bad magic"},
        {"version 1", [] { return patched([](Spec& s) { s.version = 1; }); }, "version 1"},
        {"version 99", [] { return patched([](Spec& s) { s.version = 99; }); },
         "unsupported version 99"},
        {"n_tensors 2^63", [] { return patched([](Spec& s) { s.nTensors = 1ull << 63; }); },
         "tensor count"},
        {"n_kv 2^63", [] { return patched([](Spec& s) { s.nKv = 1ull << 63; }); }, "kv count"},
        {"string length 1 GiB",
         [] {
             return patched([](Spec& s) {
                 Bytes e = str("general.name");
                 put(e, kStr);
                 put<uint64_t>(e, 1ull << 30);
                 appendRaw(e, "tiny", 4);
                 s.kvs[kvIndex(s, "general.name")] = e;
             });
         },
         "length 1073741824"},
        {"key length 2^63",
         [] {
             return patched([](Spec& s) {
                 Bytes e;
                 put<uint64_t>(e, 1ull << 63);
                 s.kvs.insert(s.kvs.begin() + 1, e);
             });
         },
         "length 9223372036854775808"},
        {"unknown value type",
         [] {
             return patched(
                 [](Spec& s) { s.kvs.push_back(kv("bad.type", 13, scalar<uint32_t>(0))); });
         },
         "unknown value type 13"},
        {"unknown array element type",
         [] {
             return patched([](Spec& s) {
                 s.kvs.push_back(kv("bad.arr", kArr, arrayOf(77, 1, scalar<uint32_t>(0))));
             });
         },
         "unknown array element type 77"},
        {"array count 2^62",
         [] {
             return patched([](Spec& s) {
                 s.kvs.push_back(kv("bad.arr", kArr, arrayOf(kU32, 1ull << 62, {})));
             });
         },
         "array count"},
        {"duplicate key",
         [] {
             return patched(
                 [](Spec& s) { s.kvs.push_back(kv("general.name", kStr, str("again"))); });
         },
         "duplicate key"},
        {"duplicate tensor",
         [] {
             return patched(
                 [](Spec& s) { tensorNamed(s, "output_norm.weight").name = "token_embd.weight"; });
         },
         "duplicate tensor name"},
        {"n_dims 5",
         [] {
             return patched([](Spec& s) {
                 tensorNamed(s, "output_norm.weight").ne = {64, 1, 1, 1, 1};
             });
         },
         "n_dims 5"},
        {"dimension 2^42+1",
         [] {
             return patched(
                 [](Spec& s) { tensorNamed(s, "output_norm.weight").ne = {(1ll << 42) + 1}; });
         },
         "past the end"},
        {"negative dimension",
         [] { return patched([](Spec& s) { tensorNamed(s, "output_norm.weight").ne = {-64}; }); },
         "is negative"},
        {"element count overflow",
         [] {
             return patched([](Spec& s) {
                 tensorNamed(s, "output_norm.weight").ne = {1ll << 32, 1ll << 32};
             });
         },
         "element count overflows"},
        {"byte count overflow",
         [] {
             return patched([](Spec& s) { tensorNamed(s, "output_norm.weight").ne = {1ll << 62}; });
         },
         "byte size overflows"},
        {"block size mismatch",
         [] {
             return patched([](Spec& s) {
                 TensorSpec& t = tensorNamed(s, "output_norm.weight");
                 t.type = 8;  // Q8_0 needs ne[0] % 32 == 0
                 t.ne = {33};
             });
         },
         "is not a multiple of the"},
        {"unknown tensor type",
         [] { return patched([](Spec& s) { tensorNamed(s, "output_norm.weight").type = 99; }); },
         "unknown tensor type 99"},
        {"alignment 0",
         [] {
             return patched([](Spec& s) {
                 s.kvs[kvIndex(s, "general.alignment")] =
                     kv("general.alignment", kU32, scalar<uint32_t>(0));
             });
         },
         "general.alignment"},
        {"alignment 3",
         [] {
             return patched([](Spec& s) {
                 s.kvs[kvIndex(s, "general.alignment")] =
                     kv("general.alignment", kU32, scalar<uint32_t>(3));
             });
         },
         "general.alignment"},
        {"alignment 0x80000000",
         [] {
             return patched([](Spec& s) {
                 s.kvs[kvIndex(s, "general.alignment")] =
                     kv("general.alignment", kU32, scalar<uint32_t>(0x80000000u));
             });
         },
         "general.alignment"},
        {"offset misaligned",
         [] {
             return patched([](Spec& s) {
                 pinOffsets(s);
                 *tensorNamed(s, "output_norm.weight").offset += 4;
             });
         },
         "not aligned"},
        {"offset past the end",
         [] {
             return patched([](Spec& s) {
                 pinOffsets(s);
                 uint64_t end = 0;
                 for (const TensorSpec& t : s.tensors) end = std::max(end, *t.offset + t.dataBytes);
                 s.dataSize = end;  // the file keeps its size; one offset points far past it
                 tensorNamed(s, "output_norm.weight").offset = 1ull << 40;
             });
         },
         "past the end"},
        {"offsets out of order (overlap)",
         [] {
             return patched([](Spec& s) {
                 pinOffsets(s);
                 tensorNamed(s, "output.weight").offset = 0;  // on top of token_embd.weight
             });
         },
         "overlaps"},
    };
}

std::vector<Case> modelCases() {
    auto dropKv = [](const char* key) {
        return [key] {
            return patched([key](Spec& s) { s.kvs.erase(s.kvs.begin() + long(kvIndex(s, key))); });
        };
    };
    auto dropTensor = [](const char* name) {
        return [name] {
            return patched([name](Spec& s) {
                s.tensors.erase(std::find_if(s.tensors.begin(), s.tensors.end(),
                                             [&](const TensorSpec& t) { return t.name == name; }));
            });
        };
    };
    return {
        {"missing metadata", dropKv("qwen2.block_count"), "missing metadata qwen2.block_count"},
        {"metadata out of range",
         [] {
             return patched([](Spec& s) {
                 s.kvs[kvIndex(s, "qwen2.attention.head_count")] =
                     kv("qwen2.attention.head_count", kU32, scalar<uint32_t>(0));
             });
         },
         "qwen2.attention.head_count = 0 out of range"},
        {"unsupported architecture",
         [] {
             return patched([](Spec& s) {
                 s.kvs[kvIndex(s, "general.architecture")] =
                     kv("general.architecture", kStr, str("gptneox"));
             });
         },
         "'gptneox' is not supported"},
        {"missing tensor", dropTensor("blk.0.ffn_down.weight"),
         "missing tensor blk.0.ffn_down.weight"},
        {"missing bias", dropTensor("blk.0.attn_q.bias"), "missing tensor blk.0.attn_q.bias"},
        {"wrong shape",
         [] {
             return patched([](Spec& s) { tensorNamed(s, "blk.0.attn_q.weight").ne = {64, 32}; });
         },
         "blk.0.attn_q.weight has shape [64, 32], expected [64, 64]"},
        {"wrong vector length",
         [] { return patched([](Spec& s) { tensorNamed(s, "output_norm.weight").ne = {32}; }); },
         "output_norm.weight has 32 elements, expected 64"},
        {"unsupported type",
         [] {
             return patched([](Spec& s) {
                 TensorSpec& t = tensorNamed(s, "blk.0.attn_k.weight");
                 t.type = 9;  // Q8_1: known to the loader, not runnable
                 t.dataBytes = 2 * 36 * 32;
             });
         },
         "blk.0.attn_k.weight has unsupported type Q8_1"},
        {"no tokenizer", dropKv("tokenizer.ggml.model"), "no tokenizer.ggml.model"},
        {"tokens array of u8",
         [] {
             return patched([](Spec& s) {
                 s.kvs[kvIndex(s, "tokenizer.ggml.tokens")] = kv(
                     "tokenizer.ggml.tokens", kArr, arrayOf(kU8, 3, numbers<uint8_t>({1, 2, 3})));
             });
         },
         "no tokenizer.ggml.tokens array"},
        {"vocab size mismatch",
         [] {
             return patched([](Spec& s) {
                 // token_embd and output gain 2000 rows the tokenizer does not have.
                 for (const char* n : {"token_embd.weight", "output.weight"}) {
                     TensorSpec& t = tensorNamed(s, n);
                     t.ne[1] += 2000;
                     t.dataBytes = uint64_t(t.ne[0] * t.ne[1] * 4);
                 }
             });
         },
         "tokens but token_embd has"},
        {"bos id outside the vocabulary",
         [] {
             return patched([](Spec& s) {
                 s.kvs[kvIndex(s, "tokenizer.ggml.bos_token_id")] =
                     kv("tokenizer.ggml.bos_token_id", kU32, scalar<uint32_t>(1u << 30));
             });
         },
         "outside the vocabulary"},
    };
}

}  // namespace

class CorruptGgufTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    // Loads bytes through Model::load from a file; returns the error ("" when it loaded) and the
    // peak RSS growth in bytes (-1 when it cannot be measured).
    QString load(const Bytes& b, int64_t& peakGrowth) {
        const QString path = m_dir.filePath(QStringLiteral("case.gguf"));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            f.write(reinterpret_cast<const char*>(b.data()), qint64(b.size())) != qint64(b.size()))
            qFatal("cannot write %s", qPrintable(path));
        f.close();
        const int64_t before = statusKb("VmRSS:");
        const bool reset = resetPeak();
        QString error;
        {
            auto m = folio::Model::load(path.toStdString());
            if (!m) error = QString::fromStdString(m.error().message);
        }
        const int64_t peak = statusKb("VmHWM:");
        peakGrowth =
            kPeakMeasurable && reset && before >= 0 && peak >= 0 ? (peak - before) * 1024 : -1;
        return error;
    }

    void runCases(const std::vector<Case>& cases) {
        QSet<QString> seen;
        for (const Case& c : cases) {
            const Bytes b = c.make();
            int64_t growth = 0;
            const QString error = load(b, growth);
            qInfo("%-32s %7zu B, peak +%lld B: %s", c.name, b.size(),
                  static_cast<long long>(growth), qPrintable(error));
            QVERIFY2(!error.isEmpty(), c.name);
            QVERIFY2(
                error.contains(QLatin1String(c.expected)),
                qPrintable(QStringLiteral("%1: '%2' lacks '%3'").arg(c.name, error, c.expected)));
            QVERIFY2(!seen.contains(error),
                     qPrintable(QStringLiteral("%1: same error as another case").arg(c.name)));
            seen.insert(error);
            if (growth >= 0)
                QVERIFY2(growth < int64_t(2 * b.size()) + kRssNoiseBytes,
                         qPrintable(QStringLiteral("%1: peak memory grew %2 B for a %3 B file")
                                        .arg(c.name)
                                        .arg(growth)
                                        .arg(b.size())));
        }
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        if (!resetPeak()) qWarning("cannot reset VmHWM: peak memory is not checked");
    }

    void validFixtureLoads() {
        const Bytes b = rel::tinyModelFile();
        QVERIFY(b.size() > 512 * 1024);  // big enough that the noise allowance is small beside it
        int64_t growth = 0;
        const QString error = load(b, growth);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        if (growth >= 0) QVERIFY(growth < int64_t(2 * b.size()) + kRssNoiseBytes);
    }

    void loaderCorruptions() { runCases(loaderCases()); }
    void modelCorruptions() { runCases(modelCases()); }

    // Every prefix of the file: the header, the kv section, the tensor infos and the data.
    void truncations() {
        const Bytes full = rel::tinyModelFile();
        uint64_t infoEnd = 0;
        build(rel::tinyModelSpec(), &infoEnd);
        std::vector<size_t> cuts = {1, 3, 4, 7, 8, 15, 16, 23, 24};
        for (size_t c = 25; c < infoEnd; c += 97) cuts.push_back(c);
        for (size_t c : {size_t(infoEnd) - 1, size_t(infoEnd), full.size() / 2, full.size() - 1})
            cuts.push_back(c);
        qInfo("%zu truncation points (tensor infos end at %llu)", cuts.size(),
              static_cast<unsigned long long>(infoEnd));
        for (size_t cut : cuts) {
            const Bytes b(full.begin(), full.begin() + long(cut));
            int64_t growth = 0;
            const QString error = load(b, growth);
            QVERIFY2(!error.isEmpty(),
                     qPrintable(QStringLiteral("truncated at %1 loaded").arg(cut)));
            if (growth >= 0)
                QVERIFY2(
                    growth < int64_t(2 * b.size()) + kRssNoiseBytes,
                    qPrintable(
                        QStringLiteral("truncated at %1: peak grew %2 B").arg(cut).arg(growth)));
        }
    }

    void emptyAndMissingFiles() {
        int64_t growth = 0;
        QVERIFY(load({}, growth).contains(QLatin1String("empty")));
        auto m = folio::Model::load(m_dir.filePath(QStringLiteral("absent.gguf")).toStdString());
        QVERIFY(!m);
        QVERIFY(QString::fromStdString(m.error().message).contains(QLatin1String("absent.gguf")));
        auto d = folio::Model::load(m_dir.path().toStdString());
        QVERIFY(!d);
        QVERIFY(QString::fromStdString(d.error().message).contains(QLatin1String("directory")));
    }
};

QTEST_GUILESS_MAIN(CorruptGgufTest)
#include "corrupt_gguf_test.moc"
