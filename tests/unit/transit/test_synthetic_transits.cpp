#include <catch2/catch.hpp>

#include "astro/body.h"
#include "geo/angles.h"
#include "synthetic.h"
#include "transit/predictor.h"
#include "transit/uncertainty.h"

using namespace zc;
using namespace zc::transit;

namespace {

// Near the Tropic of Cancer at the June solstice the Sun climbs to ~89 deg.
const Observer kObs = test::make_observer(23.1, -82.4, 50);
const UtcTime kDay = *parse_iso8601("2024-06-21T00:00:00Z");

astro::BodyPosition body_at(astro::Body b, UtcTime t, const Observer& o = kObs) {
    return astro::body_position(b, t, o.site, o.atmosphere, o.eop);
}

/// First time after `from` (minute steps, then bisection) when the body climbs through `alt`.
UtcTime rising_through(astro::Body b, double alt, UtcTime from, const Observer& o = kObs) {
    UtcTime t = from;
    for (int i = 0; i < 3 * 24 * 60; ++i) {
        const UtcTime n = t + std::chrono::minutes(1);
        if (body_at(b, t, o).alt_deg < alt && body_at(b, n, o).alt_deg >= alt) {
            UtcTime lo = t, hi = n;
            for (int k = 0; k < 30; ++k) {
                const UtcTime mid = lo + (hi - lo) / 2;
                (body_at(b, mid, o).alt_deg < alt ? lo : hi) = mid;
            }
            return lo;
        }
        t = n;
    }
    throw std::runtime_error("body never rises through the altitude");
}

struct Case {
    flights::Fix fix;
    UtcTime t0;
    UtcTime now;
};

/// An aircraft at `height` passing exactly through the body's apparent centre at t0.
Case central(astro::Body body, UtcTime t0, double now_before_t0_s, double fix_age_s, double height,
             const test::Flight& fl, const Observer& o = kObs, double offset_deg = 0) {
    const geo::LocalFrame f(o.geodetic());
    const astro::BodyPosition bp = body_at(body, t0, o);
    double az = bp.az_deg, el = bp.alt_deg;
    if (offset_deg != 0) {
        // Offset across the sky path: the path direction is roughly the aircraft velocity
        // projected on the sky, so shift perpendicular to it.
        const geo::Vec3 u = geo::enu_direction(az, el);
        const geo::Vec3 p = f.to_enu(test::place_apparent(o, f, az, el, height));
        const geo::Vec3 v = geo::enu_direction(fl.track_deg, 0) * fl.speed_mps;
        const geo::Vec3 w = geo::normalized(v - u * geo::dot(u, v));
        const geo::Vec3 c = geo::cross(u, w);
        const double d = geo::deg2rad(offset_deg);
        const geo::AzElRange ae = geo::az_el_range(u * std::cos(d) + c * std::sin(d));
        (void)p;
        az = ae.az_deg;
        el = ae.el_deg;
    }
    const geo::Vec3 p = test::place_apparent(o, f, az, el, height);
    const UtcTime now = t0 - from_seconds(now_before_t0_s);
    Case c;
    c.fix = test::fix_reaching(p, t0, now_before_t0_s + fix_age_s, fl);
    c.t0 = t0;
    c.now = now;
    return c;
}

Options options_for(astro::Body body) {
    Options o;
    o.targets = body == astro::Body::Sun ? TargetSelection::Sun : TargetSelection::Moon;
    o.min_altitude = {5, 5, 5, 5};
    return o;
}

}  // namespace

