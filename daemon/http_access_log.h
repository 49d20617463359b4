#pragma once
// One line per HTTP request: time, remote address, method, path, status, bytes, duration. The
// query string is dropped and headers are never logged, so no token can end up in a log.
#include <spdlog/logger.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "time/clock.h"

namespace zc::daemon {

class AccessLog {
  public:
    /// Empty path: lines go to the daemon log (the journal under systemd).
    AccessLog(const std::filesystem::path& file, const Clock& clock);
    void write(std::string_view remote, std::string_view method, std::string_view target,
               unsigned status, std::uint64_t bytes, std::chrono::steady_clock::duration took);

  private:
    const Clock& clock_;
    std::shared_ptr<spdlog::logger> file_;  // null: the default logger
};

}  // namespace zc::daemon
