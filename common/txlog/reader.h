#pragma once
// Reads possible_transits.log and its rotated siblings back. A torn last line (a crash while
// writing, or a writer caught mid-line) is skipped, never fatal; a line that is not a JSON
// object is skipped with a warning naming file:line.
#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "time/clock.h"

namespace zc::txlog {

struct ReadStats {
    std::size_t files = 0;
    std::size_t records = 0;
    std::size_t torn = 0;  // last lines without a newline
    std::size_t bad = 0;   // complete lines that are not a record
    std::vector<std::string> warnings;
};

/// The records of one file, in file order.
std::vector<nlohmann::json> read_file(const std::filesystem::path& file, ReadStats* stats);

/// The live file `live` (possible_transits.log) and every rotated sibling
/// (possible_transits.log.N, possible_transits.log.YYYYMMDD[-N]), oldest file first.
std::vector<std::filesystem::path> log_files(const std::filesystem::path& live);

/// Every record of all log_files(live), ordered by `logged` (stable: file order breaks ties).
std::vector<nlohmann::json> read_log(const std::filesystem::path& live, ReadStats* stats);

/// What the end of a file looks like: whether it ends with a newline, and the `logged` time
/// of its last complete record (for the writer's daily rotation).
struct LastLine {
    bool ends_with_newline = true;
    std::optional<UtcTime> logged;
};
LastLine last_line_info(const std::filesystem::path& file);

}  // namespace zc::txlog
