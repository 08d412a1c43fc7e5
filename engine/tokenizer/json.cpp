#include "engine/tokenizer/json.h"

#include <cstdlib>

#include "engine/tokenizer/unicode.h"

namespace folio::json {
namespace {

class Parser {
public:
    explicit Parser(std::string_view text) : m_text(text) {}

    Expected<Value> run() {
        Value root;
        if (!parseValue(root, 0)) return makeError(m_error);
        skipSpace();
        if (m_pos != m_text.size()) {
            fail("trailing characters");
            return makeError(m_error);
        }
        return root;
    }

private:
    bool fail(const char* what) {
        if (m_error.empty())
            m_error = "JSON: " + std::string(what) + " at byte " + std::to_string(m_pos);
        return false;
    }
    void skipSpace() {
        while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\n' ||
                                         m_text[m_pos] == '\r' || m_text[m_pos] == '\t'))
            ++m_pos;
    }
    bool literal(std::string_view word) {
        if (m_text.substr(m_pos, word.size()) != word) return fail("invalid literal");
        m_pos += word.size();
        return true;
    }

    bool parseValue(Value& out, int depth) {
        if (depth > kMaxDepth) return fail("nesting too deep");
        skipSpace();
        if (m_pos >= m_text.size()) return fail("unexpected end");
        switch (m_text[m_pos]) {
            case '{':
                return parseObject(out, depth);
            case '[':
                return parseArray(out, depth);
            case '"':
                out.type = Type::String;
                return parseString(out.string);
            case 't':
                out.type = Type::Bool;
                out.boolean = true;
                return literal("true");
            case 'f':
                out.type = Type::Bool;
                out.boolean = false;
                return literal("false");
            case 'n':
                out.type = Type::Null;
                return literal("null");
            default:
                return parseNumber(out);
        }
    }

    bool parseNumber(Value& out) {
        const size_t start = m_pos;
        while (m_pos < m_text.size() &&
               std::string_view("+-0123456789.eE").find(m_text[m_pos]) != std::string_view::npos)
            ++m_pos;
        if (m_pos == start) return fail("unexpected character");
        const std::string token(m_text.substr(start, m_pos - start));
        char* end = nullptr;
        out.type = Type::Number;
        out.number = std::strtod(token.c_str(), &end);
        if (end != token.c_str() + token.size()) return fail("invalid number");
        return true;
    }

    bool parseHex4(uint32_t& v) {
        if (m_pos + 4 > m_text.size()) return fail("truncated \\u escape");
        v = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = m_text[m_pos++];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= uint32_t(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= uint32_t(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= uint32_t(c - 'A' + 10);
            else
                return fail("invalid \\u escape");
        }
        return true;
    }

    bool parseEscape(std::string& out) {
        if (m_pos >= m_text.size()) return fail("truncated escape");
        const char c = m_text[m_pos++];
        switch (c) {
            case '"':
                out.push_back('"');
                return true;
            case '\\':
                out.push_back('\\');
                return true;
            case '/':
                out.push_back('/');
                return true;
            case 'b':
                out.push_back('\b');
                return true;
            case 'f':
                out.push_back('\f');
                return true;
            case 'n':
                out.push_back('\n');
                return true;
            case 'r':
                out.push_back('\r');
                return true;
            case 't':
                out.push_back('\t');
                return true;
            case 'u':
                break;
            default:
                return fail("invalid escape");
        }
        uint32_t cp = 0;
        if (!parseHex4(cp)) return false;
        if (cp >= 0xD800 && cp <= 0xDBFF && m_text.substr(m_pos, 2) == "\\u") {
            const size_t save = m_pos;
            m_pos += 2;
            uint32_t lo = 0;
            if (!parseHex4(lo)) return false;
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else {
                m_pos = save;
            }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // a lone surrogate cannot be UTF-8
        unicode::appendUtf8(out, cp);
        return true;
    }

    bool parseString(std::string& out) {
        ++m_pos;  // opening quote
        while (m_pos < m_text.size()) {
            const size_t run = m_text.find_first_of("\"\\", m_pos);
            if (run == std::string_view::npos) break;
            out.append(m_text.substr(m_pos, run - m_pos));
            m_pos = run + 1;
            if (m_text[run] == '"') return true;
            if (!parseEscape(out)) return false;
        }
        return fail("unterminated string");
    }

    bool parseArray(Value& out, int depth) {
        out.type = Type::Array;
        ++m_pos;
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == ']') return ++m_pos, true;
        while (true) {
            out.array.emplace_back();
            if (!parseValue(out.array.back(), depth + 1)) return false;
            skipSpace();
            if (m_pos >= m_text.size()) return fail("unterminated array");
            const char c = m_text[m_pos++];
            if (c == ']') return true;
            if (c != ',') return fail("expected ',' or ']'");
        }
    }

    bool parseObject(Value& out, int depth) {
        out.type = Type::Object;
        ++m_pos;
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == '}') return ++m_pos, true;
        while (true) {
            skipSpace();
            if (m_pos >= m_text.size() || m_text[m_pos] != '"') return fail("expected a key");
            out.object.emplace_back();
            if (!parseString(out.object.back().first)) return false;
            skipSpace();
            if (m_pos >= m_text.size() || m_text[m_pos] != ':') return fail("expected ':'");
            ++m_pos;
            if (!parseValue(out.object.back().second, depth + 1)) return false;
            skipSpace();
            if (m_pos >= m_text.size()) return fail("unterminated object");
            const char c = m_text[m_pos++];
            if (c == '}') return true;
            if (c != ',') return fail("expected ',' or '}'");
        }
    }

    std::string_view m_text;
    size_t m_pos = 0;
    std::string m_error;
};

}  // namespace

const Value* Value::find(std::string_view key) const {
    for (const auto& [k, v] : object)
        if (k == key) return &v;
    return nullptr;
}

std::string_view Value::stringOr(std::string_view key, std::string_view fallback) const {
    const Value* v = find(key);
    return v && v->isString() ? std::string_view(v->string) : fallback;
}

bool Value::boolOr(std::string_view key, bool fallback) const {
    const Value* v = find(key);
    return v && v->isBool() ? v->boolean : fallback;
}

Expected<Value> parse(std::string_view text) {
    return Parser(text).run();
}

}  // namespace folio::json
