#include "sd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstring>
#include <ctime>
#include <utility>

namespace zc::daemon {

namespace {

std::optional<unsigned long long> parse_unsigned(std::string_view text) noexcept {
    unsigned long long value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end) {
        return std::nullopt;
    }
    return value;
}

// The bytes that go into sun_path, as systemd's own sockaddr_un_set_path() lays them out:
// a filesystem path with its terminating NUL, or for "@name" a leading NUL and no terminator
// (the address length, not a NUL, ends an abstract name).
std::optional<std::string> socket_address(std::string_view notify_socket) {
    constexpr std::size_t capacity = sizeof(sockaddr_un{}.sun_path);
    if (notify_socket.size() >= 2 && notify_socket.front() == '@' &&
        notify_socket.size() <= capacity) {
        std::string address(notify_socket);
        address[0] = '\0';
        return address;
    }
    if (!notify_socket.empty() && notify_socket.front() == '/' && notify_socket.size() < capacity &&
        notify_socket.find('\0') == std::string_view::npos) {
        std::string address(notify_socket);
        address.push_back('\0');
        return address;
    }
    return std::nullopt;  // relative paths and vsock: addresses are not ours to guess at
}

std::string replace_newlines(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c == '\n') {
            c = ' ';
        }
    }
    return out;
}

}  // namespace

std::optional<std::chrono::microseconds> parse_watchdog(
    const std::map<std::string, std::string>& env, long pid) noexcept {
    auto usec = env.find("WATCHDOG_USEC");
    if (usec == env.end()) {
        return std::nullopt;
    }
    auto interval = parse_unsigned(usec->second);
    if (!interval || *interval == 0 ||
        *interval > static_cast<unsigned long long>(std::chrono::microseconds::max().count())) {
        return std::nullopt;
    }
    // WATCHDOG_PID lets a parent keep the watchdog to itself; an environment inherited by a
    // child must not make the child ping on its behalf.
    if (auto owner = env.find("WATCHDOG_PID"); owner != env.end()) {
        auto owner_pid = parse_unsigned(owner->second);
        if (!owner_pid || pid < 0 || *owner_pid != static_cast<unsigned long long>(pid)) {
            return std::nullopt;
        }
    }
    return std::chrono::microseconds(static_cast<std::chrono::microseconds::rep>(*interval));
}

SdNotifier::SdNotifier(const std::map<std::string, std::string>& env)
    : watchdog_(parse_watchdog(env, static_cast<long>(::getpid()))) {
    auto it = env.find("NOTIFY_SOCKET");
    if (it == env.end()) {
        return;
    }
    auto address = socket_address(it->second);
    if (!address) {
        return;
    }
    // Non-blocking: if the manager's queue is full, dropping one notification is better than
    // stalling the daemon's only event loop. CLOEXEC: nothing we might exec should inherit it.
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ >= 0) {
        address_ = std::move(*address);
    }
}

SdNotifier::~SdNotifier() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

SdNotifier::SdNotifier(SdNotifier&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      address_(std::move(other.address_)),
      watchdog_(other.watchdog_) {}

SdNotifier& SdNotifier::operator=(SdNotifier&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = std::exchange(other.fd_, -1);
        address_ = std::move(other.address_);
        watchdog_ = other.watchdog_;
    }
    return *this;
}

bool SdNotifier::send(std::string_view assignments) const noexcept {
    if (fd_ < 0 || assignments.empty()) {
        return false;
    }
    // The target is resolved by name on every send (no connect()), so a manager that
    // re-executes and re-creates its socket still gets our messages.
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, address_.data(), address_.size());
    iovec iov{};
    iov.iov_base = const_cast<char*>(assignments.data());  // sendmsg only reads it
    iov.iov_len = assignments.size();
    msghdr msg{};
    msg.msg_name = &addr;
    msg.msg_namelen = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address_.size());
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    ssize_t sent = 0;
    do {
        sent = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    return sent >= 0 && static_cast<std::size_t>(sent) == assignments.size();
}

bool SdNotifier::ready() const noexcept {
    return send("READY=1\n");
}

bool SdNotifier::reloading() const noexcept {
    timespec now{};
    if (::clock_gettime(CLOCK_MONOTONIC, &now) != 0) {
        return send("RELOADING=1\n");
    }
    const long long usec = static_cast<long long>(now.tv_sec) * 1000000LL + now.tv_nsec / 1000;
    try {
        return send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) + "\n");
    } catch (...) {  // std::bad_alloc: the promise is "never throws"
        return false;
    }
}

bool SdNotifier::stopping() const noexcept {
    return send("STOPPING=1\n");
}

bool SdNotifier::watchdog() const noexcept {
    return send("WATCHDOG=1\n");
}

bool SdNotifier::status(std::string_view text) const noexcept {
    try {
        return send("STATUS=" + replace_newlines(text) + "\n");
    } catch (...) {
        return false;
    }
}

}  // namespace zc::daemon
