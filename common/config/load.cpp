// load(): builds one Config from the five layers. Each layer is applied over the one below in
// order (defaults, .env, config file, environment, command line), so a later layer wins simply
// by being applied later, and every value keeps the Origin of the layer that set it.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "config/config.h"
#include "config/did_you_mean.h"
#include "config/dotenv.h"
#include "config/file_access.h"
#include "config/ini_reader.h"
#include "config/paths.h"
#include "config/schema.h"
#include "config/validate.h"

namespace fs = std::filesystem;

namespace zc::config {

namespace {

std::string_view expected(Type type) {
    switch (type) {
        case Type::Bool:
            return "expected a boolean (true/false, yes/no, on/off, 1/0)";
        case Type::Int:
            return "expected an integer";
        case Type::Double:
            return "expected a number";
        default:
            return "expected a value";
    }
}

// "where KEY": the prefix of a per-value message, in the spelling the user wrote.
std::string where(const Origin& o) {
    switch (o.source) {
        case Source::File:
        case Source::DotEnv:
            return fmt::format("{}:{}: {}", o.file, o.line, o.key);
        case Source::Environment:
            return "env " + o.key;
        case Source::CommandLine:
            return "command line " + o.key;
        case Source::Default:
            return "default " + o.key;
    }
    return o.key;
}

// The original's .env.mock ships "your_opensky_client_id_here"-style placeholders, which its
// setup wizard treats as unset; so do we.
bool is_placeholder(std::string_view v) {
    return v.size() > 10 && v.starts_with("your_") && v.ends_with("_here");
}

struct Candidate {
    int rank = 0;
    std::string text;
    Origin origin;
};

class Loader {
  public:
    explicit Loader(const LoadOptions& o) : opt_(o) {
        for (const auto& spec : schema()) {
            auto parsed = parse_value(spec, spec.default_text);
            Value v = parsed.kind == ParseOutcome::Kind::Ok ? parsed.value : Value{std::string()};
            settings_.push_back(
                {spec.name, std::move(v), Origin{Source::Default, "", 0, spec.name}, spec.secret});
        }
    }

    LoadResult run() {
        const auto defaults = default_paths(opt_.environment, opt_.is_root);
        const fs::path config_dir = bootstrap_config_dir(defaults);
        read_dotenv(opt_.env_file ? *opt_.env_file : config_dir / ".env", !opt_.env_file);
        read_config_file(opt_.config_file ? *opt_.config_file : config_dir / "zipcatcher.conf",
                         !opt_.config_file);
        read_environment();
        read_command_line();
        resolve_paths(defaults);
        ignore_zero_box();

        LoadResult result;
        result.diagnostics = std::move(diags_);
        Config config(std::move(settings_), std::move(files_));
        for (auto& d : validate(config)) {
            result.diagnostics.push_back(std::move(d));
        }
        if (!result.has_errors()) {
            result.config = std::move(config);
        }
        return result;
    }

  private:
    void error(std::string m) { diags_.push_back({Severity::Error, std::move(m)}); }
    void warn(std::string m) { diags_.push_back({Severity::Warning, std::move(m)}); }

    std::string env(const std::string& key) const {
        const auto it = opt_.environment.find(key);
        return it == opt_.environment.end() ? std::string() : it->second;
    }

    // The config dir decides where the default files are, so it cannot come from those files.
    fs::path bootstrap_config_dir(const DefaultPaths& defaults) const {
        for (auto it = opt_.command_line.rbegin(); it != opt_.command_line.rend(); ++it) {
            if (it->first == "paths.config_dir" && !it->second.empty()) {
                return fs::absolute(it->second);
            }
        }
        if (auto v = env("ZIPCATCHER_PATHS_CONFIG_DIR"); !v.empty()) {
            return fs::absolute(v);
        }
        return defaults.config_dir;
    }

