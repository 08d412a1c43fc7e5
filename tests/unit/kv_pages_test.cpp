// The KV page table on its own (no tensors): allocator, refcounts, fork + copy-on-write,
// truncate, the prefix index, LRU eviction, exhaustion and the one-partial-block waste bound.
#include "engine/runtime/kv_pages.h"

#include <QtTest>
#include <map>
#include <numeric>
#include <random>

using folio::KvPages;

namespace {

std::vector<int32_t> iota(int n, int32_t first) {
    std::vector<int32_t> v(static_cast<size_t>(n));
    std::iota(v.begin(), v.end(), first);
    return v;
}

std::vector<int32_t> concat(std::vector<int32_t> a, const std::vector<int32_t>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// Reserve + commit, as a forward pass would do.
void append(KvPages& pages, KvPages::SeqId seq, const std::vector<int32_t>& tokens) {
    auto copies = pages.reserve(seq, tokens);
    QVERIFY2(copies.ok(), copies.ok() ? "" : copies.error().message.c_str());
    pages.commit(seq);
}

int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
}

}  // namespace

class KvPagesTest : public QObject {
    Q_OBJECT
private slots:
    void allocatorAndRefcounts() {
        KvPages pages(8, 4);
        auto s = pages.createSequence();
        append(pages, s, iota(10, 100));
        QCOMPARE(pages.length(s), 10);
        QCOMPARE(pages.blockTable(s).size(), size_t(3));
        auto st = pages.stats();
        QCOMPARE(st.blocksTotal, int64_t(8));
        QCOMPARE(st.blocksInUse, int64_t(3));
        QCOMPARE(st.blocksFree, int64_t(5));
        for (auto b : pages.blockTable(s)) QCOMPARE(pages.refCount(b), 1);
        pages.freeSequence(s);
        st = pages.stats();
        // The two full blocks stay cached for the prefix index; the partial one is free.
        QCOMPARE(st.blocksInUse, int64_t(0));
        QCOMPARE(st.blocksCached, int64_t(2));
        QCOMPARE(st.blocksFree, int64_t(6));
        QVERIFY(!pages.isSequence(s));
    }

    void forkSharesBlocksAndCopiesOnWrite() {
        KvPages pages(8, 4);
        auto a = pages.createSequence();
        append(pages, a, iota(6, 0));  // block 0 full, block 1 holds 2 tokens
        auto b = pages.forkSequence(a);
        QCOMPARE(pages.tokens(b), pages.tokens(a));
        QCOMPARE(pages.blockTable(b), pages.blockTable(a));
        QCOMPARE(pages.stats().blocksInUse, int64_t(2));
        for (auto blk : pages.blockTable(a)) QCOMPARE(pages.refCount(blk), 2);

        const auto shared = pages.blockTable(a)[1];
        auto copies = pages.reserve(b, {42});
        QVERIFY(copies.ok());
        QCOMPARE(copies->size(), size_t(1));
        QCOMPARE((*copies)[0].src, shared);
        QCOMPARE((*copies)[0].nTokens, 2);
        QVERIFY((*copies)[0].dst != shared);
        QCOMPARE(pages.blockTable(b)[1], (*copies)[0].dst);
        QCOMPARE(pages.blockTable(b)[0], pages.blockTable(a)[0]);  // full block still shared
        QCOMPARE(pages.refCount(shared), 1);
        QCOMPARE(pages.stats().cowCopies, int64_t(1));
        pages.commit(b);

        // a now owns its partial block alone: appending needs no copy.
        copies = pages.reserve(a, {7});
        QVERIFY(copies.ok());
        QVERIFY(copies->empty());
        QCOMPARE(pages.stats().cowCopies, int64_t(1));
        pages.commit(a);
        QCOMPARE(pages.tokens(a), concat(iota(6, 0), {7}));
        QCOMPARE(pages.tokens(b), concat(iota(6, 0), {42}));
    }

