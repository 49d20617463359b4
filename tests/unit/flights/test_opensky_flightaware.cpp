#include <algorithm>

#include <catch2/catch.hpp>

#include "flights/parsers.h"
#include "samples.h"

using namespace zc;
using namespace zc::flights;

namespace {
const Fix& find_key(const ParseResult& r, const std::string& key) {
    const auto it = std::find_if(r.fixes.begin(), r.fixes.end(),
                                 [&](const Fix& f) { return f.key() == key || f.callsign == key; });
    REQUIRE(it != r.fixes.end());
    return *it;
}
}  // namespace

TEST_CASE("OpenSky states/all sample", "[flights]") {
    const ParseResult r = parse_flights(read_sample("opensky-states-all-bbox-2021-03-07.json"));
    REQUIRE(r.ok());
    CHECK(r.format == Format::OpenSkyStates);
    CHECK(r.entries == 38);
    CHECK(r.fixes.size() == 38);
    CHECK(r.problems.empty());
    CHECK(to_unix_seconds(*r.document_time) == 1615141830.0);

    const Fix& f = find_key(r, "ac234f");
    CHECK(f.callsign == "UAL483");
    CHECK(f.altitude_kind == AltitudeKind::Geometric);  // geo_altitude preferred
    CHECK(f.altitude_m == Approx(4145.28));
    CHECK(*f.ground_speed_mps == Approx(177.04));  // already m/s
    CHECK(*f.track_deg == Approx(331.35));
    CHECK(f.vertical_rate_mps == Approx(16.58));
    CHECK(f.source_type == SourceType::AdsbIcao);
    // time_position, not last_contact or the document time
    CHECK(to_unix_seconds(f.fix_time) == 1615141829.0);
    SECTION("stale rows keep their own position time") {
        CHECK(to_unix_seconds(find_key(r, "a67014").fix_time) == 1615141830.0 - 231);
    }
    SECTION("on-ground rows with null altitudes") {
        const Fix& g = find_key(r, "a6fd6a");
        CHECK(g.on_ground);
        CHECK(g.altitude_kind == AltitudeKind::Barometric);
        CHECK(g.vertical_rate_mps == 0);
        CHECK(std::count_if(r.fixes.begin(), r.fixes.end(),
                            [](const Fix& x) { return x.on_ground; }) == 4);
    }
}

TEST_CASE("OpenSky rows: 17 or 18 elements, nulls, short rows, bad types", "[flights]") {
    const ParseResult r = parse_flights(R"({"time":1615141830,"states":[
        ["abc123","TEST1   ","X",1615141825,1615141829,-105.0,40.0,10000.0,false,200.0,90.0,0.0,null,10100.0,"1200",false,0,3],
        ["abc124",null,"X",1615141825,1615141829,-105.0,40.0,10000.0,false,200.0,90.0,-5.0,null,null,null,false,2],
        ["abc125","T","X",null,1615141829,null,null,null,false,null,null,null,null,null,null,false,0],
        ["abc126","T","X",1615141825,1615141829,-105.0,"40",10000.0,false,200.0,90.0,0.0],
        ["abc127","T","X",1615141825,1615141829,-105.0,40.0,10000.0],
        "nonsense"
    ]})");
    REQUIRE(r.ok());
    REQUIRE(r.fixes.size() == 3);
    CHECK(r.fixes[0].altitude_m == Approx(10100.0));
    CHECK(r.fixes[1].altitude_kind == AltitudeKind::Barometric);
    CHECK(r.fixes[1].altitude_m == Approx(10000.0));
    CHECK(r.fixes[1].source_type == SourceType::Mlat);
    CHECK(r.fixes[1].callsign.empty());
    CHECK(r.fixes[2].icao24 == "abc127");  // a short row: no velocity
    CHECK_FALSE(r.fixes[2].ground_speed_mps);
    CHECK(r.without_position == 1);
    REQUIRE(r.problems.size() == 2);
    CHECK(r.problems[0].text() == "states[3][6] (latitude): expected number");
    CHECK(r.problems[1].text() == "states[5]: expected array");
    CHECK(parse_flights(R"({"time":1,"states":null})").ok());
    CHECK(parse_flights(R"({"time":"x","states":[]})").error == "time: expected number");
}

TEST_CASE("FlightAware /flights/search sample with \"None\" nulls", "[flights]") {
    const ParseResult r =
        parse_flights(read_sample("flightaware-aeroapi-flights-search-2024-07-10.json"));
    REQUIRE(r.ok());
    CHECK(r.format == Format::FlightAwareSearch);
    CHECK(r.entries == 11);
    CHECK(r.fixes.size() == 11);
    CHECK(r.problems.empty());
    const Fix& f = find_key(r, "AMX190");
    CHECK(f.icao24.empty());
    CHECK(f.key() == "AMX190-1720409223-schedule-630p");
    CHECK(f.altitude_kind == AltitudeKind::Barometric);
    CHECK(f.altitude_m == Approx(360 * 30.48));
    CHECK(*f.ground_speed_mps == Approx(448 * 1852.0 / 3600.0));
    CHECK(*f.track_deg == 308);
    CHECK(f.aircraft_type == "B39M");
    CHECK(f.fix_time == *parse_iso8601("2024-07-10T04:58:19Z"));
    CHECK(f.source_type == SourceType::AdsbIcao);
    CHECK(find_key(r, "MCS2001").source_type == SourceType::Mlat);
    CHECK(find_key(r, "VIV1255").altitude_m == Approx(350 * 30.48));  // destination "None"
}

TEST_CASE("FlightAware: null, missing or \"None\" fields, and bad ones", "[flights]") {
    const ParseResult r = parse_flights(R"({"flights":[
        {"ident":"A1","origin":null,"destination":"None","last_position":{"latitude":20,"longitude":-100,"altitude":350,"groundspeed":450,"heading":"None","timestamp":"2024-07-10T04:58:19Z"}},
        {"ident":"A2","last_position":"None"},
        {"ident":"A3","last_position":{"latitude":20,"longitude":-100,"altitude":350,"timestamp":"yesterday"}},
        {"ident":"A4","last_position":{"latitude":20,"longitude":-100,"altitude":"350","timestamp":"2024-07-10T04:58:19Z"}},
        {"ident":"A5","last_position":[1,2]}
    ],"links":null,"num_pages":1})");
    REQUIRE(r.ok());
    REQUIRE(r.fixes.size() == 1);
    CHECK_FALSE(r.fixes[0].track_deg);
    CHECK(r.without_position == 1);
    REQUIRE(r.problems.size() == 3);
    CHECK(r.problems[0].text() == "flights[2].last_position.timestamp: expected ISO 8601 time");
    CHECK(r.problems[1].text() == "flights[3].last_position.altitude: expected number");
    CHECK(r.problems[2].text() == "flights[4].last_position: expected object");
}