    // Parses text for spec and, when valid, makes it the current value.
    // empty_is_unset: .env and environment leave a lower layer in place for an empty number or
    // boolean (the original's .env.mock has "OBSERVER_LATITUDE=").
    bool apply(const OptionSpec& spec, std::string_view text, const Origin& origin,
               bool empty_is_unset) {
        auto r = parse_value(spec, text);
        if (r.kind == ParseOutcome::Kind::Unset) {
            if (empty_is_unset || spec.derived) {
                return false;
            }
            r.kind = ParseOutcome::Kind::Error;
            r.problem = fmt::format("empty value, {}", expected(spec.type));
        }
        if (r.kind == ParseOutcome::Kind::Error) {
            const std::string shown =
                spec.secret ? "(redacted)" : fmt::format("\"{}\"", trim(text));
            error(fmt::format("{} = {}: {}", where(origin), shown, r.problem));
            return false;
        }
        if (spec.type == Type::Path) {
            r.value = absolute_path(std::get<std::string>(r.value), origin);
        }
        auto& s = settings_[static_cast<std::size_t>(option_index(spec.name))];
        s.value = std::move(r.value);
        s.origin = origin;
        return true;
    }

    // Relative paths in a file are relative to that file (so a config directory can be moved
    // as a whole); on the command line or in the environment, to the working directory.
    static std::string absolute_path(const std::string& p, const Origin& origin) {
        if (p.empty() || fs::path(p).is_absolute()) {
            return p;
        }
        if (origin.source == Source::File || origin.source == Source::DotEnv) {
            return (fs::path(origin.file).parent_path() / p).lexically_normal().string();
        }
        std::error_code ec;
        const auto abs = fs::absolute(p, ec);
        return ec ? p : abs.lexically_normal().string();
    }

    // Returns the text, or nullopt when the file is absent (fine for a default) or unreadable.
    std::optional<std::string> read_file(const fs::path& path, bool is_default, const char* what) {
        if (is_default && !opt_.read_default_files) {
            return std::nullopt;
        }
        auto f = read_text_file(path);
        if (f.status == FileText::Status::Missing && is_default) {
            return std::nullopt;
        }
        if (f.status != FileText::Status::Ok) {
            error(fmt::format("cannot read {} {}: {}", what, path.string(), f.error));
            return std::nullopt;
        }
        files_.push_back(path);
        return std::move(f.text);
    }

    // Several spellings of one option in one layer (AEROAPI_API_KEY and AEROAPI_KEY): the best
    // ranked non-empty one wins, like the original's `getenv(a) or getenv(b)`; among equal
    // ranks, the later line.
    void apply_candidates(std::map<int, std::vector<Candidate>>& by_option) {
        for (auto& [index, cands] : by_option) {
            const auto& spec = schema()[static_cast<std::size_t>(index)];
            const Candidate* best = nullptr;
            for (const auto& c : cands) {
                const bool ne = !trim(c.text).empty();
                const bool best_ne = best && !trim(best->text).empty();
                if (!best || (ne && !best_ne) || (ne == best_ne && c.rank <= best->rank)) {
                    best = &c;
                }
            }
            apply(spec, best->text, best->origin, true);
        }
    }

    void unknown_zipcatcher_key(const std::string& key, const std::string& where_text) {
        if (!key.starts_with("ZIPCATCHER_")) {
            return;
        }
        // ZIPCATCHER_* is our namespace, so an unknown one is a typo rather than someone
        // else's variable; only a warning, since the environment is shared with other tools.
        std::string msg = fmt::format("{}: unknown variable {} ignored", where_text, key);
        if (auto s = suggest_env_name(key)) {
            msg += fmt::format(" (did you mean {}?)", *s);
        }
        warn(std::move(msg));
    }

