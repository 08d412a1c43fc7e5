#include "engine/cli/args.h"

#include <algorithm>
#include <cstdlib>

namespace folio::cli {

Args::Args(int argc, char** argv, const std::vector<std::string>& valueOptions,
           const std::vector<std::string>& flags) {
    auto contains = [](const std::vector<std::string>& v, const std::string& s) {
        return std::find(v.begin(), v.end(), s) != v.end();
    };
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (contains(valueOptions, a)) {
            if (i + 1 >= argc) {
                m_error = "option " + a + " needs a value";
                return;
            }
            m_values.emplace(a, argv[++i]);
        } else if (contains(flags, a)) {
            m_flags[a] = true;
        } else if (a.size() > 1 && a[0] == '-' && !(a[1] >= '0' && a[1] <= '9')) {
            m_error = "unknown option " + a;
            return;
        } else {
            m_positionals.push_back(a);
        }
    }
}

std::optional<std::string> Args::value(const std::string& name) const {
    auto it = m_values.find(name);
    if (it == m_values.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> Args::values(const std::string& name) const {
    std::vector<std::string> out;
    auto [b, e] = m_values.equal_range(name);
    for (auto it = b; it != e; ++it) out.push_back(it->second);
    return out;
}

int Args::intValue(const std::string& name, int fallback) {
    auto v = value(name);
    if (!v) return fallback;
    char* end = nullptr;
    long x = std::strtol(v->c_str(), &end, 10);
    if (end == v->c_str() || *end != '\0' || x < -2147483647L || x > 2147483647L) {
        m_error = "option " + name + ": '" + *v + "' is not an integer";
        return fallback;
    }
    return int(x);
}

double Args::doubleValue(const std::string& name, double fallback) {
    auto v = value(name);
    if (!v) return fallback;
    char* end = nullptr;
    double x = std::strtod(v->c_str(), &end);
    if (end == v->c_str() || *end != '\0') {
        m_error = "option " + name + ": '" + *v + "' is not a number";
        return fallback;
    }
    return x;
}

}  // namespace folio::cli
