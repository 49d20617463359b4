#pragma once
// The possible-transits log as the Python original's 27-column CSV (its
// data/possible-transits/log_YYYYMMDD.csv schema at HEAD), for existing spreadsheets. Values
// the daemon does not know (FlightAware ids, origin/destination, ground speed, track, climb)
// are empty; the mapping is documented in docs/lifecycle.md. Fields are quoted per RFC 4180.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace zc::txlog {

/// The header line (no newline), exactly the original's.
const std::string& csv_header();
/// One row (no newline) for one log record; `timestamp` is local time (process TZ).
std::string csv_row(const nlohmann::json& record);
/// RFC 4180: quoted when it holds a comma, a quote, CR or LF; quotes doubled.
std::string csv_field(std::string_view value);
/// The original's `id`: the callsign upper-cased, A-Z and 0-9 only, at most 7 characters.
std::string normalised_callsign(std::string_view callsign);

}  // namespace zc::txlog
