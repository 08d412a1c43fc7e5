// folio-cli run: generate a reply to a prompt (through the chat template) or chat interactively.
#include <cstdio>
#include <iostream>
#include <string>

#include "engine/chat/chat_format.h"
#include "engine/cli/args.h"
#include "engine/cli/cli_model.h"
#include "engine/runtime/chat_prompt.h"

namespace folio::cli {

namespace {

const char* kRunUsage =
    "usage: folio-cli run -m MODEL [-p PROMPT | --chat] [-n N] [--temp T] [--top-k K] "
    "[--top-p P] [--min-p P] [--seed S] [-t THREADS] [-c CTX] [--no-think] [--raw] [--system S] "
    "[--device cpu|cuda|auto] [--kv-type f16|q8_0]\n";

const char* reasonName(FinishReason r) {
    switch (r) {
        case FinishReason::EndOfText:
            return "end of text";
        case FinishReason::StopString:
            return "stop string";
        case FinishReason::Length:
            return "length";
        case FinishReason::Cancelled:
            return "cancelled";
        case FinishReason::Error:
            return "error";
    }
    return "?";
}

// Generates one reply; returns the text and prints it as it streams.
GenerationResult reply(CliModel& m, const ChatFormatter& fmt, const std::vector<ChatMessage>& msgs,
                       bool think, bool raw, const std::string& rawPrompt, const SamplingParams& sp,
                       int n, std::string& text) {
    const Tokenizer& tok = m.model->tokenizer();
    std::vector<int32_t> prompt =
        raw ? tok.encode(rawPrompt, false) : buildChatPrompt(tok, fmt, msgs, think, "");
    GenerationHooks hooks;
    hooks.onText = [&](std::string_view piece) {
        text.append(piece);
        std::fwrite(piece.data(), 1, piece.size(), stdout);
        std::fflush(stdout);
    };
    GenerationResult r = m.generator->generate(prompt, sp, n, endOfTurnIds(tok, fmt), hooks);
    std::printf("\n");
    if (r.reason == FinishReason::Error) std::fprintf(stderr, "error: %s\n", r.error.c_str());
    std::fprintf(stderr,
                 "[prompt %d tokens (%d reused), %.1f tok/s prefill; %d generated, %.1f tok/s; "
                 "first token %.0f ms; finish: %s]\n",
                 r.promptTokens, r.reusedPromptTokens, r.prefillTokensPerSecond, r.generatedTokens,
                 r.decodeTokensPerSecond, r.timeToFirstTokenMs, reasonName(r.reason));
    return r;
}

}  // namespace

int runGenerate(int argc, char** argv) {
    Args args(argc, argv,
              {"-m", "-p", "-n", "--temp", "--top-k", "--top-p", "--min-p", "--seed", "-t", "-c",
               "--system", "--repeat-penalty", "--device", "--kv-type"},
              {"--chat", "--no-think", "--raw"});
    const bool think = !args.flag("--no-think");
    SamplingParams sp =
        think ? SamplingParams::qwen3Thinking() : SamplingParams::qwen3NonThinking();
    sp.temperature = float(args.doubleValue("--temp", sp.temperature));
    sp.topK = args.intValue("--top-k", sp.topK);
    sp.topP = float(args.doubleValue("--top-p", sp.topP));
    sp.minP = float(args.doubleValue("--min-p", sp.minP));
    sp.repetitionPenalty = float(args.doubleValue("--repeat-penalty", sp.repetitionPenalty));
    sp.seed = uint64_t(args.intValue("--seed", 0));
    const int n = args.intValue("-n", 512);
    const int threads = args.intValue("-t", 0);
    const int ctx = args.intValue("-c", 0);
    Device device = Device::Auto;
    KvType kvType = GeneratorOptions{}.kvType;
    if (!args.ok() || !args.value("-m") || (!args.value("-p") && !args.flag("--chat")) ||
        !deviceOption(args, device) || !kvTypeOption(args, kvType)) {
        std::fprintf(stderr, "%s%s\n", kRunUsage, args.error().c_str());
        return 1;
    }
    CliModel m;
    if (!openModel(*args.value("-m"), threads, ctx, m, 512, device, kvType)) return 1;
    auto fmt =
        selectChatFormatter(m.model->config().arch->name, m.model->tokenizer().chatTemplate());
    std::vector<ChatMessage> msgs;
    if (auto sys = args.value("--system")) msgs.push_back({"system", *sys});
    if (!args.flag("--chat")) {
        msgs.push_back({"user", *args.value("-p")});
        std::string text;
        auto r = reply(m, *fmt, msgs, think, args.flag("--raw"), *args.value("-p"), sp, n, text);
        return r.reason == FinishReason::Error ? 1 : 0;
    }
    std::string line;
    std::fprintf(stderr, "chat with %s — an empty line or end of input quits\n",
                 m.model->config().name.c_str());
    while (std::fprintf(stderr, "> "), std::getline(std::cin, line) && !line.empty()) {
        msgs.push_back({"user", line});
        std::string text;
        auto r = reply(m, *fmt, msgs, think, false, "", sp, n, text);
        if (r.reason == FinishReason::Error) {
            msgs.pop_back();
            continue;
        }
        msgs.push_back({"assistant", text});
    }
    return 0;
}

}  // namespace folio::cli
