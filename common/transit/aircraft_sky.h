#pragma once
// Where an aircraft appears in the observer's sky at a time: its dead-reckoned ECEF position,
// differenced with the observer's, rotated into ENU, then lifted by its partial share of
// refraction (astro::aircraft_refraction_deg) so that it is compared with the fully refracted
// body in the same frame. Time is seconds since the start of the prediction window.
#include "astro/body.h"
#include "geo/local_frame.h"
#include "geo/propagation.h"
#include "geo/vec3.h"

namespace zc::transit {

struct AircraftState {
    geo::Vec3 direction;       // apparent unit ENU vector
    geo::Vec3 direction_rate;  // d/dt of it (1/s); only when requested
    geo::Vec3 enu;             // position relative to the observer (m), ENU
    geo::Vec3 velocity;        // ENU (m/s)
    geo::Vec3 up;              // ellipsoid normal at the aircraft, ENU
    double range_m = 0;
    double el_deg = 0;          // apparent
    double el_airless_deg = 0;  // geometric
    double height_m = 0;        // above the ellipsoid
};

class AircraftSky {
  public:
    /// `fix_offset_s` = window start - fix time (the fix's age at the window start).
    AircraftSky(geo::Propagator propagator, const geo::LocalFrame& frame,
                const astro::Atmosphere& atmosphere, double fix_offset_s);

    /// Position relative to the observer in ENU (m), airless: the coarse scan's fast path.
    geo::Vec3 enu_position(double t) const {
        return frame_->to_enu(propagator_.at(t + fix_offset_s_).position);
    }
    AircraftState state(double t, bool with_rate) const;
    /// Apparent unit direction only.
    geo::Vec3 direction(double t) const { return state(t, false).direction; }

    double max_speed_mps() const { return propagator_.max_speed_mps(); }
    double fix_offset_s() const { return fix_offset_s_; }
    bool refracting() const { return atmosphere_.pressure_hpa > 0; }

  private:
    double lift_deg(double el_airless_deg, double range_m, double height_m) const;

    geo::Propagator propagator_;
    const geo::LocalFrame* frame_;
    astro::Atmosphere atmosphere_;
    double fix_offset_s_;
};

}  // namespace zc::transit
