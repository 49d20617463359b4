#pragma once
// Which configuration a CLI command reads to speak about "the daemon": the one that daemon
// reads, as well as this process can reproduce it.
#include <string>

#include "config/config.h"

namespace zc::security {

/// --config/--env-file when given. Otherwise the default files of the daemon behind `socket`:
/// for the system socket (/run/zipcatcher/control.sock) the system daemon's (/etc/zipcatcher,
/// the FHS directories, none of this user's environment); for any other socket this user's
/// (XDG directories and environment), as `zipcatcher config check` does.
config::LoadOptions daemon_load_options(const std::string& config_file, const std::string& env_file,
                                        const std::string& socket);

}  // namespace zc::security
