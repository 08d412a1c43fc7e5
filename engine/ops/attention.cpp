#include "engine/ops/attention.h"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cmath>
#include <limits>
#include <vector>

namespace folio {

namespace {

// The fixed inputs of one attention call and its work decomposition.
struct AttentionJob {
    const KvCache* cache;
    const std::vector<KvCache::BlockId>* table;
    const AttentionKernelTable* kernels;
    int layer, nTok, startPos, nHead, nKv, group, headDim, blockTokens;
    float scale;
    const float* q;
    float* out;
    int nTiles, nParts, nCtxBlocks;
    int partBlocks;  // context blocks per split-K partition (the last one may have fewer)
    bool decode;     // items = partitions over every kv head (runDecodeItem), not runItem's
    // Split-K partial results, [part][tok][head] for m and l, [part][tok][head][headDim] for acc.
    float* partM;
    float* partL;
    float* partAcc;
};

int roundUp(int n, int multiple) {
    return (n + multiple - 1) / multiple * multiple;
}

// Whether an item of nRows query rows runs through tileBlockT: prefill items with enough rows to
// fill at least half of its 16-lane vectors (fewer would mostly compute padding).
bool useTransposed(const AttentionJob& job, int nRows) {
    return job.kernels->tileBlockT != nullptr && !job.decode && nRows >= kTransposedRows / 2;
}

// Floats between the score rows of a decode item (a partition's keys).
size_t decodeRowStride(const AttentionJob& job) {
    return static_cast<size_t>(job.partBlocks) * job.blockTokens;
}

// The split-K decomposition of a job whose shape is set: nParts partitions of partBlocks context
// blocks each (the last may have fewer), and whether it is a decode job. Only jobs with fewer
// than kAttentionSplitBelowItems (kv head, tile) items split, and never into more partitions than
// partitions of kAttentionPartitionBlocks would make.
// - Decode (one query token): partitions of kAttentionPartitionBlocks, each over every head
//   (runDecodeItem), so a partition's scores fit the per-thread scratch and the partials are
//   small (one row per head and partition).
// - Prefill: just enough partitions to reach kAttentionSplitBelowItems items. The partials hold
//   one row per (partition, token, head), so partitions of a fixed length would make them grow
//   with the context: a 512-token chunk of a model with 2 kv heads at 16K was 121 MB (a fifth of
//   the default model's peak RSS there); now they are bounded by the chunk, not the context.
void choosePartitions(AttentionJob& job) {
    job.nParts = 1;
    job.partBlocks = job.nCtxBlocks;
    const int items = job.nKv * job.nTiles;
    if (items < kAttentionSplitBelowItems && job.nCtxBlocks > kAttentionPartitionBlocks) {
        const int maxParts =
            (job.nCtxBlocks + kAttentionPartitionBlocks - 1) / kAttentionPartitionBlocks;
        if (job.nTok == 1) {
            job.nParts = maxParts;
            job.partBlocks = kAttentionPartitionBlocks;
        } else {
            const int parts = std::min((kAttentionSplitBelowItems + items - 1) / items, maxParts);
            job.partBlocks = (job.nCtxBlocks + parts - 1) / parts;
            job.nParts = (job.nCtxBlocks + job.partBlocks - 1) / job.partBlocks;  // none empty
        }
    }
    // Decode at a context long enough to split: partitions over every head (runDecodeItem).
    job.decode = job.nTok == 1 && job.nParts > 1;
}

// Per-thread scratch: one K and one V block in f32 (padded to whole vectors of keys for
// tileBlockT), the scaled query rows of one item (group * tile tokens, row = (t - t0) * group +
// h; a decode item: every head, row = h), their causal key counts, the kernels' scratch, and
// running state; for tileBlockT the rows transposed (qT, accT: [headDim][rows padded to 16]).
struct Scratch {
    std::vector<float> k, v, scores, q, m, l, acc, qT, accT;
    std::vector<int> rowKeys;
    explicit Scratch(const AttentionJob& job) {
        const size_t block =
            static_cast<size_t>(roundUp(job.blockTokens, kTransposedRows)) * job.headDim;
        const size_t rows = static_cast<size_t>(
            std::max(roundUp(job.group * kAttentionTileTokens, kTransposedRows), job.nHead));
        k.resize(block);
        v.resize(block);
        // A decode item's scores (every head's row over its partition), else tileBlock's
        // scratch: only decode jobs have partitions short enough to size it by (a prefill job
        // without split-K has one partition of the whole context).
        scores.resize(job.decode ? static_cast<size_t>(job.nHead) * decodeRowStride(job)
                                 : static_cast<size_t>(job.blockTokens) + 32);
        q.resize(rows * job.headDim);
        m.resize(rows);
        l.resize(rows);
        acc.resize(rows * job.headDim);
        rowKeys.resize(rows);
        if (useTransposed(job, std::min(job.nTok, kAttentionTileTokens) * job.group)) {
            qT.resize(rows * job.headDim);
            accT.resize(rows * job.headDim);
        }
    }
};

// Returns a [nValid][headDim] f32 view of kv head g's K (kv 0) or V (kv 1) in a block, converting
// f16 or q8 rows into buf.
const float* blockRows(const AttentionJob& job, KvCache::BlockId block, int g, int kv, int nValid,
                       float* buf) {
    const KvCache& cache = *job.cache;
    const void* data =
        kv == 0 ? cache.keys(block, job.layer, g) : cache.values(block, job.layer, g);
    const int64_t n = static_cast<int64_t>(nValid) * job.headDim;
    switch (cache.config().type) {
        case KvType::F32:
            break;
        case KvType::F16:
            job.kernels->halfToFloat(static_cast<const uint16_t*>(data), buf, n);
            return buf;
        case KvType::Q8_0: {
            const KvRowsQ8 rows = cache.rowsQ8(block, job.layer, kv, g);
            job.kernels->q8ToFloat(rows.q, rows.scale, buf, n);
            return buf;
        }
    }
    return static_cast<const float*>(data);
}

// blockRows for tileBlockT: the rows in a buffer of keyRows rows whose rows past nValid are zero
// (the kernel reads whole vectors of keys, and a block's unwritten rows may hold anything).
const float* paddedBlockRows(const AttentionJob& job, KvCache::BlockId block, int g, int kv,
                             int nValid, int keyRows, float* buf) {
    const float* rows = blockRows(job, block, g, kv, nValid, buf);
    if (nValid == keyRows) return rows;
    const size_t valid = static_cast<size_t>(nValid) * job.headDim;
    if (rows != buf) std::copy_n(rows, valid, buf);
    std::fill(buf + valid, buf + static_cast<size_t>(keyRows) * job.headDim, 0.0f);
    return buf;
}

// Writes n finished rows (scratch rows row0.., output heads head0.. of [nTok][nHead]): the
// normalised output, or with split-K the partition's partial (m, l, acc).
void finishRows(const AttentionJob& job, int64_t head0, int part, const Scratch& s, int row0,
                int n) {
    const int hd = job.headDim;
    for (int i = 0; i < n; ++i) {
        const int row = row0 + i;
        const int64_t head = head0 + i;
        const float* acc = s.acc.data() + static_cast<int64_t>(row) * hd;
        if (job.nParts == 1) {
            // Every row sees at least position 0, so l >= 1.
            const float inv = 1.0f / s.l[row];
            float* o = job.out + head * hd;
            for (int d = 0; d < hd; ++d) o[d] = acc[d] * inv;
        } else {
            const int64_t slot = static_cast<int64_t>(part) * job.nTok * job.nHead + head;
            job.partM[slot] = s.m[row];
            job.partL[slot] = s.l[row];
            std::copy_n(acc, hd, job.partAcc + slot * hd);
        }
    }
}

// Walks the context blocks of the item with query tokens [t0, t1) in partition `part`: per block
// fills s.rowKeys (row (t - t0) * group + h: the block's keys token t sees, the causal mask) and
// calls step(b, nValid, last) with the block's index in the sequence, its valid keys and whether
// it is the partition's last.
template <class Step>
void forItemBlocks(const AttentionJob& job, int t0, int t1, int part, Scratch& s, Step step) {
    const int bt = job.blockTokens, group = job.group;
    const int lastPos = job.startPos + t1 - 1;  // the tile's last query position
    const int b0 = part * job.partBlocks;
    const int b1 = std::min({job.nCtxBlocks, b0 + job.partBlocks, lastPos / bt + 1});
    for (int b = b0; b < b1; ++b) {
        const int blockStart = b * bt;
        const int nValid = std::min(bt, lastPos + 1 - blockStart);
        for (int t = t0; t < t1; ++t) {  // only diagonal blocks cut rows short
            const int nKeys = std::clamp(job.startPos + t + 1 - blockStart, 0, nValid);
            std::fill_n(s.rowKeys.begin() + (t - t0) * group, group, nKeys);
        }
        step(b, nValid, b + 1 == b1);
    }
}

// finishRows for every token of an item: row (t - t0) * group + h is output head g * group + h.
void finishItem(const AttentionJob& job, int g, int t0, int t1, int part, const Scratch& s) {
    for (int t = t0; t < t1; ++t) {
        finishRows(job, static_cast<int64_t>(t) * job.nHead + g * job.group, part, s,
                   (t - t0) * job.group, job.group);
    }
}

KvCache::BlockId blockAt(const AttentionJob& job, int b) {
    return (*job.table)[static_cast<size_t>(b)];
}

// One work item: kv head g, query tokens [t0, t1), context blocks of partition `part`.
void runItem(const AttentionJob& job, int g, int t0, int t1, int part, Scratch& s) {
    const int hd = job.headDim, group = job.group;
    const int rows = (t1 - t0) * group;
    std::fill_n(s.m.begin(), rows, -std::numeric_limits<float>::infinity());
    std::fill_n(s.l.begin(), rows, 0.0f);
    std::fill_n(s.acc.begin(), static_cast<size_t>(rows) * hd, 0.0f);
    for (int t = t0; t < t1; ++t) {  // the group's query rows, contiguous and pre-scaled
        const float* src = job.q + (static_cast<int64_t>(t) * job.nHead + g * group) * hd;
        float* dst = s.q.data() + static_cast<int64_t>(t - t0) * group * hd;
        for (int i = 0; i < group * hd; ++i) dst[i] = src[i] * job.scale;
    }

    forItemBlocks(job, t0, t1, part, s, [&](int b, int nValid, bool) {
        const float* k = blockRows(job, blockAt(job, b), g, 0, nValid, s.k.data());
        const float* v = blockRows(job, blockAt(job, b), g, 1, nValid, s.v.data());
        job.kernels->tileBlock(s.q.data(), rows, s.rowKeys.data(), k, v, nValid, hd, s.m.data(),
                               s.l.data(), s.acc.data(), s.scores.data());
    });

    finishItem(job, g, t0, t1, part, s);
}

// Asks for one (block, layer, kv head) run of K or V while the current one is computed: at the
// Qwen3 shape a run is 4 KiB (f16; 2.25 KiB in q8_0, scales included), and the hardware
// prefetchers stop at page boundaries, so each run would otherwise start with a round trip to
// memory. Into L2 (locality 2): requests into L1 ran no faster, and one run ahead is enough.
void prefetchRun(const AttentionJob& job, const void* run) {
    const char* p = static_cast<const char*>(run);
    for (size_t off = 0; off < job.cache->headBytes(); off += 64) __builtin_prefetch(p + off, 0, 2);
}

// prefetchRun of both the K and the V run of (block, kv head g).
void prefetchHead(const AttentionJob& job, KvCache::BlockId block, int g) {
    prefetchRun(job, job.cache->keys(block, job.layer, g));
    prefetchRun(job, job.cache->values(block, job.layer, g));
}

// runItem through tileBlockT: the item's query rows are transposed once (lane = row, padding
// rows zero with no keys), every block's K/V go through paddedBlockRows, and the accumulators
// are transposed back for finishRows.
void runItemTransposed(const AttentionJob& job, int g, int t0, int t1, int part, Scratch& s) {
    const int hd = job.headDim, bt = job.blockTokens, group = job.group;
    const int rows = (t1 - t0) * group;
    const int pad = roundUp(rows, kTransposedRows);
    const int keyRows = roundUp(bt, kTransposedRows);
    std::fill_n(s.m.begin(), pad, -std::numeric_limits<float>::infinity());
    std::fill_n(s.l.begin(), pad, 0.0f);
    std::fill_n(s.accT.begin(), static_cast<size_t>(pad) * hd, 0.0f);
    std::fill_n(s.qT.begin(), static_cast<size_t>(pad) * hd, 0.0f);
    std::fill_n(s.rowKeys.begin(), pad, 0);
    for (int t = t0; t < t1; ++t) {
        for (int h = 0; h < group; ++h) {
            const float* src = job.q + (static_cast<int64_t>(t) * job.nHead + g * group + h) * hd;
            const int row = (t - t0) * group + h;
            for (int d = 0; d < hd; ++d)
                s.qT[static_cast<size_t>(d) * pad + row] = src[d] * job.scale;
        }
    }

    forItemBlocks(job, t0, t1, part, s, [&](int b, int nValid, bool last) {
        if (!last) prefetchHead(job, blockAt(job, b + 1), g);
        const float* k = paddedBlockRows(job, blockAt(job, b), g, 0, nValid, keyRows, s.k.data());
        const float* v = paddedBlockRows(job, blockAt(job, b), g, 1, nValid, keyRows, s.v.data());
        job.kernels->tileBlockT(s.qT.data(), pad, s.rowKeys.data(), k, v, nValid, hd, s.m.data(),
                                s.l.data(), s.accT.data());
    });

    for (int row = 0; row < rows; ++row) {
        float* acc = s.acc.data() + static_cast<int64_t>(row) * hd;
        for (int d = 0; d < hd; ++d) acc[d] = s.accT[static_cast<size_t>(d) * pad + row];
    }
    finishItem(job, g, t0, t1, part, s);
}

// The K (kv 0) or V (kv 1) run of (block, kv head g) in the form the decode kernels read.
KvRun decodeRun(const AttentionJob& job, KvCache::BlockId block, int kv, int g) {
    if (job.cache->config().type == KvType::Q8_0) {
        const KvRowsQ8 rows = job.cache->rowsQ8(block, job.layer, kv, g);
        return {rows.q, rows.scale};
    }
    return {kv == 0 ? job.cache->keys(block, job.layer, g) : job.cache->values(block, job.layer, g),
            nullptr};
}

// Calls visit(b, g, run) for each context block b of the decode partition [b0, b1) and
// each kv head g in storage order (a block's K of every head, then its V, are contiguous:
// kv_cache.h), prefetching the next run of the same kind (K for kv 0, V for kv 1).
template <class Visit>
void forDecodeRuns(const AttentionJob& job, int b0, int b1, int kv, Visit visit) {
    for (int b = b0; b < b1; ++b) {
        const KvCache::BlockId block = blockAt(job, b);
        for (int g = 0; g < job.nKv; ++g) {
            if (g + 1 < job.nKv) {
                prefetchRun(job, decodeRun(job, block, kv, g + 1).rows);
            } else if (b + 1 < b1) {
                prefetchRun(job, decodeRun(job, blockAt(job, b + 1), kv, 0).rows);
            }
            visit(b, g, decodeRun(job, block, kv, g));
        }
    }
}

// Decode (nTok == 1): partition `part` of the context for every kv head, in two passes that each
// stream the pool in storage order: every score of the partition (K), one softmax per query row,
// then the value sums (V). K/V are read in place (DecodeKernels: converted in registers) because
// each run serves only the group's few query rows. With a plain softmax per partition no running
// maximum links one block to the next, so both passes are independent dot products and FMAs.
void runDecodeItem(const AttentionJob& job, int part, Scratch& s) {
    const int hd = job.headDim, bt = job.blockTokens, group = job.group;
    const int64_t stride = static_cast<int64_t>(decodeRowStride(job));
    const int b0 = part * job.partBlocks;
    const int b1 = std::min(job.nCtxBlocks, b0 + job.partBlocks);
    // Keys from the partition's start to the query's position (past the partition's end for all
    // but the last partition), and the partition's own keys.
    const int nKeys = job.startPos + 1 - b0 * bt;
    const int partKeys = std::min(nKeys, (b1 - b0) * bt);
    const DecodeKernels& kernels = job.kernels->decode[static_cast<int>(job.cache->config().type)];
    for (int i = 0; i < job.nHead * hd; ++i) s.q[i] = job.q[i] * job.scale;

    float* scores = s.scores.data();
    forDecodeRuns(job, b0, b1, 0, [&](int b, int g, KvRun k) {
        const int nValid = std::min(bt, nKeys - (b - b0) * bt);
        kernels.scores(s.q.data() + static_cast<int64_t>(g) * group * hd, group, k, nValid, hd,
                       scores + g * group * stride + (b - b0) * bt, stride);
    });
    for (int r = 0; r < job.nHead; ++r)
        s.l[r] = job.kernels->softmaxRow(scores + r * stride, partKeys, &s.m[r]);
    std::fill_n(s.acc.begin(), static_cast<size_t>(job.nHead) * hd, 0.0f);
    forDecodeRuns(job, b0, b1, 1, [&](int b, int g, KvRun v) {
        const int nValid = std::min(bt, nKeys - (b - b0) * bt);
        kernels.accumulate(scores + g * group * stride + (b - b0) * bt, stride, group, v, nValid,
                           hd, s.acc.data() + static_cast<int64_t>(g) * group * hd);
    });
    finishRows(job, 0, part, s, 0, job.nHead);
}

// Merges the split-K partitions of (token, head) rows [begin, end) in partition order.
void combineParts(const AttentionJob& job, int64_t begin, int64_t end) {
    const int hd = job.headDim;
    const int64_t stride = static_cast<int64_t>(job.nTok) * job.nHead;
    for (int64_t row = begin; row < end; ++row) {
        float mMax = -std::numeric_limits<float>::infinity();
        for (int p = 0; p < job.nParts; ++p) mMax = std::max(mMax, job.partM[p * stride + row]);
        float* o = job.out + row * hd;
        std::fill_n(o, hd, 0.0f);
        float sum = 0.0f;
        for (int p = 0; p < job.nParts; ++p) {
            const int64_t slot = p * stride + row;
            if (job.partL[slot] == 0.0f) continue;  // partition past this token: no keys
            const float w = std::exp(job.partM[slot] - mMax);
            sum += job.partL[slot] * w;
            const float* acc = job.partAcc + slot * hd;
            for (int d = 0; d < hd; ++d) o[d] += acc[d] * w;
        }
        const float inv = 1.0f / sum;
        for (int d = 0; d < hd; ++d) o[d] *= inv;
    }
}

// Rotates each of the rows [nRows][headDim] of x by hadamardRotate, on the pool.
void rotateRows(float* x, int64_t nRows, int headDim, ThreadPool& pool) {
    pool.parallelFor(nRows, 16, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) hadamardRotate(x + r * headDim, headDim);
    });
}
}  // namespace