    void truncateReleasesBlocks() {
        KvPages pages(8, 4);
        auto s = pages.createSequence();
        append(pages, s, iota(10, 0));
        pages.truncate(s, 5);
        QCOMPARE(pages.length(s), 5);
        QCOMPARE(pages.blockTable(s).size(), size_t(2));
        pages.truncate(s, 4);
        QCOMPARE(pages.blockTable(s).size(), size_t(1));
        QCOMPARE(pages.stats().blocksInUse, int64_t(1));
        // A reservation is dropped by truncate as well.
        QVERIFY(pages.reserve(s, iota(6, 50)).ok());
        QCOMPARE(pages.blockTable(s).size(), size_t(3));
        pages.truncate(s, 4);
        QCOMPARE(pages.reserved(s), 0);
        QCOMPARE(pages.blockTable(s).size(), size_t(1));
        pages.truncate(s, 0);
        QVERIFY(pages.blockTable(s).empty());
    }

    void truncateIntoPublishedBlockCopiesIt() {
        KvPages pages(8, 4);
        auto s = pages.createSequence();
        append(pages, s, iota(8, 0));  // two full blocks, both published
        const auto second = pages.blockTable(s)[1];
        pages.truncate(s, 6);
        auto copies = pages.reserve(s, {99});
        QVERIFY(copies.ok());
        QCOMPARE(copies->size(), size_t(1));
        QCOMPARE((*copies)[0].src, second);
        QCOMPARE((*copies)[0].nTokens, 2);
        pages.commit(s);
        // The published block kept its content and is cached: a new sequence can still use it.
        QCOMPARE(pages.stats().blocksCached, int64_t(1));
        auto t = pages.createSequence();
        QCOMPARE(pages.attachCachedPrefix(t, concat(iota(8, 0), {1})), 8);
        QCOMPARE(pages.blockTable(t)[1], second);
    }

    void sharedPrefixUsesBlocksOnce() {
        const int bt = 16, prefixLen = 4096;
        KvPages pages(1024, bt);
        const auto prefix = iota(prefixLen, 1000);
        const auto tokensA = concat(prefix, iota(100, 1));
        const auto tokensB = concat(prefix, iota(50, 500000));

        auto a = pages.createSequence();
        for (size_t i = 0; i < tokensA.size(); i += 512) {  // prefill in chunks
            std::vector<int32_t> chunk(tokensA.begin() + i,
                                       tokensA.begin() + std::min(tokensA.size(), i + 512));
            append(pages, a, chunk);
        }
        const int64_t usedByA = pages.stats().blocksInUse;
        QCOMPARE(usedByA, int64_t(ceilDiv(int(tokensA.size()), bt)));

        auto b = pages.createSequence();
        QCOMPARE(pages.attachCachedPrefix(b, tokensB), prefixLen);
        QCOMPARE(pages.length(b), prefixLen);
        QCOMPARE(pages.stats().prefixHitTokens, int64_t(prefixLen));
        append(pages, b, std::vector<int32_t>(tokensB.begin() + prefixLen, tokensB.end()));

        const auto st = pages.stats();
        QCOMPARE(st.blocksInUse, int64_t(ceilDiv(int(tokensA.size()), bt) +
                                         ceilDiv(int(tokensB.size()), bt) - prefixLen / bt));
        for (int i = 0; i < prefixLen / bt; ++i) {
            QCOMPARE(pages.blockTable(b)[size_t(i)], pages.blockTable(a)[size_t(i)]);
            QCOMPARE(pages.refCount(pages.blockTable(a)[size_t(i)]), 2);
        }
        QVERIFY(pages.blockTable(b)[prefixLen / bt] != pages.blockTable(a)[prefixLen / bt]);
    }

    void attachLeavesOneTokenAndChecksTokens() {
        KvPages pages(16, 4);
        auto a = pages.createSequence();
        append(pages, a, iota(12, 0));  // three full blocks published
        // Exactly the cached tokens: the last block is not attached so logits can be computed.
        auto b = pages.createSequence();
        QCOMPARE(pages.attachCachedPrefix(b, iota(12, 0)), 8);
        // A prompt that differs inside the second block attaches only the first.
        auto c = pages.createSequence();
        auto diff = iota(12, 0);
        diff[5] = 77;
        QCOMPARE(pages.attachCachedPrefix(c, diff), 4);
        // The same block content after a different first block is a different chain.
        auto d = pages.createSequence();
        auto shifted = iota(12, 0);
        shifted[0] = 55;
        QCOMPARE(pages.attachCachedPrefix(d, shifted), 0);
        QCOMPARE(pages.stats().prefixHitTokens, int64_t(12));
    }

