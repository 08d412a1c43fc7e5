#pragma once
// Error values for the engine API. Input-caused failures (a bad file, a prompt that does not fit)
// are returned as folio::Error inside folio::Expected<T>; nothing in engine/ throws across its API
// or aborts on input. (std::expected is C++23; this is the small subset we need in C++20.)
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace folio {

struct Error {
    std::string message;  // one line, names the field/argument that is wrong
};

inline Error makeError(std::string message) {
    return Error{std::move(message)};
}

template <class T>
class [[nodiscard]] Expected {
public:
    Expected(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Expected(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & {
        assert(ok());
        return std::get<0>(m_v);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(m_v);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(m_v));
    }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const {
        assert(!ok());
        return std::get<1>(m_v);
    }

private:
    std::variant<T, Error> m_v;
};

// Status: success or an Error, for functions that return nothing.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Error error) : m_error(std::move(error.message)), m_failed(true) {}
    static Status okStatus() { return Status(); }
    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const std::string& message() const { return m_error; }

private:
    std::string m_error;
    bool m_failed = false;
};

}  // namespace folio