void attention(const KvCache& cache, KvCache::SeqId seq, int layer, const float* q, int nTok,
               int startPos, int nHead, float scale, float* out, ThreadPool& pool,
               AttentionKernel kernel) {
    const KvCacheConfig& cfg = cache.config();
    assert(nTok > 0 && startPos >= 0 && layer >= 0 && layer < cfg.nLayers);
    assert(nHead > 0 && nHead % cfg.nKvHeads == 0);
    // A cache that stores rotated K sees rotated queries: (H q) . (H k) = q . k.
    std::vector<float> rotatedQ;
    if (cache.keysRotated()) {
        const int64_t nRows = static_cast<int64_t>(nTok) * nHead;
        rotatedQ.assign(q, q + nRows * cfg.headDim);
        rotateRows(rotatedQ.data(), nRows, cfg.headDim, pool);
        q = rotatedQ.data();
    }

    AttentionJob job{};
    job.cache = &cache;
    job.table = &cache.blockTable(seq);
    job.kernels = attentionKernels(kernel);
    if (job.kernels == nullptr) job.kernels = attentionKernels(AttentionKernel::Scalar);
    job.layer = layer;
    job.nTok = nTok;
    job.startPos = startPos;
    job.nHead = nHead;
    job.nKv = cfg.nKvHeads;
    job.group = nHead / cfg.nKvHeads;
    job.headDim = cfg.headDim;
    job.blockTokens = cfg.blockTokens;
    job.scale = scale;
    job.q = q;
    job.out = out;
    job.nTiles = (nTok + kAttentionTileTokens - 1) / kAttentionTileTokens;
    job.nCtxBlocks = (startPos + nTok + cfg.blockTokens - 1) / cfg.blockTokens;
    assert(job.table->size() >= static_cast<size_t>(job.nCtxBlocks));
    choosePartitions(job);

    std::vector<float> partials;
    if (job.nParts > 1) {
        const size_t rows = static_cast<size_t>(job.nParts) * nTok * nHead;
        partials.resize(rows * (2 + static_cast<size_t>(job.headDim)));
        job.partM = partials.data();
        job.partL = job.partM + rows;
        job.partAcc = job.partL + rows;
    }

    // Items are claimed dynamically; the costliest (last tiles, longest causal context) first.
    const int nItems = job.decode ? job.nParts : job.nKv * job.nTiles * job.nParts;
    std::atomic<int> next{0};
    pool.run([&](int, int) {
        Scratch scratch(job);
        for (int i = next.fetch_add(1); i < nItems; i = next.fetch_add(1)) {
            if (job.decode) {
                runDecodeItem(job, i, scratch);
                continue;
            }
            const int part = i % job.nParts;
            const int g = (i / job.nParts) % job.nKv;
            const int tile = job.nTiles - 1 - i / (job.nParts * job.nKv);
            const int t0 = tile * kAttentionTileTokens;
            const int t1 = std::min(nTok, t0 + kAttentionTileTokens);
            if (useTransposed(job, (t1 - t0) * job.group)) {
                runItemTransposed(job, g, t0, t1, part, scratch);
            } else {
                runItem(job, g, t0, t1, part, scratch);
            }
        }
    });
    if (job.nParts > 1) {
        pool.parallelFor(static_cast<int64_t>(nTok) * nHead, 4,
                         [&](int64_t begin, int64_t end) { combineParts(job, begin, end); });
    }
}

}  // namespace folio
