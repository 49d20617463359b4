// Rise/set sanity: published times, the limb sits on the horizon at the event, polar cases.
#include <catch2/catch.hpp>

#include "astro/apparent.h"
#include "astro/refraction.h"
#include "astro/rise_set.h"

using namespace zc::astro;
using namespace std::chrono_literals;

namespace {
zc::UtcTime at(const char* iso) {
    return *zc::parse_iso8601(iso);
}
double minutes_between(zc::UtcTime a, zc::UtcTime b) {
    return zc::to_seconds(a - b) / 60.0;
}
}  // namespace

TEST_CASE("Sunrise and sunset in San Francisco, 2024-06-21", "[astro][riseset]") {
    const Site sf{37.77, -122.42, 0};
    const Atmosphere atm{1010, 10, 0};
    // From 2024-06-21 08:00 UTC (01:00 PDT). USNO: rise 05:48, set 20:35 PDT (UTC-7).
    const RiseSet rs = next_rise_set(Body::Sun, at("2024-06-21T08:00:00Z"), sf, atm);
    REQUIRE(rs.rise);
    REQUIRE(rs.set);
    CHECK_FALSE(rs.up_at_start);
    CHECK(std::abs(minutes_between(*rs.rise, at("2024-06-21T12:48:00Z"))) < 1.0);
    CHECK(std::abs(minutes_between(*rs.set, at("2024-06-22T03:35:00Z"))) < 1.0);
    // At the events the refracted upper limb touches the horizon (the centre sits a little
    // higher than -radius: refraction grows downwards across the disc).
    for (zc::UtcTime t : {*rs.rise, *rs.set}) {
        const BodyPosition p = body_position(Body::Sun, t, sf, atm);
        CHECK(apparent_from_airless_deg(p.alt_airless_deg + p.radius_deg, atm) ==
              Approx(0.0).margin(1e-5));
        CHECK(p.alt_deg + p.radius_deg > 0);
    }
}

TEST_CASE("Moonrise and moonset put the topocentric limb on the horizon", "[astro][riseset]") {
    const Site amsterdam{52.37, 4.90, 43};
    const Atmosphere atm = standard_atmosphere(0);
    const auto from = at("2025-03-01T00:00:00Z");
    const RiseSet rs = next_rise_set(Body::Moon, from, amsterdam, atm);
    REQUIRE(rs.rise);
    REQUIRE(rs.set);
    for (zc::UtcTime t : {*rs.rise, *rs.set}) {
        CHECK(t > from);
        CHECK(t < from + 48h);
        const BodyPosition p = body_position(Body::Moon, t, amsterdam, atm);
        CHECK(apparent_from_airless_deg(p.alt_airless_deg + p.radius_deg, atm) ==
              Approx(0.0).margin(1e-5));
        // A minute either side, the body is on the opposite sides of the horizon.
        const double before = body_position(Body::Moon, t - 1min, amsterdam, atm).alt_deg;
        const double after = body_position(Body::Moon, t + 1min, amsterdam, atm).alt_deg;
        if (t == *rs.rise)
            CHECK(before < after);
        if (t == *rs.set)
            CHECK(before > after);
    }
    // The Moon's day is ~24h50m: the next rise after this rise is 23.5 .. 26 h later.
    const RiseSet next = next_rise_set(Body::Moon, *rs.rise + 1min, amsterdam, atm);
    REQUIRE(next.rise);
    const double hours = minutes_between(*next.rise, *rs.rise) / 60;
    CHECK(hours > 23.5);
    CHECK(hours < 26.0);
}

TEST_CASE("Midnight sun and polar night", "[astro][riseset]") {
    const Site tromso{69.65, 18.96, 0};
    const Atmosphere atm = standard_atmosphere(0);
    const RiseSet summer = next_rise_set(Body::Sun, at("2024-06-21T00:00:00Z"), tromso, atm);
    CHECK(summer.always_up());
    CHECK_FALSE(summer.always_down());
    const RiseSet winter = next_rise_set(Body::Sun, at("2024-12-21T00:00:00Z"), tromso, atm);
    CHECK(winter.always_down());
}

TEST_CASE("Horizon altitude for the standard Sun is about -50'", "[astro][riseset]") {
    CHECK(horizon_altitude_deg(0.2666, Atmosphere{1010, 10, 0}) == Approx(-0.833).margin(0.02));
    CHECK(horizon_altitude_deg(0.25, Atmosphere{0, 10, 0}) == -0.25);
}
