#include "engine/cli/cli_model.h"

#include <cstdio>
#include <fstream>

namespace folio::cli {

bool openModel(const std::string& path, int threads, int ctx, CliModel& out, int chunk) {
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
    auto gen = Generator::create(*out.model, *out.pool, options);
    if (!gen) {
        std::fprintf(stderr, "error: %s\n", gen.error().message.c_str());
        return false;
    }
    out.generator = std::move(gen.value());
    return true;
}

double peakRssMb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return 0.0;
}

}  // namespace folio::cli
