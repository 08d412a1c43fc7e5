#include "engine/runtime/chat_prompt.h"

namespace folio {

std::vector<int32_t> buildChatPrompt(const Tokenizer& tokenizer, const ChatFormatter& formatter,
                                     const std::vector<ChatMessage>& messages, bool thinking,
                                     const std::string& continueAssistant) {
    ChatTemplateOptions options;
    options.addGenerationPrompt = true;
    options.enableThinking = thinking;
    PromptText prompt = formatter.render(messages, options);
    prompt.appendText(continueAssistant);
    return tokenizer.encodePrompt(prompt);
}

std::vector<int32_t> buildPlainPrompt(const Tokenizer& tokenizer, const std::string& text) {
    PromptText prompt;
    prompt.appendText(text);
    return tokenizer.encodePrompt(prompt);
}

std::vector<int32_t> endOfTurnIds(const Tokenizer& tokenizer, const ChatFormatter& formatter) {
    std::vector<int32_t> ids;
    for (const std::string& t : formatter.endOfTurnTokens())
        if (auto id = tokenizer.tokenId(t)) ids.push_back(*id);
    return ids;
}

}  // namespace folio
