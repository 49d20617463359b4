// possible_transits.log: record fields, appends from concurrent writers, rotation, torn last
// lines, and the CSV export in the original's 27-column schema.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <sstream>

#include "fixtures.h"
#include "geo/local_frame.h"
#include "temp_dir.h"
#include "txlog/csv.h"
#include "txlog/reader.h"
#include "txlog/record.h"
#include "txlog/writer.h"

using namespace zc;
using namespace zc::test;
using nlohmann::json;
using transit::Level;
using transit::LogKind;

namespace {

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == sep) {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}

std::string line_for(int writer, int seq, std::size_t pad) {
    json j = {{"logged", format_iso8601(at(seq))},
              {"w", writer},
              {"seq", seq},
              {"pad", std::string(pad, 'x')}};
    return j.dump();
}

const geo::Geodetic kObserver{51.4779, -0.0015, 46};

}  // namespace

TEST_CASE("a record carries every documented stable field") {
    transit::Entry e;
    e.id = "4ca7b1:sun";
    e.candidate = candidate(Level::High, at(42));
    e.candidate.altitude_kind = flights::AltitudeKind::Barometric;
    e.candidate.feed = flights::Feed::OpenSky;
    e.candidate.source_type = flights::SourceType::Mlat;
    e.stage = transit::Stage::Imminent;
    e.max_level = Level::High;
    e.capture = transit::CaptureState::Scheduled;
    e.first_seen = at(0);
    txlog::RecordContext ctx;
    ctx.observer = kObserver;
    ctx.scope_connected = true;
    ctx.scope_mode = "sun";
    const auto r = txlog::make_record(e, LogKind::Update, at(2), ctx);
    for (const char* k : {"v",
                          "logged",
                          "line",
                          "id",
                          "icao24",
                          "callsign",
                          "aircraft_type",
                          "target",
                          "level",
                          "closest_approach",
                          "separation_deg",
                          "separation_radii",
                          "sigma_deg",
                          "probability",
                          "lat",
                          "lon",
                          "alt_m",
                          "alt_kind",
                          "body_alt_deg",
                          "body_az_deg",
                          "source",
                          "fix_age_s",
                          "state",
                          "capture"})
        CHECK(r.contains(k));
    CHECK(r["v"] == 1);
    CHECK(r["logged"] == "2026-06-21T11:00:02.000Z");
    CHECK(r["line"] == "update");
    CHECK(r["icao24"] == "4ca7b1");
    CHECK(r["callsign"] == "BAW12");
    CHECK(r["aircraft_type"] == "A320");
    CHECK(r["target"] == "sun");
    CHECK(r["level"] == "HIGH");
    CHECK(r["closest_approach"] == "2026-06-21T11:00:42.000Z");
    CHECK(r["seconds_to_ca"].get<double>() == Approx(40));
    CHECK(r["separation_radii"].get<double>() == Approx(0.4));
    CHECK(r["separation_deg"].get<double>() == Approx(0.4 * 0.2625).epsilon(1e-4));
    CHECK(r["sigma_deg"].get<double>() == Approx(0.05));
    CHECK(r["probability"].get<double>() == Approx(0.8));
    CHECK(r["alt_m"].get<double>() == Approx(10500));
    CHECK(r["alt_kind"] == "barometric");
    CHECK(r["body_alt_deg"].get<double>() == Approx(61.2));
    CHECK(r["body_az_deg"].get<double>() == Approx(181.5));
    CHECK(r["source"] == "opensky");
    CHECK(r["position_source"] == "mlat");
    CHECK(r["fix_age_s"].get<double>() == Approx(1.5));
    CHECK(r["state"] == "imminent");
    CHECK(r["capture"] == "scheduled");
    CHECK(r["scope_connected"] == true);
    CHECK(r["scope_mode"] == "sun");
    // South of the observer at 61.4° elevation, 12 km slant: about 5.75 km south.
    CHECK(r["lat"].get<double>() < kObserver.lat_deg);
    CHECK(r["ground_distance_km"].get<double>() ==
          Approx(12.0 * std::cos(61.3 * M_PI / 180)).epsilon(0.01));
}

