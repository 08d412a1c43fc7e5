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
// read the pool in storage order, convert f16/q8 K/V in registers, and take two passes: every
// score of the partition, one softmax per row, then the value sums (see runDecodeItem). Prefill
// items with enough rows use the kernels' tileBlockT where the CPU has it (AVX-512): the item's
// query rows transposed, so scores and value sums are outer products (runItemTransposed).
//
// Determinism: the split depends only on the shapes, never on the number of threads, and every
// item is computed by one thread in a fixed order, so the output is bit-identical for any pool
// size.
#include "engine/ops/attention_kernels.h"
#include "engine/runtime/kv_cache.h"
#include "engine/runtime/thread_pool.h"

namespace folio {

// Query tokens per work item (with all query heads of one kv head). Each item reads and converts
// its kv head's K/V of the whole context once, so larger tiles read less: measured on the
// Qwen3-0.6B shape (prefill chunk of 512 at depth 4,096, AVX-512, one thread), 16 tokens took
// 775 ms per 4 layers, 32 took 687, 64 took 592 (bench/attention_bench).
constexpr int kAttentionTileTokens = 64;
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