TEST_CASE("central transits of the Sun: time to 5 ms, separation below 0.01 R", "[transit]") {
    int checked = 0;
    for (double alt : {10.0, 20.0, 35.0, 50.0, 65.0, 80.0}) {
        const UtcTime base = rising_through(astro::Body::Sun, alt, kDay);
        const Options opt = options_for(astro::Body::Sun);
        int k = 0;
        for (double phase : {0.0, 0.137, 0.5, 0.731}) {
            for (double speed : {70.0, 160.0, 250.0}) {
                for (double heading : {0.0, 75.0, 190.0, 300.0}) {
                    const double height = 3000 + 2500 * (k % 4);
                    ++k;
                    const UtcTime t0 = base + from_seconds(phase + 0.01 * k);
                    const Case c = central(
                        astro::Body::Sun, t0, 40.0 + phase + 3.3 * (k % 5), 1.2, height,
                        {speed, heading, 0, std::nullopt, flights::AltitudeKind::Geometric});
                    const Predictor pred(kObs, c.now, opt);
                    const auto cands = pred.predict(c.fix);
                    INFO("alt " << alt << " phase " << phase << " speed " << speed << " heading "
                                << heading << " height " << height);
                    REQUIRE(cands.size() == 1);
                    const Candidate& cand = cands[0];
                    CHECK(std::abs(to_seconds(cand.closest_approach - c.t0)) <= 0.005);
                    CHECK(cand.separation_radii <= 0.01);
                    CHECK(cand.level == Level::High);
                    REQUIRE(cand.ingress);
                    REQUIRE(cand.egress);
                    CHECK(*cand.ingress < cand.closest_approach);
                    CHECK(*cand.egress > cand.closest_approach);
                    // Central chord: 2R / omega.
                    CHECK(cand.duration_s ==
                          Approx(2 * cand.body_radius_deg / cand.angular_rate_deg_s).epsilon(0.03));
                    CHECK(cand.body_alt_deg == Approx(alt).margin(0.5));
                    CHECK(cand.fix_age_s == Approx(1.2).margin(1e-6));
                    // Some 40 s ahead sigma is already comparable to R, so the chance is moderate.
                    CHECK(cand.probability > 0.05);
                    ++checked;
                }
            }
        }
    }
    CHECK(checked == 6 * 48);
}

TEST_CASE("central transits of the Moon", "[transit]") {
    const Options opt = options_for(astro::Body::Moon);
    int k = 0;
    for (double alt : {12.0, 25.0, 38.0}) {  // full Moon at -27 deg: tops out near 40 deg
        const UtcTime base = rising_through(astro::Body::Moon, alt, kDay);
        for (double phase : {0.0, 0.29, 0.61}) {
            for (double heading : {20.0, 130.0, 250.0}) {
                ++k;
                const UtcTime t0 = base + from_seconds(phase);
                const Case c = central(
                    astro::Body::Moon, t0, 25.0 + 7 * phase, 0.5, 4000.0 + 300 * k,
                    {200.0 + 5 * k, heading, 0, std::nullopt, flights::AltitudeKind::Geometric});
                const Predictor pred(kObs, c.now, opt);
                const auto cands = pred.predict(c.fix);
                INFO("moon alt " << alt << " phase " << phase << " heading " << heading);
                REQUIRE(cands.size() == 1);
                CHECK(cands[0].target == Target::Moon);
                CHECK(std::abs(to_seconds(cands[0].closest_approach - c.t0)) <= 0.005);
                CHECK(cands[0].separation_radii <= 0.01);
                CHECK(cands[0].body_radius_deg > 0.24);
                CHECK(cands[0].body_radius_deg < 0.29);
            }
        }
    }
}

TEST_CASE("climbing and descending aircraft", "[transit]") {
    const UtcTime t0 = rising_through(astro::Body::Sun, 40, kDay) + from_seconds(0.42);
    for (double vr : {-12.0, 8.0}) {
        const Case c = central(astro::Body::Sun, t0, 60, 2, 6000,
                               {180, 140, vr, std::nullopt, flights::AltitudeKind::Geometric});
        const auto cands = Predictor(kObs, c.now, options_for(astro::Body::Sun)).predict(c.fix);
        REQUIRE(cands.size() == 1);
        CHECK(std::abs(to_seconds(cands[0].closest_approach - c.t0)) <= 0.005);
        CHECK(cands[0].separation_radii <= 0.01);
    }
}

