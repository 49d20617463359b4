// The flight service with scripted sources on a real io_context and a ManualClock: polling as
// the planner says, merging, re-prediction per new fix, the published set, events, health and
// the control commands.
#include <catch2/catch.hpp>

#include "service_rig.h"

using namespace zc;
using namespace zc::test;

namespace {

std::vector<json> changes(const ServiceRig& r, const std::string& change) {
    std::vector<json> out;
    for (const auto& e : r.log->named("prediction"))
        if (e["change"] == change)
            out.push_back(e);
    return out;
}

}  // namespace

TEST_CASE("a fix on a course through the Sun becomes a HIGH candidate", "[pipeline]") {
    ServiceRig r;
    const UtcTime t0 = rig_start() + std::chrono::seconds(200);
    r.start();
    REQUIRE(r.source().polls == 1);  // first poll at once
    r.source().answer(FakeSource::ok({transit_fix(*r.cfg, r.clock.now(), t0, "4ca7b3")}));
    r.run();

    REQUIRE_FALSE(r.sets.empty());
    const auto& set = r.sets.back();
    REQUIRE(set.candidates.size() == 1);
    const auto& c = set.candidates[0];
    CHECK(c.level == transit::Level::High);
    CHECK(c.key == "4ca7b3");
    CHECK(std::abs(to_seconds(c.closest_approach - t0)) < 0.1);
    CHECK(c.separation_radii < 0.2);

    const auto news = changes(r, "new");
    REQUIRE(news.size() == 1);
    CHECK(news[0]["level"] == "HIGH");
    CHECK(news[0]["target"] == "sun");
    CHECK(news[0]["candidate"]["key"] == "4ca7b3");  // the candidate_json schema
    CHECK(news[0]["candidate"].contains("sigma_deg"));

    auto tr = r.call("transits", {{"level", "high"}});
    CHECK(tr.result == protocol::Result::kSuccess);
    REQUIRE(tr.arguments["candidates"].size() == 1);
    CHECK(tr.arguments["candidates"][0]["level"] == "HIGH");
    CHECK(tr.arguments["candidates"][0]["lead_time_s"].get<double>() == Approx(200).margin(0.1));

    // The query area went to the source: a corridor around the high Sun, centred near us.
    REQUIRE(r.source().areas.size() == 1);
    const auto& a = r.source().areas[0];
    CHECK_FALSE(a.boxes.empty());
    CHECK(a.radius_nm > 100);
    CHECK(a.center_lat == Approx(51.48).margin(0.3));
}

TEST_CASE("only new fixes re-run the predictor and republish", "[pipeline]") {
    ServiceRig r;
    const UtcTime t0 = rig_start() + std::chrono::seconds(300);
    r.start();
    const auto f = transit_fix(*r.cfg, r.clock.now(), t0, "4ca7b3");
    r.source().answer(FakeSource::ok({f}));
    r.run();
    const auto published = r.sets.size();
    REQUIRE(published == 1);

    // The same position again on the next poll (a cached reply): nothing new.
    r.source().script.push_back(FakeSource::ok({f}));
    auto p = r.call("poll");
    CHECK(p.arguments["polled"].size() == 1);
    r.run();
    CHECK(r.sets.size() == published);
    auto src = r.call("sources").arguments["sources"][0];
    CHECK(src["fixes"] == 2);
    CHECK(src["new_fixes"] == 1);
    CHECK(changes(r, "new").size() == 1);
    CHECK(changes(r, "level").empty());
}

TEST_CASE("one aircraft from three sources is listed once with every source", "[pipeline]") {
    ServiceRig r({{"adsb_lol", false}, {"adsb_fi", false}, {"opensky", false}});
    const UtcTime t0 = rig_start() + std::chrono::seconds(400);
    r.start();
    REQUIRE(r.source(0).polls == 1);
    REQUIRE(r.source(1).polls == 1);
    REQUIRE(r.source(2).polls == 1);
    const auto now = r.clock.now();
    r.source(0).answer(FakeSource::ok({transit_fix(*r.cfg, now, t0, "4ca7b3", 2.0)}));
    r.source(1).answer(FakeSource::ok({transit_fix(*r.cfg, now, t0, "4ca7b3", 0.5)}));
    r.source(2).answer(FakeSource::ok({transit_fix(*r.cfg, now, t0, "4ca7b3", 6.0)}));
    r.run();
    const auto fl = r.call("flights");
    REQUIRE(fl.arguments["count"] == 1);
    const auto& ac = fl.arguments["aircraft"][0];
    CHECK(ac["icao24"] == "4ca7b3");
    CHECK(ac["source"] == "adsb_fi");  // the freshest position
    CHECK(ac["fix_age_s"].get<double>() == Approx(0.5).margin(0.05));
    CHECK(ac["sources"] == json({"adsb_fi", "adsb_lol", "opensky"}));
    CHECK(r.call("transits").arguments["count"] == 1);
}

