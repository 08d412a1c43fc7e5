#include "engine/chat/json.h"

#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace folio {

// ---- JsonValue ----

JsonValue JsonValue::boolean(bool b) {
    JsonValue v;
    v.m_type = Type::Bool;
    v.m_bool = b;
    return v;
}

JsonValue JsonValue::number(double d) {
    JsonValue v;
    v.m_type = Type::Number;
    v.m_number = d;
    return v;
}

JsonValue JsonValue::integer(int64_t i) {
    JsonValue v;
    v.m_type = Type::Number;
    v.m_number = static_cast<double>(i);
    v.m_isInteger = true;
    v.m_integer = i;
    return v;
}

JsonValue JsonValue::string(std::string s) {
    JsonValue v;
    v.m_type = Type::String;
    v.m_string = std::move(s);
    return v;
}

JsonValue JsonValue::array(Array items) {
    JsonValue v;
    v.m_type = Type::Array;
    v.m_array = std::move(items);
    return v;
}

JsonValue JsonValue::object(Object members) {
    JsonValue v;
    v.m_type = Type::Object;
    v.m_object = std::move(members);
    return v;
}

std::optional<int64_t> JsonValue::asInt64() const {
    if (!isNumber()) return std::nullopt;
    if (m_isInteger) return m_integer;
    // 2^63 is exactly representable; anything >= it does not fit.
    if (std::trunc(m_number) != m_number || m_number < -9223372036854775808.0 ||
        m_number >= 9223372036854775808.0)
        return std::nullopt;
    return static_cast<int64_t>(m_number);
}

const std::string& JsonValue::asString() const {
    static const std::string kEmpty;
    return isString() ? m_string : kEmpty;
}

const JsonValue::Array& JsonValue::items() const {
    static const Array kEmpty;
    return isArray() ? m_array : kEmpty;
}

const JsonValue::Object& JsonValue::members() const {
    static const Object kEmpty;
    return isObject() ? m_object : kEmpty;
}

JsonValue::Array& JsonValue::items() {
    assert(isArray());
    return m_array;
}

JsonValue::Object& JsonValue::members() {
    assert(isObject());
    return m_object;
}

const JsonValue* JsonValue::find(std::string_view key) const {
    if (!isObject()) return nullptr;
    for (auto it = m_object.rbegin(); it != m_object.rend(); ++it)
        if (it->first == key) return &it->second;
    return nullptr;
}

std::optional<std::string_view> JsonValue::stringAt(std::string_view key) const {
    const JsonValue* v = find(key);
    if (v == nullptr || !v->isString()) return std::nullopt;
    return std::string_view(v->m_string);
}

void JsonValue::push(JsonValue v) {
    assert(isArray());
    m_array.push_back(std::move(v));
}

void JsonValue::set(std::string key, JsonValue v) {
    assert(isObject());
    for (auto& m : m_object) {
        if (m.first == key) {
            m.second = std::move(v);
            return;
        }
    }
    m_object.emplace_back(std::move(key), std::move(v));
}

bool JsonValue::operator==(const JsonValue& other) const {
    if (m_type != other.m_type) return false;
    switch (m_type) {
        case Type::Null:
            return true;
        case Type::Bool:
            return m_bool == other.m_bool;
        case Type::Number:
            if (m_isInteger && other.m_isInteger) return m_integer == other.m_integer;
            return m_number == other.m_number;
        case Type::String:
            return m_string == other.m_string;
        case Type::Array:
            return m_array == other.m_array;
        case Type::Object:
            return m_object == other.m_object;
    }
    return false;
}

// ---- Parser ----

namespace {

class Parser {
public:
    Parser(std::string_view text, const JsonParseOptions& options)
        : m_text(text), m_options(options) {}

    Expected<JsonValue> parseDocument() {
        skipSpace();
        JsonValue v;
        if (!parseValue(v, 0)) return fail();
        skipSpace();
        if (m_pos != m_text.size()) {
            setError("unexpected data after the JSON value");
            return fail();
        }
        return v;
    }

private:
    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return atEnd() ? '\0' : m_text[m_pos]; }

