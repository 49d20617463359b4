#pragma once
// Where the daemon keeps its files when the configuration does not say. systemd's directory
// variables win (they are what the unit's StateDirectory= etc. created, possibly remapped);
// then FHS locations for root; then the XDG base directories for a normal user.
#include <filesystem>
#include <map>
#include <string>

namespace zc::config {

struct DefaultPaths {
    std::filesystem::path state_dir, runtime_dir, config_dir, log_dir, socket;
};

/// env: the process environment (injected for tests). User fallbacks: HOME from env, else the
/// password database; runtime dir without XDG_RUNTIME_DIR is /tmp/zipcatcher-<uid> (the daemon
/// must create it 0700 and check its owner, since /tmp is shared).
DefaultPaths default_paths(const std::map<std::string, std::string>& env, bool is_root);

/// First entry of a colon-separated systemd directory list, or empty.
std::string first_of_path_list(const std::string& list);

}  // namespace zc::config
