// libFuzzer target: the chat formatters on random conversations, and selectChatFormatter on
// random architecture names and embedded templates. Contracts (engine/chat/chat_format.h,
// engine/tokenizer/prompt_text.h): render() never fails; special spans are sorted,
// non-overlapping, inside the text, and each is one of the formatter's own scaffolding tokens
// (never message text); a message's content appears verbatim in the prompt.
#include <string_view>

#include "engine/chat/chat_format.h"
#include "fuzz_common.h"

namespace {

using folio::fuzz::fuzzFail;

void checkSpans(const folio::PromptText& p, const std::vector<folio::ChatMessage>& messages) {
    size_t end = 0;
    for (const folio::SpecialSpan& s : p.specials) {
        if (s.offset < end) fuzzFail("special spans overlap or are unsorted");
        if (s.length == 0 || s.offset > p.text.size() || s.length > p.text.size() - s.offset)
            fuzzFail("special span outside the text");
        end = s.offset + s.length;
        // Scaffolding tokens look like <|...|>, <...> or [...]; a span holding a newline or a
        // message's bytes would mean user text became a special token.
        const std::string_view t(p.text.data() + s.offset, s.length);
        if (t.find('\n') != std::string_view::npos) fuzzFail("a special span contains a newline");
    }
    for (const folio::ChatMessage& m : messages) {
        // Only user turns are always kept: templates skip unknown roles and (Qwen3.5) a system
        // message after the first, and trim assistant reasoning. Only short, plain contents are
        // checked, since templates may strip whitespace.
        if (m.content.size() < 3 || m.content.size() > 64) continue;
        bool plain = true;
        for (char c : m.content) plain = plain && ((c >= 'a' && c <= 'z') || c == ' ');
        if (plain && m.content.front() != ' ' && m.content.back() != ' ' &&
            p.text.find(m.content) == std::string::npos && m.role == "user")
            fuzzFail("a message's content is missing from the prompt");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::vector<std::string_view> names = folio::chatFormatterNames();
    static const char* const roles[] = {"system", "user", "assistant", "tool", ""};
    folio::fuzz::ByteReader in(data, size);
    const uint8_t pick = in.byte();
    const uint8_t flags = in.byte();
    folio::ChatTemplateOptions options;
    options.addGenerationPrompt = flags & 1;
    options.enableThinking = flags & 2;
    if (flags & 4) options.dateString = in.text(32, 0xFF);

    std::unique_ptr<folio::ChatFormatter> formatter;
    if (pick < 0xF0) {
        formatter = folio::makeChatFormatter(names[pick % names.size()]);
        if (!formatter) fuzzFail("a registered formatter name does not make a formatter");
    } else {
        const std::string arch = in.text(24, 0xFF);
        const std::string jinja = in.text(4096, 0xFE);
        formatter = folio::selectChatFormatter(arch, jinja);
        if (!formatter) fuzzFail("selectChatFormatter returned null");
    }
    std::vector<folio::ChatMessage> messages;
    while (!in.empty() && messages.size() < 64) {
        folio::ChatMessage m;
        m.role = roles[in.byte() % 5];
        m.content = in.text(2048, 0xFF);
        messages.push_back(std::move(m));
    }
    const folio::PromptText p = formatter->render(messages, options);
    checkSpans(p, messages);
    (void)formatter->endOfTurnTokens();
    return 0;
}
