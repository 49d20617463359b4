#pragma once
// The configuration model: one immutable Config built from five layered sources
// (command line > environment > config file > .env > built-in defaults), each value remembering
// where it came from. Bad user input never throws: load() returns Diagnostics instead.
#include <boost/program_options.hpp>
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "config/value_parse.h"  // Value

namespace zc::config {

enum class Source { Default, DotEnv, File, Environment, CommandLine };

struct Origin {
    Source source = Source::Default;
    std::string file;  // DotEnv, File
    int line = 0;      // DotEnv, File (1-based)
    std::string key;   // spelling used in that source: OBSERVER_LATITUDE, --observer.latitude...
};
/// "default", "/etc/zipcatcher/zipcatcher.conf:12", "env OBSERVER_LATITUDE",
/// "/home/u/.env:3 (OBSERVER_LATITUDE)", "command line --observer.latitude".
std::string describe(const Origin& origin);

struct Setting {
    std::string name;
    Value value;
    Origin origin;
    bool secret = false;
};

class Config {
  public:
    /// Used by load(); settings must be complete and in schema order.
    Config(std::vector<Setting> settings, std::vector<std::filesystem::path> files_read);

    // Typed access; each throws std::out_of_range for an unknown name and std::logic_error when
    // the option has another type (a programming error, not user input). get_double also reads
    // integer options. A may-be-unset number that is unset reads as NaN.
    bool get_bool(std::string_view name) const;
    std::int64_t get_int(std::string_view name) const;
    double get_double(std::string_view name) const;
    const std::string& get_string(std::string_view name) const;  // string and path options
    /// nullopt for an unset may-be-unset number (observer.geoid_height, astro.pressure_hpa,
    /// area.*).
    std::optional<double> get_optional_double(std::string_view name) const;
    std::filesystem::path get_path(std::string_view name) const { return get_string(name); }

    const Setting& setting(std::string_view name) const;
    const std::vector<Setting>& settings() const { return settings_; }
    /// Secrets -> "(redacted)" when set, "(unset)" when empty; unset numbers -> "(unset)".
    std::string display_value(std::string_view name) const;
    /// with_origins: {"name": {"value":..,"origin":"..","secret":bool}}, else {"name": value}.
    /// Secrets are always shown as display_value() gives them; unset numbers are null.
    nlohmann::json to_json(bool with_origins) const;
    /// The files that contributed (the .env first, then the config file), for reload and show.
    const std::vector<std::filesystem::path>& files_read() const { return files_read_; }

  private:
    std::vector<Setting> settings_;
    std::vector<std::filesystem::path> files_read_;
};

enum class Severity { Warning, Error };
struct Diagnostic {
    Severity severity = Severity::Error;
    std::string message;  // names key, bad value (never a secret's), file:line
};

struct LoadOptions {
    /// --config. nullopt: <config dir>/zipcatcher.conf, read only if it exists. An explicit file
    /// that is missing or unreadable is an error.
    std::optional<std::filesystem::path> config_file;
    /// --env-file. nullopt: <config dir>/.env, read only if it exists. Explicit + missing = error.
    std::optional<std::filesystem::path> env_file;
    /// The process environment (pass current_environment()); tests pass a map.
    std::map<std::string, std::string> environment;
    /// Option name ("observer.latitude") -> raw text, in command-line order.
    std::vector<std::pair<std::string, std::string>> command_line;
    /// Selects the default directories (paths.h).
    bool is_root = false;
    /// false: skip the DEFAULT config and .env files (explicit ones are still read). For tests
    /// and tools that must not pick up a file from the user's home.
    bool read_default_files = true;
};

struct LoadResult {
    std::optional<Config> config;
    std::vector<Diagnostic> diagnostics;
    bool ok() const { return config.has_value(); }
    bool has_errors() const;
    /// All diagnostics, one per line, "error: ..." / "warning: ...".
    std::string report() const;
};

/// Never throws for bad user input: errors become Diagnostics and config stays nullopt.
/// Warnings (permissions, dead .env keys, cross-field oddities) leave config set.
LoadResult load(const LoadOptions& options);

/// Copy of environ.
std::map<std::string, std::string> current_environment();

/// One --section.key flag per schema option (value<std::string>; bools also accept a bare flag).
void add_command_line_options(boost::program_options::options_description& desc);
/// The schema flags present in vm, in schema order, for LoadOptions::command_line.
std::vector<std::pair<std::string, std::string>> command_line_values(
    const boost::program_options::variables_map& vm);

}  // namespace zc::config
