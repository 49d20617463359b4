#pragma once
// What a flight-data parser returns: the usable fixes, a diagnostic per rejected entry, and one
// error when the document as a whole is unusable. Parsers never throw.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "flights/fix.h"
#include "time/clock.h"

namespace zc::flights {

enum class Format {
    Unknown,
    ReadsbAircraftJson,  // local readsb / dump1090-fa / tar1090 aircraft.json (now in s)
    ReadsbApi,           // adsb.lol, airplanes.live, ADSB-One, adsb.fi v3: `ac`, now in ms
    AdsbFiV2,            // adsb.fi open data v2: `aircraft`, now in s, resultCount
    OpenSkyStates,       // OpenSky /api/states/all
    FlightAwareSearch,   // FlightAware AeroAPI /flights/search
};
std::string_view to_string(Format format);

struct Problem {
    std::string where;    // e.g. "ac[3].lat"
    std::string message;  // e.g. "expected number"
    std::string text() const { return where + ": " + message; }
};

struct ParseResult {
    Format format = Format::Unknown;
    std::vector<Fix> fixes;
    std::vector<Problem> problems;         // one per rejected entry (the first bad field)
    std::string error;                     // non-empty when the document itself is unusable
    std::optional<UtcTime> document_time;  // the feed's own "now"/"time", when it has one
    std::size_t entries = 0;               // aircraft entries in the document
    std::size_t without_position = 0;      // entries skipped because they carry no current position

    bool ok() const { return error.empty(); }
};

}  // namespace zc::flights