TEST_CASE("the poll interval shrinks as a transit approaches", "[pipeline]") {
    ServiceRig r;
    r.start();
    r.source().answer(FakeSource::ok({}));
    r.run();
    // Idle: 120 s between polls.
    r.advance(60);
    CHECK(r.source().polls == 1);
    r.advance(61);
    CHECK(r.source().polls == 2);

    // A HIGH candidate 300 s ahead; every poll brings a fresh fix of it.
    const UtcTime t0 = r.clock.now() + std::chrono::seconds(300);
    r.source().answer(FakeSource::ok({transit_fix(*r.cfg, r.clock.now(), t0, "4ca7b3")}));
    r.run();
    REQUIRE(r.call("transits", {{"level", "high"}}).arguments["count"] == 1);
    const auto first = r.source().poll_times.size();
    while (r.clock.now() < t0) {
        r.advance(0.25);
        if (r.source().in_flight())
            r.source().answer(FakeSource::ok({transit_fix(*r.cfg, r.clock.now(), t0, "4ca7b3")}));
    }
    const auto& times = r.source().poll_times;
    REQUIRE(times.size() > first + 10);
    for (std::size_t i = first; i + 1 < times.size(); ++i) {
        const double lead = to_seconds(t0 - times[i]);
        const double gap = to_seconds(times[i + 1] - times[i]);
        INFO("lead " << lead << " gap " << gap);
        CHECK(gap >= 5);
        CHECK(gap <= std::max(5.0, lead / 12) + 0.5);  // the tick is 0.25 s here
        if (lead < 120)
            CHECK(gap <= 10.5);  // a transit under two minutes away: 5-10 s
        if (lead < 60)
            CHECK(gap <= 5.5);
    }
    CHECK(to_seconds(times[first + 1] - times[first]) > 20);  // 300 s out: ~25 s
}

TEST_CASE("a source is never polled before its own next_allowed", "[pipeline]") {
    ServiceRig r;
    r.start();
    r.source().answer(FakeSource::ok({}));
    r.run();
    r.source().allowed_from = r.clock.now() + std::chrono::seconds(300);  // backoff
    r.advance(130);
    CHECK(r.source().polls == 1);
    r.advance(171);
    CHECK(r.source().polls == 2);
    r.source().answer(FakeSource::ok({}));
    r.run();
    r.source().budget_spent = true;
    r.advance(3600);
    CHECK(r.source().polls == 2);
}

TEST_CASE("stale-while-error: the last good fixes stay with their age, then go", "[pipeline]") {
    ServiceRig r({{"opensky", false}, {"adsb_lol", false}},
                 {{"sources.poll_idle_interval", "10"}, {"sources.poll_min_interval", "10"}});
    const UtcTime t0 = rig_start() + std::chrono::seconds(600);
    r.start();
    r.source(0).answer(FakeSource::ok({transit_fix(*r.cfg, r.clock.now(), t0, "4ca7b3")}));
    r.source(1).answer(FakeSource::ok({}));
    r.run();
    REQUIRE(r.call("transits").arguments["count"] == 1);
    REQUIRE_FALSE(r.health.empty());
    CHECK(r.health.back().healthy == 2);
    CHECK(r.health.back().enabled == 2);

    // OpenSky fails from now on; adsb.lol keeps answering without that aircraft.
    for (int i = 0; i < 10; ++i) {
        r.source(0).script.push_back(FakeSource::fail("opensky: timeout after 10 s"));
        r.source(1).script.push_back(FakeSource::ok({}));
    }
    r.advance(10.5);
    r.run();
    CHECK(r.source(0).failures == 1);
    CHECK(r.health.back().healthy == 1);
    // The source event says so, once.
    auto src_events = r.log->named("source");
    REQUIRE_FALSE(src_events.empty());
    CHECK(src_events.back()["source"] == "opensky");
    CHECK(src_events.back()["state"] == "degraded");
    CHECK(src_events.back()["healthy"] == false);
    CHECK(src_events.back()["error"] == "opensky: timeout after 10 s");

    // Served with its true age while fresh...
    for (double t : {10.5, 20.5}) {
        INFO("t = " << t);
        const auto fl = r.call("flights");
        REQUIRE(fl.arguments["count"] == 1);
        CHECK(fl.arguments["aircraft"][0]["fix_age_s"].get<double>() == Approx(t + 1).margin(0.2));
        CHECK(r.call("transits").arguments["count"] == 1);
        r.advance(10);
    }
    const auto degraded_events = r.log->named("source").size();
    // ... and gone once older than sources.max_fix_age (30 s).
    r.advance(10);
    CHECK(r.call("flights").arguments["count"] == 0);
    CHECK(r.call("transits").arguments["count"] == 0);
    const auto gone = changes(r, "gone");
    REQUIRE(gone.size() == 1);
    CHECK(gone[0]["reason"] == "fix older than sources.max_fix_age");
    CHECK(r.sets.back().candidates.empty());
    CHECK(r.log->named("source").size() == degraded_events);  // failing on: no new event
    CHECK(r.source(0).failures >= 3);
}

