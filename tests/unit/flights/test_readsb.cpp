#include <algorithm>

#include <catch2/catch.hpp>

#include "flights/parsers.h"
#include "flights/units.h"
#include "samples.h"

using namespace zc;
using namespace zc::flights;

namespace {
const Fix& find(const ParseResult& r, const std::string& hex) {
    const auto it =
        std::find_if(r.fixes.begin(), r.fixes.end(), [&](const Fix& f) { return f.icao24 == hex; });
    REQUIRE(it != r.fixes.end());
    return *it;
}
}  // namespace

TEST_CASE("local aircraft.json (now in seconds)", "[flights]") {
    const ParseResult r = parse_flights(read_sample("readsb-aircraft-json-local.json"));
    REQUIRE(r.ok());
    CHECK(r.format == Format::ReadsbAircraftJson);
    CHECK(r.entries == 44);
    CHECK(r.fixes.size() == 25);
    CHECK(r.without_position == 19);
    CHECK(r.problems.empty());
    REQUIRE(r.document_time);
    CHECK(to_unix_seconds(*r.document_time) == Approx(1785349721.5).margin(1e-6));

    const Fix& f = find(r, "3c71a1");
    CHECK(f.callsign == "BCS361");
    CHECK(f.altitude_kind == AltitudeKind::Geometric);
    CHECK(f.altitude_m == Approx(42600 * 0.3048));
    REQUIRE(f.ground_speed_mps);
    CHECK(*f.ground_speed_mps == Approx(533.7 * 1852.0 / 3600.0));
    CHECK(*f.track_deg == Approx(79.6));
    CHECK(f.vertical_rate_mps == Approx(-32 * 0.00508));  // geom_rate preferred over baro_rate
    CHECK(*f.track_rate_dps == Approx(-0.19));
    CHECK(*f.nac_p == 11);
    CHECK(*f.nac_v == 2);
    CHECK(f.source_type == SourceType::AdsbIcao);  // no `type` field: inferred
    CHECK(*f.selected_altitude_m == Approx(40992 * 0.3048));
    // Fix time is now - seen_pos, from the document's own clock.
    CHECK(to_unix_seconds(f.fix_time) == Approx(1785349721.5 - 5.9).margin(1e-6));
    CHECK(to_unix_seconds(find(r, "407462").fix_time) == Approx(1785349721.5 - 61.1).margin(1e-6));
    CHECK(find(r, "400b83").callsign.empty());
}

TEST_CASE("adsb.lol point reply (now in milliseconds)", "[flights]") {
    const ParseResult r = parse_flights(read_sample("adsb-lol-v2-point-response-truncated.json"));
    REQUIRE(r.ok());
    CHECK(r.format == Format::ReadsbApi);
    CHECK(r.entries == 19);
    CHECK(r.fixes.size() == 19);
    CHECK(r.problems.empty());
    CHECK(to_unix_seconds(*r.document_time) == Approx(1791289775.5).margin(1e-6));
    const Fix& a = find(r, "400b03");
    CHECK(a.source_type == SourceType::AdsbIcaoNt);
    CHECK(a.feed == Feed::ReadsbApi);
    CHECK(a.registration == "G-CPSS");
    CHECK(a.aircraft_type == "C208");
    CHECK(to_unix_seconds(a.fix_time) == Approx(1791289775.5).margin(1e-6));
    SECTION("alt_baro \"ground\"") {
        const Fix& g = find(r, "4010ee");
        CHECK(g.on_ground);
        CHECK(to_unix_seconds(g.fix_time) == Approx(1791289775.5 - 0.469).margin(1e-6));
    }
    SECTION("MLAT entries have baro altitude only") {
        const Fix& m = find(r, "407bee");
        CHECK(m.source_type == SourceType::Mlat);
        CHECK(m.altitude_kind == AltitudeKind::Barometric);
        CHECK(m.altitude_m == Approx(1400 * 0.3048));
        CHECK(m.vertical_rate_mps == Approx(2427 * 0.00508));
        CHECK_FALSE(m.nac_p);
        // no gs/track at all
        CHECK_FALSE(find(r, "43c4c4").ground_speed_mps);
    }
    CHECK(find(r, "400be8").callsign == "@GER@@D@");  // garbled, kept as is
}

