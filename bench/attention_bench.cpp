// attention_bench: decode attention (one query token) over the paged KV cache at a given depth,
// per KV cache type and kernel level, on the Qwen3-0.6B attention shape (16 query heads, 8 KV
// heads, head size 128). Separates the kernels' arithmetic from memory: a cache of one layer at
// a small depth stays in L2, while many layers at a long depth stream from DRAM as decode does.
//
// Prints, per configuration, the thread CPU time per call (best of the calls made in
// kMinSeconds), nanoseconds per (key, kv head) and the K+V bytes read per second.
//
// With --chunk N the call is a prefill chunk instead: N query tokens at positions
// [depth - N, depth), as chunked prefill runs the last chunk of a depth-token prompt.
//
// Usage: attention_bench [--depth D] [--layers L] [--threads T] [--chunk N]
//                        [--type f16|q8_0|f32]...
//   (defaults: depth 8192, layers 28, threads 1, chunk 1 = decode, types f16 and q8_0)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "engine/ops/attention.h"
#include "engine/runtime/kv_cache.h"
#include "engine/runtime/thread_pool.h"

namespace {

using folio::AttentionKernel;
using folio::KvCache;
using folio::KvType;

constexpr int kHeads = 16, kKvHeads = 8, kHeadDim = 128;
constexpr double kMinSeconds = 0.5;

struct Options {
    int depth = 8192, layers = 28, threads = 1, chunk = 1;
    std::vector<KvType> types;
};

double now(bool threadClock) {
    if (!threadClock) {
        return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

bool parse(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc) return false;
        const char* v = argv[++i];
        if (a == "--depth") {
            o.depth = std::atoi(v);
        } else if (a == "--layers") {
            o.layers = std::atoi(v);
        } else if (a == "--chunk") {
            o.chunk = std::atoi(v);
        } else if (a == "--threads") {
            o.threads = std::atoi(v);
        } else if (a == "--type") {
            const std::string t = v;
            if (t == "f16")
                o.types.push_back(KvType::F16);
            else if (t == "q8_0")
                o.types.push_back(KvType::Q8_0);
            else if (t == "f32")
                o.types.push_back(KvType::F32);
            else
                return false;
        } else {
            return false;
        }
    }
    if (o.types.empty()) o.types = {KvType::F16, KvType::Q8_0};
    return o.depth > 0 && o.layers > 0 && o.threads > 0 && o.chunk > 0 && o.chunk <= o.depth;
}

// A cache holding `depth` positions of random K/V in every layer (one sequence).
std::unique_ptr<KvCache> filledCache(const Options& o, KvType type, KvCache::SeqId* seq) {
    folio::KvCacheConfig c{o.layers, kKvHeads, kHeadDim, 16, o.depth + 16, type};
    auto r = KvCache::create(c);
    if (!r.ok()) return nullptr;
    std::unique_ptr<KvCache> cache = std::move(r).value();
    *seq = cache->createSequence();
    std::vector<int32_t> ids(size_t(o.depth) + 1);
    for (size_t i = 0; i < ids.size(); ++i) ids[i] = int32_t(i % 1000);
    if (!cache->reserve(*seq, ids).ok()) return nullptr;
    // Uniform values in [-2, 2) from a 32-bit LCG: the fill of a 28-layer cache at depth 16K
    // stores 117M values, too many for std::normal_distribution to be quick.
    uint32_t state = 7;
    auto next = [&state] {
        state = state * 1664525u + 1013904223u;
        return float(state >> 8) * (4.0f / 16777216.0f) - 2.0f;
    };
    std::vector<float> k(size_t(kKvHeads) * kHeadDim), v(k.size());
    for (int layer = 0; layer < o.layers; ++layer) {
        for (int pos = 0; pos <= o.depth; ++pos) {
            for (size_t i = 0; i < k.size(); ++i) {
                k[i] = next();
                v[i] = next();
            }
            cache->store(*seq, layer, pos, k.data(), v.data());
        }
    }
    return cache;
}

void runOne(const Options& o, KvType type, AttentionKernel kernel, const char* kernelName) {
    KvCache::SeqId seq = 0;
    const std::unique_ptr<KvCache> cache = filledCache(o, type, &seq);
    if (!cache) {
        std::printf("%-5s %-7s: cannot allocate the cache\n", KvCache::typeName(type), kernelName);
        return;
    }
    folio::ThreadPool pool(o.threads);
    std::vector<float> q(size_t(o.chunk) * kHeads * kHeadDim), out(q.size());
    for (size_t i = 0; i < q.size(); ++i) q[i] = float(int(i * 37 % 101) - 50) / 25.0f;
    const float scale = 1.0f / std::sqrt(float(kHeadDim));
    // One call = one step's attention in every layer: decode at position `depth`, or the chunk
    // ending there.
    const int startPos = o.chunk == 1 ? o.depth : o.depth - o.chunk;
    auto call = [&] {
        for (int layer = 0; layer < o.layers; ++layer) {
            folio::attention(*cache, seq, layer, q.data(), o.chunk, startPos, kHeads, scale,
                             out.data(), pool, kernel);
        }
    };
    call();  // warm-up
    const bool threadClock = o.threads == 1;
    double best = 1e30;
    const double start = now(false);
    int calls = 0;
    while (calls < 3 || now(false) - start < kMinSeconds) {
        const double t0 = now(threadClock);
        call();
        best = std::min(best, now(threadClock) - t0);
        ++calls;
    }
    // (query, key) pairs per kv head: a chunk's causal triangle plus its rectangle.
    const double pairs = o.chunk == 1
                             ? double(o.depth + 1)
                             : double(o.chunk) * startPos + 0.5 * o.chunk * (o.chunk + 1.0);
    const double keyHeads = pairs * kKvHeads * o.layers;
    const double bytes = double(cache->bytesPerToken()) * (o.depth + (o.chunk == 1 ? 1 : 0));
    std::printf(
        "%-5s %-7s depth %6d chunk %4d layers %2d threads %d: %9.3f ms/step  %7.3f ns/"
        "(query, key, kv head)  %6.2f GB/s K+V\n",
        KvCache::typeName(type), kernelName, o.depth, o.chunk, o.layers, o.threads, best * 1e3,
        best * 1e9 / keyHeads, bytes / best * 1e-9);
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse(argc, argv, o)) {
        std::fprintf(stderr,
                     "usage: attention_bench [--depth D] [--layers L] [--threads T] "
                     "[--type f16|q8_0|f32]...\n");
        return 2;
    }
    struct Level {
        AttentionKernel kernel;
        const char* name;
    };
    const Level levels[] = {{AttentionKernel::Avx2, "avx2"}, {AttentionKernel::Avx512, "avx512"}};
    for (KvType type : o.types) {
        for (const Level& l : levels) {
            if (folio::attentionKernels(l.kernel) == nullptr) continue;
            runOne(o, type, l.kernel, l.name);
        }
    }
    return 0;
}
