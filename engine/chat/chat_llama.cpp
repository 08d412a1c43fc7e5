// Llama 3.1/3.2 Instruct formatter (the Llama-3.2 Jinja template without tools).
#include <string>

#include "engine/chat/chat_text.h"
#include "engine/chat/json.h"

namespace folio::chat {

namespace {

constexpr std::string_view kBeginOfText = "<|begin_of_text|>";
constexpr std::string_view kStartHeader = "<|start_header_id|>";
constexpr std::string_view kEndHeader = "<|end_header_id|>";
constexpr std::string_view kEndOfTurn = "<|eot_id|>";
// What the template prints when the caller provides neither date_string nor strftime_now.
constexpr std::string_view kDefaultDate = "26 Jul 2024";

void header(PromptText& p, std::string_view role) {
    p.appendSpecial(std::string(kStartHeader));
    p.appendText(std::string(role));
    p.appendSpecial(std::string(kEndHeader));
    p.appendText("\n\n");
}

// The system turn is always present: knowledge cut-off, date, then the (trimmed) system message.
// Contents are trimmed (Python str.strip()). Tool and ipython messages are written under the
// "ipython" header as a JSON string, because the template's `content is iterable` test is true
// for strings. Roles are otherwise copied as given.
class Llama3Formatter final : public ChatFormatter {
public:
    std::string_view name() const override { return "llama3"; }
    PromptText render(const std::vector<ChatMessage>& messages,
                      const ChatTemplateOptions& options) const override {
        PromptText p;
        p.appendSpecial(std::string(kBeginOfText));
        size_t first = 0;
        std::string_view system;
        if (!messages.empty() && messages[0].role == "system") {
            system = pyStrip(messages[0].content);
            first = 1;
        }
        const std::string_view date =
            options.dateString.empty() ? kDefaultDate : std::string_view(options.dateString);
        header(p, "system");
        p.appendText("Cutting Knowledge Date: December 2023\nToday Date: " + std::string(date) +
                     "\n\n" + std::string(system));
        p.appendSpecial(std::string(kEndOfTurn));
        for (size_t i = first; i < messages.size(); ++i) {
            const ChatMessage& m = messages[i];
            if (m.role == "tool" || m.role == "ipython") {
                header(p, "ipython");
                p.appendText(jsonQuote(m.content));
            } else {
                header(p, m.role);
                p.appendText(std::string(pyStrip(m.content)));
            }
            p.appendSpecial(std::string(kEndOfTurn));
        }
        if (options.addGenerationPrompt) header(p, "assistant");
        return p;
    }
    std::vector<std::string> endOfTurnTokens() const override {
        return {std::string(kEndOfTurn), "<|eom_id|>", "<|end_of_text|>"};
    }
    bool supportsThinking() const override { return false; }
};

}  // namespace

std::unique_ptr<ChatFormatter> makeLlama3() {
    return std::make_unique<Llama3Formatter>();
}

}  // namespace folio::chat
