// libFuzzer target: Tokenizer::decode / tokenBytes and the StreamingDetokenizer on arbitrary id
// sequences (including negative and out-of-range ids). Contract (engine/tokenizer/tokenizer.h):
// every piece the detokenizer emits is valid UTF-8, and the concatenation of all pieces plus
// flush() equals unicode::sanitizeUtf8(decode(ids)).
#include "engine/tokenizer/unicode.h"
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
    std::vector<int32_t> ids;
    while (!in.empty() && ids.size() < 4096) {
        // Mostly in-range ids, with a few just outside the vocabulary and negative ones.
        const int32_t raw = int32_t(in.u16()) | (int32_t(in.byte()) << 16);
        const int32_t range = tok.vocabSize() + 8;
        ids.push_back((raw & 0x800000) ? -(raw & 0xFF) : (raw % range));
    }
    folio::StreamingDetokenizer stream(tok);
    std::string streamed;
    for (int32_t id : ids) {
        const std::string piece = stream.push(id);
        if (!folio::unicode::isValidUtf8(piece)) folio::fuzz::fuzzFail("push() emitted bad UTF-8");
        streamed += piece;
        (void)tok.tokenBytes(id);
        (void)tok.isEndOfGeneration(id);
    }
    const std::string tail = stream.flush();
    if (!folio::unicode::isValidUtf8(tail)) folio::fuzz::fuzzFail("flush() emitted bad UTF-8");
    streamed += tail;
    if (streamed != folio::unicode::sanitizeUtf8(tok.decode(ids)))
        folio::fuzz::fuzzFail("streamed text differs from sanitizeUtf8(decode(ids))");
    return 0;
}
