#pragma once
// Helpers shared by the libFuzzer targets in fuzz/ (see docs/reliability.md).
// Each target checks a documented contract of the API it drives and calls fuzzFail() when the
// contract is broken, so a silent wrong answer is reported like a crash.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gguf/gguf.h"
#include "engine/tokenizer/tokenizer.h"
#include "unit/reliability_fixtures.h"

namespace folio::fuzz {

// Reports a broken contract and aborts, which libFuzzer records as a crash with the input.
[[noreturn]] inline void fuzzFail(const char* what) {
    std::fprintf(stderr, "fuzz contract violated: %s\n", what);
    std::abort();
}

// Consumes the fuzzer's bytes front to back; reads past the end return zeros.
class ByteReader {
public:
    ByteReader(const uint8_t* data, size_t size) : m_data(data), m_size(size) {}
    bool empty() const { return m_pos >= m_size; }
    uint8_t byte() { return m_pos < m_size ? m_data[m_pos++] : 0; }
    uint16_t u16() { return uint16_t(byte() | (uint16_t(byte()) << 8)); }
    // Up to maxLen bytes, ending early at the separator byte (which is consumed).
    std::string text(size_t maxLen, uint8_t separator) {
        std::string out;
        while (m_pos < m_size && out.size() < maxLen) {
            const uint8_t c = m_data[m_pos++];
            if (c == separator) break;
            out += char(c);
        }
        return out;
    }
    std::string rest() {
        std::string out(reinterpret_cast<const char*>(m_data) + m_pos, m_size - m_pos);
        m_pos = m_size;
        return out;
    }

private:
    const uint8_t* m_data;
    size_t m_size;
    size_t m_pos = 0;
};

// The tokenizer the tokenizer targets drive: FOLIO_FUZZ_VOCAB (a vocab GGUF), else the shared
// qwen2 vocab at FOLIO_FUZZ_DEFAULT_VOCAB when it exists, else the synthetic byte-level vocab of
// reliability_fixtures.h. Loaded once; the GgufFile is kept alive with it.
inline const Tokenizer& fuzzTokenizer() {
    static std::unique_ptr<GgufFile> file;
    static std::vector<uint8_t> synthetic;
    static std::unique_ptr<Tokenizer> tokenizer = [] {
        std::string path;
        if (const char* env = std::getenv("FOLIO_FUZZ_VOCAB")) path = env;
#ifdef FOLIO_FUZZ_DEFAULT_VOCAB
        if (path.empty()) {
            if (std::FILE* f = std::fopen(FOLIO_FUZZ_DEFAULT_VOCAB, "rb")) {
                std::fclose(f);
                path = FOLIO_FUZZ_DEFAULT_VOCAB;
            }
        }
#endif
        if (!path.empty()) {
            auto opened = GgufFile::open(path);
            if (!opened) fuzzFail("cannot open the fuzz vocabulary");
            file = std::move(opened.value());
        } else {
            synthetic = test::reliability::vocabFile();
            auto parsed = GgufFile::fromMemory(synthetic.data(), synthetic.size());
            if (!parsed) fuzzFail("the synthetic vocabulary does not parse");
            file = std::move(parsed.value());
        }
        auto t = Tokenizer::fromGguf(*file);
        if (!t) fuzzFail("the fuzz vocabulary does not load");
        std::fprintf(stderr, "fuzz tokenizer: %s, %d tokens (%s)\n", t.value()->describe().c_str(),
                     t.value()->vocabSize(), path.empty() ? "synthetic" : path.c_str());
        return std::move(t.value());
    }();
    return *tokenizer;
}

}  // namespace folio::fuzz
