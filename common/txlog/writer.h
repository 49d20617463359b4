#pragma once
// Appends records to <dir>/possible_transits.log: one JSON line per record, written with a
// single write(2) on an O_APPEND descriptor and fsync'ed, so that concurrent writers never
// interleave inside a line and a record survives a crash once append() returned. Rotation by
// size (possible_transits.log.1 is the newest, .N the oldest) or by UTC day
// (possible_transits.log.YYYYMMDD), keeping `retention` rotated files.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "time/clock.h"

namespace zc::txlog {

enum class Rotation { Size, Daily };

struct WriterOptions {
    Rotation rotate = Rotation::Size;
    std::uint64_t max_bytes = 10u << 20;  // rotate = size
    int retention = 10;                   // rotated files kept
    bool fsync = true;
};

class LogWriter {
  public:
    /// `dir` is created (0750) when missing. Nothing is opened until the first append.
    LogWriter(std::filesystem::path dir, WriterOptions options);
    ~LogWriter();
    LogWriter(const LogWriter&) = delete;
    LogWriter& operator=(const LogWriter&) = delete;

    void set_options(const WriterOptions& options) { options_ = options; }
    /// Appends `line` (one JSON object, no newline) as one record; `now` (UTC) decides the day
    /// for daily rotation. Returns an empty string, or what failed (naming the file).
    std::string append(const std::string& line, UtcTime now);

    const std::filesystem::path& path() const { return path_; }
    const std::filesystem::path& dir() const { return dir_; }

  private:
    std::string open_file();
    void close_file();
    std::string rotate_if_needed(std::size_t incoming, UtcTime now);
    std::string rotate_size();
    std::string rotate_daily();

    std::filesystem::path dir_, path_;
    WriterOptions options_;
    int fd_ = -1;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
    std::uint64_t size_ = 0;
    std::optional<std::int64_t> day_;  // UTC day number of the open file's last record
};

/// The UTC day number (days since 1970-01-01) of an instant.
std::int64_t utc_day(UtcTime t);

}  // namespace zc::txlog