    void skipSpace() {
        while (!atEnd()) {
            char c = m_text[m_pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
            ++m_pos;
        }
    }

    // Records the first error only (callers unwind by returning false).
    bool setError(std::string what) {
        if (m_error.empty()) {
            m_error = std::move(what);
            m_errorPos = m_pos;
        }
        return false;
    }

    Error fail() const {
        size_t line = 1, column = 1;
        for (size_t i = 0; i < m_errorPos && i < m_text.size(); ++i) {
            if (m_text[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        return makeError("json: " + m_error + " at byte " + std::to_string(m_errorPos) + " (line " +
                         std::to_string(line) + ", column " + std::to_string(column) + ")");
    }

    bool parseValue(JsonValue& out, int depth) {
        if (atEnd()) return setError("unexpected end of input, expected a value");
        switch (peek()) {
            case '{':
                return parseObject(out, depth + 1);
            case '[':
                return parseArray(out, depth + 1);
            case '"': {
                std::string s;
                if (!parseString(s)) return false;
                out = JsonValue::string(std::move(s));
                return true;
            }
            case 't':
                return parseLiteral("true", JsonValue::boolean(true), out);
            case 'f':
                return parseLiteral("false", JsonValue::boolean(false), out);
            case 'n':
                return parseLiteral("null", JsonValue::null(), out);
            default:
                return parseNumber(out);
        }
    }

    bool parseLiteral(std::string_view word, JsonValue value, JsonValue& out) {
        if (m_text.substr(m_pos, word.size()) != word)
            return setError("invalid literal, expected '" + std::string(word) + "'");
        m_pos += word.size();
        out = std::move(value);
        return true;
    }

    bool parseNumber(JsonValue& out) {
        const size_t start = m_pos;
        bool integral = true;
        if (peek() == '-') ++m_pos;
        if (peek() == '0') {
            ++m_pos;
        } else if (peek() >= '1' && peek() <= '9') {
            while (peek() >= '0' && peek() <= '9') ++m_pos;
        } else {
            return setError("unexpected character, expected a value");
        }
        if (peek() == '.') {
            integral = false;
            ++m_pos;
            if (!(peek() >= '0' && peek() <= '9')) return setError("expected a digit after '.'");
            while (peek() >= '0' && peek() <= '9') ++m_pos;
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            ++m_pos;
            if (peek() == '+' || peek() == '-') ++m_pos;
            if (!(peek() >= '0' && peek() <= '9')) return setError("expected a digit in exponent");
            while (peek() >= '0' && peek() <= '9') ++m_pos;
        }
        const char* first = m_text.data() + start;
        const char* last = m_text.data() + m_pos;
        if (integral) {
            int64_t i = 0;
            auto [ptr, ec] = std::from_chars(first, last, i);
            if (ec == std::errc() && ptr == last) {
                out = JsonValue::integer(i);
                return true;
            }
        }
        // strtod needs a terminated string; numbers are short, so copy.
        std::string lexeme(first, last);
        double d = std::strtod(lexeme.c_str(), nullptr);
        if (!std::isfinite(d)) {
            m_pos = start;
            return setError("number out of range");
        }
        out = JsonValue::number(d);
        return true;
    }

    static void appendUtf8(std::string& s, uint32_t cp) {
        if (cp < 0x80) {
            s += static_cast<char>(cp);
        } else if (cp < 0x800) {
            s += static_cast<char>(0xC0 | (cp >> 6));
            s += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            s += static_cast<char>(0xE0 | (cp >> 12));
            s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            s += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            s += static_cast<char>(0xF0 | (cp >> 18));
            s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            s += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    bool parseHex4(uint32_t& out) {
        if (m_text.size() - m_pos < 4) return setError("truncated \\u escape");
        out = 0;
        for (int i = 0; i < 4; ++i) {
            char c = m_text[m_pos + i];
            uint32_t d;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
            else
                return setError("invalid hex digit in \\u escape");
            out = out * 16 + d;
        }
        m_pos += 4;
        return true;
    }

    // At the 'u' of "\u". Decodes one code point, combining a surrogate pair.
    bool parseUnicodeEscape(std::string& s) {
        ++m_pos;
        uint32_t cp = 0;
        if (!parseHex4(cp)) return false;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return setError("lone low surrogate in \\u escape");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (m_text.substr(m_pos, 2) != "\\u")
                return setError("high surrogate not followed by a low surrogate");
            m_pos += 2;
            uint32_t low = 0;
            if (!parseHex4(low)) return false;
            if (low < 0xDC00 || low > 0xDFFF)
                return setError("high surrogate not followed by a low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        appendUtf8(s, cp);
        return true;
    }

    // Copies one raw UTF-8 sequence starting at m_pos after validating it (no overlongs,
    // no surrogates, nothing above U+10FFFF).
    bool copyUtf8(std::string& s) {
        const auto b0 = static_cast<unsigned char>(m_text[m_pos]);
        size_t len;
        uint32_t cp, minCp;
        if (b0 >= 0xC2 && b0 <= 0xDF)
            len = 2, cp = b0 & 0x1F, minCp = 0x80;
        else if (b0 >= 0xE0 && b0 <= 0xEF)
            len = 3, cp = b0 & 0x0F, minCp = 0x800;
        else if (b0 >= 0xF0 && b0 <= 0xF4)
            len = 4, cp = b0 & 0x07, minCp = 0x10000;
        else
            return setError("invalid UTF-8 in string");
        if (m_text.size() - m_pos < len) return setError("truncated UTF-8 sequence in string");
        for (size_t i = 1; i < len; ++i) {
            const auto b = static_cast<unsigned char>(m_text[m_pos + i]);
            if ((b & 0xC0) != 0x80) return setError("invalid UTF-8 in string");
            cp = (cp << 6) | (b & 0x3F);
        }
        if (cp < minCp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return setError("invalid UTF-8 in string");
        s.append(m_text.substr(m_pos, len));
        m_pos += len;
        return true;
    }

    bool parseString(std::string& s) {
        ++m_pos;  // opening quote
        while (true) {
            if (atEnd()) return setError("unterminated string");
            const auto c = static_cast<unsigned char>(m_text[m_pos]);
            if (c == '"') {
                ++m_pos;
                return true;
            }
            if (c < 0x20) return setError("control character in string (must be escaped)");
            if (c >= 0x80) {
                if (!copyUtf8(s)) return false;
                continue;
            }
            if (c != '\\') {
                s += static_cast<char>(c);
                ++m_pos;
                continue;
            }
            ++m_pos;
            if (atEnd()) return setError("unterminated escape");
            const char e = m_text[m_pos];
            static constexpr std::pair<char, char> kEscapes[] = {
                {'"', '"'},  {'\\', '\\'}, {'/', '/'},  {'b', '\b'},
                {'f', '\f'}, {'n', '\n'},  {'r', '\r'}, {'t', '\t'}};
            bool simple = false;
            for (const auto& [code, value] : kEscapes) {
                if (e == code) {
                    s += value;
                    ++m_pos;
                    simple = true;
                    break;
                }
            }
            if (simple) continue;
            if (e != 'u') return setError("invalid escape character");
            if (!parseUnicodeEscape(s)) return false;
        }
    }

    bool checkDepth(int depth) {
        if (depth > m_options.maxDepth)
            return setError("nesting deeper than " + std::to_string(m_options.maxDepth));
        return true;
    }

    bool parseArray(JsonValue& out, int depth) {
        if (!checkDepth(depth)) return false;
        ++m_pos;
        out = JsonValue::array();
        skipSpace();
        if (peek() == ']') {
            ++m_pos;
            return true;
        }
        while (true) {
            skipSpace();
            JsonValue item;
            if (!parseValue(item, depth)) return false;
            out.push(std::move(item));
            skipSpace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() == ']') {
                ++m_pos;
                return true;
            }
            return setError(atEnd() ? "unterminated array" : "expected ',' or ']' in array");
        }
    }

    bool parseObject(JsonValue& out, int depth) {
        if (!checkDepth(depth)) return false;
        ++m_pos;
        out = JsonValue::object();
        skipSpace();
        if (peek() == '}') {
            ++m_pos;
            return true;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') return setError("expected a string key in object");
            std::string key;
            if (!parseString(key)) return false;
            skipSpace();
            if (peek() != ':') return setError("expected ':' after object key");
            ++m_pos;
            skipSpace();
            JsonValue value;
            if (!parseValue(value, depth)) return false;
            out.members().emplace_back(std::move(key), std::move(value));
            skipSpace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() == '}') {
                ++m_pos;
                return true;
            }
            return setError(atEnd() ? "unterminated object" : "expected ',' or '}' in object");
        }
    }

    std::string_view m_text;
    JsonParseOptions m_options;
    size_t m_pos = 0;
    std::string m_error;
    size_t m_errorPos = 0;
};

// ---- Writer ----

void appendNumber(std::string& out, const JsonValue& v) {
    if (auto i = v.asInt64()) {  // integers (and integral doubles within int64) print exactly
        out += std::to_string(*i);
        return;
    }
    const double d = v.asDouble();
    if (!std::isfinite(d)) {
        out += "null";
        return;
    }
    char buf[64];
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, d);  // shortest round-trip form
    assert(ec == std::errc());
    out.append(buf, ptr);
}

void appendIndent(std::string& out, int indent, int level) {
    out += '\n';
    out.append(static_cast<size_t>(indent) * level, ' ');
}

void writeValue(std::string& out, const JsonValue& v, int indent, int level) {
    const bool pretty = indent >= 0;
    switch (v.type()) {
        case JsonValue::Type::Null:
            out += "null";
            return;
        case JsonValue::Type::Bool:
            out += v.asBool() ? "true" : "false";
            return;
        case JsonValue::Type::Number:
            appendNumber(out, v);
            return;
        case JsonValue::Type::String:
            appendJsonString(out, v.asString());
            return;
        case JsonValue::Type::Array: {
            out += '[';
            bool first = true;
            for (const JsonValue& item : v.items()) {
                if (!first) out += pretty ? "," : ", ";
                first = false;
                if (pretty) appendIndent(out, indent, level + 1);
                writeValue(out, item, indent, level + 1);
            }
            if (pretty && !v.items().empty()) appendIndent(out, indent, level);
            out += ']';
            return;
        }
        case JsonValue::Type::Object: {
            out += '{';
            bool first = true;
            for (const auto& [key, value] : v.members()) {
                if (!first) out += pretty ? "," : ", ";
                first = false;
                if (pretty) appendIndent(out, indent, level + 1);
                appendJsonString(out, key);
                out += ": ";
                writeValue(out, value, indent, level + 1);
            }
            if (pretty && !v.members().empty()) appendIndent(out, indent, level);
            out += '}';
            return;
        }
    }
}

}  // namespace

Expected<JsonValue> parseJson(std::string_view text, const JsonParseOptions& options) {
    return Parser(text, options).parseDocument();
}

void appendJsonString(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out += kHex[c >> 4];
                    out += kHex[c & 0xF];
                } else {
                    out += ch;
                }
        }
    }
    out += '"';
}

std::string jsonQuote(std::string_view s) {
    std::string out;
    appendJsonString(out, s);
    return out;
}

std::string toJson(const JsonValue& v, int indent) {
    std::string out;
    writeValue(out, v, indent, 0);
    return out;
}

std::string_view JsonValue::stringOr(std::string_view key, std::string_view fallback) const {
    const JsonValue* v = find(key);
    return v && v->isString() ? std::string_view(v->asString()) : fallback;
}

bool JsonValue::boolOr(std::string_view key, bool fallback) const {
    const JsonValue* v = find(key);
    return v && v->isBool() ? v->asBool() : fallback;
}

}  // namespace folio
