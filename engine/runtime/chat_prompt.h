#pragma once
// Turns a conversation into prompt tokens with the model's chat template. Message contents are
// encoded as plain text (never as special tokens); only the template's own scaffolding is.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/chat/chat_format.h"
#include "engine/runtime/types.h"
#include "engine/tokenizer/tokenizer.h"

namespace folio {

// Renders messages (+ the generation prompt; or, when continueAssistant is non-empty, the start
// of an assistant turn followed by that text so the model continues it) and tokenizes.
std::vector<int32_t> buildChatPrompt(const Tokenizer& tokenizer, const ChatFormatter& formatter,
                                     const std::vector<ChatMessage>& messages, bool thinking,
                                     const std::string& continueAssistant);

// Plain text, no template and no special tokens parsed (a raw completion).
std::vector<int32_t> buildPlainPrompt(const Tokenizer& tokenizer, const std::string& text);

// Token ids of the formatter's end-of-turn tokens that exist in the vocabulary.
std::vector<int32_t> endOfTurnIds(const Tokenizer& tokenizer, const ChatFormatter& formatter);

}  // namespace folio
