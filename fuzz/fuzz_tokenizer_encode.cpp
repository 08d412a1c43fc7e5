// libFuzzer target: Tokenizer::encode / encodePrompt on arbitrary bytes with the qwen2 vocabulary
// (or the synthetic one; see fuzz_common.h). Contracts (engine/tokenizer/tokenizer.h): any bytes
// are accepted, every id is inside the vocabulary, and byte-level BPE round-trips exactly:
// decode(encode(text)) == text for plain text.
#include "engine/tokenizer/prompt_text.h"
#include "fuzz_common.h"

// The vocabulary loads before the first input, outside libFuzzer's per-input timeout (loading
// the qwen2 vocabulary with ASan takes seconds, more than 20 on a loaded machine).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)folio::fuzz::fuzzTokenizer();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const folio::Tokenizer& tok = folio::fuzz::fuzzTokenizer();
    folio::fuzz::ByteReader in(data, size);
    const uint8_t mode = in.byte();
    const std::string text = in.rest();
    const bool parseSpecial = (mode & 1) != 0;
    const std::vector<int32_t> ids = tok.encode(text, parseSpecial);
    for (int32_t id : ids)
        if (id < 0 || id >= tok.vocabSize()) folio::fuzz::fuzzFail("encode() id out of range");
    if (!parseSpecial && tok.describe().rfind("bpe/", 0) == 0 &&
        tok.describe().find("nfc") == std::string::npos && tok.decode(ids) != text)
        folio::fuzz::fuzzFail("byte-level BPE does not round-trip");

    // The same text as a chat prompt with a special span wherever the mode byte says; spans that
    // are not exactly a special token's text must stay plain text (never crash).
    folio::PromptText prompt;
    const size_t cut = text.empty() ? 0 : (size_t(mode) * 7919u) % (text.size() + 1);
    prompt.appendText(text.substr(0, cut));
    prompt.appendSpecial((mode & 2) ? "<|im_start|>" : text.substr(cut, 12));
    prompt.appendText(text.substr(std::min(text.size(), cut + 12)));
    for (int32_t id : tok.encodePrompt(prompt))
        if (id < 0 || id >= tok.vocabSize())
            folio::fuzz::fuzzFail("encodePrompt() id out of range");
    return 0;
}
