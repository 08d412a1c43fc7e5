// libFuzzer target: the GGUF parser (GgufFile::fromMemory) on arbitrary bytes, then everything a
// loader does with an accepted file: every getter on every key, every tensor's data range, the
// model configuration and the tokenizer. Contract (engine/gguf/gguf.h): never a crash, and every
// view of an accepted file lies inside the buffer.
#include <cstring>
#include <memory>

#include "engine/model/config.h"
#include "fuzz_common.h"

namespace {

void checkInside(const uint8_t* base, size_t size, const void* p, size_t n, const char* what) {
    const auto* q = static_cast<const uint8_t*>(p);
    if (n == 0) return;
    if (q < base || q > base + size || n > size_t(base + size - q)) folio::fuzz::fuzzFail(what);
}

void walkMetadata(const folio::GgufFile& f, const uint8_t* base, size_t size) {
    for (const auto& [key, value] : f.metadata()) {
        checkInside(base, size, key.data(), key.size(), "key outside the buffer");
        if (f.find(key) == nullptr) folio::fuzz::fuzzFail("find() misses a listed key");
        (void)f.getInt(key);
        (void)f.getFloat(key);
        (void)f.getBool(key);
        if (auto s = f.getString(key)) checkInside(base, size, s->data(), s->size(), "string");
        if (auto a = f.getStringArray(key)) {
            for (std::string_view s : *a) checkInside(base, size, s.data(), s.size(), "array item");
        }
        (void)f.getFloatArray(key);
        (void)f.getIntArray(key);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // An exact-size heap copy, so a read one byte past the end is an ASan report.
    std::unique_ptr<uint8_t[]> copy(new uint8_t[size == 0 ? 1 : size]);
    if (size) std::memcpy(copy.get(), data, size);
    auto parsed = folio::GgufFile::fromMemory(copy.get(), size);
    if (!parsed) {
        if (parsed.error().message.empty()) folio::fuzz::fuzzFail("an error without a message");
        return 0;
    }
    const folio::GgufFile& f = *parsed.value();
    walkMetadata(f, copy.get(), size);
    volatile uint8_t sink = 0;
    for (const folio::GgufTensor& t : f.tensors()) {
        checkInside(copy.get(), size, t.data, t.nbytes, "tensor data outside the buffer");
        if (f.tensor(t.name) == nullptr) folio::fuzz::fuzzFail("tensor() misses a listed tensor");
        if (t.nbytes) sink = sink ^ t.data[0] ^ t.data[t.nbytes - 1];
    }
    (void)folio::readModelConfig(f);
    (void)folio::Tokenizer::fromGguf(f);
    (void)sink;
    return 0;
}
