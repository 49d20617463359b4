#pragma once
// Logging setup for zipcatcherd: spdlog to stderr, in one of two shapes.
//  - Under systemd (JOURNAL_STREAM names our stderr): "<N>message" lines, N being the syslog
//    priority, so journald stores real levels; journald adds its own timestamps.
//  - Anywhere else: "2024-07-10T12:00:00.123Z [info] message", UTC so that logs line up with
//    the UTC times the product reports everywhere.
#include <spdlog/common.h>
#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace zc::daemon {

/// Installs the default spdlog logger (name "zipcatcherd") at the given level.
/// env is the process environment (or a test's map); only JOURNAL_STREAM is read.
void setup_logging(const std::map<std::string, std::string>& env, spdlog::level::level_enum level);

/// Changes the level of every registered logger, e.g. after SIGHUP re-read --log-level.
void set_log_level(spdlog::level::level_enum level);

/// "trace", "debug", "info", "warn"/"warning", "error"/"err", "critical"/"crit", "off";
/// case-insensitive. Anything else: nullopt, so the caller can name the bad value.
std::optional<spdlog::level::level_enum> parse_log_level(std::string_view text);

/// syslog(3) priority for a level: trace/debug 7, info 6, warn 4, error 3, critical 2.
int syslog_priority(spdlog::level::level_enum level);

/// One journald stream record: every line of message gets the "<N>" prefix (journald reads
/// each line as its own record, so continuation lines would otherwise fall back to info),
/// and the result ends with exactly one newline.
std::string journal_format(spdlog::level::level_enum level, std::string_view message);

/// True when JOURNAL_STREAM's "device:inode" equals the given file's; systemd documents this
/// check because stderr may have been redirected after systemd set the variable.
bool journal_stream_matches(std::string_view journal_stream, dev_t device, ino_t inode);

}  // namespace zc::daemon
