// folio-cli logits and perplexity: teacher-forced evaluation for comparisons with llama.cpp.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "engine/cli/args.h"
#include "engine/cli/cli_model.h"

namespace folio::cli {

int runLogits(int argc, char** argv) {
    // --tokens takes the ids that follow it up to the next option.
    std::vector<char*> rest;
    std::vector<int32_t> tokens;
    bool inTokens = false;
    for (int i = 0; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--tokens") {
            inTokens = true;
            continue;
        }
        if (inTokens && !a.empty() && (std::isdigit(static_cast<unsigned char>(a[0])))) {
            tokens.push_back(int32_t(std::strtol(a.c_str(), nullptr, 10)));
            continue;
        }
        inTokens = false;
        rest.push_back(argv[i]);
    }
    Args args(int(rest.size()), rest.data(), {"-m", "--out", "-t", "-c", "--device", "--kv-type"},
              {"--all"});
    const int threads = args.intValue("-t", 0);
    const int ctx = args.intValue("-c", 0);
    Device device = Device::Auto;
    KvType kvType = GeneratorOptions{}.kvType;
    if (!args.ok() || !args.value("-m") || !args.value("--out") || tokens.empty() ||
        !deviceOption(args, device) || !kvTypeOption(args, kvType)) {
        std::fprintf(
            stderr,
            "usage: folio-cli logits -m MODEL --tokens ID... [--all] [--device D] [--kv-type T] "
            "--out FILE\n%s\n",
            args.error().c_str());
        return 1;
    }
    CliModel m;
    if (!openModel(*args.value("-m"), threads, ctx, m, 512, device, kvType)) return 1;
    std::vector<float> logits;
    if (Status s = m.generator->evaluate(tokens, args.flag("--all"), logits); !s) {
        std::fprintf(stderr, "error: %s\n", s.message().c_str());
        return 1;
    }
    std::ofstream out(*args.value("--out"), std::ios::binary);
    out.write(reinterpret_cast<const char*>(logits.data()),
              std::streamsize(logits.size() * sizeof(float)));
    if (!out) {
        std::fprintf(stderr, "error: cannot write %s\n", args.value("--out")->c_str());
        return 1;
    }
    std::fprintf(stderr, "wrote %zu x %d logits\n", logits.size() / m.model->config().nVocab,
                 m.model->config().nVocab);
    return 0;
}

int runPerplexity(int argc, char** argv) {
    Args args(argc, argv, {"-m", "-f", "-c", "-t", "--device", "--kv-type"}, {});
    const int window = args.intValue("-c", 512);
    const int threads = args.intValue("-t", 0);
    Device device = Device::Auto;
    KvType kvType = GeneratorOptions{}.kvType;
    if (!args.ok() || !args.value("-m") || !args.value("-f") || window < 2 ||
        !deviceOption(args, device) || !kvTypeOption(args, kvType)) {
        std::fprintf(stderr,
                     "usage: folio-cli perplexity -m MODEL -f TEXT [-c 512] [--device D] "
                     "[--kv-type T]\n%s\n",
                     args.error().c_str());
        return 1;
    }
    std::ifstream in(*args.value("-f"), std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "error: cannot read %s\n", args.value("-f")->c_str());
        return 1;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    CliModel m;
    if (!openModel(*args.value("-m"), threads, window, m, 512, device, kvType)) return 1;
    const std::vector<int32_t> all = m.model->tokenizer().encode(ss.str(), false);
    const int nVocab = m.model->config().nVocab;
    // Like llama.cpp's perplexity: independent windows of `window` tokens; score the second half.
    double nll = 0.0;
    int64_t count = 0;
    std::vector<float> logits;
    for (size_t start = 0; start + size_t(window) <= all.size(); start += size_t(window)) {
        std::vector<int32_t> chunk(all.begin() + long(start), all.begin() + long(start) + window);
        if (Status s = m.generator->evaluate(chunk, true, logits); !s) {
            std::fprintf(stderr, "error: %s\n", s.message().c_str());
            return 1;
        }
        for (int i = window / 2; i < window - 1; ++i) {
            const float* row = logits.data() + size_t(i) * nVocab;
            float mx = row[0];
            for (int v = 1; v < nVocab; ++v) mx = std::max(mx, row[v]);
            double sum = 0.0;
            for (int v = 0; v < nVocab; ++v) sum += std::exp(double(row[v] - mx));
            nll += -(double(row[chunk[size_t(i) + 1]] - mx) - std::log(sum));
            ++count;
        }
        std::fprintf(stderr, "[%zu] ppl so far %.4f\n", start / window + 1,
                     std::exp(nll / double(count)));
    }
    if (count == 0) {
        std::fprintf(stderr, "error: the text has %zu tokens, fewer than one window of %d\n",
                     all.size(), window);
        return 1;
    }
    std::printf("perplexity: %.4f over %lld tokens\n", std::exp(nll / double(count)),
                (long long)count);
    return 0;
}

}  // namespace folio::cli
