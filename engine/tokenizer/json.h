#pragma once
// A small JSON reader for tokenizer.json / tokenizer_config.json (no Qt in engine/).
// Parses the whole document into an immutable tree. Nesting is limited (kMaxDepth) so that a
// hostile file cannot exhaust the stack; errors name the byte offset.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/status.h"

namespace folio::json {

enum class Type : uint8_t { Null, Bool, Number, String, Array, Object };

class Value {
public:
    Type type = Type::Null;
    bool boolean = false;
    double number = 0.0;
    std::string string;                                 // String
    std::vector<Value> array;                           // Array
    std::vector<std::pair<std::string, Value>> object;  // Object, in document order

    bool isNull() const { return type == Type::Null; }
    bool isString() const { return type == Type::String; }
    bool isArray() const { return type == Type::Array; }
    bool isObject() const { return type == Type::Object; }
    bool isNumber() const { return type == Type::Number; }
    bool isBool() const { return type == Type::Bool; }
    // Object member by key (first match), or nullptr (also when this is not an object).
    const Value* find(std::string_view key) const;
    // Convenience lookups with defaults for a missing or differently typed member.
    std::string_view stringOr(std::string_view key, std::string_view fallback) const;
    bool boolOr(std::string_view key, bool fallback) const;
};

constexpr int kMaxDepth = 128;

Expected<Value> parse(std::string_view text);

}  // namespace folio::json
