// libFuzzer target: the engine's JSON reader, folio::parseJson (engine/chat/json.h: chat message
// files, configuration, tokenizer.json), on arbitrary bytes. Contracts: never a crash or a stack
// overflow (depth limits), errors carry a message, and an accepted value survives
// toJson -> parseJson unchanged.
#include <string_view>

#include "engine/chat/json.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using folio::fuzz::fuzzFail;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto v = folio::parseJson(text);
    if (!v) {
        if (v.error().message.empty()) fuzzFail("parseJson error without a message");
    } else {
        for (int indent : {-1, 2}) {
            const std::string written = folio::toJson(v.value(), indent);
            auto again = folio::parseJson(written);
            if (!again) fuzzFail("parseJson rejects toJson output");
            if (!(again.value() == v.value())) fuzzFail("toJson -> parseJson changed the value");
        }
    }
    return 0;
}
