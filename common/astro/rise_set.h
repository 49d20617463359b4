#pragma once
// Next rise and set of the Sun or Moon: the instants when the observed upper limb touches the
// astronomical horizon (refracted altitude of the limb = 0), found with the real body_position
// (topocentric, so the Moon's parallax is included) by a 5-minute scan and bisection to 1 ms.
// Events that start and end within one 5-minute step (grazing passes near the poles) are missed.
#include <optional>

#include "astro/body.h"

namespace zc::astro {

struct RiseSet {
    std::optional<UtcTime> rise;  // first rise after `from`, within the search window
    std::optional<UtcTime> set;   // first set after `from`, within the search window
    bool up_at_start = false;     // upper limb above the horizon at `from`
    /// Neither event in the window: the body stays up (circumpolar) or stays down all along.
    bool always_up() const { return !rise && !set && up_at_start; }
    bool always_down() const { return !rise && !set && !up_at_start; }
};

/// Cost: ~600 body_position-equivalent calls for the default 48 h window (~50 ms).
RiseSet next_rise_set(Body body, UtcTime from, const Site& site, const Atmosphere& atmosphere,
                      const EarthOrientation& eop = {}, Duration window = std::chrono::hours(48));

/// Airless altitude of the disc centre at which the upper limb appears on the horizon:
/// -(refraction at apparent altitude 0 + angular radius), e.g. -0.833 deg for the Sun at 1010 hPa.
double horizon_altitude_deg(double radius_deg, const Atmosphere& atmosphere);

}  // namespace zc::astro
