// The fix store: merge by ICAO24, newest position wins, repeats never fed twice, freshness,
// and the history estimator.
#include <catch2/catch.hpp>
#include <cmath>

#include "../flights/samples.h"
#include "flights/flight_cache.h"
#include "flights/parsers.h"
#include "geo/angles.h"
#include "geo/geodesic.h"
#include "geo/local_frame.h"
#include "geo/propagation.h"

using namespace zc;
using namespace zc::flights;

namespace {

const UtcTime kT0 = *parse_iso8601("2026-06-21T10:00:00Z");

UtcTime at(double s) {
    return kT0 + from_seconds(s);
}

Fix fix(const std::string& hex, double t, double lat = 51.5, double lon = -0.5) {
    Fix f;
    f.icao24 = hex;
    f.fix_time = at(t);
    f.lat_deg = lat;
    f.lon_deg = lon;
    f.altitude_m = 10000;
    f.ground_speed_mps = 230;
    f.track_deg = 90;
    f.source_type = SourceType::AdsbIcao;
    return f;
}

/// Positions of a real trajectory (the propagator's), without the motion fields.
Fix along(const geo::Propagator& p, double t) {
    const auto s = p.at(t);
    const auto g = geo::ecef_to_geodetic(s.position);
    Fix f;
    f.icao24 = "4ca7b3";
    f.fix_time = at(t);
    f.lat_deg = g.lat_deg;
    f.lon_deg = g.lon_deg;
    f.altitude_m = g.height_m;
    f.source_type = SourceType::AdsbIcao;
    return f;
}

double track_at(const geo::Propagator& p, double t) {
    const auto s = p.at(t);
    const auto g = geo::ecef_to_geodetic(s.position);
    const geo::LocalFrame here(g);
    const auto v = here.rotate_to_enu(s.velocity);
    return geo::wrap_360(geo::rad2deg(std::atan2(v.x, v.y)));
}

}  // namespace

TEST_CASE("one aircraft seen by three sources is one entry with the newest fix", "[pipeline]") {
    FlightCache cache;
    const UtcTime now = at(10);
    Fix lol = fix("4ca7b3", 5.0, 51.50);
    lol.callsign = "RYR12AB";
    Fix fi = fix("4ca7b3", 6.2, 51.51);   // fresher, no callsign
    Fix sky = fix("4ca7b3", 3.0, 51.49);  // OpenSky lags
    sky.feed = Feed::OpenSky;
    CHECK(cache.add(lol, "adsb_lol", now) == Ingest::New);
    CHECK(cache.add(fi, "adsb_fi", now) == Ingest::New);
    CHECK(cache.add(sky, "opensky", now) == Ingest::Older);

    const auto cur = cache.current(now);
    REQUIRE(cur.size() == 1);
    const TrackedAircraft& ac = *cur[0];
    CHECK(ac.fix.fix_time == at(6.2));
    CHECK(ac.fix.lat_deg == Approx(51.51));
    CHECK(ac.source == "adsb_fi");
    CHECK(ac.fix.callsign == "RYR12AB");  // identity kept from the earlier fix
    REQUIRE(ac.sources.size() == 3);
    CHECK(ac.sources.at("adsb_lol") == at(5.0));
    CHECK(ac.sources.at("adsb_fi") == at(6.2));
    CHECK(ac.sources.at("opensky") == at(3.0));
    CHECK(ac.updates == 2);
}

TEST_CASE("merge is by ICAO24, never by callsign", "[pipeline]") {
    FlightCache cache;
    Fix a = fix("4ca7b3", 1);
    a.callsign = "SAME1";
    Fix b = fix("400b83", 1);
    b.callsign = "SAME1";
    Fix tisb = fix("~4ca7b3", 2);  // a non-ICAO address is not the ICAO one
    CHECK(cache.add(a, "local", at(2)) == Ingest::New);
    CHECK(cache.add(b, "local", at(2)) == Ingest::New);
    CHECK(cache.add(tisb, "local", at(2)) == Ingest::New);
    CHECK(cache.current(at(2)).size() == 3);

    Fix no_key = fix("", 1);
    CHECK(cache.add(no_key, "local", at(2)) == Ingest::NoKey);
    Fix fa = fix("", 1);
    fa.flight_id = "BAW1-1700000000-airline-0123";  // FlightAware without a hex
    CHECK(cache.add(fa, "aeroapi", at(2)) == Ingest::New);
    CHECK(cache.find(fa.flight_id, at(2)) != nullptr);
}

