#include <catch2/catch.hpp>

#include "astro/body.h"
#include "geo/angles.h"
#include "synthetic.h"
#include "transit/candidate_json.h"
#include "transit/classify.h"
#include "transit/predictor.h"
#include "transit/target_track.h"
#include "transit/uncertainty.h"

using namespace zc;
using namespace zc::transit;

TEST_CASE("the interpolated body track matches body_position", "[transit]") {
    const Observer o = test::make_observer(52.37, 4.90, 45);
    const UtcTime start = *parse_iso8601("2025-03-20T10:00:00Z");
    for (Target t : {Target::Sun, Target::Moon}) {
        const TargetTrack track(t, start, 900, o, Options{}.body_step_s);
        const astro::Body b = t == Target::Sun ? astro::Body::Sun : astro::Body::Moon;
        double worst = 0;
        for (double s = 0; s <= 900; s += 7.3) {
            const astro::BodyPosition p =
                astro::body_position(b, start + from_seconds(s), o.site, o.atmosphere);
            const geo::Vec3 exact{p.enu[0], p.enu[1], p.enu[2]};
            worst = std::max(worst, geo::rad2deg(geo::angle_between(track.direction(s), exact)));
            const TargetSample smp = track.at(s);
            CHECK(smp.alt_deg == Approx(p.alt_deg).margin(1e-6));
            CHECK(smp.radius_deg == Approx(p.radius_deg).margin(1e-7));
            // rate vs a finite difference of the exact positions
            const astro::BodyPosition p2 =
                astro::body_position(b, start + from_seconds(s + 0.5), o.site, o.atmosphere);
            const astro::BodyPosition p1 =
                astro::body_position(b, start + from_seconds(s - 0.5), o.site, o.atmosphere);
            const geo::Vec3 fd{p2.enu[0] - p1.enu[0], p2.enu[1] - p1.enu[1], p2.enu[2] - p1.enu[2]};
            CHECK(geo::norm(fd - smp.enu_rate) < 1e-9);
        }
        INFO("worst interpolation error " << worst * 3600e3 << " mas");
        CHECK(worst < 1e-6);  // 3.6 mas
        CHECK(track.max_rate() == Approx(geo::deg2rad(15.0 / 3600)).epsilon(0.2));
    }
}

TEST_CASE("visible intervals of the track", "[transit]") {
    // A synthetic body climbing 0.01 deg/s from 10 deg: above 12 deg after 200 s.
    const UtcTime start = *parse_iso8601("2025-01-01T00:00:00Z");
    const TargetTrack track(Target::Sun, start, 900, [&](UtcTime t) {
        const double s = to_seconds(t - start);
        astro::BodyPosition p;
        p.alt_deg = 10 + 0.01 * s;
        p.az_deg = 120;
        p.radius_deg = 0.27;
        const geo::Vec3 e = geo::enu_direction(p.az_deg, p.alt_deg);
        p.enu = {e.x, e.y, e.z};
        return p;
    });
    const auto iv = track.above(12);
    REQUIRE(iv.size() == 1);
    CHECK(iv[0].first <= 200);
    CHECK(iv[0].first >= 180);
    CHECK(iv[0].second == 900);
    CHECK(track.above(30).empty());
}

TEST_CASE("levels: inclusive boundaries in radii and degrees", "[transit]") {
    Options o;
    const double r = 0.25;
    CHECK(classify(0.25, r, 0.0, o) == Level::High);
    CHECK(classify(0.2501, r, 0.0, o) == Level::Medium);
    CHECK(classify(0.5, r, 0.0, o) == Level::Medium);
    CHECK(classify(0.5001, r, 0.0, o) == Level::Low);
    CHECK(classify(2.0, r, 0.0, o) == Level::Low);
    CHECK(classify(2.0001, r, 0.0, o) == Level::None);
    // Within 2 sigma of the disc.
    CHECK(classify(1.0, r, 0.375, o) == Level::Medium);
    CHECK(classify(1.0, r, 0.37, o) == Level::Low);
    o.high_radii = 0.5;
    CHECK(classify(0.2, r, 0.0, o) == Level::Medium);
}

TEST_CASE("minimum altitude quadrants", "[transit]") {
    const MinAltitudes m{1, 2, 3, 4};
    CHECK(m.for_azimuth(0) == 1);
    CHECK(m.for_azimuth(314.9) == 4);
    CHECK(m.for_azimuth(315) == 1);
    CHECK(m.for_azimuth(45) == 2);
    CHECK(m.for_azimuth(134.9) == 2);
    CHECK(m.for_azimuth(135) == 3);
    CHECK(m.for_azimuth(225) == 4);
    CHECK(m.for_azimuth(-10) == 1);
    CHECK(m.lowest() == 1);
}

TEST_CASE("accuracy categories and the crossing probability", "[transit]") {
    CHECK(*nacp_sigma_m(9) == Approx(30 / 2.4477));
    CHECK(*nacp_sigma_m(11) < *nacp_sigma_m(8));
    CHECK_FALSE(nacp_sigma_m(0));
    CHECK(*nacv_sigma_mps(1) == Approx(10 / 2.4477));
    CHECK_FALSE(nacv_sigma_mps(7));
    CHECK(crossing_probability(0, 1, 1e-9) == Approx(1));
    CHECK(crossing_probability(2, 1, 0) == 0);
    CHECK(crossing_probability(0, 1, 1) == Approx(0.6827).margin(1e-4));
    CHECK(crossing_probability(1, 1, 1) == Approx(0.4772).margin(1e-4));
    CHECK(crossing_probability(5, 1, 0.5) < 1e-10);
}

