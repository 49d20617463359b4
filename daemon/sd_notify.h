#pragma once
// The sd_notify(3) datagram protocol, spoken directly: it is a few newline-separated
// "KEY=VALUE" assignments sent to the AF_UNIX socket named by $NOTIFY_SOCKET, small enough
// that linking libsystemd for it is not worth a dependency.
//
// Reload protocol on systemd 252 (Type=notify): call reloading() when a reload starts and
// ready() again when it is finished (successful or not), or the unit stays "reloading".
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace zc::daemon {

class SdNotifier {
  public:
    /// Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from env (the process environment
    /// in production, a hand-made map in tests). Never throws on a bad or missing socket:
    /// the notifier is then simply disabled.
    explicit SdNotifier(const std::map<std::string, std::string>& env);
    ~SdNotifier();
    SdNotifier(const SdNotifier&) = delete;
    SdNotifier& operator=(const SdNotifier&) = delete;
    SdNotifier(SdNotifier&& other) noexcept;
    SdNotifier& operator=(SdNotifier&& other) noexcept;

    /// True when NOTIFY_SOCKET names a usable socket address and the sending socket is open.
    bool enabled() const noexcept { return fd_ >= 0; }

    bool ready() const noexcept;      ///< READY=1
    bool reloading() const noexcept;  ///< RELOADING=1 + MONOTONIC_USEC (systemd >= 253 wants it)
    bool stopping() const noexcept;   ///< STOPPING=1
    bool watchdog() const noexcept;   ///< WATCHDOG=1
    /// STATUS=<text>; newlines become spaces since a newline would start a new assignment.
    bool status(std::string_view text) const noexcept;
    /// Sends raw assignments ("KEY=VALUE\n..."), for the rarer messages (ERRNO=,
    /// EXTEND_TIMEOUT_USEC=). Returns false when disabled or when the datagram could not be sent
    /// whole.
    bool send(std::string_view assignments) const noexcept;

    /// The watchdog timeout systemd enforces (WATCHDOG_USEC), or nullopt when there is none or
    /// WATCHDOG_PID names another process. Ping at about half this interval.
    std::optional<std::chrono::microseconds> watchdog_interval() const noexcept {
        return watchdog_;
    }

  private:
    int fd_ = -1;
    std::string
        address_;  // sockaddr_un bytes (sun_family excluded), already NUL-prefixed if abstract
    std::optional<std::chrono::microseconds> watchdog_;
};

/// Parses WATCHDOG_USEC/WATCHDOG_PID as systemd sets them, for the given pid; exposed for tests.
std::optional<std::chrono::microseconds> parse_watchdog(
    const std::map<std::string, std::string>& env, long pid) noexcept;

}  // namespace zc::daemon
