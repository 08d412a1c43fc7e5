// folio-cli info: the model's architecture, shapes, tensor types and memory plan as JSON.
#include <cstdio>
#include <string>

#include "engine/cli/args.h"
#include "engine/model/model.h"
#include "engine/runtime/kv_cache.h"

namespace folio::cli {

namespace {

std::string jsonString(const std::string& s) {
    std::string out = "\"";
    for (unsigned char ch : s) {
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += char(ch);
        } else if (ch < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", ch);
            out += buf;
        } else {
            out += char(ch);
        }
    }
    return out + "\"";
}

}  // namespace

int runInfo(int argc, char** argv) {
    Args args(argc, argv, {"-m", "-c"}, {});
    int ctx = args.intValue("-c", 0);
    if (!args.ok() || !args.value("-m")) {
        std::fprintf(stderr, "usage: folio-cli info -m MODEL [-c CTX]\n%s\n", args.error().c_str());
        return 1;
    }
    auto model = Model::load(*args.value("-m"));
    if (!model) {
        std::fprintf(stderr, "error: %s\n", model.error().message.c_str());
        return 1;
    }
    const ModelConfig& c = model.value()->config();
    if (ctx <= 0) ctx = std::min(c.nCtxTrain, 32768);
    // The cache's own formula, for the F16 cache the engine allocates by default.
    KvCacheConfig kv;
    kv.nLayers = c.nLayer;
    kv.nKvHeads = c.nKvHead;
    kv.headDim = c.headDim;
    kv.type = KvType::F16;
    const size_t kvPerToken = KvCache::bytesPerToken(kv);
    const size_t weights = model.value()->weightBytes();
    std::string types;
    for (const auto& [name, count] : model.value()->tensorTypeCounts())
        types += (types.empty() ? "" : ", ") + jsonString(name) + ": " + std::to_string(count);
    std::printf(
        "{\n  \"architecture\": %s,\n  \"name\": %s,\n  \"file_type\": %s,\n"
        "  \"parameters\": %lld,\n  \"context\": %d,\n  \"train_context\": %d,\n"
        "  \"layers\": %d,\n  \"embedding\": %d,\n  \"heads\": %d,\n  \"kv_heads\": %d,\n"
        "  \"head_dim\": %d,\n  \"feed_forward\": %d,\n  \"vocab\": %d,\n  \"rope_theta\": %g,\n"
        "  \"tied_output\": %s,\n  \"tensor_types\": {%s},\n  \"kv_type\": \"F16\",\n"
        "  \"kv_bytes_per_token\": %zu,\n  \"memory_plan\": {\"weights_bytes\": %zu, "
        "\"kv_cache_bytes\": %zu, \"total_bytes\": %zu}\n}\n",
        jsonString(std::string(c.arch->name)).c_str(), jsonString(c.name).c_str(),
        jsonString(std::string(fileTypeName(c.fileType))).c_str(),
        (long long)model.value()->parameterCount(), ctx, c.nCtxTrain, c.nLayer, c.nEmbd, c.nHead,
        c.nKvHead, c.headDim, c.nFf, c.nVocab, double(c.ropeTheta), c.tiedOutput ? "true" : "false",
        types.c_str(), kvPerToken, weights, kvPerToken * size_t(ctx),
        weights + kvPerToken * size_t(ctx));
    return 0;
}

}  // namespace folio::cli
