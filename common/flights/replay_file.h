#pragma once
// The replay feed used by the demo and the end-to-end tests: JSON Lines, one fix per line,
//   {"t": 12.5, "icao24": "abc123", "callsign": "DEMO1", "lat": 51.5, "lon": -0.1,
//    "alt_m": 10000, "alt_kind": "geometric", "gs_mps": 230, "track_deg": 90, "vr_mps": 0,
//    "type": "A320"}
// where t is seconds after the replay starts (the daemon clock when the source starts) and
// "type" (the ICAO aircraft type) is optional. Blank lines and lines starting with '#' are
// ignored. See docs/flight-sources.md.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "flights/fix.h"

namespace zc::flights {

struct ReplayEntry {
    Duration offset{};  // t
    Fix fix;            // fix_time left at the epoch; the source adds its start time
    int line = 0;       // 1-based line of the file
};

/// One line; nullopt and `error` ("alt_m: expected number") when it is not a valid entry.
std::optional<ReplayEntry> parse_replay_line(std::string_view line, std::string* error);

/// The whole file, sorted by t (stable, so equal times keep file order). Throws
/// std::runtime_error "<file>:<line>: <field>: <problem>" for the first bad line, or when the
/// file cannot be read.
std::vector<ReplayEntry> load_replay_file(const std::filesystem::path& path);

}  // namespace zc::flights