TEST_CASE("push fixes are taken as they arrive", "[pipeline]") {
    ServiceRig r({{"sbs", true}});
    r.start();
    CHECK(r.source().polls == 0);
    const UtcTime t0 = rig_start() + std::chrono::seconds(90);
    r.source().push({transit_fix(*r.cfg, r.clock.now(), t0, "400b83", 0.3)});
    REQUIRE_FALSE(r.sets.empty());  // synchronously: no poll, no timer
    CHECK(r.sets.back().candidates.size() == 1);
    CHECK(r.sets.back().candidates[0].level == transit::Level::High);
    auto p = r.call("poll");
    REQUIRE(p.arguments["refused"].size() == 1);
    CHECK(p.arguments["refused"][0]["reason"] == "push feed: fixes arrive as they come");
}

TEST_CASE("a candidate that changes level is announced, one that vanishes too", "[pipeline]") {
    ServiceRig r({{"sbs", true}});
    r.start();
    const UtcTime t0 = rig_start() + std::chrono::seconds(120);
    r.source().push({transit_fix(*r.cfg, r.clock.now(), t0, "3c71a1", 0.2)});
    REQUIRE(changes(r, "new").size() == 1);
    // A second later its fix puts it 0.4 deg (1.5 radii) beside the centre: a near miss.
    r.clock.advance(std::chrono::seconds(1));
    r.source().push({transit_fix(*r.cfg, r.clock.now(), t0, "3c71a1", 0.2, 90, 0.4)});
    const auto lv = changes(r, "level");
    REQUIRE(lv.size() == 1);
    CHECK(lv[0]["previous_level"] == "HIGH");
    CHECK(lv[0]["level"] == "MEDIUM");
    // Then it is nowhere near (5 deg off, beyond the LOW threshold).
    r.clock.advance(std::chrono::seconds(1));
    r.source().push({transit_fix(*r.cfg, r.clock.now(), t0, "3c71a1", 0.2, 90, 5.0)});
    const auto gone = changes(r, "gone");
    REQUIRE(gone.size() == 1);
    CHECK(gone[0]["reason"] == "no longer predicted");
    CHECK(r.sets.back().candidates.empty());
}

TEST_CASE("a passed candidate stays until the recording's post-buffer is over", "[pipeline]") {
    ServiceRig r({{"sbs", true}});
    r.start();
    const UtcTime t0 = rig_start() + std::chrono::seconds(20);
    r.source().push({transit_fix(*r.cfg, r.clock.now(), t0, "4ca7b3", 0.2)});
    REQUIRE(r.sets.back().candidates.size() == 1);
    r.advance(25);  // 5 s after: the predictor rebuilt from now no longer sees it
    r.source().push({transit_fix(*r.cfg, r.clock.now(), t0, "4ca7b3", 0.2)});
    CHECK(r.call("transits").arguments["count"] == 1);
    CHECK(changes(r, "gone").empty());
    r.advance(30);  // 35 s after: still within post_buffer (10) + 30
    CHECK(r.call("transits").arguments["count"] == 1);
    r.advance(10);  // 45 s after
    CHECK(r.call("transits").arguments["count"] == 0);
    REQUIRE(changes(r, "gone").size() == 1);
    CHECK(changes(r, "gone")[0]["reason"] == "passed");
}

