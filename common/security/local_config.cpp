#include "security/local_config.h"

#include <unistd.h>

#include <filesystem>

#include "config/paths.h"

namespace zc::security {

config::LoadOptions daemon_load_options(const std::string& config_file, const std::string& env_file,
                                        const std::string& socket) {
    config::LoadOptions o;
    const auto system_socket = config::default_paths({}, true).socket;
    std::error_code ec;
    const bool system = ::geteuid() == 0 || socket == system_socket.string() ||
                        std::filesystem::equivalent(socket, system_socket, ec);
    o.is_root = system;
    // The unit gives the system daemon no environment of ours; a user's daemon inherits it.
    if (::geteuid() != 0 && system)
        o.environment = {};
    else
        o.environment = config::current_environment();
    if (!config_file.empty())
        o.config_file = config_file;
    if (!env_file.empty())
        o.env_file = env_file;
    return o;
}

}  // namespace zc::security
