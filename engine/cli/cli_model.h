#pragma once
// Loading a model for a folio-cli subcommand: model + thread pool + generator, with errors
// printed to stderr.
#include <memory>
#include <string>

#include "engine/cli/args.h"
#include "engine/model/model.h"
#include "engine/runtime/generator.h"
#include "engine/runtime/thread_pool.h"

namespace folio::cli {

struct CliModel {
    std::unique_ptr<Model> model;
    std::unique_ptr<ThreadPool> pool;
    std::unique_ptr<Generator> generator;
};

// threads <= 0: physical cores; ctx <= 0: model default (<= 32768). device: see createBackend
// (Gpu fails without CUDA, Auto falls back to the CPU); the chosen device is printed on stderr
// ("device: cuda (...)" or "device: cpu (...)" with the fallback reason). Returns false after
// printing the error.
bool openModel(const std::string& path, int threads, int ctx, CliModel& out, int chunk = 512,
               Device device = Device::Cpu, KvType kvType = GeneratorOptions{}.kvType);

// Reads "--device cpu|cuda|auto" (default auto) from args; false after printing the error.
bool deviceOption(const Args& args, Device& device);
// Reads "--kv-type f16|q8_0|f32" (default: the Generator's) from args; false after printing the
// error.
bool kvTypeOption(const Args& args, KvType& type);

// Peak resident set size of this process in MiB (VmHWM).
double peakRssMb();

}  // namespace folio::cli