    void read_dotenv(const fs::path& path, bool is_default) {
        const auto text = read_file(path, is_default, ".env file");
        if (!text) {
            return;
        }
        const auto raw = parse_dotenv(*text, opt_.environment);
        for (const auto& e : raw.errors) {
            warn(fmt::format("{}:{}: {}; line ignored", path.string(), e.line, e.problem));
        }
        std::map<int, std::vector<Candidate>> by_option;
        std::vector<std::string> dead;
        for (const auto& e : raw.entries) {
            const auto key = find_env_key(e.key);
            if (!key) {
                if (is_dead_original_key(e.key)) {
                    dead.push_back(fmt::format("{} (line {})", e.key, e.line));
                }
                unknown_zipcatcher_key(e.key, fmt::format("{}:{}", path.string(), e.line));
                continue;
            }
            std::string value = e.value;
            if (is_placeholder(value)) {
                warn(
                    fmt::format("{}:{}: {} holds a placeholder of the original's .env.mock; "
                                "treated as unset",
                                path.string(), e.line, e.key));
                value.clear();
            }
            if (key->spec->name == "paths.config_dir") {
                bootstrap_in_file(path.string(), e.line, e.key);
                continue;
            }
            by_option[option_index(key->spec->name)].push_back(
                {key->rank, value, Origin{Source::DotEnv, path.string(), e.line, e.key}});
        }
        if (!dead.empty()) {
            std::string list;
            for (const auto& d : dead) {
                list += (list.empty() ? "" : ", ") + d;
            }
            warn(
                fmt::format("{}: ignoring settings of the original that zipcatcher does not use: "
                            "{}",
                            path.string(), list));
        }
        note_secrets(path, by_option);
        apply_candidates(by_option);
    }

    void bootstrap_in_file(const std::string& file, int line, const std::string& key) {
        warn(
            fmt::format("{}:{}: {} has no effect in a file (it decides which files are read); "
                        "use --paths.config_dir or ZIPCATCHER_PATHS_CONFIG_DIR",
                        file, line, key));
    }

    void read_config_file(const fs::path& path, bool is_default) {
        const auto text = read_file(path, is_default, "config file");
        if (!text) {
            return;
        }
        const auto raw = parse_ini(*text);
        for (const auto& e : raw.errors) {
            error(fmt::format("{}:{}: {}", path.string(), e.line, e.problem));
        }
        std::map<std::string, int> seen;
        std::map<int, std::vector<Candidate>> secrets;
        for (const auto& e : raw.entries) {
            const auto* spec = find_option(e.key);
            if (!spec) {
                std::string msg =
                    fmt::format("{}:{}: unknown option \"{}\"", path.string(), e.line, e.key);
                if (auto s = suggest_option(e.key)) {
                    msg += fmt::format(" (did you mean \"{}\"?)", *s);
                }
                error(std::move(msg));
                continue;
            }
            if (auto [it, fresh] = seen.emplace(e.key, e.line); !fresh) {
                // Boost.Program_options rejects a repeated option too; silently taking one of
                // two values would hide a mistake.
                error(fmt::format("{}:{}: option \"{}\" is already set on line {}", path.string(),
                                  e.line, e.key, it->second));
                continue;
            }
            if (spec->name == "paths.config_dir") {
                bootstrap_in_file(path.string(), e.line, e.key);
                continue;
            }
            const Origin origin{Source::File, path.string(), e.line, e.key};
            if (spec->secret) {
                secrets[option_index(spec->name)].push_back({0, e.value, origin});
            }
            apply(*spec, e.value, origin, false);
        }
        note_secrets(path, secrets);
    }

    // A file that holds a secret must be private, whichever layer finally wins: the secret is
    // on disk either way.
    void note_secrets(const fs::path& path, const std::map<int, std::vector<Candidate>>& cands) {
        std::vector<std::string> names;
        for (const auto& [index, list] : cands) {
            const auto& spec = schema()[static_cast<std::size_t>(index)];
            const bool set = std::any_of(list.begin(), list.end(),
                                         [](const Candidate& c) { return !trim(c.text).empty(); });
            if (spec.secret && set) {
                names.push_back(spec.name);
            }
        }
        const auto bits = group_other_mode_bits(path);
        if (names.empty() || !bits || *bits == 0) {
            return;
        }
        std::string list;
        for (const auto& n : names) {
            list += (list.empty() ? "" : ", ") + n;
        }
        warn(
            fmt::format("{} holds secrets ({}) but is accessible by group or others (mode {:04o}); "
                        "run: chmod 600 {} (or 640 with the daemon's group)",
                        path.string(), list, mode_bits(path).value_or(0), path.string()));
    }

