// ERFA cross-checks (reference doc 6.4) not already covered by the NOVAS/HORIZONS files: the
// San Francisco solstice values computed with ERFA 2.0 (UT1 = UTC), and consistency checks.
#include <catch2/catch.hpp>

#include "astro/apparent.h"
#include "astro/body.h"
#include "astro/star.h"
#include "residuals.h"

using namespace zc::astro;

namespace {
zc::UtcTime at(const char* iso) {
    return *zc::parse_iso8601(iso);
}
const Site kSf{37.77, -122.42, 0};
}  // namespace

TEST_CASE("Sun over San Francisco, 2024-06-21 (ERFA 2.0 values)", "[astro][erfa]") {
    const Atmosphere airless{0, 15, 0};
    const BodyPosition p = body_position(Body::Sun, at("2024-06-21T18:00:00Z"), kSf, airless);
    CHECK(p.alt_deg == Approx(58.4782).margin(1e-4));
    CHECK(p.az_deg == Approx(107.5194).margin(1e-4));
    // The doc's refracted value uses ERFA's A tan z + B tan^3 z; Bennett differs by ~1.3" here.
    const BodyPosition r =
        body_position(Body::Sun, at("2024-06-21T18:00:00Z"), kSf, Atmosphere{1007, 15, 0});
    CHECK(r.alt_deg == Approx(58.4878).margin(5e-4));
    CHECK(r.alt_airless_deg == p.alt_deg);
    CHECK(r.az_deg == p.az_deg);
    const BodyPosition p19 = body_position(Body::Sun, at("2024-06-21T19:00:00Z"), kSf, airless);
    CHECK(p19.alt_deg == Approx(69.018).margin(1e-3));
    CHECK(p19.az_deg == Approx(127.977).margin(1e-3));
    const BodyPosition night = body_position(Body::Sun, at("2024-06-22T07:00:00Z"), kSf, airless);
    CHECK(night.alt_deg == Approx(-26.519).margin(1e-3));
    CHECK(night.alt_deg == night.alt_airless_deg);
}

TEST_CASE("Body position is self-consistent", "[astro][erfa]") {
    const auto t = at("2025-05-10T06:30:00Z");
    const Atmosphere atm{1013.25, 15, 0};
    for (Body body : {Body::Sun, Body::Moon}) {
        const BodyPosition p = body_position(body, t, kSf, atm);
        // ENU is a unit vector pointing at the observed alt/az.
        const auto& e = p.enu;
        CHECK(e[0] * e[0] + e[1] * e[1] + e[2] * e[2] == Approx(1.0).epsilon(1e-14));
        CHECK(std::asin(e[2]) * 57.29577951308232 == Approx(p.alt_deg).margin(1e-9));
        // Radius from the topocentric distance.
        CHECK(p.radius_deg == Approx(angular_radius_deg(body, p.distance_km)).epsilon(1e-12));
        if (body == Body::Sun) {
            CHECK(p.radius_deg > 0.2620);
            CHECK(p.radius_deg < 0.2712);
        } else {
            CHECK(p.radius_deg > 0.2440);
            CHECK(p.radius_deg < 0.2850);
        }
    }
}

TEST_CASE("Topocentric Moon: parallax lowers it by about its horizontal parallax",
          "[astro][erfa]") {
    // The Moon near the horizon is displaced ~57' from its geocentric place; at the same time the
    // Sun moves by < 9".
    const auto t = at("2025-03-01T18:00:00Z");
    const Site site{52.37, 4.90, 43};
    const ApparentPlace topo = topocentric_place(Body::Moon, t, site);
    const ApparentPlace geo = geocentric_place(Body::Moon, t);
    const double shift = radec_error_arcsec(topo.apparent_ra_deg, topo.apparent_dec_deg,
                                            geo.apparent_ra_deg, geo.apparent_dec_deg);
    const double hp = std::asin(6378.137 / geo.distance_km) * 206264.806;
    CHECK(shift < hp * 1.01);
    CHECK(shift > hp * std::cos((topo.alt_deg + 1) * 0.0174533) * 0.98);
    CHECK(geo.distance_km - topo.distance_km > -6400);
}

TEST_CASE("Alt/az <-> RA/Dec round trips (reference doc 6.6)", "[astro][erfa]") {
    const Site site{33.111369, -117.310169, 20};
    const auto t = at("2024-06-21T18:00:00Z");
    const Atmosphere atm{1013.25, 15, 0};
    const RaDec stars[] = {{2.530301 * 15, 89.264109}, {6.752569 * 15, -16.716116}};
    for (const RaDec& s : stars) {
        const AzAlt o = icrs_to_observed(s, t, site, atm);
        const RaDec back = observed_to_icrs(o, t, site, atm);
        CHECK(radec_error_arcsec(back.ra_deg, back.dec_deg, s.ra_deg, s.dec_deg) < 0.05 * 3600);
        CHECK(radec_error_arcsec(back.ra_deg, back.dec_deg, s.ra_deg, s.dec_deg) < 0.01);
    }
    const AzAlt zenith_ish{180, 89.9};
    const RaDec r = observed_to_icrs(zenith_ish, t, site, atm);
    const AzAlt o = icrs_to_observed(r, t, site, atm);
    CHECK(direction_error_arcsec(o.alt_deg, o.az_deg, 89.9, 180) < 0.01);
}
