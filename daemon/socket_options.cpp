#include "socket_options.h"

#include <grp.h>

#include <charconv>
#include <stdexcept>
#include <vector>

namespace zc::daemon {

SocketOptions socket_options(const config::Config& cfg) {
    SocketOptions out;
    const std::string& mode = cfg.get_string("control.socket_mode");
    unsigned value = 0;
    auto [p, ec] = std::from_chars(mode.data(), mode.data() + mode.size(), value, 8);
    if (ec != std::errc() || p != mode.data() + mode.size() || value > 0777)
        throw std::runtime_error("control.socket_mode = \"" + mode +
                                 "\": expected an octal mode such as 0660");
    out.mode = static_cast<mode_t>(value);
    const std::string& group = cfg.get_string("control.socket_group");
    if (!group.empty()) {
        std::vector<char> buf(16384);
        struct group g {};
        struct group* found = nullptr;
        if (::getgrnam_r(group.c_str(), &g, buf.data(), buf.size(), &found) != 0 || !found)
            throw std::runtime_error("control.socket_group = \"" + group + "\": no such group");
        out.group = found->gr_gid;
    }
    return out;
}

ControlLimits control_limits(const config::Config& cfg) {
    ControlLimits l;
    l.max_clients = static_cast<std::size_t>(cfg.get_int("control.max_clients"));
    l.max_request_bytes = static_cast<std::size_t>(cfg.get_int("control.max_request_bytes"));
    l.idle_timeout = std::chrono::milliseconds(
        static_cast<std::int64_t>(cfg.get_double("control.idle_timeout") * 1000.0));
    l.watch_queue = static_cast<std::size_t>(cfg.get_int("control.watch_queue"));
    return l;
}

}  // namespace zc::daemon
