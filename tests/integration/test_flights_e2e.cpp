// The flight pipeline end to end with the real binaries: zipcatcherd polls a local receiver
// (a readsb-style aircraft.json served over HTTP by a mock) whose one aircraft flies through
// the centre of the Sun at a known instant; `zipcatcher transits --json` must list it HIGH with
// the closest approach within 0.1 s of that instant, and `watch` must show it appear.
#include <catch2/catch.hpp>
#include <cmath>
#include <mutex>
#include <thread>

#include "../unit/transit/synthetic.h"
#include "astro/body.h"
#include "config/config.h"
#include "daemon_harness.h"
#include "flight_service.h"
#include "flights/units.h"
#include "geo/propagation.h"
#include "mock_http_server.h"

using namespace zc;
using namespace zc::test;
using nlohmann::json;
using Steady = std::chrono::steady_clock;

namespace {

constexpr const char* kStart = "2026-06-21T10:00:00Z";  // the demo clock: Sun ~53 deg up

/// The daemon's observer and options, from the same file and flags it reads.
daemon::PipelineSettings daemon_settings(const DaemonHarness& h,
                                         std::vector<std::pair<std::string, std::string>> cl) {
    config::LoadOptions o;
    o.config_file = h.config_path();
    o.read_default_files = false;
    o.environment = {{"HOME", h.dir().string()}};
    o.command_line = std::move(cl);
    auto r = config::load(o);
    INFO(r.report());
    REQUIRE(r.config);
    return daemon::pipeline_settings(*r.config);
}

/// An aircraft course: at t0 it is 10 km up on the line of sight to the Sun's apparent
/// centre, flying across it; earlier positions come from the propagator run backwards.
struct Course {
    UtcTime t0;
    geo::Motion at_t0;
    double geoid_m = 0;

