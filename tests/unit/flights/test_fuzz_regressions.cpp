// Inputs the fuzz targets (tests/fuzz/fuzz_flights_*.cpp) turned up, kept as tests; the raw
// inputs are in tests/fuzz/regressions/flights_*/. Each was undefined behaviour under UBSan: a
// feed time far outside any real clock overflowed the conversion to microseconds.
#include <catch2/catch.hpp>

#include "flights/parsers.h"
#include "flights/replay_file.h"

using namespace zc;
using namespace zc::flights;

TEST_CASE("readsb: a feed clock out of range is a document error", "[flights]") {
    for (const char* now : {"1e300", "-1e300", "1e20", "-1e12"}) {
        INFO(now);
        const auto r = parse_readsb(std::string("{\"now\":") + now + ",\"aircraft\":[]}");
        CHECK_FALSE(r.ok());
        CHECK(r.error == "now: out of range");
        CHECK(r.fixes.empty());
    }
    // Milliseconds are still read as such.
    const auto ms = parse_readsb(R"({"now":1791289775500,"ac":[]})");
    REQUIRE(ms.ok());
    CHECK(to_unix_seconds(*ms.document_time) == Approx(1791289775.5));
}

TEST_CASE("readsb: a position age out of range rejects that entry only", "[flights]") {
    const auto r =
        parse_readsb(R"({"now":1700000000,"aircraft":[)"
                     R"({"hex":"abc123","lat":1,"lon":2,"alt_geom":1000,"seen_pos":1e300},)"
                     R"({"hex":"abc124","lat":1,"lon":2,"alt_geom":1000,"seen_pos":2}]})");
    REQUIRE(r.ok());
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].text() == "aircraft[0].seen_pos: out of range");
    REQUIRE(r.fixes.size() == 1);
    CHECK(r.fixes[0].icao24 == "abc124");
    CHECK(to_unix_seconds(r.fixes[0].fix_time) == Approx(1699999998.0));
}

TEST_CASE("OpenSky: times out of range are refused, not converted", "[flights]") {
    const auto doc = parse_opensky(R"({"time":-1e30,"states":null})");
    CHECK_FALSE(doc.ok());
    CHECK(doc.error == "time: out of range");

    const auto row =
        parse_opensky(R"({"time":1615141830,"states":[["a1b2c3","CALL    ","US",1e300,1615141830,)"
                      R"(-105.1,39.9,1000,false,200,90,0,null,1100,"1200",false,0]]})");
    REQUIRE(row.ok());
    CHECK(row.fixes.empty());
    REQUIRE(row.problems.size() == 1);
    CHECK(row.problems[0].message == "out of range");
}

TEST_CASE("a number beyond a double is invalid JSON and no exception", "[flights]") {
    // nlohmann throws out_of_range, not parse_error, for it; the re-parse for the error position
    // let it escape, and a feed carrying one would have ended the daemon.
    for (const char* doc : {R"({"now":1e3000,"aircraft":[]})",
                            R"({"time":1615141830,"states":[["a","b","c",1,1,1,1,1,false,1,1,1,)"
                            R"(null,5e334,null,false,0]]})"}) {
        INFO(doc);
        ParseResult r;
        REQUIRE_NOTHROW(r = parse_flights(doc));
        CHECK_FALSE(r.ok());
        CHECK(r.error.starts_with("not valid JSON"));
        REQUIRE_NOTHROW(r = parse_readsb(std::string_view(doc)));
        CHECK_FALSE(r.ok());
    }
}

TEST_CASE("replay: an offset out of range is a line error", "[flights]") {
    std::string error;
    CHECK_FALSE(
        parse_replay_line(R"({"t":1e300,"icao24":"abc123","lat":1,"lon":1,"alt_m":1})", &error));
    CHECK(error == "t: out of range");
    const auto ok =
        parse_replay_line(R"({"t":1e10,"icao24":"abc123","lat":1,"lon":1,"alt_m":1})", &error);
    REQUIRE(ok);
    CHECK(ok->offset == std::chrono::seconds(10'000'000'000));
}

TEST_CASE("a fix without a merge key is refused", "[flights]") {
    // An empty readsb "hex", an empty OpenSky icao24, a FlightAware entry with neither
    // fa_flight_id nor ident: each gave a fix whose key() was empty, which the cache would have
    // merged with every other such aircraft (found by the flights_* fuzz targets).
    const auto readsb = parse_readsb(R"({"now":1700000000,"aircraft":[)"
                                     R"({"hex":"","lat":51.3,"lon":-2.0,"alt_geom":1000},)"
                                     R"({"hex":"abc124","lat":1,"lon":2,"alt_geom":1000}]})");
    REQUIRE(readsb.ok());
    REQUIRE(readsb.fixes.size() == 1);
    CHECK(readsb.fixes[0].icao24 == "abc124");
    REQUIRE(readsb.problems.size() == 1);
    CHECK(readsb.problems[0].text() == "aircraft[0].hex: empty");

    const auto opensky =
        parse_opensky(R"({"time":1615141830,"states":[["","ABC123  ","x",1615141830,1615141830,)"
                      R"(-2.0,51.3,1000.0,false,100.0,90.0,0.0,null,1000.0,null,false,0]]})");
    REQUIRE(opensky.ok());
    CHECK(opensky.fixes.empty());
    REQUIRE(opensky.problems.size() == 1);
    CHECK(opensky.problems[0].message == "empty");

    const auto fa =
        parse_flightaware(R"({"flights":[{"last_position":{"latitude":51.3,"longitude":-2.0,)"
                          R"("timestamp":"2024-07-10T12:00:00Z","altitude":350}},)"
                          R"({"ident":"BAW1","last_position":{"latitude":51.3,"longitude":-2.0,)"
                          R"("timestamp":"2024-07-10T12:00:00Z","altitude":350}}]})");
    REQUIRE(fa.ok());
    REQUIRE(fa.fixes.size() == 1);
    CHECK(fa.fixes[0].key() == "BAW1");
    REQUIRE(fa.problems.size() == 1);
    CHECK(fa.problems[0].message == "missing, and no ident either");
}

TEST_CASE("OpenSky: a position source out of range is other and no overflow", "[flights]") {
    // position_source 3e45 (or a time-sized 1.6e11) was cast to int: undefined behaviour that
    // UBSan reported (found by flights_opensky and flights_any).
    for (const char* ps : {"3e45", "-3e45", "161514183000", "1.5", "0", "2"}) {
        INFO(ps);
        const auto r = parse_opensky(
            std::string(R"({"time":1615141830,"states":[["abc123","ABC123  ","x",1615141830,)") +
            R"(1615141830,-2.0,51.3,1000.0,false,100.0,90.0,0.0,null,1000.0,null,false,)" + ps +
            "]]}");
        REQUIRE(r.ok());
        REQUIRE(r.fixes.size() == 1);
        const auto want = std::string(ps) == "0"   ? SourceType::AdsbIcao
                          : std::string(ps) == "2" ? SourceType::Mlat
                                                   : SourceType::Other;
        CHECK(r.fixes[0].source_type == want);
    }
}
