#include "engine/chat/chat_format.h"

#include <algorithm>
#include <cstdio>
#include <initializer_list>

#include "engine/chat/chat_text.h"

namespace folio {

ChatFormatter::~ChatFormatter() = default;

namespace {

struct FormatterEntry {
    std::string_view name;
    std::unique_ptr<ChatFormatter> (*make)();
};

// The registry. Aliases map to the same factory.
constexpr FormatterEntry kFormatters[] = {
    {"qwen3", chat::makeQwen3},   {"qwen2.5", chat::makeQwen25}, {"qwen3.5", chat::makeQwen35},
    {"llama3", chat::makeLlama3}, {"gemma", chat::makeGemma},    {"chatml", chat::makeChatMl},
};

constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
    {"qwen2", "qwen2.5"},  {"qwen25", "qwen2.5"},  {"qwen35", "qwen3.5"},
    {"llama-3", "llama3"}, {"llama3.2", "llama3"}, {"gemma2", "gemma"},
};

// Marker sets that identify a family from its embedded Jinja source; every marker of an entry
// must occur. Most specific first: Qwen3.5 and Qwen3 both use ChatML and "<think>", Qwen2.5 is
// ChatML with a default system prompt, and any other "<|im_start|>" template is treated as ChatML.
struct MarkerRule {
    std::initializer_list<std::string_view> markers;
    std::string_view formatter;
};

const MarkerRule kMarkerRules[] = {
    {{"<|start_header_id|>", "<|eot_id|>", "Cutting Knowledge Date"}, "llama3"},
    {{"<|im_start|>", "last_query_index", "render_content", "<think>"}, "qwen3.5"},
    {{"<|im_start|>", "last_query_index", "reasoning_content", "</think>"}, "qwen3"},
    {{"<|im_start|>", "You are Qwen, created by Alibaba Cloud."}, "qwen2.5"},
    {{"<start_of_turn>", "<end_of_turn>"}, "gemma"},
    {{"<|im_start|>", "<|im_end|>"}, "chatml"},
};

// general.architecture values (GGUF) and model_type values (config.json).
constexpr std::pair<std::string_view, std::string_view> kArchitectures[] = {
    {"qwen3", "qwen3"},     {"qwen3moe", "qwen3"}, {"qwen2", "qwen2.5"}, {"qwen35", "qwen3.5"},
    {"qwen3_5", "qwen3.5"}, {"llama", "llama3"},   {"gemma2", "gemma"},  {"gemma", "gemma"},
};

std::string_view canonicalName(std::string_view name) {
    for (const auto& [alias, target] : kAliases)
        if (alias == name) return target;
    return name;
}

}  // namespace

std::string formatTemplateDate(int year, int month, int day) {
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    month = std::clamp(month, 1, 12);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02d %s %d", day, kMonths[month - 1], year);
    return buf;
}

std::unique_ptr<ChatFormatter> makeChatFormatter(std::string_view name) {
    name = canonicalName(name);
    for (const FormatterEntry& entry : kFormatters)
        if (entry.name == name) return entry.make();
    return nullptr;
}

std::vector<std::string_view> chatFormatterNames() {
    std::vector<std::string_view> names;
    for (const FormatterEntry& entry : kFormatters) names.push_back(entry.name);
    return names;
}

std::unique_ptr<ChatFormatter> selectChatFormatter(std::string_view architecture,
                                                   std::string_view embeddedJinja) {
    if (!embeddedJinja.empty()) {
        for (const MarkerRule& rule : kMarkerRules) {
            bool all = true;
            for (std::string_view marker : rule.markers)
                all = all && embeddedJinja.find(marker) != std::string_view::npos;
            if (all) return makeChatFormatter(rule.formatter);
        }
    }
    for (const auto& [arch, formatter] : kArchitectures)
        if (arch == architecture) return makeChatFormatter(formatter);
    return chat::makeChatMl();
}

}  // namespace folio
