// The disk tier of the KV prefix cache (engine/runtime/kv_disk.h). Without a model: a block
// round-trips; a file that is flipped, truncated, made for another layout or holding other
// tokens is ignored (and deleted), never loaded; the folder stays under its cap; clear empties
// it; forgetting a tag deletes the blocks of that source only. With a synthetic Qwen3 model: a
// second Generator with an empty memory cache (a restart) loads the prompt's blocks from disk,
// computes only the rest, and gives exactly the logits of an in-memory prefix hit (the same split
// of reused and computed tokens), close to a fresh prefill; a damaged block is recomputed with the
// right logits.
#include "engine/runtime/kv_disk.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <random>

#include "engine/model/model.h"
#include "engine/runtime/generator.h"
#include "engine/runtime/thread_pool.h"
#include "support/random_tokens.h"
#include "support/synthetic_model.h"
#include "support/test_env.h"

using namespace folio;

namespace {

using folio::test::maxRelDiff;
using folio::test::randomTokens;

constexpr int kBlockTokens = 16;
constexpr size_t kBlockBytes = 4096;

std::vector<uint8_t> randomBytes(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<uint8_t> b(n);
    for (auto& x : b) x = uint8_t(rng());
    return b;
}

std::unique_ptr<KvDiskCache> openDisk(const QString& dir, uint64_t identity,
                                      int64_t maxBytes = int64_t(1) << 30) {
    auto disk =
        KvDiskCache::open(dir.toStdString(), {identity, kBlockTokens, kBlockBytes}, maxBytes);
    if (!disk) qFatal("open: %s", disk.error().message.c_str());
    return std::move(disk.value());
}

// The one saved file under dir (recursively).
QString onlyFile(const QString& dir) {
    QStringList found;
    QDir root(dir);
    for (const QString& sub : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        for (const QString& f : QDir(root.filePath(sub)).entryList({"*.kvb"}, QDir::Files))
            found << root.filePath(sub + "/" + f);
    return found.size() == 1 ? found.front() : QString();
}

}  // namespace

class KvDiskTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_models;
    std::unique_ptr<Model> m_model;
    QString m_modelPath;