    void lruEvictsOnlyWhenNeeded() {
        KvPages pages(6, 4);
        auto a = pages.createSequence();
        append(pages, a, iota(8, 0));
        pages.freeSequence(a);
        auto b = pages.createSequence();
        append(pages, b, iota(8, 100));
        pages.freeSequence(b);
        QCOMPARE(pages.stats().blocksCached, int64_t(4));
        QCOMPARE(pages.stats().blocksFree, int64_t(2));

        // Two free blocks are used first; the third comes from the least recently used cached
        // block: the tail of a's chain (a was released first, tail before head).
        auto c = pages.createSequence();
        append(pages, c, iota(12, 200));
        auto st = pages.stats();
        QCOMPARE(st.evictions, int64_t(1));
        QCOMPARE(st.blocksCached, int64_t(3));
        QCOMPARE(st.blocksFree, int64_t(0));

        auto d = pages.createSequence();
        QCOMPARE(pages.attachCachedPrefix(d, concat(iota(8, 0), {1})), 4);  // a's head only
        auto e = pages.createSequence();
        QCOMPARE(pages.attachCachedPrefix(e, concat(iota(8, 100), {1})), 8);  // b intact
        pages.freeSequence(c);
        pages.freeSequence(d);
        pages.freeSequence(e);
        QCOMPARE(pages.stats().blocksInUse, int64_t(0));
    }

    void exhaustionIsAnErrorAndChangesNothing() {
        KvPages pages(4, 4);
        auto a = pages.createSequence();
        auto r = pages.reserve(a, iota(17, 0));
        QVERIFY(!r.ok());
        QVERIFY(QString::fromStdString(r.error().message).contains("KV cache full"));
        QCOMPARE(pages.reserved(a), 0);
        QVERIFY(pages.blockTable(a).empty());
        QCOMPARE(pages.stats().blocksFree, int64_t(4));
        append(pages, a, iota(16, 0));
        auto b = pages.createSequence();
        QVERIFY(!pages.reserve(b, {1}).ok());
        // A fork of a block-aligned sequence needs no copy, but appending still needs a block.
        auto f = pages.forkSequence(a);
        QVERIFY(!pages.reserve(f, {1}).ok());
        QCOMPARE(pages.length(f), 16);
    }

    // Random operations; after each, every invariant of the table must hold.
    void randomOperationsKeepInvariants() {
        const int bt = 8;
        KvPages pages(200, bt);
        std::mt19937 rng(7);
        std::vector<KvPages::SeqId> live;
        for (int step = 0; step < 3000; ++step) {
            const int op = int(rng() % 10);
            if (live.empty() || op == 0) {
                auto s = pages.createSequence();
                std::vector<int32_t> prompt = iota(int(rng() % 40) + 1, int32_t(rng() % 3) * 8);
                pages.attachCachedPrefix(s, prompt);
                live.push_back(s);
                continue;
            }
            auto s = live[rng() % live.size()];
            if (op <= 5) {
                auto r = pages.reserve(s, iota(int(rng() % 20) + 1, int32_t(rng() % 4)));
                if (r.ok()) pages.commit(s);
            } else if (op == 6) {
                pages.truncate(s, int(rng() % (pages.length(s) + 1)));
            } else if (op == 7) {
                live.push_back(pages.forkSequence(s));
            } else {
                pages.freeSequence(s);
                live.erase(std::find(live.begin(), live.end(), s));
            }
            std::map<int32_t, int> refs;
            int64_t sumBlocks = 0;
            for (auto id : live) {
                const auto& table = pages.blockTable(id);
                // Waste bound: exactly the blocks the tokens need, so at most one partial block.
                QCOMPARE(int(table.size()), ceilDiv(pages.length(id) + pages.reserved(id), bt));
                for (auto blk : table) ++refs[blk];
                sumBlocks += int64_t(table.size());
            }
            for (const auto& [blk, n] : refs) QCOMPARE(pages.refCount(blk), n);
            const auto st = pages.stats();
            QCOMPARE(st.blocksInUse, int64_t(refs.size()));
            QVERIFY(st.blocksInUse <= sumBlocks);
            QCOMPARE(st.blocksInUse + st.blocksFree + st.blocksCached, st.blocksTotal);
        }
        QVERIFY(pages.stats().prefixHitTokens > 0);
        QVERIFY(pages.stats().cowCopies > 0);
        QVERIFY(pages.stats().evictions > 0);
    }
};

QTEST_GUILESS_MAIN(KvPagesTest)
#include "kv_pages_test.moc"
