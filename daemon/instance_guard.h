#pragma once
// Makes sure only one zipcatcherd owns a control socket. An flock() on "<socket>.lock" decides
// ownership without races; a socket file left by a crashed instance is then removed safely.
#include <filesystem>
#include <string>

namespace zc::daemon {

class InstanceGuard {
  public:
    /// Throws std::runtime_error with a message for the operator when another instance holds
    /// the socket, or when the lock cannot be taken.
    explicit InstanceGuard(const std::filesystem::path& socket_path);
    ~InstanceGuard();
    InstanceGuard(const InstanceGuard&) = delete;
    InstanceGuard& operator=(const InstanceGuard&) = delete;

    /// True when a stale socket file was found and removed.
    bool removed_stale() const { return removed_stale_; }

  private:
    std::filesystem::path lock_path_;
    int fd_ = -1;
    bool removed_stale_ = false;
};

}  // namespace zc::daemon