TEST_CASE("the aircraft position at closest approach inverts the observer's view") {
    // An aircraft at a known place: its azimuth, elevation and range from the observer lead
    // back to the same latitude and longitude.
    const geo::Geodetic plane{51.52, 0.031, 10200};
    const geo::LocalFrame frame(kObserver);
    const auto look = frame.look_at(geo::geodetic_to_ecef(plane));
    transit::Candidate c;
    c.aircraft_az_deg = look.az_deg;
    c.aircraft_alt_deg = look.el_deg;
    c.slant_range_m = look.range_m;
    const auto p = txlog::aircraft_position(kObserver, c);
    CHECK(p.lat_deg == Approx(plane.lat_deg).margin(1e-7));
    CHECK(p.lon_deg == Approx(plane.lon_deg).margin(1e-7));
    CHECK(p.ground_distance_m == Approx(5195).epsilon(0.01));  // 4.68 km north, 2.25 km east
}

TEST_CASE("records written are read back in order") {
    TempDir dir;
    txlog::LogWriter w(dir / "state", {});
    for (int i = 0; i < 5; ++i)
        REQUIRE(w.append(line_for(0, i, 10), at(i)).empty());
    CHECK(w.path() == dir / "state" / "possible_transits.log");
    txlog::ReadStats st;
    const auto recs = txlog::read_log(w.path(), &st);
    REQUIRE(recs.size() == 5);
    for (int i = 0; i < 5; ++i)
        CHECK(recs[static_cast<std::size_t>(i)]["seq"] == i);
    CHECK(st.torn == 0);
    CHECK(st.bad == 0);
}

TEST_CASE("concurrent writers with their own descriptors never break a line") {
    TempDir dir;
    constexpr int kWriters = 4, kEach = 300;
    std::vector<pid_t> pids;
    for (int w = 0; w < kWriters; ++w) {
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            txlog::LogWriter writer(dir.path(), {txlog::Rotation::Size, 1ull << 40, 10, false});
            int rc = 0;
            for (int i = 0; i < kEach; ++i)  // line lengths from ~80 bytes to ~9 KiB
                if (!writer
                         .append(line_for(w, i, static_cast<std::size_t>((i * 97 + w * 31) % 9000)),
                                 at(i))
                         .empty())
                    rc = 1;
            ::_exit(rc);
        }
        pids.push_back(pid);
    }
    for (pid_t pid : pids) {
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
    }
    txlog::ReadStats st;
    const auto recs = txlog::read_file(dir / "possible_transits.log", &st);
    CHECK(st.bad == 0);
    CHECK(st.torn == 0);
    REQUIRE(recs.size() == static_cast<std::size_t>(kWriters * kEach));
    std::map<int, int> next;  // each writer's records in its own order, none missing
    for (const auto& r : recs) {
        const int w = r["w"], seq = r["seq"];
        CHECK(seq == next[w]);
        next[w] = seq + 1;
        CHECK(r["pad"].get<std::string>().size() ==
              static_cast<std::size_t>((seq * 97 + w * 31) % 9000));
    }
    for (int w = 0; w < kWriters; ++w)
        CHECK(next[w] == kEach);
}

