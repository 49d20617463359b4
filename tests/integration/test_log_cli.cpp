// `zipcatcher log` reads possible_transits.log (and its rotated files) without a daemon:
// filters, JSON Lines, the CSV export, a torn last line, and the default path from the
// configuration's paths.state_dir.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "process.h"
#include "temp_dir.h"
#include "txlog/writer.h"

using namespace zc;
using namespace zc::test;
using nlohmann::json;

namespace {

json record(const std::string& logged, const std::string& line, const std::string& level,
            const std::string& callsign, const std::string& state) {
    return {{"v", 1},
            {"logged", logged},
            {"line", line},
            {"id", "4ca7b1:sun"},
            {"icao24", "4ca7b1"},
            {"callsign", callsign},
            {"target", "sun"},
            {"level", level},
            {"closest_approach", "2026-06-21T11:00:40.000Z"},
            {"separation_radii", 0.4},
            {"probability", 0.5},
            {"state", state},
            {"capture", "none"},
            {"alt_m", 10000.0},
            {"aircraft_alt_deg", 59.0},
            {"body_alt_deg", 59.1},
            {"aircraft_az_deg", 151.0},
            {"body_az_deg", 151.2}};
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string l;
    while (std::getline(in, l))
        out.push_back(l);
    return out;
}

struct LogDir {
    TempDir dir;
    Env env{{"PATH", "/usr/bin:/bin"}, {"HOME", dir.path().string()}, {"TZ", "UTC"}};
    std::string file = (dir / "possible_transits.log").string();
    LogDir() {
        // Two files: a rotated one (older) and the live one.
        txlog::LogWriter w(dir.path(), {txlog::Rotation::Size, 1u << 20, 5, true});
        const auto t = *parse_iso8601("2026-06-21T10:00:00Z");
        REQUIRE(
            w.append(record("2026-06-21T10:00:00.000Z", "first", "LOW", "EZY1", "candidate").dump(),
                     t)
                .empty());
        std::filesystem::rename(file, file + ".1");
        REQUIRE(
            w.append(
                 record("2026-06-21T11:00:02.000Z", "first", "HIGH", "BAW12", "imminent").dump(), t)
                .empty());
        REQUIRE(
            w.append(
                 record("2026-06-21T11:00:43.000Z", "final", "HIGH", "BAW12", "captured").dump(), t)
                .empty());
        std::ofstream(file, std::ios::app) << R"({"v":1,"logged":"2026-06-21T11:01)";  // torn
    }
    RunResult cli(std::vector<std::string> args) const { return run(ZC_CLI_BIN, args, env); }
};

}  // namespace

TEST_CASE("log: every record of the live and rotated files, oldest first") {
    LogDir d;
    const auto r = d.cli({"log", "--file", d.file});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto l = lines_of(r.out);
    REQUIRE(l.size() == 4);  // header + 3
    CHECK_THAT(l[0], Catch::StartsWith("LOGGED"));
    CHECK_THAT(l[1], Catch::Contains("EZY1"));
    CHECK_THAT(l[2], Catch::Contains("BAW12"));
    CHECK_THAT(l[3], Catch::Contains("captured"));
    CHECK_THAT(r.err, Catch::Contains("unfinished last line"));
}

TEST_CASE("log: --level --since --final and --json filter the records") {
    LogDir d;
    auto r = d.cli({"log", "--file", d.file, "--level", "high", "--json"});
    REQUIRE(r.exit_code == 0);
    auto l = lines_of(r.out);
    REQUIRE(l.size() == 2);
    CHECK(json::parse(l[0])["line"] == "first");
    CHECK(json::parse(l[1])["state"] == "captured");
    r = d.cli({"--json", "log", "--file", d.file, "--since", "2026-06-21T11:00:10Z"});
    REQUIRE(r.exit_code == 0);
    CHECK(lines_of(r.out).size() == 1);
    r = d.cli({"log", "--file", d.file, "--final", "--json"});
    REQUIRE(lines_of(r.out).size() == 1);
    // Bad values are usage errors naming the option; a missing --file is a failure.
    r = d.cli({"log", "--file", d.file, "--level", "severe"});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("--level"));
    r = d.cli({"log", "--file", d.file, "--since", "yesterday"});
    CHECK(r.exit_code == 2);
    r = d.cli({"log", "--file", (d.dir / "missing.log").string()});
    CHECK(r.exit_code == 1);
}

TEST_CASE("log: export --csv writes the original header and one row per record") {
    LogDir d;
    const auto out = (d.dir / "t.csv").string();
    auto r = d.cli({"log", "export", "--csv", "--file", d.file, "-o", out});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto l = lines_of(read_file(out));
    REQUIRE(l.size() == 4);
    CHECK(l[0] ==
          "timestamp,id,fa_flight_id,origin,destination,latitude,longitude,aircraft_elevation,"
          "aircraft_elevation_feet,aircraft_type,speed,is_possible_transit,possibility_level,"
          "elevation_change,direction,alt_diff,az_diff,time,target_alt,plane_alt,target_az,"
          "plane_az,target,distance_nm,position_source,scope_connected,scope_mode\r");
    CHECK_THAT(l[3], Catch::StartsWith("2026-06-21 11:00:43,BAW12,"));
    r = d.cli({"log", "export", "--file", d.file});
    CHECK(r.exit_code == 2);  // --csv is required
}

TEST_CASE("log: the default file is in the configuration's state directory") {
    LogDir d;
    const auto cfg = d.dir / "z.conf";
    write_file(cfg, "[paths]\nstate_dir = " + d.dir.path().string() + "\n");
    auto r = d.cli({"--config", cfg.string(), "log", "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(lines_of(r.out).size() == 3);
    // No log yet is not an error.
    TempDir empty;
    write_file(cfg, "[paths]\nstate_dir = " + empty.path().string() + "\n");
    r = d.cli({"--config", cfg.string(), "log"});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("no possible-transits log yet"));
}
