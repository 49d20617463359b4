#pragma once
// One line per HTTP request: time, remote address, method, path, status, bytes, duration. The
// query string is dropped and headers are never logged, so no token can end up in a log.
//
// To a file, lines are buffered and written whole, many at a time: when 64 KiB have gathered,
// and otherwise within a second (the owner's timer calls flush()), at the latest when the
// server stops. A daemon killed with SIGKILL loses at most that last second of lines. Without a
// file, each line goes to the daemon log (the journal) at once.
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "gallery/unique_fd.h"
#include "time/clock.h"

namespace zc::daemon {

class AccessLog {
  public:
    /// Empty path: lines go to the daemon log (the journal under systemd). Throws
    /// std::runtime_error naming http.access_log when the file cannot be opened.
    AccessLog(const std::filesystem::path& file, const Clock& clock);
    ~AccessLog();
    AccessLog(const AccessLog&) = delete;
    AccessLog& operator=(const AccessLog&) = delete;

    void write(std::string_view remote, std::string_view method, std::string_view target,
               unsigned status, std::uint64_t bytes, std::chrono::steady_clock::duration took);
    /// Writes the buffered lines now.
    void flush();
    /// `schedule` is called when a first line is buffered; it must make flush() run soon (the
    /// HTTP server arms a one-second timer). Unset (the default, and after the server stopped):
    /// every line is written at once.
    void set_flush_scheduler(std::function<void()> schedule);

    static constexpr std::size_t kBufferBytes = 64 * 1024;

  private:
    const Clock& clock_;
    gallery::UniqueFd fd_;  // invalid: the daemon log
    std::string path_;
    std::string pending_;
    std::function<void()> schedule_;
    bool failing_ = false;  // warned once about a failing write
};

}  // namespace zc::daemon