    std::unique_ptr<Generator> generatorWithDisk(ThreadPool& pool, const QString& dir,
                                                 KvType type = KvType::F16) {
        GeneratorOptions o;
        o.contextLength = 4096;
        o.kvType = type;
        auto gen = Generator::create(*m_model, pool, o);
        if (!gen) qFatal("%s", gen.error().message.c_str());
        const KvCacheConfig& kv = gen.value()->cache().config();
        auto identity =
            kvDiskIdentity(m_modelPath.toStdString(),
                           {int64_t(kv.type), kv.nLayers, kv.nKvHeads, kv.headDim, kv.blockTokens});
        if (!identity) qFatal("%s", identity.error().message.c_str());
        auto disk = KvDiskCache::open(
            dir.toStdString(), {*identity, kv.blockTokens, gen.value()->cache().blockBytes()},
            int64_t(1) << 30);
        if (!disk) qFatal("%s", disk.error().message.c_str());
        gen.value()->setDiskCache(std::move(disk.value()));
        return std::move(gen.value());
    }

private slots:
    void aBlockRoundTripsAndBadFilesAreIgnored() {
        QTemporaryDir dir;
        const std::vector<int32_t> ids = randomTokens(kBlockTokens, 1);
        const std::vector<uint8_t> bytes = randomBytes(kBlockBytes, 2);
        {
            auto disk = openDisk(dir.path(), 7);
            QVERIFY(!disk->contains(11));
            disk->storeAsync(11, ids, bytes);
            QVERIFY(disk->contains(11));
            disk->flush();
            QVERIFY(disk->usedBytes() > int64_t(kBlockBytes));
        }
        const QString file = onlyFile(dir.path());
        QVERIFY(!file.isEmpty());
        std::vector<uint8_t> out(kBlockBytes);
        {
            auto disk = openDisk(dir.path(), 7);  // a restart: found by listing the folder
            QVERIFY(disk->contains(11));
            QVERIFY(disk->load(11, ids.data(), out.data()));
            QVERIFY(out == bytes);
            std::vector<int32_t> other = ids;
            other[3] += 1;
            QVERIFY(!disk->load(11, other.data(), out.data()));  // other tokens: never served
        }
        QVERIFY(!QFile::exists(file));  // and the file was dropped

        // A flipped byte, a truncated file, another identity: ignored and deleted.
        const auto writeOne = [&](uint64_t identity) {
            auto disk = openDisk(dir.path(), identity);
            disk->storeAsync(11, ids, bytes);
            disk->flush();
            return onlyFile(dir.path());
        };
        QString path = writeOne(7);
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadWrite));
            f.seek(f.size() - 100);
            char c = 0;
            f.getChar(&c);
            f.seek(f.size() - 100);
            f.putChar(char(c ^ 0x40));
        }
        QVERIFY(!openDisk(dir.path(), 7)->load(11, ids.data(), out.data()));
        QVERIFY(!QFile::exists(path));
        path = writeOne(7);
        QVERIFY(QFile::resize(path, QFileInfo(path).size() - 1));
        QVERIFY(!openDisk(dir.path(), 7)->load(11, ids.data(), out.data()));
        QVERIFY(!QFile::exists(path));
        path = writeOne(7);
        {
            QFile f(path);  // a byte too many (fuzz_kv_disk found it was loaded)
            QVERIFY(f.open(QIODevice::Append));
            f.write("@");
        }
        QVERIFY(!openDisk(dir.path(), 7)->load(11, ids.data(), out.data()));
        QVERIFY(!QFile::exists(path));
        path = writeOne(7);
        QVERIFY(!openDisk(dir.path(), 8)->load(11, ids.data(), out.data()));  // another model
        QVERIFY(QFile::exists(path));  // not its file: left alone
        QVERIFY(QFile::resize(path, 10));
        QVERIFY(!openDisk(dir.path(), 7)->load(11, ids.data(), out.data()));  // short header
    }

    void theFolderStaysUnderItsCap() {
        QTemporaryDir dir;
        const int64_t cap = 10 * int64_t(kBlockBytes);
        auto disk = openDisk(dir.path(), 7, cap);
        for (uint64_t key = 1; key <= 30; ++key)
            disk->storeAsync(key, randomTokens(kBlockTokens, uint32_t(key)),
                             randomBytes(kBlockBytes, uint32_t(key)));
        disk->flush();
        QVERIFY(disk->usedBytes() <= cap);
        QVERIFY(disk->usedBytes() > 0);
        disk->clear();
        QCOMPARE(disk->usedBytes(), int64_t(0));
        QVERIFY(!disk->contains(30));
    }

    // A block keeps the tags every prompt using it carried; forgetting a tag deletes exactly
    // the blocks that hold that source's text, in every model's folder, after a restart too.
    void forgettingATagDeletesOnlyItsBlocks() {
        QTemporaryDir dir;
        const auto block = [](uint32_t seed) { return randomTokens(kBlockTokens, seed); };
        const auto bytes = [](uint32_t seed) { return randomBytes(kBlockBytes, seed); };
        {
            auto disk = openDisk(dir.path(), 7);
            disk->storeAsync(1, block(1), bytes(1), {"conv-1", "doc-5"});  // system + document
            disk->storeAsync(2, block(2), bytes(2), {"conv-1", "doc-5"});  // chat 1's question
            disk->storeAsync(3, block(3), bytes(3));                       // a plain chat
            disk->noteUse(1, {"conv-2", "doc-5"});  // chat 2 asks about the same document
            disk->noteUse(3, {"conv-3"});           // untagged stays untagged
            disk->saveTags();
            QCOMPARE(disk->forget("conv-1"), 1);
            QVERIFY(disk->contains(1));
            QVERIFY(!disk->contains(2));
            QVERIFY(disk->contains(3));
        }
        {
            auto other = openDisk(dir.path(), 8);  // another model read the document too
            other->storeAsync(9, block(9), bytes(9), {"doc-5"});
            other->storeAsync(10, block(10), bytes(10), {"doc-6"});
            other->saveTags();
        }
        {
            auto disk = openDisk(dir.path(), 7);  // after a restart: the tags were saved
            const int64_t before = disk->usedBytes();
            QCOMPARE(disk->forget("doc-5"), 2);  // block 1 here, block 9 in model 8's folder
            QVERIFY(!disk->contains(1));
            QVERIFY(disk->contains(3));
            QVERIFY(disk->usedBytes() < before);
        }
        QCOMPARE(forgetKvDiskTag(dir.path().toStdString(), "doc-6"), 1);  // no cache open
        QCOMPARE(forgetKvDiskTag(dir.path().toStdString(), "doc-6"), 0);
        QStringList left;
        for (const QString& sub : QDir(dir.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            left << QDir(dir.path() + "/" + sub).entryList({"*.kvb"}, QDir::Files);
        QCOMPARE(left, QStringList{"0000000000000003.kvb"});
        const std::vector<std::string> norm = KvDiskCache::normalizeTags({"b x", "a", "a", ""});
        QCOMPARE(norm, (std::vector<std::string>{"a", "b_x"}));
    }

    void initTestCase() { QVERIFY(m_models.isValid()); }

    // The model part: a synthetic model (needs ../shared and python gguf).
    void aRestartLoadsThePromptFromDisk() {
        FOLIO_REQUIRE_SHARED();
        m_modelPath = m_models.filePath("tiny-q8_0.gguf");
        FOLIO_WRITE_SYNTHETIC_MODEL((folio::test::SyntheticSpec{"tiny", "q8_0"}), m_modelPath,
                                    120000);
        auto model = Model::load(m_modelPath.toStdString());
        QVERIFY2(model.ok(), model.ok() ? "" : model.error().message.c_str());
        m_model = std::move(model.value());

        QTemporaryDir dir;
        ThreadPool pool(2);
        std::vector<int32_t> prompt = randomTokens(1000, 5);
        std::vector<float> fresh, memoryHit, restored;
        {
            auto first = generatorWithDisk(pool, dir.path());
            QVERIFY(first->evaluate(prompt, false, fresh, {}, true).ok());
            QCOMPARE(first->lastReusedTokens(), 0);
            QVERIFY(first->evaluate(prompt, false, memoryHit, {}, true).ok());
            QCOMPARE(first->lastReusedTokens(), 992);  // (1000 - 1) / 16 * 16, from memory
            QCOMPARE(first->lastRestoredTokens(), 0);
            first->diskCache()->flush();
        }
        // A restart: an empty memory cache, the same folder.
        auto second = generatorWithDisk(pool, dir.path());
        QVERIFY(second->evaluate(prompt, false, restored, {}, true).ok());
        QCOMPARE(second->lastReusedTokens(), 992);
        QCOMPARE(second->lastRestoredTokens(), 992);
        QVERIFY(restored == memoryHit);  // bit-identical: the same bytes, the same split
        QVERIFY(maxRelDiff(restored, fresh) < 1e-4);

        // A prompt sharing the first 500 tokens: the 496 of whole blocks come from disk.
        std::vector<int32_t> other(prompt.begin(), prompt.begin() + 500);
        const std::vector<int32_t> tail = randomTokens(60, 9);
        other.insert(other.end(), tail.begin(), tail.end());
        auto third = generatorWithDisk(pool, dir.path());
        std::vector<float> partial, partialFresh;
        QVERIFY(third->evaluate(other, false, partial, {}, true).ok());
        QCOMPARE(third->lastRestoredTokens(), 496);
        GeneratorOptions plain;
        plain.contextLength = 4096;
        auto noDisk = Generator::create(*m_model, pool, plain);
        QVERIFY(noDisk.ok());
        QVERIFY(noDisk.value()->evaluate(other, false, partialFresh).ok());
        QVERIFY(maxRelDiff(partial, partialFresh) < 1e-4);

        // Another KV type is another identity: nothing of the f16 blocks is loaded.
        auto q8 = generatorWithDisk(pool, dir.path(), KvType::Q8_0);
        std::vector<float> q8Logits;
        QVERIFY(q8->evaluate(prompt, false, q8Logits, {}, true).ok());
        QCOMPARE(q8->lastRestoredTokens(), 0);
    }

    void aDamagedBlockIsComputedInstead() {
        if (!m_model) QSKIP("needs the synthetic model of the previous test");
        QTemporaryDir dir;
        ThreadPool pool(2);
        const std::vector<int32_t> prompt = randomTokens(200, 11);  // 12 whole blocks saved
        std::vector<float> fresh, restored;
        {
            auto first = generatorWithDisk(pool, dir.path());
            QVERIFY(first->evaluate(prompt, false, fresh, {}, true).ok());
            first->diskCache()->flush();
        }
        // Damage one saved block's payload: the blocks before it load, it and the rest are
        // computed.
        QDir root(dir.path());
        const QString sub = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot).value(0);
        const QStringList files = QDir(root.filePath(sub)).entryList({"*.kvb"}, QDir::Files);
        QCOMPARE(files.size(), 12);
        for (const QString& name : files) {
            QFile f(root.filePath(sub + "/" + name));
            QVERIFY(f.open(QIODevice::ReadWrite));
            f.seek(f.size() / 2);
            f.putChar('\x5a');
            f.putChar('\xa5');
            break;  // one file only
        }
        auto second = generatorWithDisk(pool, dir.path());
        QVERIFY(second->evaluate(prompt, false, restored, {}, true).ok());
        QVERIFY(second->lastRestoredTokens() < 192);
        QVERIFY(maxRelDiff(restored, fresh) < 1e-4);
    }
};

QTEST_GUILESS_MAIN(KvDiskTest)
#include "kv_disk_test.moc"
