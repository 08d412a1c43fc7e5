#pragma once
// A small, strict JSON (RFC 8259) reader and writer for configuration files, chat message files
// and test fixtures. Not meant for large documents: the whole tree is held in memory.
//
// Contract: parseJson() never throws or aborts on input; it returns an Error naming the byte
// offset, line and column of the first problem. Strings are validated as UTF-8; \uXXXX escapes
// (including surrogate pairs) are decoded to UTF-8, and lone surrogates are rejected.
// Objects keep their members in file order; with duplicate keys, find() returns the last one
// (as Python's json module does).
// JsonValue is a plain value type: copies are deep. Thread-compatible (no shared state).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/status.h"

namespace folio {

class JsonValue {
public:
    enum class Type { Null, Bool, Number, String, Array, Object };
    using Array = std::vector<JsonValue>;
    using Member = std::pair<std::string, JsonValue>;
    using Object = std::vector<Member>;

    JsonValue() = default;  // null
    static JsonValue null() { return JsonValue(); }
    static JsonValue boolean(bool b);
    static JsonValue number(double d);
    static JsonValue integer(int64_t i);
    static JsonValue string(std::string s);
    static JsonValue array(Array items = {});
    static JsonValue object(Object members = {});

    Type type() const { return m_type; }
    bool isNull() const { return m_type == Type::Null; }
    bool isBool() const { return m_type == Type::Bool; }
    bool isNumber() const { return m_type == Type::Number; }
    bool isString() const { return m_type == Type::String; }
    bool isArray() const { return m_type == Type::Array; }
    bool isObject() const { return m_type == Type::Object; }

    // Accessors return the value, or the given fallback when the type differs.
    bool asBool(bool fallback = false) const { return isBool() ? m_bool : fallback; }
    double asDouble(double fallback = 0.0) const { return isNumber() ? m_number : fallback; }
    // The number as an integer when it is one exactly (no fraction, fits in int64).
    std::optional<int64_t> asInt64() const;
    const std::string& asString() const;  // "" unless a string
    const Array& items() const;           // empty unless an array
    const Object& members() const;        // empty unless an object
    Array& items();                       // asserts isArray()
    Object& members();                    // asserts isObject()

    // Object member by key (the last one if duplicated); nullptr if absent or not an object.
    const JsonValue* find(std::string_view key) const;
    // Convenience: the member's string value, or nullopt when absent or not a string.
    std::optional<std::string_view> stringAt(std::string_view key) const;
    // The member's string/bool value, or the fallback when absent or of another type.
    std::string_view stringOr(std::string_view key, std::string_view fallback) const;
    bool boolOr(std::string_view key, bool fallback) const;

    void push(JsonValue v);                  // asserts isArray()
    void set(std::string key, JsonValue v);  // asserts isObject(); replaces an existing key

    bool operator==(const JsonValue& other) const;

private:
    Type m_type = Type::Null;
    bool m_bool = false;
    double m_number = 0.0;
    bool m_isInteger = false;  // the number was written (or made) as an integer within int64
    int64_t m_integer = 0;
    std::string m_string;
    Array m_array;
    Object m_object;
};

struct JsonParseOptions {
    int maxDepth =
        256;  // nesting of arrays/objects; deeper input is an error, not a stack overflow
};

// Parses one JSON value; surrounding whitespace is allowed, anything else after it is an error.
Expected<JsonValue> parseJson(std::string_view text, const JsonParseOptions& options = {});

// Appends s as a JSON string literal (with quotes). Control characters, '"' and '\\' are
// escaped; other bytes (UTF-8) are copied as they are.
void appendJsonString(std::string& out, std::string_view s);
std::string jsonQuote(std::string_view s);

// Serialises v. indent < 0: compact on one line (", " and ": " separators as Python's
// json.dumps default); indent >= 0: pretty-printed with that many spaces per level.
// Non-finite numbers are written as null (JSON has no NaN).
std::string toJson(const JsonValue& v, int indent = -1);

}  // namespace folio
