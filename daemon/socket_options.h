#pragma once
// The [control] options turned into what the socket code needs.
#include <sys/types.h>

#include <optional>

#include "config/config.h"
#include "control_limits.h"

namespace zc::daemon {

struct SocketOptions {
    mode_t mode = 0660;
    std::optional<gid_t> group;  // nullopt: keep the daemon's primary group
};

/// Throws std::runtime_error naming the option when the mode is not octal or the group unknown.
SocketOptions socket_options(const config::Config& cfg);
ControlLimits control_limits(const config::Config& cfg);

}  // namespace zc::daemon
