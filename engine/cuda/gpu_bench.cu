// folio-gpu-bench: kernel-level timings of a decode step and of a long prefill on synthetic
// weights of a real model's shape, for bench/gpu.sh. It does NOT run Folio's forward pass (the
// CUDA forward pass does not exist yet): a decode step here is every matvec of every layer plus
// the output matrix, RMSNorm, QK-norm+RoPE, SwiGLU and split-K attention over the paged KV cache
// at the given context, replayed as one CUDA graph. Residual adds, the KV store of the new token,
// the embedding lookup and sampling are left out (each is a few KiB of traffic per token).
// Prefill is one layer measured at the full prompt length (cuBLAS f16 GEMMs on weights
// dequantised at upload + the FlashAttention-style kernel) times the number of layers.
//
// usage: folio-gpu-bench [--shape qwen3-8b|qwen3-0.6b] [--type q4_0|q4_k|q8_0|f16|bf16]
//                        [--contexts 512,32768] [--prefill 32768] [--steps 20] [--out FILE]
// Prints one JSON object (also written to --out). Exit 1 with a message on any CUDA error.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "engine/cuda/cuda_gemm.cuh"

using namespace folio;
using namespace folio::cuda;

namespace {

struct Shape {
    const char* name;
    int nLayer, nEmbd, nHead, nKv, headDim, nFf, nVocab;
};
constexpr Shape kShapes[] = {
    {"qwen3-8b", 36, 4096, 32, 8, 128, 12288, 151936},
    {"qwen3-0.6b", 28, 1024, 16, 8, 128, 3072, 151936},
};
struct TypeName {
    const char* name;
    GgmlType type;
};
constexpr TypeName kTypes[] = {{"q4_0", GgmlType::Q4_0},
                               {"q4_k", GgmlType::Q4_K},
                               {"q8_0", GgmlType::Q8_0},
                               {"f16", GgmlType::F16},
                               {"bf16", GgmlType::BF16}};

#define BENCH_TRY(expr)                                                          \
    do {                                                                         \
        ::folio::Status s_ = (expr);                                             \
        if (!s_) {                                                               \
            std::fprintf(stderr, "folio-gpu-bench: %s\n", s_.message().c_str()); \
            std::exit(1);                                                        \
        }                                                                        \
    } while (0)
#define BENCH_CUDA(expr) BENCH_TRY(::folio::cuda::check((expr), #expr))

// A device allocation that lives for the whole run (the bench exits on error).
void* devAlloc(size_t bytes, int fill = -1) {
    void* p = nullptr;
    BENCH_CUDA(cudaMalloc(&p, bytes));
    // 0x3c bytes: f16 1.06, bf16 0.011, sane quants: no inf/NaN in the timed arithmetic.
    if (fill >= 0) BENCH_CUDA(cudaMemset(p, fill, bytes));
    return p;
}

struct Matrix {
    void* w = nullptr;
    int rows = 0, cols = 0;
    size_t bytes = 0;
};

Matrix makeMatrix(GgmlType t, int rows, int cols) {
    BENCH_TRY(checkMatrixShape(t, rows, cols, "bench"));
    Matrix m{nullptr, rows, cols, matrixBytes(t, rows, cols)};
    m.w = devAlloc(m.bytes, 0x3c);
    return m;
}

struct Layer {
    Matrix q, k, v, o, gate, up, down;
};

double elapsedMs(cudaEvent_t a, cudaEvent_t b) {
    float ms = 0.f;
    BENCH_CUDA(cudaEventElapsedTime(&ms, a, b));
    return double(ms);
}

// Device-to-device copy bandwidth in GB/s, counting read + write bytes.
double copyBandwidth(cudaStream_t s) {
    const size_t bytes = size_t(1) << 30;
    void* a = devAlloc(bytes, 1);
    void* b = devAlloc(bytes, 0);
    cudaEvent_t e0, e1;
    BENCH_CUDA(cudaEventCreate(&e0));
    BENCH_CUDA(cudaEventCreate(&e1));
    BENCH_CUDA(cudaMemcpyAsync(b, a, bytes, cudaMemcpyDeviceToDevice, s));
    const int reps = 10;
    BENCH_CUDA(cudaEventRecord(e0, s));
    for (int i = 0; i < reps; ++i)
        BENCH_CUDA(cudaMemcpyAsync(b, a, bytes, cudaMemcpyDeviceToDevice, s));
    BENCH_CUDA(cudaEventRecord(e1, s));
    BENCH_CUDA(cudaEventSynchronize(e1));
    const double ms = elapsedMs(e0, e1);
    BENCH_CUDA(cudaFree(a));
    BENCH_CUDA(cudaFree(b));
    return 2.0 * double(bytes) * reps / (ms * 1e-3) / 1e9;
}

struct Options {
    const Shape* shape = &kShapes[0];
    const TypeName* type = &kTypes[0];
    std::vector<int> contexts = {512, 32768};
    int prefill = 32768;
    int steps = 20;
    std::string out;
};

bool parseArgs(int argc, char** argv, Options& o) {
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--shape") {
            o.shape = nullptr;
            for (const Shape& s : kShapes)
                if (v == s.name) o.shape = &s;
        } else if (k == "--type") {
            o.type = nullptr;
            for (const TypeName& t : kTypes)
                if (v == t.name) o.type = &t;
        } else if (k == "--contexts") {
            o.contexts.clear();
            for (const char* p = v.c_str(); *p;) {
                o.contexts.push_back(std::atoi(p));
                while (*p && *p != ',') ++p;
                if (*p == ',') ++p;
            }
        } else if (k == "--prefill") {
            o.prefill = std::atoi(v.c_str());
        } else if (k == "--steps") {
            o.steps = std::atoi(v.c_str());
        } else if (k == "--out") {
            o.out = v;
        } else {
            return false;
        }
    }
    if (!o.shape || !o.type || o.steps <= 0 || o.prefill < 0 || o.contexts.empty()) return false;
    for (int c : o.contexts)
        if (c <= 0) return false;
    return (argc % 2) == 1;
}

}  // namespace

