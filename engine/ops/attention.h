#pragma once
// Causal grouped-query attention over the paged KV cache, flash-attention style: K/V are walked
// block by block with a running (max, sum, accumulator) per query row (online softmax), so no
// nTok x context matrix is ever built; scratch memory is O(headDim) per (token, head) plus one
// K and one V block per thread.
//
// Work is split into items of (kv head, tile of query tokens[, context partition]). The query
// heads that share a kv head are processed together so each K/V block is read (and converted
// from f16) once per group and tile. For decode-sized work with few items, the context is split
// into partitions (split-K) whose partial results are merged by their (max, sum). A single query
// token (decode) at such a context gets items of one partition over every kv head instead, which
// read the pool in storage order and convert f16 K/V in registers (see runDecodeItem).
//
// Determinism: the split depends only on the shapes, never on the number of threads, and every
// item is computed by one thread in a fixed order, so the output is bit-identical for any pool
// size.
#include "engine/ops/attention_kernels.h"
#include "engine/runtime/kv_cache.h"
#include "engine/runtime/thread_pool.h"

namespace folio {

// Query tokens per work item (with all query heads of one kv head).
constexpr int kAttentionTileTokens = 16;
// Context blocks per split-K partition, and the item count below which split-K is used.
constexpr int kAttentionPartitionBlocks = 16;
constexpr int kAttentionSplitBelowItems = 32;

// Attention for nTok query tokens at positions [startPos, startPos + nTok) of `seq`.
//   q:   [nTok][nHead][headDim] f32, RoPE applied.
//   out: [nTok][nHead][headDim] f32 (must not alias q).
// K/V of positions [0, startPos + nTok) must be stored in `layer` (reserved is enough, commit is
// not needed). nHead must be a multiple of nKvHeads; query head h uses kv head
// h / (nHead / nKvHeads). Token t attends to positions [0, startPos + t]. scale is usually
// 1 / sqrt(headDim). `kernel` selects the inner kernels (Auto: the best this CPU runs); a
// variant the CPU lacks falls back to scalar.
// Thread-safety: reads the cache only; uses `pool` (so one caller at a time per pool).
void attention(const KvCache& cache, KvCache::SeqId seq, int layer, const float* q, int nTok,
               int startPos, int nHead, float scale, float* out, ThreadPool& pool,
               AttentionKernel kernel = AttentionKernel::Auto);

}  // namespace folio