TEST_CASE("adsb.fi v2 (aircraft array, now in seconds)", "[flights]") {
    const ParseResult r =
        parse_flights(read_sample("adsb-fi-opendata-v2-lat-lon-dist-response.json"));
    REQUIRE(r.ok());
    CHECK(r.format == Format::AdsbFiV2);
    CHECK(r.fixes.size() == 8);
    const Fix& f = find(r, "501c15");
    CHECK(f.feed == Feed::AdsbFi);
    CHECK(to_unix_seconds(f.fix_time) == Approx(1791194498.002 - 23.768).margin(1e-5));
    CHECK(f.altitude_m == Approx(10250 * 0.3048));
    CHECK(f.vertical_rate_mps == Approx(2688 * 0.00508));  // only baro_rate present
    CHECK(f.callsign == "CFG5XZ");
}

TEST_CASE("seconds vs milliseconds is decided by magnitude", "[flights]") {
    const std::string entry =
        R"({"hex":"ABC123","lat":51,"lon":0,"alt_geom":30000,"gs":400,"track":90,"seen_pos":1.5})";
    const ParseResult s = parse_flights(R"({"now":1700000000.5,"ac":[)" + entry + "]}");
    const ParseResult ms = parse_flights(R"({"now":1700000000500,"aircraft":[)" + entry + "]}");
    REQUIRE(s.fixes.size() == 1);
    REQUIRE(ms.fixes.size() == 1);
    CHECK(s.fixes[0].fix_time == ms.fixes[0].fix_time);
    CHECK(to_unix_seconds(s.fixes[0].fix_time) == Approx(1699999999.0).margin(1e-6));
    CHECK(s.fixes[0].icao24 == "abc123");
}

TEST_CASE("bad entries are skipped with a problem naming the field", "[flights]") {
    const ParseResult r = parse_flights(R"({"now":1700000000,"ac":[
        {"hex":"aaaaaa","lat":51,"lon":0,"alt_geom":30000,"gs":400,"track":90},
        {"hex":"bbbbbb","lat":"51.2","lon":0,"alt_geom":30000},
        {"hex":"cccccc","lat":51,"lon":0,"alt_baro":"high"},
        7,
        {"lat":51,"lon":0,"alt_geom":1},
        {"hex":"dddddd","lat":51,"lon":0,"alt_geom":30000,"nac_p":"x"},
        {"hex":"eeeeee","lat":51,"lon":0},
        {"hex":"ffffff","lat":95,"lon":0,"alt_geom":1},
        {"hex":"~1a2b3c","lat":51,"lon":0,"alt_baro":1000,"lastPosition":{"lat":1}},
        {"hex":"010101","lastPosition":{"lat":51,"lon":0,"seen_pos":70}}
    ]})");
    REQUIRE(r.ok());
    CHECK(r.entries == 10);
    REQUIRE(r.fixes.size() == 2);
    CHECK(r.fixes[0].icao24 == "aaaaaa");
    CHECK(r.fixes[1].icao24 == "~1a2b3c");
    CHECK(r.fixes[1].source_type == SourceType::Unknown);
    CHECK(r.without_position == 1);
    REQUIRE(r.problems.size() == 7);
    CHECK(r.problems[0].text() == "ac[1].lat: expected number");
    CHECK(r.problems[1].text() == "ac[2].alt_baro: expected number or \"ground\"");
    CHECK(r.problems[2].text() == "ac[3]: expected object");
    CHECK(r.problems[3].text() == "ac[4].hex: missing");
    CHECK(r.problems[4].text() == "ac[5].nac_p: expected integer");
    CHECK(r.problems[5].where == "ac[6].alt_baro");
    CHECK(r.problems[6].text() == "ac[7].lat: out of range");
}

TEST_CASE("wholly malformed documents give one clear error", "[flights]") {
    CHECK_FALSE(parse_flights("{not json").ok());
    CHECK(parse_flights("{not json").error.starts_with("not valid JSON"));
    CHECK(parse_flights("[1,2,3]").error.starts_with("unrecognised flight data"));
    CHECK(parse_flights(R"({"hello":1})").error.starts_with("unrecognised"));
    CHECK(parse_flights(R"({"aircraft":[]})").error == "now: expected number (the feed's clock)");
    CHECK(parse_flights(R"({"now":1,"ac":{}})").error == "ac: expected array");
    CHECK(parse_flights("").error.starts_with("not valid JSON"));
    // An empty sky is not an error.
    const ParseResult empty = parse_flights(R"({"ac":[],"total":0,"now":1791289775500})");
    CHECK(empty.ok());
    CHECK(empty.fixes.empty());
}