TEST_CASE("near misses at known offsets and grazing paths", "[transit]") {
    const UtcTime t0 = rising_through(astro::Body::Sun, 45, kDay) + from_seconds(0.3);
    const double radius = body_at(astro::Body::Sun, t0).radius_deg;
    const Options opt = options_for(astro::Body::Sun);
    for (double heading : {30.0, 200.0}) {
        for (double off_r : {0.5, 0.98, 1.02, 1.5, 2.5, 5.0}) {
            const double off = off_r * radius;
            const Case c = central(
                astro::Body::Sun, t0, 50, 1, 9000,
                {230, heading, 0, std::nullopt, flights::AltitudeKind::Geometric}, kObs, off);
            const auto cands = Predictor(kObs, c.now, opt).predict(c.fix);
            INFO("offset " << off_r << " R, heading " << heading);
            REQUIRE(cands.size() == 1);
            const Candidate& cand = cands[0];
            CHECK(cand.separation_deg == Approx(off).epsilon(0.005));
            CHECK(std::abs(to_seconds(cand.closest_approach - c.t0)) < 0.05);
            CHECK(cand.ingress.has_value() == (off_r < 1));
            if (off_r < 1) {
                const double full = 2 * radius / cand.angular_rate_deg_s;
                CHECK(cand.duration_s == Approx(full * std::sqrt(1 - off_r * off_r)).epsilon(0.03));
            }
            if (off_r <= 1)
                CHECK(cand.level == Level::High);
            if (off_r > 1 && off_r <= 2)
                CHECK(cand.level == Level::Medium);
            // Beyond 2 R it is MEDIUM only while the disc is within 2 sigma.
            if (off_r > 2) {
                CHECK(cand.level == (cand.separation_deg - radius <= 2 * cand.sigma_deg
                                         ? Level::Medium
                                         : Level::Low));
            }
            CHECK(cand.probability ==
                  Approx(crossing_probability(geo::deg2rad(cand.separation_deg),
                                              geo::deg2rad(radius), geo::deg2rad(cand.sigma_deg)))
                      .margin(1e-9));
        }
    }
}

TEST_CASE("a fix 20 s old is propagated from its own time", "[transit]") {
    const UtcTime t0 = rising_through(astro::Body::Sun, 30, kDay) + from_seconds(0.77);
    const Case c = central(astro::Body::Sun, t0, 45, 20, 10000,
                           {240, 280, 0, std::nullopt, flights::AltitudeKind::Geometric});
    const auto cands = Predictor(kObs, c.now, options_for(astro::Body::Sun)).predict(c.fix);
    REQUIRE(cands.size() == 1);
    CHECK(cands[0].fix_age_s == Approx(20).margin(1e-6));
    CHECK(std::abs(to_seconds(cands[0].closest_approach - c.t0)) <= 0.005);
    CHECK(cands[0].separation_radii <= 0.01);
    // A fresher fix of the same flight is more certain.
    const Case fresh = central(astro::Body::Sun, t0, 45, 0.5, 10000,
                               {240, 280, 0, std::nullopt, flights::AltitudeKind::Geometric});
    const auto f2 = Predictor(kObs, fresh.now, options_for(astro::Body::Sun)).predict(fresh.fix);
    REQUIRE(f2.size() == 1);
    CHECK(f2[0].sigma_deg < cands[0].sigma_deg);
    CHECK(f2[0].sigma_time_s < cands[0].sigma_time_s);
}

TEST_CASE("barometric altitude is flagged and less certain", "[transit]") {
    const UtcTime t0 = rising_through(astro::Body::Sun, 40, kDay) + from_seconds(0.1);
    const test::Flight geo_fl{220, 100, 0, std::nullopt, flights::AltitudeKind::Geometric};
    test::Flight baro_fl = geo_fl;
    baro_fl.kind = flights::AltitudeKind::Barometric;
    const Case g = central(astro::Body::Sun, t0, 30, 1, 8000, geo_fl);
    const Case b = central(astro::Body::Sun, t0, 30, 1, 8000, baro_fl);
    const auto cg = Predictor(kObs, g.now, options_for(astro::Body::Sun)).predict(g.fix);
    const auto cb = Predictor(kObs, b.now, options_for(astro::Body::Sun)).predict(b.fix);
    REQUIRE(cg.size() == 1);
    REQUIRE(cb.size() == 1);
    CHECK(cb[0].altitude_kind == flights::AltitudeKind::Barometric);
    CHECK(cg[0].altitude_kind == flights::AltitudeKind::Geometric);
    CHECK(cb[0].sigma_deg > 1.5 * cg[0].sigma_deg);
    CHECK(cb[0].probability < cg[0].probability);
}

