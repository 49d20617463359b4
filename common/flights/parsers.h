#pragma once
// Pure parsers for the flight-data feeds: text in, fixes and diagnostics out. No clock, no I/O,
// so the poller and the offline `predict` command share them. Fix times come only from the
// feed's own timestamps (readsb: now - seen_pos; OpenSky: time_position; FlightAware:
// last_position.timestamp).
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "flights/parse_result.h"

namespace zc::flights {

/// Detects the format and parses. A document that is not JSON, or not one of the known
/// shapes, gives a result with `error` set and no fixes.
ParseResult parse_flights(std::string_view text);

/// readsb family: local aircraft.json, readsb API replies (`ac`), adsb.fi v2 (`aircraft`). The
/// unit of `now` (s or ms) is decided by its magnitude.
ParseResult parse_readsb(std::string_view text);
ParseResult parse_opensky(std::string_view text);
ParseResult parse_flightaware(std::string_view text);

/// The shape of an already parsed document; Format::Unknown when none matches.
Format detect_format(const nlohmann::json& doc);

/// The same parsers on an already parsed document (the poller parses once).
ParseResult parse_readsb(const nlohmann::json& doc);
ParseResult parse_opensky(const nlohmann::json& doc);
ParseResult parse_flightaware(const nlohmann::json& doc);

}  // namespace zc::flights
