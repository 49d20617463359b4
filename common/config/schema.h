#pragma once
// The single table of every configuration option. Loading, validation, the command-line flags,
// docs/configuration.md and the example config file are all derived from it, so an option
// exists in exactly one place.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zc::config {

enum class Type { Bool, Int, Double, String, Path };
std::string_view type_name(Type type);

/// Extra format check for a string option: returns the problem, or an empty string when fine.
using CheckFn = std::string (*)(std::string_view value);

struct OptionSpec {
    std::string name;  // "section.key", the config-file and command-line spelling
    Type type = Type::String;
    std::string default_text;  // parsed with the same rules as user input (a test checks it)
    std::string description;   // one line
    std::vector<std::string> env_aliases;  // the Python original's .env keys, in priority order
    bool secret = false;                   // never printed, logged or put in a diagnostic
    bool optional = false;                 // number: empty text means "unset" (stored as NaN)
    bool derived = false;                  // path: empty default is computed at load (see paths.h)
    std::optional<double> min, max;
    bool min_exclusive = false;            // "must be greater than min" (timeouts)
    std::optional<double> unset_sentinel;  // a number that also means "unset" (e.g. pressure -1)
    std::vector<std::string> allowed;      // string: the accepted values (lower case)
    CheckFn check = nullptr;

    // Chained setters keep the table in schema.cpp readable without designated initializers
    // (g++ 12 warns about the members those leave out under -Wextra).
    OptionSpec& env(std::vector<std::string> keys) {
        env_aliases = std::move(keys);
        return *this;
    }
    OptionSpec& range(double lo, double hi) {
        min = lo;
        max = hi;
        return *this;
    }
    OptionSpec& positive(std::optional<double> hi = std::nullopt) {
        min = 0;
        min_exclusive = true;
        max = hi;
        return *this;
    }
    OptionSpec& one_of(std::vector<std::string> values) {
        allowed = std::move(values);
        return *this;
    }
    OptionSpec& is_secret() {
        secret = true;
        return *this;
    }
    OptionSpec& may_be_unset(std::optional<double> sentinel = std::nullopt) {
        optional = true;
        unset_sentinel = sentinel;
        return *this;
    }
    OptionSpec& computed() {
        derived = true;
        return *this;
    }
    OptionSpec& checked(CheckFn fn) {
        check = fn;
        return *this;
    }
};

/// All options in a fixed order (sections grouped); the order of Config::settings().
const std::vector<OptionSpec>& schema();
/// nullptr when unknown.
const OptionSpec* find_option(std::string_view name);
/// Index into schema(), or npos-like -1 when unknown.
int option_index(std::string_view name);

/// ZIPCATCHER_<SECTION>_<KEY>: upper case, dots become underscores.
std::string env_name(const OptionSpec& spec);

/// An environment / .env key resolved to its option. rank 0 is the ZIPCATCHER_* name, then the
/// aliases in priority order: when one source sets several spellings, the lowest rank wins.
struct EnvKey {
    const OptionSpec* spec = nullptr;
    int rank = 0;
};
std::optional<EnvKey> find_env_key(std::string_view key);

/// Keys of the original's .env that zipcatcher accepts and ignores (features it does not have).
const std::vector<std::string>& dead_original_keys();
bool is_dead_original_key(std::string_view key);

}  // namespace zc::config