TEST_CASE("a fix seen before is never fed twice", "[pipeline]") {
    FlightCache cache;
    const Fix f = fix("4ca7b3", 4);
    CHECK(cache.add(f, "adsb_lol", at(5)) == Ingest::New);
    // The same cached position on the next poll, and relayed by another aggregator.
    CHECK(cache.add(f, "adsb_lol", at(9)) == Ingest::Duplicate);
    CHECK(cache.add(f, "adsb_one", at(9)) == Ingest::Duplicate);
    Fix rounded = f;  // another aggregator's clock rounds the same report 20 ms later
    rounded.fix_time += std::chrono::milliseconds(20);
    CHECK(cache.add(rounded, "adsb_fi", at(9)) == Ingest::Duplicate);
    CHECK(cache.find("4ca7b3", at(9))->updates == 1);
    CHECK(cache.find("4ca7b3", at(9))->sources.size() == 3);
    // Half a second later is a new position.
    Fix next = f;
    next.fix_time += std::chrono::milliseconds(500);
    CHECK(cache.add(next, "adsb_lol", at(9)) == Ingest::New);
}

TEST_CASE("out-of-order fixes never replace a newer one", "[pipeline]") {
    FlightCache cache;
    const UtcTime now = at(20);
    CHECK(cache.add(fix("4ca7b3", 12, 51.52), "a", now) == Ingest::New);
    CHECK(cache.add(fix("4ca7b3", 10, 51.50), "b", now) == Ingest::Older);
    CHECK(cache.add(fix("4ca7b3", 11, 51.51), "a", now) == Ingest::Older);
    CHECK(cache.find("4ca7b3", now)->fix.lat_deg == Approx(51.52));
    CHECK(cache.add(fix("4ca7b3", 14, 51.54), "b", now) == Ingest::New);
    CHECK(cache.find("4ca7b3", now)->fix.fix_time == at(14));
    CHECK(cache.find("4ca7b3", now)->source == "b");
}

TEST_CASE("aircraft on the ground and stale or future fixes are dropped", "[pipeline]") {
    FlightCache cache(CacheOptions{.max_fix_age_s = 30});
    const UtcTime now = at(100);
    CHECK(cache.add(fix("4ca7b3", 95), "a", now) == Ingest::New);
    Fix landed = fix("4ca7b3", 99);
    landed.on_ground = true;
    CHECK(cache.add(landed, "a", now) == Ingest::OnGround);
    CHECK(cache.find_any("4ca7b3") == nullptr);  // forgotten, history and all

    CHECK(cache.add(fix("400b83", 69.9), "a", now) == Ingest::TooOld);  // 30.1 s old
    CHECK(cache.add(fix("400b83", 70.5), "a", now) == Ingest::New);     // 29.5 s old
    CHECK(cache.add(fix("3c71a1", 106), "a", now) == Ingest::Future);   // clock skew
    CHECK(cache.add(fix("3c71a1", 104), "a", now) == Ingest::New);      // within 5 s
}

TEST_CASE("fixes age out by fix time and their history outlives them", "[pipeline]") {
    FlightCache cache(CacheOptions{.max_fix_age_s = 30});
    REQUIRE(cache.add(fix("4ca7b3", 0), "a", at(1)) == Ingest::New);
    REQUIRE(cache.add(fix("400b83", 20), "a", at(21)) == Ingest::New);
    CHECK(cache.expire(at(29)).empty());
    CHECK(cache.current(at(29)).size() == 2);
    CHECK(cache.expire(at(31)) == std::vector<std::string>{"4ca7b3"});
    CHECK(cache.expire(at(32)).empty());  // reported once
    CHECK(cache.find("4ca7b3", at(31)) == nullptr);
    CHECK(cache.find_any("4ca7b3") != nullptr);  // kept for its history
    REQUIRE(cache.current(at(31)).size() == 1);
    CHECK(cache.current(at(31))[0]->fix.icao24 == "400b83");
    // Beyond the history span it is gone for good.
    cache.expire(at(130));
    CHECK(cache.find_any("4ca7b3") == nullptr);
}

