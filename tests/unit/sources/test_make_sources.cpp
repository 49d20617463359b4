// make_flight_sources: which sources a configuration enables, in which order.
#include <catch2/catch.hpp>
#include <fstream>

#include "rig.h"

using namespace zc;
using namespace zc::daemon;
using zc::test::make_config;
using zc::test::Rig;

namespace {

std::vector<std::string> names(const std::vector<std::unique_ptr<FlightSource>>& v) {
    std::vector<std::string> out;
    for (const auto& s : v)
        out.push_back(s->name());
    return out;
}

}  // namespace

TEST_CASE("defaults: the free sources that need no key", "[sources]") {
    Rig rig;
    const auto cfg = make_config({}, rig.dir);
    const auto v = make_flight_sources(rig.ctx, cfg);
    CHECK(names(v) == std::vector<std::string>{"opensky", "adsb_lol", "adsb_one", "adsb_fi"});
    for (const auto& s : v) {
        CHECK_FALSE(s->is_push());
        CHECK(s->status(rig.clock.now())["state"] == "idle");
    }
}

TEST_CASE("every source, in a stable order, and switches that turn them off", "[sources]") {
    Rig rig;
    const auto replay = rig.dir / "r.jsonl";
    std::ofstream(replay) << R"({"t":0,"icao24":"abc123","lat":1,"lon":2,"alt_m":3})"
                          << "\n";
    auto all = std::vector<std::pair<std::string, std::string>>{
        {"sources.aeroapi.api_key", "k1"},
        {"sources.adsbx.api_key", "k2"},
        {"sources.local.url", "/run/readsb/aircraft.json"},
        {"sources.local.sbs", "127.0.0.1:30003"},
        {"sources.replay.file", replay.string()},
    };
    auto v = make_flight_sources(rig.ctx, make_config(all, rig.dir));
    CHECK(names(v) == std::vector<std::string>{"aeroapi", "opensky", "adsb_lol", "adsb_one",
                                               "adsb_fi", "adsbx", "local", "sbs", "replay"});
    CHECK(v[7]->is_push());
    CHECK(v[8]->is_push());
    all.insert(all.end(), {{"sources.aeroapi.enabled", "false"},
                           {"sources.opensky.enabled", "false"},
                           {"sources.adsb_lol.enabled", "false"},
                           {"sources.adsb_one.enabled", "false"},
                           {"sources.adsb_fi.enabled", "false"},
                           {"sources.adsbx.enabled", "false"},
                           {"sources.local.enabled", "false"}});
    v = make_flight_sources(rig.ctx, make_config(all, rig.dir));
    CHECK(names(v) == std::vector<std::string>{"replay"});
}

TEST_CASE("an unusable replay file is an error naming the key", "[sources]") {
    Rig rig;
    const auto cfg =
        make_config({{"sources.replay.file", (rig.dir / "nope.jsonl").string()}}, rig.dir);
    CHECK_THROWS_WITH(make_flight_sources(rig.ctx, cfg),
                      Catch::Contains("sources.replay.file: ") && Catch::Contains("nope.jsonl"));
}

TEST_CASE("the AeroAPI budget lives in the state directory", "[sources]") {
    Rig rig;
    const auto cfg = make_config(
        {{"sources.aeroapi.api_key", "k"}, {"sources.aeroapi.monthly_budget", "7"}}, rig.dir);
    const auto v = make_flight_sources(rig.ctx, cfg);
    REQUIRE(v.front()->name() == "aeroapi");
    const auto st = v.front()->status(rig.clock.now());
    CHECK(st["budget"]["limit"] == 7);
    CHECK(st["budget"]["persisted"] == true);
    CHECK(st.dump().find("\"k\"") == std::string::npos);
}