    json entry(UtcTime fix_time) const {
        const geo::Propagator p(at_t0);
        const auto s = p.at(to_seconds(fix_time - t0));
        const auto g = geo::ecef_to_geodetic(s.position);
        const geo::LocalFrame here(g);
        const auto v = here.rotate_to_enu(s.velocity);
        const double track = geo::wrap_360(geo::rad2deg(std::atan2(v.x, v.y)));
        return {{"hex", "4ca7b3"},
                {"flight", "ZIP001  "},
                {"alt_geom", g.height_m / flights::units::kFootM},
                {"alt_baro", (g.height_m - geoid_m) / flights::units::kFootM},
                {"gs", at_t0.ground_speed_mps / flights::units::kKnotMps},
                {"track", track},
                {"geom_rate", 0},
                {"lat", g.lat_deg},
                {"lon", g.lon_deg},
                {"type", "adsb_icao"},
                {"nac_p", 9},
                {"nac_v", 2},
                {"seen", 0.1}};
    }
};

Course sun_course(const transit::Observer& obs, UtcTime t0) {
    const auto sun = astro::body_position(astro::Body::Sun, t0, obs.site, obs.atmosphere, obs.eop);
    const geo::LocalFrame frame(obs.geodetic());
    const auto p = place_apparent(obs, frame, sun.az_deg, sun.alt_deg, 10000);
    Course c;
    c.t0 = t0;
    c.at_t0.start = geo::ecef_to_geodetic(p);
    c.at_t0.ground_speed_mps = 230;
    c.at_t0.track_deg = geo::wrap_360(sun.az_deg + 90);
    c.geoid_m = obs.site.height_m - 46;
    return c;
}

json wait_json(const DaemonHarness& h, std::vector<std::string> args,
               const std::function<bool(const json&)>& done, int seconds) {
    json j;
    for (int i = 0; i < seconds * 10; ++i) {
        j = h.cli_json(args);
        if (done(j))
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return j;
}

}  // namespace

TEST_CASE("an aircraft through the Sun's centre is listed HIGH at the constructed time") {
    DaemonHarness h;
    const std::vector<std::pair<std::string, std::string>> flags = {
        {"clock.start", kStart},
        {"transit.target", "sun"},
        {"sources.poll_idle_interval", "2"},
        {"sources.poll_min_interval", "1"}};
    const auto settings = daemon_settings(h, flags);
    const UtcTime start = *parse_iso8601(kStart);
    const Course course = sun_course(settings.observer, start + std::chrono::seconds(120));

    // The receiver: every request gets the aircraft as it is "now" on the daemon's clock
    // (the demo clock runs at real speed from kStart), position 0.3 s old.
    MockHttpServer receiver;
    std::mutex mu;
    Steady::time_point launched;
    receiver.route("/data/aircraft.json", [&](const MockRequest&) {
        Steady::time_point t;
        {
            std::lock_guard<std::mutex> lock(mu);
            t = launched;
        }
        const UtcTime now = start + std::chrono::duration_cast<Duration>(Steady::now() - t);
        json ac = course.entry(now - std::chrono::milliseconds(300));
        ac["seen_pos"] = 0.3;
        const json doc = {{"now", to_unix_seconds(now)}, {"messages", 1000}, {"aircraft", {ac}}};
        return MockReply::json(doc.dump());
    });

    std::vector<std::string> extra;
    for (const auto& [k, v] : flags) {
        extra.push_back("--" + k);
        extra.push_back(v);
    }
    extra.push_back("--sources.local.url");
    extra.push_back(receiver.url("/data/aircraft.json"));
    {
        std::lock_guard<std::mutex> lock(mu);
        launched = Steady::now();
    }
    h.start(extra);
    Child watcher(ZC_CLI_BIN, {"--socket", h.socket(), "--json", "watch"}, h.env(), h.dir());
    Child human(ZC_CLI_BIN, {"--socket", h.socket(), "watch", "--events", "prediction"}, h.env(),
                h.dir());

    const json tr = wait_json(
        h, {"transits", "--level", "high"},
        [](const json& j) { return j["arguments"]["count"] == 1; }, 20);
    INFO(h.daemon().err());
    REQUIRE(tr["arguments"]["count"] == 1);
    const json& c = tr["arguments"]["candidates"][0];
    CHECK(c["level"] == "HIGH");
    CHECK(c["target"] == "sun");
    CHECK(c["icao24"] == "4ca7b3");
    CHECK(c["callsign"] == "ZIP001");
    CHECK(c["altitude_kind"] == "geometric");
    const auto ca = parse_iso8601(c["closest_approach"].get<std::string>());
    REQUIRE(ca);
    INFO("closest approach " << c["closest_approach"] << " vs " << format_iso8601(course.t0));
    CHECK(std::abs(to_seconds(*ca - course.t0)) < 0.1);
    CHECK(c["separation_radii"].get<double>() < 0.25);
    CHECK(c["fix_age_s"].get<double>() < 5);

    // The other views of the same pipeline.
    const json fl = h.cli_json({"flights"});
    REQUIRE(fl["arguments"]["count"] == 1);
    CHECK(fl["arguments"]["aircraft"][0]["sources"] == json({"local"}));
    CHECK(fl["arguments"]["aircraft"][0]["altitude_m"].get<double>() == Approx(10000).margin(1));
    const json src = h.cli_json({"sources"});
    REQUIRE(src["arguments"]["sources"].size() == 1);  // every network source is off
    CHECK(src["arguments"]["sources"][0]["name"] == "local");
    CHECK(src["arguments"]["sources"][0]["healthy"] == true);
    const auto table = h.cli({"transits"});
    CHECK(table.exit_code == 0);
    CHECK_THAT(table.out, Catch::Contains("HIGH"));
    CHECK_THAT(table.out, Catch::Contains("ZIP001 (4ca7b3)"));
    const auto polled = h.cli_json({"poll"});
    CHECK(polled["arguments"]["polled"].size() + polled["arguments"]["refused"].size() == 1);

    // watch: the candidate appeared (raw JSON with the full candidate, and a terse line).
    std::string out, line;
    for (int i = 0; i < 100; ++i) {
        out = watcher.out();
        line = human.out();
        if (out.find("\"event\":\"prediction\"") != std::string::npos &&
            line.find("prediction") != std::string::npos)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK_THAT(out, Catch::Contains("\"change\":\"new\""));
    CHECK_THAT(out, Catch::Contains("\"sigma_deg\""));
    CHECK_THAT(out, Catch::Contains("\"event\":\"source\""));
    CHECK_THAT(line, Catch::Contains("change=new"));
    CHECK_THAT(line, Catch::Contains("level=HIGH"));
    CHECK(line.find("sigma_deg") == std::string::npos);  // the summary, not the whole record
    watcher.signal(SIGTERM);
    human.signal(SIGTERM);
}

TEST_CASE("test daemons run without any network source") {
    DaemonHarness h;
    h.start();
    const json src = h.cli_json({"sources"});
    CHECK(src["arguments"]["sources"].empty());
    CHECK(src["arguments"]["idle"] == "no flight source enabled");
    const auto status = h.cli_json({"status"});
    bool found = false;
    for (const auto& comp : status["arguments"]["components"])
        if (comp["name"] == "flights") {
            found = true;
            CHECK(comp["state"] == "idle");
        }
    CHECK(found);
}