TEST_CASE("stale-while-error: a failing source's last fixes stay until they age out",
          "[pipeline]") {
    FlightCache cache(CacheOptions{.max_fix_age_s = 30});
    // Source "opensky" answered at t=10 with two aircraft, then fails; "adsb_lol" keeps going.
    cache.add(fix("aaaaaa", 8), "opensky", at(10));
    cache.add(fix("bbbbbb", 9), "opensky", at(10));
    for (int t = 10; t <= 60; t += 10) {
        cache.add(fix("cccccc", t - 1), "adsb_lol", at(t));
        cache.expire(at(t));
        const auto cur = cache.current(at(t));
        const bool opensky_served = cache.find("aaaaaa", at(t)) != nullptr;
        INFO("t = " << t);
        // Served with their true age while fresh, gone once older than max_fix_age.
        CHECK(opensky_served == (t - 8 <= 30));
        CHECK(cur.size() == (t - 9 <= 30 ? 3u : 1u));
        if (opensky_served)
            CHECK(to_seconds(at(t) - cache.find("aaaaaa", at(t))->fix.fix_time) == Approx(t - 8));
    }
}

TEST_CASE("an MLAT position just after an ADS-B one does not replace it", "[pipeline]") {
    FlightCache cache;
    Fix adsb = fix("4ca7b3", 10);
    Fix mlat = fix("4ca7b3", 10.4);
    mlat.source_type = SourceType::Mlat;
    CHECK(cache.add(adsb, "local", at(11)) == Ingest::New);
    CHECK(cache.add(mlat, "adsb_lol", at(11)) == Ingest::Older);
    Fix later = mlat;
    later.fix_time = at(12);  // well after: the only current position
    CHECK(cache.add(later, "adsb_lol", at(12.5)) == Ingest::New);
}

TEST_CASE("straight flight: speed and track estimated from the history", "[pipeline]") {
    geo::Motion m;
    m.start = {51.2, -1.0, 10500};
    m.ground_speed_mps = 231;
    m.track_deg = 74;
    const geo::Propagator p(m);
    FlightCache cache;
    for (double t = 0; t <= 40; t += 5) {
        CHECK(cache.add(along(p, t), "aeroapi", at(t + 1)) == Ingest::New);
    }
    const TrackedAircraft* ac = cache.find("4ca7b3", at(41));
    REQUIRE(ac);
    CHECK(ac->estimated.ground_speed);
    CHECK(ac->estimated.track);
    REQUIRE(ac->fix.ground_speed_mps);
    CHECK(*ac->fix.ground_speed_mps == Approx(231).margin(0.3));
    CHECK(geo::wrap_180(*ac->fix.track_deg - track_at(p, 40)) == Approx(0).margin(0.05));
    // Straight: any estimated turn rate is below the propagator's noise floor.
    if (ac->fix.track_rate_dps)
        CHECK(std::abs(*ac->fix.track_rate_dps) < 0.02);
    CHECK_FALSE(ac->estimated.vertical_rate);  // level
    CHECK(ac->history.size() == 8);
}

TEST_CASE("a single fix gives no estimate", "[pipeline]") {
    FlightCache cache;
    Fix f = fix("4ca7b3", 0);
    f.ground_speed_mps.reset();
    f.track_deg.reset();
    cache.add(f, "aeroapi", at(1));
    const auto* ac = cache.find("4ca7b3", at(1));
    REQUIRE(ac);
    CHECK_FALSE(ac->estimated.any());
    CHECK_FALSE(ac->fix.ground_speed_mps);
}

TEST_CASE("turning flight: turn rate and current track estimated", "[pipeline]") {
    geo::Motion m;
    m.start = {51.4, -0.6, 3000};
    m.ground_speed_mps = 120;
    m.track_deg = 10;
    m.track_rate_dps = 1.5;  // rate-one-half turn to the right
    const geo::Propagator p(m);
    SECTION("positions only") {
        FlightCache cache;
        for (double t = 0; t <= 20; t += 2.5)
            cache.add(along(p, t), "sbs", at(t + 0.5));
        const auto* ac = cache.find("4ca7b3", at(20.5));
        REQUIRE(ac);
        CHECK(ac->estimated.track_rate);
        REQUIRE(ac->fix.track_rate_dps);
        CHECK(*ac->fix.track_rate_dps == Approx(1.5).margin(0.05));
        CHECK(geo::wrap_180(*ac->fix.track_deg - track_at(p, 20)) == Approx(0).margin(0.5));
        CHECK(*ac->fix.ground_speed_mps == Approx(120).margin(1.0));
    }
    SECTION("the source's own tracks give the rate") {
        FlightCache cache;
        for (double t = 0; t <= 6; t += 1) {
            Fix f = along(p, t);
            f.track_deg = track_at(p, t);
            f.ground_speed_mps = 120;
            cache.add(f, "local", at(t + 0.2));
        }
        const auto* ac = cache.find("4ca7b3", at(6.2));
        REQUIRE(ac);
        CHECK(ac->estimated.track_rate);
        CHECK_FALSE(ac->estimated.track);  // the source gave it
        CHECK(*ac->fix.track_rate_dps == Approx(1.5).margin(0.02));
    }
}