TEST_CASE("the target setting or rising inside the window", "[transit]") {
    Options opt = options_for(astro::Body::Sun);
    opt.min_altitude = {15, 15, 15, 15};
    const UtcTime rise15 = rising_through(astro::Body::Sun, 15, kDay);
    const test::Flight fl{230, 45, 0, std::nullopt, flights::AltitudeKind::Geometric};
    SECTION("rising: a crossing 60 s before the Sun clears 15 deg is not reported, 60 s after is") {
        const Case early =
            central(astro::Body::Sun, rise15 - std::chrono::seconds(60), 120, 1, 5000, fl);
        CHECK(Predictor(kObs, early.now, opt).predict(early.fix).empty());
        const Case late =
            central(astro::Body::Sun, rise15 + std::chrono::seconds(60), 120, 1, 5000, fl);
        CHECK(Predictor(kObs, late.now, opt).predict(late.fix).size() == 1);
    }
    SECTION("setting: the same near sunset") {
        // Find the evening time when the Sun drops through 15 deg.
        UtcTime t = kDay + std::chrono::hours(22);
        while (body_at(astro::Body::Sun, t).alt_deg > 15)
            t += std::chrono::seconds(10);
        const Case before =
            central(astro::Body::Sun, t - std::chrono::seconds(40), 300, 1, 5000, fl);
        CHECK(Predictor(kObs, before.now, opt).predict(before.fix).size() == 1);
        const Case after =
            central(astro::Body::Sun, t + std::chrono::seconds(40), 300, 1, 5000, fl);
        CHECK(Predictor(kObs, after.now, opt).predict(after.fix).empty());
    }
}

TEST_CASE("minimum altitude per quadrant at the time of closest approach", "[transit]") {
    const UtcTime t0 = rising_through(astro::Body::Sun, 30, kDay) + from_seconds(0.2);
    const double az = body_at(astro::Body::Sun, t0).az_deg;
    REQUIRE((az >= 45 && az < 135));  // morning Sun in the east
    const Case c = central(astro::Body::Sun, t0, 30, 1, 9000,
                           {200, 0, 0, std::nullopt, flights::AltitudeKind::Geometric});
    Options opt = options_for(astro::Body::Sun);
    opt.min_altitude = {40, 35, 10, 40};  // only the east limit matters here
    CHECK(Predictor(kObs, c.now, opt).predict(c.fix).empty());
    opt.min_altitude = {40, 25, 40, 40};
    CHECK(Predictor(kObs, c.now, opt).predict(c.fix).size() == 1);
}

TEST_CASE("two minima for one turning aircraft", "[transit]") {
    const UtcTime t0 = rising_through(astro::Body::Sun, 50, kDay) + from_seconds(0.55);
    const geo::LocalFrame f(kObs.geodetic());
    const astro::BodyPosition bp = body_at(astro::Body::Sun, t0);
    const geo::Vec3 p = test::place_apparent(kObs, f, bp.az_deg, bp.alt_deg, 7000);
    geo::PropagationLimits lim;
    lim.max_turn_deg = 720;
    Options opt = options_for(astro::Body::Sun);
    opt.propagation = lim;
    test::Flight fl{120, 10, 0, 3.0, flights::AltitudeKind::Geometric};
    flights::Fix fix = test::fix_reaching(p, t0, 20, fl, lim);
    const UtcTime now = t0 - std::chrono::seconds(15);
    const auto cands = Predictor(kObs, now, opt).predict(fix);
    // Back over the same spot one full circle (120 s) later; the Sun has moved ~0.5 deg.
    REQUIRE(cands.size() >= 2);
    CHECK(std::abs(to_seconds(cands[0].closest_approach - t0)) < 0.05);
    CHECK(cands[0].separation_radii < 0.1);
    CHECK(to_seconds(cands[1].closest_approach - t0) == Approx(120).margin(10));
    CHECK(cands[1].separation_deg < 1.0);
}