    void read_environment() {
        std::map<int, std::vector<Candidate>> by_option;
        for (const auto& [k, v] : opt_.environment) {
            const auto key = find_env_key(k);
            if (!key) {
                unknown_zipcatcher_key(k, "environment");
                continue;
            }
            by_option[option_index(key->spec->name)].push_back(
                {key->rank, v, Origin{Source::Environment, "", 0, k}});
        }
        apply_candidates(by_option);
    }

    void read_command_line() {
        std::set<std::string> secret_flags;
        for (const auto& [name, text] : opt_.command_line) {
            const auto* spec = find_option(name);
            if (!spec) {
                std::string msg = fmt::format("command line: unknown option \"--{}\"", name);
                if (auto s = suggest_option(name)) {
                    msg += fmt::format(" (did you mean \"--{}\"?)", *s);
                }
                error(std::move(msg));
                continue;
            }
            if (apply(*spec, text, Origin{Source::CommandLine, "", 0, "--" + name}, false) &&
                spec->secret) {
                secret_flags.insert(name);
            }
        }
        for (const auto& n : secret_flags) {
            warn(
                fmt::format("--{} on the command line is visible to every local user (ps); put "
                            "it in a private file or the environment instead",
                            n));
        }
    }

    // Empty computed paths take the systemd/FHS/XDG defaults; the socket and a user's log
    // directory follow the (possibly configured) runtime and state directories.
    void resolve_paths(const DefaultPaths& d) {
        auto fill = [this](const char* name, const fs::path& value, const char* systemd_var) {
            auto& s = settings_[static_cast<std::size_t>(option_index(name))];
            if (!std::get<std::string>(s.value).empty()) {
                return;
            }
            s.value = value.string();
            if (systemd_var && !env(systemd_var).empty()) {
                s.origin = Origin{Source::Environment, "", 0, systemd_var};
            }
        };
        auto get = [this](const char* name) {
            return fs::path(std::get<std::string>(
                settings_[static_cast<std::size_t>(option_index(name))].value));
        };
        fill("paths.config_dir", d.config_dir, "CONFIGURATION_DIRECTORY");
        fill("paths.state_dir", d.state_dir, "STATE_DIRECTORY");
        fill("paths.runtime_dir", d.runtime_dir, "RUNTIME_DIRECTORY");
        const bool log_from_env = !env("LOGS_DIRECTORY").empty();
        fill("paths.log_dir",
             log_from_env || opt_.is_root ? d.log_dir : get("paths.state_dir") / "log",
             "LOGS_DIRECTORY");
        fill("control.socket", get("paths.runtime_dir") / "control.sock", nullptr);
    }

    // The original's code default for its box was "0" for every corner, i.e. no box.
    void ignore_zero_box() {
        const char* names[] = {"area.lat_lower_left", "area.lon_lower_left", "area.lat_upper_right",
                               "area.lon_upper_right"};
        for (const char* n : names) {
            const auto& v = settings_[static_cast<std::size_t>(option_index(n))].value;
            if (std::get<double>(v) != 0) {
                return;  // NaN (unset) compares unequal too
            }
        }
        for (const char* n : names) {
            settings_[static_cast<std::size_t>(option_index(n))].value =
                std::numeric_limits<double>::quiet_NaN();
        }
        warn(
            "the query box area.* is 0,0,0,0 (the original's \"no box\"); using the dynamic "
            "corridor instead");
    }

    const LoadOptions& opt_;
    std::vector<Setting> settings_;
    std::vector<fs::path> files_;
    std::vector<Diagnostic> diags_;
};

}  // namespace

LoadResult load(const LoadOptions& options) {
    try {
        return Loader(options).run();
    } catch (const std::exception& e) {
        // Only resource failures land here (bad_alloc, filesystem errors on a weird cwd); bad
        // input is a Diagnostic above. The promise is "never throws for bad user input", and a
        // daemon reloading on SIGHUP must not die either, so report it the same way.
        LoadResult r;
        r.diagnostics.push_back(
            {Severity::Error, fmt::format("cannot load configuration: {}", e.what())});
        return r;
    }
}

}  // namespace zc::config
