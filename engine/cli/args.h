#pragma once
// A tiny argument reader for folio-cli subcommands: "-m PATH", "--temp 0.7", flags, positionals.
// Unknown options and missing/invalid values are reported as errors (exit code 1), never aborts.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace folio::cli {

class Args {
public:
    // valueOptions: options that take a value (e.g. {"-m", "-p", "--temp"}); flags: options
    // without.
    Args(int argc, char** argv, const std::vector<std::string>& valueOptions,
         const std::vector<std::string>& flags);
    bool ok() const { return m_error.empty(); }
    const std::string& error() const { return m_error; }

    bool flag(const std::string& name) const { return m_flags.count(name) > 0; }
    std::optional<std::string> value(const std::string& name) const;
    std::vector<std::string> values(const std::string& name) const;  // repeated option
    const std::vector<std::string>& positionals() const { return m_positionals; }

    // Numeric getters: record an error (and return the fallback) when the text is not a number.
    int intValue(const std::string& name, int fallback);
    double doubleValue(const std::string& name, double fallback);

private:
    std::multimap<std::string, std::string> m_values;
    std::map<std::string, bool> m_flags;
    std::vector<std::string> m_positionals;
    std::string m_error;
};

// Subcommands (argv[0] is the subcommand's name). Each returns the process exit code.
int runInfo(int argc, char** argv);
int runGenerate(int argc, char** argv);
int runLogits(int argc, char** argv);
int runPerplexity(int argc, char** argv);
int runBench(int argc, char** argv);

}  // namespace folio::cli