TEST_CASE("vertical rate is estimated from a clear climb only", "[pipeline]") {
    geo::Motion m;
    m.start = {51.4, -0.6, 2000};
    m.ground_speed_mps = 150;
    m.track_deg = 250;
    m.vertical_rate_mps = 9;
    const geo::Propagator climb(m);
    FlightCache cache;
    for (double t = 0; t <= 30; t += 5) {
        Fix f = along(climb, t);
        f.altitude_m = std::round(f.altitude_m / 7.62) * 7.62;  // 25 ft steps
        f.altitude_kind = AltitudeKind::Barometric;
        f.icao24 = "c11mb0";
        cache.add(f, "opensky", at(t + 1));
    }
    const auto* ac = cache.find("c11mb0", at(31));
    REQUIRE(ac);
    CHECK(ac->estimated.vertical_rate);
    CHECK(ac->fix.vertical_rate_mps == Approx(9).margin(0.3));

    // Level flight with 25 ft quantisation noise: no invented climb.
    m.vertical_rate_mps = 0;
    m.start.height_m = 11000;
    const geo::Propagator level(m);
    for (double t = 0; t <= 30; t += 5) {
        Fix f = along(level, t);
        f.altitude_m += (static_cast<int>(t) % 10 == 0 ? 7.62 : 0.0);
        f.icao24 = "1e7e10";
        cache.add(f, "opensky", at(t + 1));
    }
    const auto* lv = cache.find("1e7e10", at(31));
    REQUIRE(lv);
    CHECK_FALSE(lv->estimated.vertical_rate);
    CHECK(lv->fix.vertical_rate_mps == 0.0);
}

TEST_CASE("values the source gave are never replaced by estimates", "[pipeline]") {
    FlightCache cache;
    for (double t = 0; t <= 20; t += 5) {
        Fix f = fix("4ca7b3", t, 51.5, -0.5 + t * 0.001);
        f.ground_speed_mps = 200;  // whatever the positions say
        f.track_deg = 91;
        f.vertical_rate_mps = -3;
        f.track_rate_dps = 0.0;
        cache.add(f, "local", at(t + 1));
    }
    const auto* ac = cache.find("4ca7b3", at(21));
    REQUIRE(ac);
    CHECK_FALSE(ac->estimated.any());
    CHECK(*ac->fix.ground_speed_mps == 200);
    CHECK(*ac->fix.track_deg == 91);
    CHECK(ac->fix.vertical_rate_mps == -3);
}

TEST_CASE("a 2 Hz feed is thinned to second-spaced history points", "[pipeline]") {
    geo::Motion m;
    m.start = {51.2, -1.0, 10500};
    m.ground_speed_mps = 240;
    m.track_deg = 300;
    const geo::Propagator p(m);
    FlightCache cache;
    for (int i = 0; i <= 20; ++i)
        cache.add(along(p, 0.5 * i), "sbs", at(0.5 * i + 0.1));
    const auto* ac = cache.find("4ca7b3", at(10.1));
    REQUIRE(ac);
    CHECK(ac->updates == 21);  // every fix was new and fed
    REQUIRE(ac->history.size() == 8);
    for (std::size_t i = 1; i + 1 < ac->history.size(); ++i)
        CHECK(to_seconds(ac->history[i].time - ac->history[i - 1].time) >= 1.0);
    CHECK(ac->history.back().time == at(10));
    CHECK(*ac->fix.ground_speed_mps == Approx(240).margin(1.0));
}

TEST_CASE("the real local sample merges into one entry per aircraft", "[pipeline]") {
    const ParseResult r = parse_flights(read_sample("readsb-aircraft-json-local.json"));
    REQUIRE(r.ok());
    FlightCache cache(CacheOptions{.max_fix_age_s = 60});
    const UtcTime now = *r.document_time;
    std::size_t fresh = 0, airborne = 0;
    for (const Fix& f : r.fixes) {
        if (to_seconds(now - f.fix_time) <= 60)
            ++fresh;
        if (!f.on_ground && to_seconds(now - f.fix_time) <= 60)
            ++airborne;
        cache.add(f, "local", now);
    }
    CHECK(cache.current(now).size() == airborne);
    CHECK(airborne <= fresh);
    // The same document again (the next poll of an unchanged file) adds nothing.
    for (const Fix& f : r.fixes) {
        const auto res = cache.add(f, "local", now);
        CHECK(res != Ingest::New);
    }
}
