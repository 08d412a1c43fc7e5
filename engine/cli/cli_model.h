#pragma once
// Loading a model for a folio-cli subcommand: model + thread pool + generator, with errors
// printed to stderr.
#include <memory>
#include <string>

#include "engine/model/model.h"
#include "engine/runtime/generator.h"
#include "engine/runtime/thread_pool.h"

namespace folio::cli {

struct CliModel {
    std::unique_ptr<Model> model;
    std::unique_ptr<ThreadPool> pool;
    std::unique_ptr<Generator> generator;
};

// threads <= 0: physical cores; ctx <= 0: model default (<= 32768). Returns false after printing
// the error.
bool openModel(const std::string& path, int threads, int ctx, CliModel& out, int chunk = 512);

// Peak resident set size of this process in MiB (VmHWM).
double peakRssMb();

}  // namespace folio::cli
