// README command 1's demo, end to end: scripts/demo starts the Seestar simulator and
// zipcatcherd with config/demo.conf, and must show the predicted HIGH transit, the alert text,
// the possible-transits log lines and the simulator's start/stop of the recording, then stop
// everything cleanly. Runs the real script against this build (about 45 s).
#include <catch2/catch.hpp>
#include <filesystem>

#include "process.h"
#include "temp_dir.h"

using namespace zc::test;

TEST_CASE("demo: scripts/demo predicts alerts records and logs a HIGH Sun transit") {
    TempDir home;
    const auto build = std::filesystem::path(ZC_DAEMON_BIN).parent_path().parent_path();
    const Env env{{"PATH", "/usr/bin:/bin"},
                  {"HOME", home.path().string()},
                  {"BUILD_DIR", build.string()},
                  {"TZ", "UTC"}};
    const auto r =
        run(std::string(ZC_SOURCE_DIR) + "/scripts/demo", {}, env, std::chrono::seconds(110));
    INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
    REQUIRE(r.exit_code == 0);
    const auto& out = r.out;
    // The prediction, as published on `watch`.
    CHECK_THAT(out, Catch::Contains("HIGH sun transit of DEMO1 at 2026-06-21T11:00:40"));
    // The alert text, printed because Telegram is not configured.
    CHECK_THAT(out, Catch::Contains("| ⏰ IMMINENT: HIGH Sun transit"));
    CHECK_THAT(out, Catch::Contains("| Flight DEMO1 (ICAO 43c0de), type A320"));
    CHECK_THAT(out, Catch::Contains("| Capture: scheduled"));
    // The simulator received the recording commands.
    const auto start = out.find("simulator received start_record_avi");
    const auto stop = out.find("simulator received stop_record_avi");
    REQUIRE(start != std::string::npos);
    REQUIRE(stop != std::string::npos);
    CHECK(start < stop);
    // The log: first and final lines, the final one captured.
    CHECK_THAT(out, Catch::Contains("possible_transits.log: first line"));
    CHECK_THAT(out, Catch::Contains(
                        "possible_transits.log: final line, state captured, capture recorded"));
    CHECK_THAT(out, Catch::Contains("\"line\":\"final\",\"id\":\"43c0de:sun\""));
    // The CSV export and a clean stop.
    CHECK_THAT(out, Catch::Contains("timestamp,id,fa_flight_id,origin,destination"));
    CHECK_THAT(out, Catch::Contains("zipcatcherd exited with status 0"));
    CHECK_THAT(out, Catch::Contains("demo: OK"));
}
