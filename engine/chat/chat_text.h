#pragma once
// Internal helpers for the chat formatters: the string operations the Jinja templates use, with
// Python's semantics (Jinja's trim is Python's str.strip()).
#include <memory>
#include <string>
#include <string_view>

#include "engine/chat/chat_format.h"

namespace folio::chat {

// Python str.strip()/lstrip()/rstrip() with no argument: removes Unicode whitespace as Python's
// str.isspace() defines it (ASCII whitespace, U+001C..U+001F, U+0085, U+00A0, U+1680,
// U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000). Input is UTF-8.
std::string_view pyStrip(std::string_view s);

// Python s.strip('\n') and friends: only '\n' characters.
std::string_view stripNewlines(std::string_view s);
std::string_view lstripNewlines(std::string_view s);
std::string_view rstripNewlines(std::string_view s);

// Python s.split(sep)[0] and s.split(sep)[-1] (sep non-empty).
std::string_view beforeFirst(std::string_view s, std::string_view sep);
std::string_view afterLast(std::string_view s, std::string_view sep);

// Qwen-family reasoning split of an assistant message that contains "</think>":
// reasoning = content.split('</think>')[0].rstrip('\n').split('<think>')[-1].lstrip('\n')
// answer    = content.split('</think>')[-1].lstrip('\n')
// Returns false (and leaves the outputs alone) when there is no "</think>".
bool splitThink(std::string_view content, std::string_view& reasoning, std::string_view& answer);

// Factories of the registered formatters (chat_qwen.cpp, chat_llama.cpp, chat_gemma.cpp).
std::unique_ptr<ChatFormatter> makeChatMl();
std::unique_ptr<ChatFormatter> makeQwen25();
std::unique_ptr<ChatFormatter> makeQwen3();
std::unique_ptr<ChatFormatter> makeQwen35();
std::unique_ptr<ChatFormatter> makeLlama3();
std::unique_ptr<ChatFormatter> makeGemma();

}  // namespace folio::chat