int main(int argc, char** argv) {
    Options opt;
    if (!parseArgs(argc, argv, opt)) {
        std::fprintf(stderr,
                     "usage: folio-gpu-bench [--shape qwen3-8b|qwen3-0.6b] "
                     "[--type q4_0|q4_k|q8_0|f16|bf16] [--contexts 512,32768] "
                     "[--prefill N] [--steps N] [--out FILE]\n");
        return 2;
    }
    auto dev = probeDevice();
    if (!dev) {
        std::fprintf(stderr, "folio-gpu-bench: %s\n", dev.error().message.c_str());
        return 1;
    }
    const Shape& S = *opt.shape;
    const GgmlType T = opt.type->type;
    cudaStream_t stream;
    BENCH_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    cudaEvent_t e0, e1;
    BENCH_CUDA(cudaEventCreate(&e0));
    BENCH_CUDA(cudaEventCreate(&e1));
    const double copyGBs = copyBandwidth(stream);

    // ---- weights (random-ish constant bytes; every layer distinct memory) ----
    const int qDim = S.nHead * S.headDim, kvDim = S.nKv * S.headDim;
    std::vector<Layer> layers(size_t(S.nLayer));
    size_t weightBytes = 0;
    for (Layer& L : layers) {
        L = {makeMatrix(T, qDim, S.nEmbd),  makeMatrix(T, kvDim, S.nEmbd),
             makeMatrix(T, kvDim, S.nEmbd), makeMatrix(T, S.nEmbd, qDim),
             makeMatrix(T, S.nFf, S.nEmbd), makeMatrix(T, S.nFf, S.nEmbd),
             makeMatrix(T, S.nEmbd, S.nFf)};
        for (const Matrix* m : {&L.q, &L.k, &L.v, &L.o, &L.gate, &L.up, &L.down})
            weightBytes += m->bytes;
    }
    const Matrix output = makeMatrix(T, S.nVocab, S.nEmbd);
    weightBytes += output.bytes;
    auto* normW = static_cast<float*>(devAlloc(size_t(S.nFf) * 4, 0));

    // ---- paged KV pool for the longest context: all layers in one block, identity table ----
    int maxCtx = 0;
    for (int c : opt.contexts) maxCtx = std::max(maxCtx, c);
    PagedKvLayout kv;
    kv.nKvHeads = S.nKv;
    kv.headDim = S.headDim;
    kv.blockTokens = 16;
    kv.headStride = int64_t(kv.blockTokens) * S.headDim;
    kv.valueOffset = kv.headStride * S.nKv;
    kv.blockStride = int64_t(S.nLayer) * 2 * kv.valueOffset;
    kv.poolBlocks = (maxCtx + kv.blockTokens - 1) / kv.blockTokens;
    auto* pool = static_cast<__half*>(devAlloc(size_t(kv.poolBlocks) * kv.blockStride * 2, 0x3c));
    std::vector<int32_t> tableHost(static_cast<size_t>(kv.poolBlocks));
    for (size_t i = 0; i < tableHost.size(); ++i) tableHost[i] = int32_t(i);
    auto* table = static_cast<int32_t*>(devAlloc(tableHost.size() * 4));
    BENCH_CUDA(cudaMemcpy(table, tableHost.data(), tableHost.size() * 4, cudaMemcpyHostToDevice));

    // ---- decode ----
    auto* x = static_cast<float*>(devAlloc(size_t(S.nFf) * 4, 0));
    auto* xn = static_cast<float*>(devAlloc(size_t(S.nFf) * 4, 0));
    auto* q = static_cast<float*>(devAlloc(size_t(qDim) * 4, 0));
    auto* kk = static_cast<float*>(devAlloc(size_t(kvDim) * 4, 0));
    auto* vv = static_cast<float*>(devAlloc(size_t(kvDim) * 4, 0));
    auto* att = static_cast<float*>(devAlloc(size_t(qDim) * 4, 0));
    auto* g = static_cast<float*>(devAlloc(size_t(S.nFf) * 4, 0));
    auto* u = static_cast<float*>(devAlloc(size_t(S.nFf) * 4, 0));
    auto* logits = static_cast<float*>(devAlloc(size_t(S.nVocab) * 4, 0));
    auto* work =
        static_cast<float*>(devAlloc(decodeWorkspaceFloats(S.nHead, S.headDim, maxCtx) * 4));
    auto* pos = static_cast<int32_t*>(devAlloc(4, 0));
    const float scale = 1.f / sqrtf(float(S.headDim));
    auto decodeStep = [&](int ctx) {
        for (int l = 0; l < S.nLayer; ++l) {
            const Layer& L = layers[size_t(l)];
            const __half* layerPool = pool + int64_t(l) * 2 * kv.valueOffset;
            launchRmsNorm(x, normW, xn, 1, S.nEmbd, 1e-6f, stream);
            BENCH_TRY(launchMatvec(T, L.q.w, xn, q, qDim, S.nEmbd, stream));
            BENCH_TRY(launchMatvec(T, L.k.w, xn, kk, kvDim, S.nEmbd, stream));
            BENCH_TRY(launchMatvec(T, L.v.w, xn, vv, kvDim, S.nEmbd, stream));
            BENCH_TRY(
                launchQkNormRope(q, 1, S.nHead, S.headDim, pos, normW, 1e-6f, 1e6f, true, stream));
            BENCH_TRY(
                launchQkNormRope(kk, 1, S.nKv, S.headDim, pos, normW, 1e-6f, 1e6f, true, stream));
            BENCH_TRY(launchDecodeAttention(layerPool, kv, table, q, S.nHead, ctx, scale, att, work,
                                            stream));
            BENCH_TRY(launchMatvec(T, L.o.w, att, xn, S.nEmbd, qDim, stream));
            launchRmsNorm(xn, normW, xn, 1, S.nEmbd, 1e-6f, stream);
            BENCH_TRY(launchMatvec(T, L.gate.w, xn, g, S.nFf, S.nEmbd, stream));
            BENCH_TRY(launchMatvec(T, L.up.w, xn, u, S.nFf, S.nEmbd, stream));
            launchSwiglu(g, u, S.nFf, stream);
            BENCH_TRY(launchMatvec(T, L.down.w, g, x, S.nEmbd, S.nFf, stream));
        }
        launchRmsNorm(x, normW, xn, 1, S.nEmbd, 1e-6f, stream);
        BENCH_TRY(launchMatvec(T, output.w, xn, logits, S.nVocab, S.nEmbd, stream));
    };

    std::string json =
        "{\"measured\": \"kernel-level decode step and one-layer prefill on "
        "synthetic weights (no full forward pass)\", \"device\": \"" +
        dev->name + "\", \"shape\": \"" + S.name + "\", \"type\": \"" + opt.type->name +
        "\", \"copy_bandwidth_gbs\": " + std::to_string(copyGBs) +
        ", \"weight_bytes\": " + std::to_string(weightBytes) + ", \"decode\": [";
    for (size_t ci = 0; ci < opt.contexts.size(); ++ci) {
        const int ctx = opt.contexts[ci];
        decodeStep(ctx);  // warm-up (module load, caches)
        BENCH_CUDA(cudaStreamSynchronize(stream));
        BENCH_CUDA(cudaEventRecord(e0, stream));
        for (int i = 0; i < opt.steps; ++i) decodeStep(ctx);
        BENCH_CUDA(cudaEventRecord(e1, stream));
        BENCH_CUDA(cudaEventSynchronize(e1));
        const double streamMs = elapsedMs(e0, e1) / opt.steps;
        cudaGraph_t graph;
        cudaGraphExec_t exec;
        BENCH_CUDA(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
        decodeStep(ctx);
        BENCH_CUDA(cudaStreamEndCapture(stream, &graph));
        BENCH_CUDA(cudaGraphInstantiate(&exec, graph, 0));
        BENCH_CUDA(cudaGraphLaunch(exec, stream));
        BENCH_CUDA(cudaEventRecord(e0, stream));
        for (int i = 0; i < opt.steps; ++i) BENCH_CUDA(cudaGraphLaunch(exec, stream));
        BENCH_CUDA(cudaEventRecord(e1, stream));
        BENCH_CUDA(cudaEventSynchronize(e1));
        const double graphMs = elapsedMs(e0, e1) / opt.steps;
        BENCH_CUDA(cudaGraphExecDestroy(exec));
        BENCH_CUDA(cudaGraphDestroy(graph));
        const double kvBytes = double(S.nLayer) * ctx * 2.0 * kvDim * 2.0;
        const double bytes = double(weightBytes) + kvBytes;
        const double bw = bytes / (graphMs * 1e-3) / 1e9;
        json += std::string(ci ? ", " : "") + "{\"context\": " + std::to_string(ctx) +
                ", \"step_ms\": " + std::to_string(graphMs) +
                ", \"step_ms_no_graph\": " + std::to_string(streamMs) +
                ", \"tokens_per_s\": " + std::to_string(1000.0 / graphMs) +
                ", \"bytes_per_step\": " + std::to_string(bytes) +
                ", \"bandwidth_gbs\": " + std::to_string(bw) +
                ", \"fraction_of_copy\": " + std::to_string(bw / copyGBs) + "}";
    }
    json += "]";

    // ---- prefill: one layer at the full prompt length, times nLayer ----
    if (opt.prefill > 0) {
        const int P = opt.prefill;
        if (P > maxCtx) {
            std::fprintf(stderr, "folio-gpu-bench: --prefill must be <= the largest context\n");
            return 2;
        }
        auto gemm = Gemm::create(stream);
        if (!gemm) BENCH_TRY(gemm.error());
        const Layer& L = layers[0];
        const Matrix* mats[] = {&L.q, &L.k, &L.v, &L.o, &L.gate, &L.up, &L.down};
        __half* w16[7];
        BENCH_CUDA(cudaEventRecord(e0, stream));
        for (int i = 0; i < 7; ++i) {
            w16[i] = static_cast<__half*>(devAlloc(size_t(mats[i]->rows) * mats[i]->cols * 2));
            BENCH_TRY(
                launchDequantizeF16(T, mats[i]->w, w16[i], mats[i]->rows, mats[i]->cols, stream));
        }
        BENCH_CUDA(cudaEventRecord(e1, stream));
        BENCH_CUDA(cudaEventSynchronize(e1));
        const double dequantMs = elapsedMs(e0, e1);
        auto* X = static_cast<float*>(devAlloc(size_t(P) * S.nEmbd * 4, 0));
        auto* Xh = static_cast<__half*>(devAlloc(size_t(P) * S.nFf * 2, 0));
        auto* Q = static_cast<float*>(devAlloc(size_t(P) * qDim * 4, 0));
        auto* K = static_cast<float*>(devAlloc(size_t(P) * kvDim * 4, 0));
        auto* V = static_cast<float*>(devAlloc(size_t(P) * kvDim * 4, 0));
        auto* A = static_cast<float*>(devAlloc(size_t(P) * qDim * 4, 0));
        auto* G = static_cast<float*>(devAlloc(size_t(P) * S.nFf * 4, 0));
        auto* U = static_cast<float*>(devAlloc(size_t(P) * S.nFf * 4, 0));
        std::vector<int32_t> posHost(static_cast<size_t>(P));
        for (int i = 0; i < P; ++i) posHost[size_t(i)] = i;
        auto* positions = static_cast<int32_t*>(devAlloc(size_t(P) * 4));
        BENCH_CUDA(cudaMemcpy(positions, posHost.data(), size_t(P) * 4, cudaMemcpyHostToDevice));
        auto gemmPart = [&](const float* in, int inDim, int wi, float* out) {
            launchF32ToF16(in, Xh, int64_t(P) * inDim, stream);
            BENCH_TRY((*gemm)->run(w16[wi], Xh, out, mats[wi]->rows, mats[wi]->cols, P));
        };
        auto layerBeforeAttention = [&] {
            launchRmsNorm(X, normW, X, P, S.nEmbd, 1e-6f, stream);
            gemmPart(X, S.nEmbd, 0, Q);
            gemmPart(X, S.nEmbd, 1, K);
            gemmPart(X, S.nEmbd, 2, V);
            BENCH_TRY(launchQkNormRope(Q, P, S.nHead, S.headDim, positions, normW, 1e-6f, 1e6f,
                                       true, stream));
            BENCH_TRY(launchQkNormRope(K, P, S.nKv, S.headDim, positions, normW, 1e-6f, 1e6f, true,
                                       stream));
        };
        auto attention = [&] {
            BENCH_TRY(launchPrefillAttention(pool, kv, table, Q, P, 0, S.nHead, scale, A, stream));
        };
        auto layerAfterAttention = [&] {
            gemmPart(A, qDim, 3, X);
            launchRmsNorm(X, normW, X, P, S.nEmbd, 1e-6f, stream);
            gemmPart(X, S.nEmbd, 4, G);
            gemmPart(X, S.nEmbd, 5, U);
            launchSwiglu(G, U, int64_t(P) * S.nFf, stream);
            gemmPart(G, S.nFf, 6, X);
        };
        auto timed = [&](auto&& f) {
            BENCH_CUDA(cudaEventRecord(e0, stream));
            f();
            BENCH_CUDA(cudaEventRecord(e1, stream));
            BENCH_CUDA(cudaEventSynchronize(e1));
            return elapsedMs(e0, e1);
        };
        layerBeforeAttention();  // warm-up: cuBLAS heuristics and kernels load once
        layerAfterAttention();
        BENCH_CUDA(cudaStreamSynchronize(stream));
        const double matMs = timed(layerBeforeAttention) + timed(layerAfterAttention);
        const double attMs = timed(attention);
        const double totalS = (matMs + attMs) * S.nLayer / 1000.0;
        const double flopsGemm =
            2.0 * P * double(S.nEmbd) * (2.0 * qDim + 2.0 * kvDim + 3.0 * S.nFf);
        json += ", \"prefill\": {\"tokens\": " + std::to_string(P) +
                ", \"method\": \"one layer measured x nLayer; KV store, residuals and output "
                "matrix not included\", \"layer_matmul_ms\": " +
                std::to_string(matMs) + ", \"layer_attention_ms\": " + std::to_string(attMs) +
                ", \"matmul_tflops\": " + std::to_string(flopsGemm / (matMs * 1e-3) / 1e12) +
                ", \"time_to_first_token_s\": " + std::to_string(totalS) +
                ", \"layer_dequant_upload_ms\": " + std::to_string(dequantMs) + "}";
    }
    json += "}\n";
    std::fputs(json.c_str(), stdout);
    if (!opt.out.empty()) {
        FILE* f = std::fopen(opt.out.c_str(), "w");
        if (!f) {
            std::fprintf(stderr, "folio-gpu-bench: cannot write %s\n", opt.out.c_str());
            return 1;
        }
        std::fputs(json.c_str(), f);
        std::fclose(f);
    }
    return 0;
}
