// Gemma 2 Instruct formatter (google/gemma-2-*-it template).
#include <string>

#include "engine/chat/chat_text.h"

namespace folio::chat {

namespace {

constexpr std::string_view kBos = "<bos>";
constexpr std::string_view kStartOfTurn = "<start_of_turn>";
constexpr std::string_view kEndOfTurn = "<end_of_turn>";

// Turns are "<start_of_turn>" role "\n" trimmed-content "<end_of_turn>\n", with "assistant"
// written as "model". The template raises on a system message and on roles that do not
// alternate user/assistant; here a leading system message is instead prepended to the first user
// turn (separated by a blank line; llama.cpp does the same) and alternation is not enforced.
class GemmaFormatter final : public ChatFormatter {
public:
    std::string_view name() const override { return "gemma"; }
    PromptText render(const std::vector<ChatMessage>& messages,
                      const ChatTemplateOptions& options) const override {
        PromptText p;
        p.appendSpecial(std::string(kBos));
        size_t first = 0;
        std::string system;
        if (!messages.empty() && messages[0].role == "system") {
            system = std::string(pyStrip(messages[0].content));
            first = 1;
        }
        for (size_t i = first; i < messages.size(); ++i) {
            const ChatMessage& m = messages[i];
            std::string content(pyStrip(m.content));
            if (!system.empty() && m.role == "user") {
                content = system + "\n\n" + content;
                system.clear();
            }
            turn(p, m.role == "assistant" ? "model" : m.role, content);
        }
        if (!system.empty()) turn(p, "user", system);  // a system message and nothing else
        if (options.addGenerationPrompt) {
            p.appendSpecial(std::string(kStartOfTurn));
            p.appendText("model\n");
        }
        return p;
    }
    std::vector<std::string> endOfTurnTokens() const override {
        return {std::string(kEndOfTurn), "<eos>"};
    }
    bool supportsThinking() const override { return false; }

private:
    static void turn(PromptText& p, std::string_view role, const std::string& content) {
        p.appendSpecial(std::string(kStartOfTurn));
        p.appendText(std::string(role) + "\n" + content);
        p.appendSpecial(std::string(kEndOfTurn));
        p.appendText("\n");
    }
};

}  // namespace

std::unique_ptr<ChatFormatter> makeGemma() {
    return std::make_unique<GemmaFormatter>();
}

}  // namespace folio::chat
