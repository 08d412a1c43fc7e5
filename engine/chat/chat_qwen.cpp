// ChatML-family formatters: generic ChatML, Qwen2.5, Qwen3 and Qwen3.5. Each render() follows its
// Jinja template statement by statement (the template files are in ../shared/data/templates and
// the goldens in tests/data/templates were rendered from them).
#include <string>

#include "engine/chat/chat_text.h"

namespace folio::chat {

namespace {

constexpr std::string_view kImStart = "<|im_start|>";
constexpr std::string_view kImEnd = "<|im_end|>";
constexpr std::string_view kThinkOpen = "<think>";
constexpr std::string_view kThinkClose = "</think>";
constexpr std::string_view kToolResponsePrefix = "<tool_response>";
constexpr std::string_view kToolResponseSuffix = "</tool_response>";
constexpr std::string_view kQwenDefaultSystem =
    "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

// Appends ChatML pieces to a PromptText; specials only through special().
class ChatMlWriter {
public:
    void special(std::string_view token) { m_prompt.appendSpecial(std::string(token)); }
    void text(std::string_view plain) { m_prompt.appendText(std::string(plain)); }

    // '<|im_start|>' + role + '\n' + content + '<|im_end|>' + '\n'
    void turn(std::string_view role, std::string_view content) {
        openTurn(role);
        text(content);
        closeTurn();
    }
    // '<|im_start|>' + role + '\n'
    void openTurn(std::string_view role) {
        special(kImStart);
        text(std::string(role) + "\n");
    }
    void closeTurn() {
        special(kImEnd);
        text("\n");
    }
    // '<think>\n' + reasoning + '\n</think>\n\n'
    void thinkBlock(std::string_view reasoning) {
        special(kThinkOpen);
        text("\n" + std::string(reasoning) + "\n");
        special(kThinkClose);
        text("\n\n");
    }
    // The Qwen tool-result turn: consecutive "tool" messages share one user turn.
    void toolResponse(std::string_view content, bool openUserTurn, bool closeUserTurn) {
        if (openUserTurn) {
            special(kImStart);
            text("user");
        }
        text("\n" + std::string(kToolResponsePrefix) + "\n" + std::string(content) + "\n" +
             std::string(kToolResponseSuffix));
        if (closeUserTurn) closeTurn();
    }
    PromptText take() { return std::move(m_prompt); }

private:
    PromptText m_prompt;
};

bool isToolResponse(std::string_view content) {
    return content.starts_with(kToolResponsePrefix) && content.ends_with(kToolResponseSuffix);
}

bool previousIsTool(const std::vector<ChatMessage>& m, size_t i) {
    return i > 0 && m[i - 1].role == "tool";
}
bool nextIsTool(const std::vector<ChatMessage>& m, size_t i) {
    return i + 1 < m.size() && m[i + 1].role == "tool";
}

// Index of the last user message that is a real query (not a wrapped tool response), as the
// Qwen3 templates compute ns.last_query_index; `fallback` when there is none.
long lastQueryIndex(const std::vector<ChatMessage>& m, bool trimContent, long fallback) {
    for (size_t k = m.size(); k-- > 0;) {
        if (m[k].role != "user") continue;
        std::string_view c = trimContent ? pyStrip(m[k].content) : std::string_view(m[k].content);
        if (!isToolResponse(c)) return static_cast<long>(k);
    }
    return fallback;
}

const std::vector<std::string> kQwenEndTokens = {std::string(kImEnd), "<|endoftext|>"};

// The common ChatML template: every message as a turn, then the generation prompt.
class ChatMlFormatter final : public ChatFormatter {
public:
    std::string_view name() const override { return "chatml"; }
    PromptText render(const std::vector<ChatMessage>& messages,
                      const ChatTemplateOptions& options) const override {
        ChatMlWriter w;
        for (const ChatMessage& m : messages) w.turn(m.role, m.content);
        if (options.addGenerationPrompt) w.openTurn("assistant");
        return w.take();
    }
    std::vector<std::string> endOfTurnTokens() const override { return {std::string(kImEnd)}; }
    bool supportsThinking() const override { return false; }
};

// Qwen2.5 (and Qwen2.5-Coder): ChatML with a default system prompt when none is given.
// Messages with other roles than system/user/assistant/tool are skipped, as in the template.
// An empty conversation renders the default system turn (the template raises instead).
class Qwen25Formatter final : public ChatFormatter {
public:
    std::string_view name() const override { return "qwen2.5"; }
    PromptText render(const std::vector<ChatMessage>& messages,
                      const ChatTemplateOptions& options) const override {
        ChatMlWriter w;
        const bool hasSystem = !messages.empty() && messages[0].role == "system";
        w.turn("system", hasSystem ? std::string_view(messages[0].content) : kQwenDefaultSystem);
        for (size_t i = 0; i < messages.size(); ++i) {
            const ChatMessage& m = messages[i];
            if (m.role == "user" || m.role == "assistant" || (m.role == "system" && i > 0))
                w.turn(m.role, m.content);
            else if (m.role == "tool")
                w.toolResponse(m.content, !previousIsTool(messages, i), !nextIsTool(messages, i));
        }
        if (options.addGenerationPrompt) w.openTurn("assistant");
        return w.take();
    }
    std::vector<std::string> endOfTurnTokens() const override { return kQwenEndTokens; }
    bool supportsThinking() const override { return false; }
};

// Qwen3: assistant turns before the last user query lose their <think> block; turns after it
// keep (or, for the final message, get an empty) think block. reasoning_content is not a field
// of ChatMessage, so reasoning always comes from "<think>...</think>" inside the content.
class Qwen3Formatter final : public ChatFormatter {
public:
    std::string_view name() const override { return "qwen3"; }
    PromptText render(const std::vector<ChatMessage>& messages,
                      const ChatTemplateOptions& options) const override {
        ChatMlWriter w;
        if (!messages.empty() && messages[0].role == "system")
            w.turn("system", messages[0].content);
        const long n = static_cast<long>(messages.size());
        const long lastQuery = lastQueryIndex(messages, false, n - 1);
        for (long i = 0; i < n; ++i) {
            const ChatMessage& m = messages[static_cast<size_t>(i)];
            if (m.role == "user" || (m.role == "system" && i > 0)) {
                w.turn(m.role, m.content);
            } else if (m.role == "assistant") {
                renderAssistant(w, m.content, i > lastQuery, i == n - 1);
            } else if (m.role == "tool") {
                const auto k = static_cast<size_t>(i);
                w.toolResponse(m.content, !previousIsTool(messages, k), !nextIsTool(messages, k));
            }
        }
        if (options.addGenerationPrompt) {
            w.openTurn("assistant");
            if (!options.enableThinking) w.thinkBlock("");
        }
        return w.take();
    }
    std::vector<std::string> endOfTurnTokens() const override { return kQwenEndTokens; }
    bool supportsThinking() const override { return true; }

private:
    static void renderAssistant(ChatMlWriter& w, std::string_view content, bool afterLastQuery,
                                bool isLast) {
        std::string_view reasoning;
        splitThink(content, reasoning, content);
        w.openTurn("assistant");
        if (afterLastQuery && (isLast || !reasoning.empty())) {
            w.thinkBlock(stripNewlines(reasoning));
            w.text(lstripNewlines(content));
        } else {
            w.text(content);
        }
        w.closeTurn();
    }
};

// Qwen3.5: like Qwen3, but every content is trimmed (Python str.strip()), every assistant turn
// after the last query carries a think block, and thinking mode opens "<think>\n" after the
// generation prompt. Where the template raises an exception, this renders best-effort: a
// system message after the first is skipped, an unknown role is skipped, and a conversation
// without a user query treats the last message as the query.
class Qwen35Formatter final : public ChatFormatter {
public:
    std::string_view name() const override { return "qwen3.5"; }
    PromptText render(const std::vector<ChatMessage>& messages,
                      const ChatTemplateOptions& options) const override {
        ChatMlWriter w;
        if (!messages.empty() && messages[0].role == "system")
            w.turn("system", pyStrip(messages[0].content));
        const long n = static_cast<long>(messages.size());
        const long lastQuery = lastQueryIndex(messages, true, n - 1);
        for (long i = 0; i < n; ++i) {
            const auto k = static_cast<size_t>(i);
            const ChatMessage& m = messages[k];
            const std::string_view content = pyStrip(m.content);
            if (m.role == "user") {
                w.turn("user", content);
            } else if (m.role == "assistant") {
                renderAssistant(w, content, i > lastQuery);
            } else if (m.role == "tool") {
                // loop.previtem is undefined for the first message: no "<|im_start|>user" then.
                const bool open = k > 0 && messages[k - 1].role != "tool";
                w.toolResponse(content, open, !nextIsTool(messages, k));
            }
        }
        if (options.addGenerationPrompt) {
            w.openTurn("assistant");
            if (!options.enableThinking) {
                w.thinkBlock("");
            } else {
                w.special(kThinkOpen);
                w.text("\n");
            }
        }
        return w.take();
    }
    std::vector<std::string> endOfTurnTokens() const override { return kQwenEndTokens; }
    bool supportsThinking() const override { return true; }

private:
    static void renderAssistant(ChatMlWriter& w, std::string_view content, bool afterLastQuery) {
        std::string_view reasoning;
        splitThink(content, reasoning, content);
        w.openTurn("assistant");
        if (afterLastQuery) w.thinkBlock(pyStrip(reasoning));
        w.text(content);
        w.closeTurn();
    }
};

}  // namespace

std::unique_ptr<ChatFormatter> makeChatMl() {
    return std::make_unique<ChatMlFormatter>();
}
std::unique_ptr<ChatFormatter> makeQwen25() {
    return std::make_unique<Qwen25Formatter>();
}
std::unique_ptr<ChatFormatter> makeQwen3() {
    return std::make_unique<Qwen3Formatter>();
}
std::unique_ptr<ChatFormatter> makeQwen35() {
    return std::make_unique<Qwen35Formatter>();
}

}  // namespace folio::chat
