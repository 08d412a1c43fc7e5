#include "engine/tokenizer/tokenize_cli.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/tokenizer/tokenizer.h"

namespace folio {
namespace {

int fail(const std::string& message) {
    std::cerr << "error: " << message << "\n";
    return 1;
}

struct CliArgs {
    std::string model;
    std::string file;
    bool parseSpecial = false;
    bool addSpecial = false;
    std::vector<std::string> positional;
};

// Parses the shared options; returns an error message or "".
std::string parseArgs(int argc, char** argv, CliArgs& a) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&](std::string& out) {
            if (i + 1 >= argc) return false;
            out = argv[++i];
            return true;
        };
        if (arg == "-m" || arg == "--model") {
            if (!value(a.model)) return arg + " needs a path";
        } else if (arg == "-f" || arg == "--file") {
            if (!value(a.file)) return arg + " needs a path";
        } else if (arg == "--parse-special") {
            a.parseSpecial = true;
        } else if (arg == "--add-special") {
            a.addSpecial = true;
        } else if (arg == "--") {
            for (++i; i < argc; ++i) a.positional.emplace_back(argv[i]);
        } else {
            a.positional.push_back(arg);
        }
    }
    if (a.model.empty()) return "missing -m MODEL (a .gguf or tokenizer.json)";
    return {};
}

}  // namespace

int runTokenize(int argc, char** argv) {
    CliArgs a;
    if (std::string err = parseArgs(argc, argv, a); !err.empty())
        return fail(
            err + "\nusage: tokenize -m MODEL [--parse-special] [--add-special] [-f FILE | TEXT]");
    std::string text;
    if (!a.file.empty()) {
        if (!a.positional.empty()) return fail("give either -f FILE or TEXT, not both");
        std::ifstream in(a.file, std::ios::binary);
        if (!in) return fail("cannot open '" + a.file + "'");
        std::ostringstream ss;
        ss << in.rdbuf();
        text = ss.str();
    } else {
        if (a.positional.size() != 1)
            return fail("expected exactly one TEXT argument (or -f FILE)");
        text = a.positional[0];
    }
    auto tok = Tokenizer::load(a.model);
    if (!tok) return fail(tok.error().message);
    std::vector<int32_t> ids;
    if (a.addSpecial && (*tok)->addBosDefault()) ids.push_back((*tok)->bosId());
    const std::vector<int32_t> body = (*tok)->encode(text, a.parseSpecial);
    ids.insert(ids.end(), body.begin(), body.end());
    std::string line;
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i) line += ' ';
        line += std::to_string(ids[i]);
    }
    std::cout << line << "\n";
    return 0;
}

int runDetokenize(int argc, char** argv) {
    CliArgs a;
    if (std::string err = parseArgs(argc, argv, a); !err.empty())
        return fail(err + "\nusage: detokenize -m MODEL ID...");
    auto tok = Tokenizer::load(a.model);
    if (!tok) return fail(tok.error().message);
    std::vector<int32_t> ids;
    for (const std::string& s : a.positional) {
        char* end = nullptr;
        const long v = std::strtol(s.c_str(), &end, 10);
        if (s.empty() || *end != '\0' || v < 0 || v >= (*tok)->vocabSize())
            return fail("'" + s + "' is not a token id of this model (0.." +
                        std::to_string((*tok)->vocabSize() - 1) + ")");
        ids.push_back(int32_t(v));
    }
    std::cout << (*tok)->decode(ids) << "\n";
    return 0;
}

}  // namespace folio
