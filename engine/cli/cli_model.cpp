#include "engine/cli/cli_model.h"

#include <cstdio>
#include <fstream>

#include "engine/cli/args.h"

namespace folio::cli {

bool openModel(const std::string& path, int threads, int ctx, CliModel& out, int chunk,
               Device device, KvType kvType) {
    auto model = Model::load(path);
    if (!model) {
        std::fprintf(stderr, "error: %s\n", model.error().message.c_str());
        return false;
    }
    out.model = std::move(model.value());
    out.pool = std::make_unique<ThreadPool>(threads);
    GeneratorOptions options;
    options.contextLength = ctx;
    options.chunkSize = chunk;
    options.device = device;
    options.kvType = kvType;
    auto gen = Generator::create(*out.model, *out.pool, options);
    if (!gen) {
        std::fprintf(stderr, "error: %s\n", gen.error().message.c_str());
        return false;
    }
    out.generator = std::move(gen.value());
    const Backend& b = out.generator->backend();
    std::fprintf(stderr, "device: %s: %s\n", b.name(), b.description().c_str());
    if (!out.generator->backendFallbackReason().empty())
        std::fprintf(stderr, "note: GPU not used: %s\n",
                     out.generator->backendFallbackReason().c_str());
    return true;
}

bool deviceOption(const Args& args, Device& device) {
    auto parsed = parseDevice(args.value("--device").value_or("auto"));
    if (!parsed) {
        std::fprintf(stderr, "error: --device: %s\n", parsed.error().message.c_str());
        return false;
    }
    device = *parsed;
    return true;
}

bool kvTypeOption(const Args& args, KvType& type) {
    const auto value = args.value("--kv-type");
    if (!value) return true;
    if (const auto parsed = KvCache::typeFromName(*value)) {
        type = *parsed;
        return true;
    }
    std::fprintf(stderr, "error: --kv-type: '%s' is not one of f16, q8_0, f32\n", value->c_str());
    return false;
}

double peakRssMb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return 0.0;
}

}  // namespace folio::cli
