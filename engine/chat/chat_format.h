#pragma once
// Chat templates rendered in C++ (no Jinja interpreter): each supported model family has a
// ChatFormatter that reproduces its published Jinja template byte for byte for plain
// conversations (roles system/user/assistant; "tool" only where noted). Tool definitions and
// tool calls (function calling) are out of scope.
//
// Template scaffolding tokens ("<|im_start|>", "<|eot_id|>", "<think>"...) are appended with
// PromptText::appendSpecial; message contents (and roles) with appendText, so text typed by a
// user or extracted from a document is never turned into special tokens.
//
// Formatters are stateless: render() is const and thread-safe.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/runtime/types.h"
#include "engine/tokenizer/prompt_text.h"

namespace folio {

struct ChatTemplateOptions {
    bool addGenerationPrompt = true;
    // Qwen3-style templates: false renders an empty "<think>\n\n</think>\n\n" after the
    // generation prompt. Ignored by formatters whose supportsThinking() is false.
    bool enableThinking = true;
    // Llama 3: the "Today Date: ..." line of the system header, e.g. "26 Jul 2024". Empty uses
    // "26 Jul 2024", which is what the Jinja template prints when strftime_now is not provided
    // (HF transformers provides it and prints the current date; pass formatTemplateDate(today)
    // here to match).
    std::string dateString;
};

// A date as the Llama 3 template's strftime_now("%d %b %Y") prints it in the C locale:
// formatTemplateDate(2026, 11, 8) == "08 Nov 2026". month is 1..12 (clamped), day 1..31.
std::string formatTemplateDate(int year, int month, int day);

class ChatFormatter {
public:
    virtual ~ChatFormatter();
    // The registry name ("qwen3", "qwen2.5", "qwen3.5", "llama3", "gemma", "chatml").
    virtual std::string_view name() const = 0;
    // Renders the conversation. Never fails: inputs the Jinja template rejects with
    // raise_exception (e.g. a Qwen3.5 system message after the first) are rendered best-effort as
    // documented on each formatter; only valid conversations are guaranteed byte-identical.
    virtual PromptText render(const std::vector<ChatMessage>& messages,
                              const ChatTemplateOptions& options) const = 0;
    // Texts of the tokens that end an assistant turn, e.g. {"<|im_end|>", "<|endoftext|>"}.
    virtual std::vector<std::string> endOfTurnTokens() const = 0;
    virtual bool supportsThinking() const = 0;
};

// A formatter by registry name; nullptr if the name is unknown.
std::unique_ptr<ChatFormatter> makeChatFormatter(std::string_view name);

// All registry names, in registry order.
std::vector<std::string_view> chatFormatterNames();

// Picks the formatter for a model: first from markers in its embedded Jinja template (a table of
// marker sets, most specific first), then from the GGUF general.architecture ("qwen3", "qwen2",
// "llama", ...). Never null: ChatML is the last resort.
std::unique_ptr<ChatFormatter> selectChatFormatter(std::string_view architecture,
                                                   std::string_view embeddedJinja);

}  // namespace folio
