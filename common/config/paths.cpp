#include "config/paths.h"

#include <pwd.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace zc::config {

namespace {

std::string get(const std::map<std::string, std::string>& env, const std::string& key) {
    const auto it = env.find(key);
    return it == env.end() ? std::string() : it->second;
}

std::filesystem::path home_dir(const std::map<std::string, std::string>& env) {
    if (auto h = get(env, "HOME"); !h.empty()) {
        return h;
    }
    // A service started with an empty environment still has a home in the password database.
    std::vector<char> buf(16384);
    passwd pw{};
    passwd* result = nullptr;
    if (getpwuid_r(getuid(), &pw, buf.data(), buf.size(), &result) == 0 && result &&
        result->pw_dir) {
        return result->pw_dir;
    }
    return "/";
}

// XDG says relative values are invalid and must be ignored.
std::filesystem::path xdg(const std::map<std::string, std::string>& env, const std::string& key,
                          const std::filesystem::path& fallback) {
    const std::filesystem::path p = get(env, key);
    return p.is_absolute() ? p : fallback;
}

}  // namespace

std::string first_of_path_list(const std::string& list) {
    return list.substr(0, list.find(':'));
}

DefaultPaths default_paths(const std::map<std::string, std::string>& env, bool is_root) {
    DefaultPaths p;
    if (is_root) {
        p.state_dir = "/var/lib/zipcatcher";
        p.runtime_dir = "/run/zipcatcher";
        p.config_dir = "/etc/zipcatcher";
        p.log_dir = "/var/log/zipcatcher";
    } else {
        const auto home = home_dir(env);
        p.state_dir = xdg(env, "XDG_STATE_HOME", home / ".local/state") / "zipcatcher";
        const std::filesystem::path run = get(env, "XDG_RUNTIME_DIR");
        p.runtime_dir = run.is_absolute()
                            ? run / "zipcatcher"
                            : std::filesystem::path("/tmp/zipcatcher-" + std::to_string(getuid()));
        p.config_dir = xdg(env, "XDG_CONFIG_HOME", home / ".config") / "zipcatcher";
        p.log_dir = p.state_dir / "log";
    }
    // systemd's variables override both, whoever we run as.
    if (auto v = first_of_path_list(get(env, "STATE_DIRECTORY")); !v.empty()) {
        p.state_dir = v;
        if (!is_root) {
            p.log_dir = p.state_dir / "log";
        }
    }
    if (auto v = first_of_path_list(get(env, "RUNTIME_DIRECTORY")); !v.empty()) {
        p.runtime_dir = v;
    }
    if (auto v = first_of_path_list(get(env, "CONFIGURATION_DIRECTORY")); !v.empty()) {
        p.config_dir = v;
    }
    if (auto v = first_of_path_list(get(env, "LOGS_DIRECTORY")); !v.empty()) {
        p.log_dir = v;
    }
    p.socket = p.runtime_dir / "control.sock";
    return p;
}

}  // namespace zc::config
