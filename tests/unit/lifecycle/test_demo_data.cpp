// The demo's shipped replay file (config/demo-flights.jsonl) still makes the HIGH Sun transit
// config/demo.conf promises, as the daemon's own pipeline settings predict it: if the geometry
// or the transit options change, regenerate it with zipcatcher-demo-flights.
#include <catch2/catch.hpp>

#include "config/config.h"
#include "flight_service.h"
#include "flights/replay_file.h"
#include "transit/predictor.h"

using namespace zc;

TEST_CASE("the shipped demo flight crosses the Sun 40 s after the demo clock starts") {
    config::LoadOptions lo;
    lo.config_file = std::string(ZC_SOURCE_DIR) + "/config/demo.conf";
    lo.read_default_files = false;
    auto loaded = config::load(lo);
    INFO(loaded.report());
    REQUIRE(loaded.ok());
    const auto& cfg = *loaded.config;
    const auto start = parse_iso8601(cfg.get_string("clock.start"));
    REQUIRE(start);
    CHECK(cfg.get_bool("seestar.solar_filter_confirmed"));
    CHECK(cfg.get_string("telegram.bot_token").empty());
    const auto entries = flights::load_replay_file(cfg.get_path("sources.replay.file"));
    REQUIRE(entries.size() > 30);
    const auto s = daemon::pipeline_settings(cfg);
    // Every fix until shortly before the transit predicts it HIGH at the same instant.
    for (const auto& e : entries) {
        if (to_seconds(e.offset) > 35)
            break;
        auto fix = e.fix;
        fix.fix_time = *start + e.offset;
        transit::Predictor pred(s.observer, fix.fix_time, s.options);
        const auto cs = pred.predict(fix);
        REQUIRE(cs.size() == 1);
        CHECK(cs[0].target == transit::Target::Sun);
        CHECK(cs[0].level == transit::Level::High);
        CHECK(to_seconds(cs[0].closest_approach - *start) == Approx(40).margin(1));
        CHECK(cs[0].separation_radii < 0.2);
        CHECK(cs[0].body_alt_deg > 45);
    }
    // The first fix leaves a watcher time to connect.
    CHECK(to_seconds(entries.front().offset) >= 1);
}
