#include "protocol/client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace zc::protocol {

namespace {
// Replies can be large (config-get with origins), but never this large.
constexpr std::size_t kMaxReplyLine = 16 * 1024 * 1024;
}  // namespace

ControlClient::ControlClient(const std::string& socket_path)
    : path_(socket_path), framer_(kMaxReplyLine) {
    const std::string start_hint = "; start it with `systemctl start zipcatcher`";
    if (!std::filesystem::exists(std::filesystem::symlink_status(path_)))
        throw Unreachable("zipcatcherd is not running (no socket at " + path_ + ")" + start_hint);
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0)
        throw Unreachable(std::string("cannot create a socket: ") + std::strerror(errno));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path_.size() >= sizeof addr.sun_path)
        throw Unreachable("socket path too long: " + path_);
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        const int err = errno;
        ::close(fd_);
        fd_ = -1;
        if (err == ECONNREFUSED)
            throw Unreachable("zipcatcherd is not running (stale socket at " + path_ + ")" +
                              start_hint);
        if (err == EACCES || err == EPERM)
            throw Unreachable("cannot connect to " + path_ +
                              ": permission denied (add your user to the zipcatcher group)");
        throw Unreachable("cannot connect to zipcatcherd at " + path_ + ": " + std::strerror(err));
    }
}

ControlClient::~ControlClient() {
    if (fd_ >= 0)
        ::close(fd_);
}

void ControlClient::send_all(const std::string& data) {
    std::size_t off = 0;
    while (off < data.size()) {
        const ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw std::runtime_error(std::string("lost the connection to zipcatcherd: ") +
                                     std::strerror(errno));
        }
        off += static_cast<std::size_t>(n);
    }
}

void ControlClient::shutdown_write() {
    ::shutdown(fd_, SHUT_WR);
}

std::optional<std::string> ControlClient::read_line(
    std::optional<std::chrono::milliseconds> timeout) {
    const auto deadline = timeout ? std::chrono::steady_clock::now() + *timeout
                                  : std::chrono::steady_clock::time_point::max();
    for (;;) {
        if (auto line = framer_.next())
            return line;
        if (framer_.overflowed())
            throw std::runtime_error("reply from zipcatcherd is too long");
        int wait_ms = -1;
        if (timeout) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0)
                throw std::runtime_error("zipcatcherd did not answer in time");
            wait_ms = static_cast<int>(left.count());
        }
        pollfd p{fd_, POLLIN, 0};
        const int r = ::poll(&p, 1, wait_ms);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            throw std::runtime_error(std::string("poll failed: ") + std::strerror(errno));
        }
        if (r == 0)
            continue;  // re-checks the deadline
        char buf[16384];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw std::runtime_error(std::string("lost the connection to zipcatcherd: ") +
                                     std::strerror(errno));
        }
        if (n == 0)
            return std::nullopt;
        framer_.feed(std::string_view(buf, static_cast<std::size_t>(n)));
    }
}

Response ControlClient::call(const std::string& command, const nlohmann::json& arguments,
                             std::chrono::milliseconds timeout) {
    const int id = next_id_++;
    send_all(to_line(make_request(command, arguments, id)));
    for (;;) {
        auto line = read_line(timeout);
        if (!line)
            throw std::runtime_error("zipcatcherd closed the connection without replying");
        auto parsed = parse_response(*line);
        if (auto* err = std::get_if<ParseError>(&parsed))
            throw std::runtime_error("malformed reply from zipcatcherd: " + err->text);
        auto& response = std::get<Response>(parsed);
        // A reply without our id (e.g. "too many clients") is still the answer to us.
        if (response.id == id || response.id.is_null())
            return response;
    }
}

}  // namespace zc::protocol