TEST_CASE("candidate JSON schema", "[transit]") {
    Candidate c;
    c.target = Target::Moon;
    c.icao24 = "abc123";
    c.callsign = "TEST1";
    c.key = "abc123";
    c.level = Level::High;
    c.closest_approach = *parse_iso8601("2026-12-04T06:50:14.123Z");
    c.ingress = *parse_iso8601("2026-12-04T06:50:13.800Z");
    c.egress = *parse_iso8601("2026-12-04T06:50:14.450Z");
    c.duration_s = 0.65;
    c.separation_deg = 0.05;
    c.separation_radii = 0.2;
    c.slant_range_m = 12345.6;
    const auto j = to_json(std::vector<Candidate>{c});
    REQUIRE(j.is_array());
    const auto& o = j[0];
    for (const char* key :
         {"target", "icao24", "callsign", "level", "closest_approach", "separation_deg",
          "separation_radii", "sigma_deg", "probability", "ingress", "egress", "duration_s",
          "body_alt_deg", "body_az_deg", "slant_range_km", "fix_age_s"}) {
        INFO(key);
        CHECK(o.contains(key));
    }
    CHECK(o["target"] == "moon");
    CHECK(o["level"] == "HIGH");
    CHECK(o["closest_approach"] == "2026-12-04T06:50:14.123Z");
    CHECK(o["ingress"] == "2026-12-04T06:50:13.800Z");
    CHECK(o["slant_range_km"].get<double>() == Approx(12.346));
    Candidate none;
    const auto n = to_json(none);
    CHECK(n["ingress"].is_null());
    CHECK(n["icao24"].is_null());
}

TEST_CASE("ground offset points to the central line", "[transit]") {
    // A transit 0.5 R off the centre: the offset to walk is about b * d / sin(e) at most and
    // at least b * d, and walking it makes the transit central.
    const Observer o = test::make_observer(23.1, -82.4, 50);
    const UtcTime t0 = *parse_iso8601("2024-06-21T15:00:00Z");
    const astro::BodyPosition bp = astro::body_position(astro::Body::Sun, t0, o.site, o.atmosphere);
    REQUIRE(bp.alt_deg > 30);
    const geo::LocalFrame f(o.geodetic());
    const double off = geo::deg2rad(0.5 * bp.radius_deg);
    const geo::Vec3 u = geo::enu_direction(bp.az_deg, bp.alt_deg);
    const geo::Vec3 up_sky = geo::normalized(geo::Vec3{0, 0, 1} - u * u.z);
    const geo::AzElRange ae = geo::az_el_range(u * std::cos(off) + up_sky * std::sin(off));
    const geo::Vec3 p = test::place_apparent(o, f, ae.az_deg, ae.el_deg, 9000);
    // Flying across the azimuth, so the miss is vertical (above the centre).
    const flights::Fix fix = test::fix_reaching(
        p, t0, 30, {230, bp.az_deg + 90, 0, std::nullopt, flights::AltitudeKind::Geometric});
    Options opt;
    opt.targets = TargetSelection::Sun;
    const auto cands = Predictor(o, t0 - std::chrono::seconds(20), opt).predict(fix);
    REQUIRE(cands.size() == 1);
    const Candidate& c = cands[0];
    CHECK(c.separation_radii == Approx(0.5).epsilon(0.01));
    CHECK(std::abs(c.miss_angle_deg) < 5);
    const double b_m = off * c.slant_range_m;
    CHECK(c.ground_offset_m > b_m);
    CHECK(c.ground_offset_m < 1.01 * b_m / std::sin(geo::deg2rad(bp.alt_deg)));
    // Aircraft above the centre: walk away from the Sun (the shadow falls on the far side).
    CHECK(std::abs(geo::wrap_180(c.ground_offset_bearing_deg - (bp.az_deg + 180))) < 5);
    // Moving there gives a central transit.
    const geo::GeodesicPoint moved = geo::geodesic_direct(
        o.site.lat_deg, o.site.lon_deg, c.ground_offset_bearing_deg, c.ground_offset_m);
    Observer o2 = o;
    o2.site.lat_deg = moved.lat_deg;
    o2.site.lon_deg = moved.lon_deg;
    const auto again = Predictor(o2, t0 - std::chrono::seconds(20), opt).predict(fix);
    REQUIRE(again.size() == 1);
    CHECK(again[0].separation_radii < 0.05);
}

TEST_CASE("barometric heights are raised by the geoid undulation when one is given", "[transit]") {
    const Observer o = test::make_observer(52.37, 4.90, 45);
    const UtcTime now = *parse_iso8601("2025-03-20T10:00:00Z");
    flights::Fix fix;
    fix.icao24 = "abcdef";
    fix.fix_time = now;
    fix.lat_deg = 52.5;
    fix.lon_deg = 5.0;
    fix.altitude_m = 10000;
    fix.altitude_kind = flights::AltitudeKind::Barometric;
    fix.ground_speed_mps = 200;
    fix.track_deg = 90;
    Options opt;
    opt.targets = TargetSelection::Sun;
    const Predictor plain(o, now, opt);
    opt.geoid_undulation_m = [](double, double) { return 43.0; };
    const Predictor lifted(o, now, opt);
    CHECK(plain.sky_for(fix)->state(0, false).height_m == Approx(10000));
    CHECK(lifted.sky_for(fix)->state(0, false).height_m == Approx(10043));
    fix.altitude_kind = flights::AltitudeKind::Geometric;  // already ellipsoidal
    CHECK(lifted.sky_for(fix)->state(0, false).height_m == Approx(10000));
}
