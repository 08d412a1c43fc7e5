// libFuzzer target: the app's conversation JSON import (app/conversation_export.h) on arbitrary
// bytes. Contracts: never a crash; errors carry a message; an accepted dump exports to JSON that
// imports again with the same number of messages.
#include <QByteArray>

#include "app/conversation_export.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using folio::fuzz::fuzzFail;
    const QByteArray json(reinterpret_cast<const char*>(data), qsizetype(size));
    auto dump = folio::parseConversationJson(json);
    if (!dump) {
        if (dump.error().message.empty()) fuzzFail("an import error without a message");
        return 0;
    }
    auto again = folio::parseConversationJson(folio::exportJson(dump.value()));
    if (!again) fuzzFail("exportJson output does not import");
    if (again.value().messages.size() != dump.value().messages.size())
        fuzzFail("export -> import changed the number of messages");
    (void)folio::exportMarkdown(dump.value());
    return 0;
}