TEST_CASE("aircraft on the ground, below the horizon, without velocity or too old are ignored",
          "[transit]") {
    const UtcTime t0 = rising_through(astro::Body::Sun, 40, kDay);
    Case c = central(astro::Body::Sun, t0, 30, 1, 9000,
                     {200, 0, 0, std::nullopt, flights::AltitudeKind::Geometric});
    const Options opt = options_for(astro::Body::Sun);
    const Predictor pred(kObs, c.now, opt);
    flights::Fix g = c.fix;
    g.on_ground = true;
    CHECK(pred.check(g) == Skip::OnGround);
    CHECK(pred.predict(g).empty());
    flights::Fix nv = c.fix;
    nv.ground_speed_mps.reset();
    CHECK(pred.check(nv) == Skip::NoVelocity);
    flights::Fix old = c.fix;
    old.fix_time = c.now - std::chrono::seconds(600);
    CHECK(pred.check(old) == Skip::TooOld);
    // Far away and low: below the horizon all window long.
    flights::Fix far = c.fix;
    far.lat_deg += 8;
    far.altitude_m = 3000;
    CHECK(pred.predict(far).empty());
}

TEST_CASE(
    "refraction sign: the aircraft ends up lower relative to the body than airless geometry says",
    "[transit]") {
    const UtcTime t0 = rising_through(astro::Body::Sun, 8, kDay) + from_seconds(0.5);
    const geo::LocalFrame f(kObs.geodetic());
    const astro::BodyPosition bp = body_at(astro::Body::Sun, t0);
    // On the airless line of sight to the body at 10 km height.
    const geo::Vec3 p = test::point_on_ray(f, bp.az_deg, bp.alt_airless_deg, 10000);
    flights::Fix fix = test::fix_reaching(
        p, t0, 30, {220, bp.az_deg + 90, 0, std::nullopt, flights::AltitudeKind::Geometric});
    Options opt = options_for(astro::Body::Sun);
    opt.min_altitude = {3, 3, 3, 3};
    const UtcTime now = t0 - std::chrono::seconds(29);
    const auto cands = Predictor(kObs, now, opt).predict(fix);
    REQUIRE(cands.size() == 1);
    // Airless it would be central; refracted, the body rises more than the aircraft.
    CHECK(cands[0].separation_deg > 0.02);
    CHECK(cands[0].separation_deg < 0.12);
    CHECK(std::abs(cands[0].miss_angle_deg - 180) < 20);  // below the centre

    // The airless observer sees it central.
    Observer airless = kObs;
    airless.atmosphere.pressure_hpa = 0;
    const auto air = Predictor(airless, now, opt).predict(fix);
    REQUIRE(air.size() == 1);
    CHECK(air[0].separation_radii < 0.01);
}

TEST_CASE("§6.6 synthetic HIGH: 6 km out along the Sun azimuth, 0.5 km sideways", "[transit]") {
    const Observer sf = test::make_observer(37.77, -122.42, 50);
    const UtcTime ref = *parse_iso8601("2024-06-21T18:00:00Z");
    const astro::BodyPosition bp = body_at(astro::Body::Sun, ref, sf);
    const geo::GeodesicPoint g = geo::geodesic_direct(37.77, -122.42, bp.az_deg, 6000);
    const geo::GeodesicPoint side =
        geo::geodesic_direct(g.lat_deg, g.lon_deg, bp.az_deg + 90, -500);
    flights::Fix fix;
    fix.icao24 = "a1b2c3";
    fix.fix_time = ref;
    fix.lat_deg = side.lat_deg;
    fix.lon_deg = side.lon_deg;
    fix.altitude_m = 10000;
    fix.ground_speed_mps = 300 / 3.6;
    fix.track_deg = geo::wrap_360(bp.az_deg + 90);
    Options opt;
    opt.targets = TargetSelection::Sun;
    const auto cands = Predictor(sf, ref, opt).predict(fix);
    REQUIRE_FALSE(cands.empty());
    CHECK(cands[0].level != Level::None);
    CHECK(to_seconds(cands[0].closest_approach - ref) < 60);
}
