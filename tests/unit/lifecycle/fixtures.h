#pragma once
// Candidates and lifecycles for the lifecycle tests: one aircraft, one target, a chosen level
// and closest-approach time.
#include <algorithm>
#include <vector>

#include "time/clock.h"
#include "transit/candidate.h"
#include "transit/lifecycle.h"

namespace zc::test {

inline UtcTime t0() {
    return *parse_iso8601("2026-06-21T11:00:00Z");
}
inline UtcTime at(double seconds) {
    return t0() + from_seconds(seconds);
}

inline transit::Candidate candidate(transit::Level level, UtcTime ca,
                                    const std::string& key = "4ca7b1",
                                    transit::Target target = transit::Target::Sun) {
    transit::Candidate c;
    c.target = target;
    c.icao24 = key;
    c.key = key;
    c.callsign = "BAW12";
    c.aircraft_type = "A320";
    c.level = level;
    c.closest_approach = ca;
    c.body_radius_deg = 0.2625;
    c.separation_radii = level == transit::Level::High     ? 0.4
                         : level == transit::Level::Medium ? 1.5
                                                           : 5;
    c.separation_deg = c.separation_radii * c.body_radius_deg;
    c.sigma_deg = 0.05;
    c.probability = level == transit::Level::High ? 0.8 : 0.2;
    c.body_alt_deg = 61.2;
    c.body_az_deg = 181.5;
    c.aircraft_alt_deg = 61.3;
    c.aircraft_az_deg = 181.4;
    c.slant_range_m = 12000;
    c.altitude_m = 10500;
    c.fix_age_s = 1.5;
    return c;
}

inline std::size_t count(const std::vector<transit::Action>& actions, transit::ActionKind kind) {
    return static_cast<std::size_t>(std::count_if(actions.begin(), actions.end(),
                                                  [&](const auto& a) { return a.kind == kind; }));
}

inline std::vector<transit::Action> alerts_of(const std::vector<transit::Action>& actions) {
    std::vector<transit::Action> out;
    for (const auto& a : actions)
        if (a.kind == transit::ActionKind::Alert)
            out.push_back(a);
    return out;
}

}  // namespace zc::test