TEST_CASE("poll: which sources were polled and which refused, and why", "[pipeline]") {
    ServiceRig r({{"adsb_lol", false}, {"opensky", false}, {"aeroapi", false}, {"sbs", true}});
    r.start();
    for (int i = 0; i < 3; ++i)
        r.source(i).answer(FakeSource::ok({}));
    r.run();
    r.source(1).allowed_from = r.clock.now() + std::chrono::seconds(42);
    r.source(2).budget_spent = true;
    auto p = r.call("poll");
    CHECK(p.result == protocol::Result::kSuccess);
    CHECK(p.text == "polled 1, refused 3");
    CHECK(p.arguments["polled"] == json({"adsb_lol"}));
    const auto& refused = p.arguments["refused"];
    REQUIRE(refused.size() == 3);
    CHECK(refused[0]["source"] == "opensky");
    CHECK_THAT(refused[0]["reason"].get<std::string>(),
               Catch::Contains("rate limit or backoff: next poll allowed in 42.0 s"));
    CHECK(refused[1]["source"] == "aeroapi");
    CHECK_THAT(refused[1]["reason"].get<std::string>(), Catch::Contains("budget"));
    CHECK(refused[2]["source"] == "sbs");
    // A second poll now: the first one is still in flight.
    auto again = r.call("poll");
    CHECK_THAT(again.arguments["refused"][0]["reason"].get<std::string>(),
               Catch::Contains("in flight"));
}

TEST_CASE("sources lists each source's own state with the pipeline's counters", "[pipeline]") {
    ServiceRig r({{"adsb_lol", false}, {"sbs", true}});
    r.start();
    r.source(0).answer(FakeSource::fail("adsb_lol: HTTP 503"));
    r.run();
    const auto s = r.call("sources");
    CHECK(s.text == "2 source(s), 0 healthy");
    const auto& list = s.arguments["sources"];
    REQUIRE(list.size() == 2);
    CHECK(list[0]["name"] == "adsb_lol");
    CHECK(list[0]["state"] == "degraded");
    CHECK(list[0]["last_error"] == "adsb_lol: HTTP 503");
    CHECK(list[0]["polls"] == 1);
    CHECK(list[0]["push"] == false);
    CHECK_FALSE(list[0]["next_poll"].is_null());
    CHECK(list[1]["name"] == "sbs");
    CHECK(list[1]["push"] == true);
    CHECK(list[1]["next_poll"].is_null());
    const auto st = r.service->status();
    CHECK(st.state == "degraded");
    CHECK_THAT(st.detail, Catch::Contains("0/2 source(s) healthy"));
}

TEST_CASE("without an observer the service idles and says so", "[pipeline]") {
    config::LoadOptions o;
    o.environment = {{"HOME", "/nonexistent"}};
    o.read_default_files = false;
    auto cfg = config::load(o);
    REQUIRE(cfg.config);
    ServiceRig r({{"fake_a", false}}, std::make_shared<const config::Config>(*cfg.config));
    r.start();
    CHECK(r.made == 0);
    const auto st = r.service->status();
    CHECK(st.state == "idle");
    CHECK_THAT(st.detail, Catch::Contains("observer.latitude"));
    CHECK(r.call("poll").result == protocol::Result::kError);
    CHECK_THAT(r.call("transits").text, Catch::Contains("idle: no observer"));
}

TEST_CASE("with no source enabled the service idles and says so", "[pipeline]") {
    ServiceRig r(std::vector<ServiceRig::SourceSpec>{});
    r.start();
    CHECK(r.made == 1);
    const auto st = r.service->status();
    CHECK(st.state == "idle");
    CHECK_THAT(st.detail, Catch::Contains("no flight source enabled"));
    CHECK(r.call("poll").text == "no flight source enabled");
}

TEST_CASE("a user box is the query area as given", "[pipeline]") {
    ServiceRig r({{"opensky", false}}, {{"area.lat_lower_left", "50"},
                                        {"area.lon_lower_left", "-2"},
                                        {"area.lat_upper_right", "53"},
                                        {"area.lon_upper_right", "2"}});
    r.start();
    REQUIRE(r.source().areas.size() == 1);
    const auto& a = r.source().areas[0];
    REQUIRE(a.boxes.size() == 1);
    CHECK(a.boxes[0].lat_min == 50);
    CHECK(a.boxes[0].lon_max == 2);
}

TEST_CASE("a reload that changes sources rebuilds them, others keep them", "[pipeline]") {
    ServiceRig r;
    r.start();
    CHECK(r.made == 1);
    r.source().answer(FakeSource::ok({}));
    r.run();
    auto next = rig_config({{"transit.horizon", "600"}});
    r.cfg = std::make_shared<const config::Config>(next);
    r.service->reconfigure(next);
    r.run();
    CHECK(r.made == 1);  // rate-limit and backoff state kept
    auto changed = rig_config({{"transit.horizon", "600"}, {"sources.poll_idle_interval", "60"}});
    r.cfg = std::make_shared<const config::Config>(changed);
    r.service->reconfigure(changed);
    r.run();
    CHECK(r.made == 2);
    CHECK(r.source().polls == 1);  // the new source is polled at once
}