TEST_CASE("size rotation keeps retention files and loses nothing newer") {
    TempDir dir;
    txlog::LogWriter w(dir.path(), {txlog::Rotation::Size, 4096, 3, true});
    const int n = 200;  // ~100 bytes each: about 5 files' worth
    for (int i = 0; i < n; ++i)
        REQUIRE(w.append(line_for(0, i, 40), at(i)).empty());
    const auto live = dir / "possible_transits.log";
    CHECK(std::filesystem::file_size(live) <= 4096);
    for (int k = 1; k <= 3; ++k) {
        const auto f = dir / ("possible_transits.log." + std::to_string(k));
        REQUIRE(std::filesystem::exists(f));
        CHECK(std::filesystem::file_size(f) <= 4096);
    }
    CHECK_FALSE(std::filesystem::exists(dir / "possible_transits.log.4"));
    const auto files = txlog::log_files(live);
    REQUIRE(files.size() == 4);
    CHECK(files.front().filename() == "possible_transits.log.3");
    CHECK(files.back() == live);
    const auto recs = txlog::read_log(live, nullptr);
    REQUIRE(recs.size() < static_cast<std::size_t>(n));
    // What is kept is the newest, contiguous, ending with the last record.
    const int first = recs.front()["seq"];
    for (std::size_t i = 0; i < recs.size(); ++i)
        CHECK(recs[i]["seq"] == first + static_cast<int>(i));
    CHECK(recs.back()["seq"] == n - 1);
}

TEST_CASE("daily rotation moves a day's records to a dated file") {
    TempDir dir;
    txlog::LogWriter w(dir.path(), {txlog::Rotation::Daily, 4096, 2, true});
    const auto day1 = *parse_iso8601("2026-06-20T23:59:00Z");
    const auto day2 = *parse_iso8601("2026-06-21T00:00:30Z");
    const auto day3 = *parse_iso8601("2026-06-22T08:00:00Z");
    const auto day4 = *parse_iso8601("2026-06-23T08:00:00Z");
    auto rec = [](UtcTime t, int seq) {
        return json{{"logged", format_iso8601(t)}, {"seq", seq}}.dump();
    };
    REQUIRE(w.append(rec(day1, 1), day1).empty());
    REQUIRE(w.append(rec(day1, 2), day1 + std::chrono::seconds(10)).empty());
    REQUIRE(w.append(rec(day2, 3), day2).empty());
    CHECK(std::filesystem::exists(dir / "possible_transits.log.20260620"));
    CHECK(txlog::read_file(dir / "possible_transits.log.20260620", nullptr).size() == 2);
    CHECK(txlog::read_file(dir / "possible_transits.log", nullptr).size() == 1);
    // A new writer (a daemon restart) learns the open file's day from its last record.
    txlog::LogWriter again(dir.path(), {txlog::Rotation::Daily, 4096, 2, true});
    REQUIRE(again.append(rec(day3, 4), day3).empty());
    CHECK(std::filesystem::exists(dir / "possible_transits.log.20260621"));
    REQUIRE(again.append(rec(day4, 5), day4).empty());
    // Retention 2: the oldest day file went.
    CHECK_FALSE(std::filesystem::exists(dir / "possible_transits.log.20260620"));
    CHECK(std::filesystem::exists(dir / "possible_transits.log.20260622"));
    const auto all = txlog::read_log(dir / "possible_transits.log", nullptr);
    REQUIRE(all.size() == 3);
    CHECK(all[0]["seq"] == 3);
    CHECK(all[2]["seq"] == 5);
}

TEST_CASE("a torn last line is skipped and the next record starts a fresh line") {
    TempDir dir;
    const auto live = dir / "possible_transits.log";
    {
        txlog::LogWriter w(dir.path(), {});
        for (int i = 0; i < 3; ++i)
            REQUIRE(w.append(line_for(0, i, 5), at(i)).empty());
    }
    {
        std::ofstream out(live, std::ios::app | std::ios::binary);
        out << R"({"v":1,"logged":"2026-06-21T11:00:09.000Z","id":"4ca)";  // the crash
    }
    txlog::ReadStats st;
    auto recs = txlog::read_log(live, &st);
    CHECK(recs.size() == 3);
    CHECK(st.torn == 1);
    REQUIRE(st.warnings.size() == 1);
    CHECK_THAT(st.warnings[0], Catch::Contains("possible_transits.log:4"));
    // The daemon starts again and appends: the fragment is closed off, never glued to it.
    txlog::LogWriter w(dir.path(), {});
    REQUIRE(w.append(line_for(0, 3, 5), at(3)).empty());
    txlog::ReadStats st2;
    recs = txlog::read_log(live, &st2);
    REQUIRE(recs.size() == 4);
    CHECK(recs[3]["seq"] == 3);
    CHECK(st2.torn == 0);
    CHECK(st2.bad == 1);
    const auto text = slurp(live);
    CHECK(text.back() == '\n');
}

