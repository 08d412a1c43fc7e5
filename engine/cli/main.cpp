// folio-cli: Folio's engine on the command line (no Qt). See `folio-cli --help`.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "engine/backend/backend.h"
#include "engine/chat/template_cli.h"
#include "engine/cli/args.h"
#include "engine/quant/kernels.h"
#include "engine/tokenizer/tokenize_cli.h"
#include "engine/version.h"

namespace {

struct Command {
    std::string_view name;
    int (*run)(int argc, char** argv);
    std::string_view usage;
};

constexpr Command kCommands[] = {
    {"tokenize", folio::runTokenize,
     "tokenize -m MODEL [--parse-special] [--add-special] [-f FILE | TEXT]"},
    {"detokenize", folio::runDetokenize, "detokenize -m MODEL ID..."},
    {"template", folio::runTemplate,
     "template -m MODEL --messages FILE.json [--no-think] [--add-generation-prompt]"},
    {"info", folio::cli::runInfo, "info -m MODEL [-c CTX]"},
    {"run", folio::cli::runGenerate,
     "run -m MODEL [-p PROMPT | --chat] [-n N] [--temp T] [--top-k K] [--top-p P] [--seed S] "
     "[-t THREADS] [-c CTX] [--no-think] [--device cpu|cuda|auto]"},
    {"logits", folio::cli::runLogits,
     "logits -m MODEL --tokens ID... [--all] [--device D] --out FILE"},
    {"perplexity", folio::cli::runPerplexity,
     "perplexity -m MODEL -f TEXT [-c 512] [-t THREADS] [--device D]"},
    {"bench", folio::cli::runBench,
     "bench -m MODEL [-p 512] [-n 128] [-r 1] [--depth D] [-t T] [--device D] [--json]"},
};

void printUsage(std::FILE* out) {
    std::fprintf(out, "usage: folio-cli COMMAND [OPTIONS]\n       folio-cli --version\n\n");
    for (const Command& c : kCommands)
        std::fprintf(out, "  folio-cli %.*s\n", int(c.usage.size()), c.usage.data());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        printUsage(stderr);
        return 1;
    }
    std::string_view cmd = argv[1];
    if (cmd == "--version" || cmd == "version") {
        std::printf("folio-cli %s\n", folio::engineVersion());
        for (const std::string& b : folio::describeBackends())
            std::printf("backend: %s\n", b.c_str());
        return 0;
    }
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        printUsage(stdout);
        return 0;
    }
    for (const Command& c : kCommands)
        if (c.name == cmd) return c.run(argc - 1, argv + 1);
    std::fprintf(stderr, "folio-cli: unknown command '%s'\n", argv[1]);
    printUsage(stderr);
    return 1;
}
