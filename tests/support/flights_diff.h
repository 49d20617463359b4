#pragma once
// Field-for-field comparison of two flight parse results, for the tests and the fuzz target that
// hold the fast readsb scan to the DOM parser's answers (common/flights/readsb_fast.h).
#include <string>

#include "flights/parse_result.h"

namespace zc::test {

inline bool same_fix(const flights::Fix& a, const flights::Fix& b) {
    return a.icao24 == b.icao24 && a.callsign == b.callsign && a.fix_time == b.fix_time &&
           a.lat_deg == b.lat_deg && a.lon_deg == b.lon_deg && a.altitude_m == b.altitude_m &&
           a.altitude_kind == b.altitude_kind && a.ground_speed_mps == b.ground_speed_mps &&
           a.track_deg == b.track_deg && a.vertical_rate_mps == b.vertical_rate_mps &&
           a.track_rate_dps == b.track_rate_dps && a.selected_altitude_m == b.selected_altitude_m &&
           a.nac_p == b.nac_p && a.nac_v == b.nac_v && a.source_type == b.source_type &&
           a.feed == b.feed && a.on_ground == b.on_ground && a.registration == b.registration &&
           a.aircraft_type == b.aircraft_type && a.flight_id == b.flight_id;
}

/// Empty when equal, else what differs first.
inline std::string flights_difference(const flights::ParseResult& fast,
                                      const flights::ParseResult& ref) {
    if (fast.format != ref.format)
        return "format";
    if (fast.error != ref.error)
        return "error: '" + fast.error + "' vs '" + ref.error + "'";
    if (fast.document_time != ref.document_time)
        return "document_time";
    if (fast.entries != ref.entries || fast.without_position != ref.without_position)
        return "counts";
    if (fast.problems.size() != ref.problems.size())
        return "problem count " + std::to_string(fast.problems.size()) + " vs " +
               std::to_string(ref.problems.size());
    for (std::size_t i = 0; i < fast.problems.size(); ++i)
        if (fast.problems[i].text() != ref.problems[i].text())
            return "problem '" + fast.problems[i].text() + "' vs '" + ref.problems[i].text() + "'";
    if (fast.fixes.size() != ref.fixes.size())
        return "fix count";
    for (std::size_t i = 0; i < fast.fixes.size(); ++i)
        if (!same_fix(fast.fixes[i], ref.fixes[i]))
            return "fix " + std::to_string(i) + " (" + ref.fixes[i].icao24 + ")";
    return {};
}

}  // namespace zc::test