TEST_CASE("the CSV header is the original's 27 columns") {
    const std::string expected =
        "timestamp,id,fa_flight_id,origin,destination,latitude,longitude,aircraft_elevation,"
        "aircraft_elevation_feet,aircraft_type,speed,is_possible_transit,possibility_level,"
        "elevation_change,direction,alt_diff,az_diff,time,target_alt,plane_alt,target_az,"
        "plane_az,target,distance_nm,position_source,scope_connected,scope_mode";
    CHECK(txlog::csv_header() == expected);
    CHECK(split(txlog::csv_header(), ',').size() == 27);
}

TEST_CASE("CSV rows map the record onto the original's columns") {
    ::setenv("TZ", "ZCT-3", 1);  // UTC+3, no tz database needed
    json r = {{"logged", "2026-06-21T11:00:02.000Z"},
              {"callsign", "baw-12x99"},
              {"icao24", "4ca7b1"},
              {"aircraft_type", "A320,neo"},
              {"level", "MEDIUM"},
              {"closest_approach", "2026-06-21T11:01:32.000Z"},
              {"lat", 51.43},
              {"lon", -0.0015},
              {"alt_m", 10500.0},
              {"aircraft_alt_deg", 61.3},
              {"body_alt_deg", 61.2},
              {"aircraft_az_deg", 359.5},
              {"body_az_deg", 0.4},
              {"target", "sun"},
              {"ground_distance_km", 18.52},
              {"source", "readsb"},
              {"position_source", "adsb_icao"},
              {"scope_connected", true},
              {"scope_mode", "sun"}};
    const auto f = split(txlog::csv_row(r), ',');
    // The aircraft type holds a comma: quoted, so 28 pieces after a naive split.
    REQUIRE(f.size() == 28);
    CHECK(f[0] == "2026-06-21 14:00:02");
    CHECK(f[1] == "BAW12X9");
    CHECK(f[2].empty());
    CHECK(f[5] == "51.430000");
    CHECK(f[7] == "10500.0");
    CHECK(f[8] == "34449");
    CHECK(f[9] == "\"A320");
    CHECK(f[10] == "neo\"");
    CHECK(f[12] == "1");      // is_possible_transit
    CHECK(f[13] == "2");      // MEDIUM
    CHECK(f[16] == "0.100");  // alt_diff
    CHECK(f[17] == "0.900");  // az_diff across north, the short way
    CHECK(f[18] == "1.500");  // minutes to closest approach
    CHECK(f[19] == "61.200");
    CHECK(f[23] == "sun");
    CHECK(f[24] == "10.00");  // 18.52 km in nautical miles
    CHECK(f[25] == "adsb");
    CHECK(f[26] == "True");
    CHECK(f[27] == "sun");
    ::unsetenv("TZ");
}

TEST_CASE("CSV fields are quoted as RFC 4180 asks") {
    CHECK(txlog::csv_field("plain") == "plain");
    CHECK(txlog::csv_field("a,b") == "\"a,b\"");
    CHECK(txlog::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(txlog::csv_field("two\nlines") == "\"two\nlines\"");
    CHECK(txlog::normalised_callsign("  ez y-12 ") == "EZY12");
    CHECK(txlog::normalised_callsign("ABCDEFGHIJ") == "ABCDEFG");
}
