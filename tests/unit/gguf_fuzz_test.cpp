// Deterministic mutation fuzzing of the GGUF parser (g++ has no libFuzzer): a valid file from
// gguf_builder.h, and the shared vocab files when present, are mutated with a fixed seed (bit
// flips, "interesting" u32/u64 values written over counts, lengths and offsets, truncation,
// insertion, deletion) and parsed from an exact-size heap copy. Whatever is accepted must keep
// every view inside the buffer. Build with -fsanitize=address,undefined to catch stray reads.
#include <QDir>
#include <QFile>
#include <QtTest>
#include <random>

#include "engine/gguf/gguf.h"
#include "support/test_env.h"
#include "unit/gguf_builder.h"

using folio::GgufFile;
using namespace folio::test::gguf;

namespace {

constexpr uint64_t kInteresting64[] = {0,
                                       1,
                                       2,
                                       31,
                                       32,
                                       33,
                                       64,
                                       65536,
                                       65537,
                                       uint64_t{1} << 31,
                                       uint64_t{1} << 32,
                                       uint64_t{1} << 62,
                                       uint64_t{1} << 63,
                                       UINT64_MAX - 63,
                                       UINT64_MAX};
constexpr uint32_t kInteresting32[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 14, 30, 99, UINT32_MAX};

// Applies one random mutation to b (never leaves it larger than twice the input plus 64 bytes).
void mutate(Bytes& b, std::mt19937_64& rng) {
    auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
    const size_t kind = pick(7);
    if (b.empty()) {
        b.push_back(static_cast<uint8_t>(rng()));
        return;
    }
    const size_t pos = pick(b.size());
    switch (kind) {
        case 0:
            b[pos] ^= static_cast<uint8_t>(1u << pick(8));
            break;
        case 1:
            b[pos] = static_cast<uint8_t>(rng());
            break;
        case 2:
            if (pos + 8 <= b.size()) {
                const uint64_t v = kInteresting64[pick(std::size(kInteresting64))];
                std::memcpy(b.data() + pos, &v, 8);
            }
            break;
        case 3:
            if (pos + 4 <= b.size()) {
                const uint32_t v = kInteresting32[pick(std::size(kInteresting32))];
                std::memcpy(b.data() + pos, &v, 4);
            }
            break;
        case 4:
            b.resize(pos);
            break;
        case 5:
            b.insert(b.begin() + static_cast<std::ptrdiff_t>(pos), pick(16) + 1, 0);
            break;
        default:
            b.erase(
                b.begin() + static_cast<std::ptrdiff_t>(pos),
                b.begin() + static_cast<std::ptrdiff_t>(std::min(b.size(), pos + pick(16) + 1)));
            break;
    }
}

bool inside(const void* p, size_t n, const uint8_t* base, size_t size) {
    const auto* q = static_cast<const uint8_t*>(p);
    return q >= base && n <= size && static_cast<size_t>(q - base) <= size - n;
}

// Checks that everything an accepted file exposes lies inside [base, base + size).
QString checkAccepted(const GgufFile& f, const uint8_t* base, size_t size) {
    for (const auto& [key, v] : f.metadata()) {
        if (!inside(key.data(), key.size(), base, size)) return "key outside the buffer";
        if (!inside(v.s.data(), v.s.size(), base, size) && !v.s.empty())
            return "string outside the buffer";
        if (v.type != folio::GgufValueType::Array) continue;
        if (const auto strs = f.getStringArray(key)) {
            for (std::string_view s : *strs) {
                if (!s.empty() && !inside(s.data(), s.size(), base, size))
                    return "array string outside the buffer";
            }
        }
        (void)f.getIntArray(key);
        (void)f.getFloatArray(key);
    }
    for (const folio::GgufTensor& t : f.tensors()) {
        if (!inside(t.data, t.nbytes, base, size)) return "tensor data outside the buffer";
        if (static_cast<uint64_t>(t.data - base) % f.alignment() != 0) return "misaligned tensor";
        if (f.tensor(t.name) != &t) return "tensor lookup mismatch";
    }
    return {};
}

struct FuzzStats {
    int accepted = 0;
    int refused = 0;
};

// Runs `iterations` mutants of seed; returns an empty string or the first problem found.
QString fuzz(const Bytes& seed, int iterations, uint64_t rngSeed, FuzzStats& stats) {
    std::mt19937_64 rng(rngSeed);
    for (int i = 0; i < iterations; ++i) {
        Bytes b = seed;
        const int n = 1 + static_cast<int>(rng() % 4);
        for (int m = 0; m < n; ++m) mutate(b, rng);
        // Exact-size heap copy: a read past its end is a real out-of-bounds access.
        const std::unique_ptr<uint8_t[]> buf(new uint8_t[b.size()]);
        if (!b.empty()) std::memcpy(buf.get(), b.data(), b.size());
        auto r = GgufFile::fromMemory(buf.get(), b.size());
        if (!r.ok()) {
            ++stats.refused;
            if (r.error().message.rfind("gguf: ", 0) != 0) return "bad message prefix";
            continue;
        }
        ++stats.accepted;
        const QString problem = checkAccepted(**r, buf.get(), b.size());
        if (!problem.isEmpty()) return QStringLiteral("mutant %1: ").arg(i) + problem;
    }
    return {};
}

}  // namespace

class GgufFuzzTest : public QObject {
    Q_OBJECT

private slots:
    void mutatedBuiltFile();
    void mutatedVocabFiles();
};

void GgufFuzzTest::mutatedBuiltFile() {
    FuzzStats stats;
    const QString problem = fuzz(validFile(), 30000, 0x5eed, stats);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(stats.accepted > 0);  // mutations inside the data section keep the file valid
    QVERIFY(stats.refused > 0);
}

void GgufFuzzTest::mutatedVocabFiles() {
    FOLIO_REQUIRE_SHARED();
    QFile file(folio::test::sharedPath("data/vocab/ggml-vocab-llama-spm.gguf"));
    if (!file.open(QIODevice::ReadOnly)) QSKIP("ggml-vocab-llama-spm.gguf is absent");
    const QByteArray data = file.readAll();
    const Bytes seed(data.begin(), data.end());
    FuzzStats stats;
    const QString problem = fuzz(seed, 200, 0xf00d, stats);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(stats.refused > 0);
}

QTEST_GUILESS_MAIN(GgufFuzzTest)
#include "gguf_fuzz_test.moc"
