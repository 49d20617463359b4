// The single-scan readsb parser against the DOM parser: wherever the fast path answers, its
// result must equal the DOM's field for field; where it declines, the DOM decides. Real samples,
// hand-made edge cases, and a few thousand seeded mutations of a real aircraft.json.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>

#include "flights/parsers.h"
#include "flights/readsb_fast.h"
#include "flights_diff.h"
#include "samples.h"

using namespace zc;
using namespace zc::flights;
using nlohmann::json;

namespace {

bool is_readsb(Format f) {
    return f == Format::ReadsbAircraftJson || f == Format::ReadsbApi || f == Format::AdsbFiV2;
}

/// The DOM parser alone; nullopt when it would not reach parse_readsb (not JSON, or in detect
/// mode another format).
std::optional<ParseResult> dom(std::string_view text, FastMode mode) {
    const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded())
        return std::nullopt;
    if (mode == FastMode::kDetect && !is_readsb(detect_format(doc)))
        return std::nullopt;
    return parse_readsb(doc);
}

/// Checks the fast path against the DOM; returns whether the fast path answered.
bool agrees(std::string_view text, FastMode mode) {
    const auto fast = parse_readsb_fast(text, mode);
    const auto ref = dom(text, mode);
    INFO(text.substr(0, 400));
    if (!fast)
        return false;
    REQUIRE(ref);  // it answered for a document the DOM refuses
    CHECK(zc::test::flights_difference(*fast, *ref) == "");
    return true;
}

}  // namespace

TEST_CASE("the fast readsb parser answers for every real sample exactly as the DOM", "[flights]") {
    for (const char* name :
         {"readsb-aircraft-json-local.json", "adsb-lol-v2-point-response-truncated.json",
          "adsb-fi-opendata-v2-lat-lon-dist-response.json"}) {
        INFO(name);
        const std::string text = read_sample(name);
        CHECK(agrees(text, FastMode::kReadsb));
        CHECK(agrees(text, FastMode::kDetect));
        const auto r = parse_flights(text);
        CHECK(r.ok());
        CHECK_FALSE(r.fixes.empty());
    }
}

TEST_CASE("the fast readsb parser declines other formats in detect mode", "[flights]") {
    for (const char* name : {"opensky-states-all-bbox-2021-03-07.json",
                             "flightaware-aeroapi-flights-search-2024-07-10.json"}) {
        INFO(name);
        const std::string text = read_sample(name);
        CHECK_FALSE(parse_readsb_fast(text, FastMode::kDetect));
        CHECK(parse_flights(text).format != Format::ReadsbAircraftJson);
    }
}

TEST_CASE("the fast readsb parser on edge cases it answers", "[flights]") {
    const char* answered[] = {
        R"({"now":1700000000,"aircraft":[{"hex":"ABC123","lat":1,"lon":2,"alt_baro":"ground"}]})",
        // `now` after the array, in milliseconds (the readsb APIs)
        R"({"ac":[{"hex":"abc123","lat":51.5,"lon":-0.1,"alt_geom":35000,"seen_pos":1.5}],)"
        R"("now":1700000000123,"msg":"No error"})",
        // wrong types name the field; non-objects in the array
        R"({"now":1.7e9,"aircraft":[{"hex":"a","lat":"x","lon":2},7,[],{"hex":5,"lat":1,"lon":1}]})",
        // "None" and null are absent; an entry without position
        R"({"now":1700000000,"aircraft":[{"hex":"a","lat":null,"lon":"None"},)"
        R"({"hex":"b","lat":1,"lon":2,"alt_baro":30000,"flight":"None","gs":null}]})",
        // mlat and tisb lists, type precedence, calc_track, rates, nav altitudes
        R"({"now":1700000000,"aircraft":[{"hex":"c","lat":1,"lon":2,"alt_baro":100,)"
        R"("mlat":["lat","lon"],"calc_track":12.5,"baro_rate":-640,"nav_altitude_fms":30000},)"
        R"({"hex":"d","lat":1,"lon":2,"alt_baro":100,"tisb":[1,"lon",{"x":[]}],"track_rate":0.5},)"
        R"({"hex":"~e","lat":1,"lon":2,"alt_baro":100,"type":"adsr_icao","geom_rate":64}]})",
        // integers: 3.0 is an integer, 3.5 and a string are not
        R"({"now":1700000000,"aircraft":[{"hex":"f","lat":1,"lon":2,"alt_baro":1,"nac_p":3.0},)"
        R"({"hex":"g","lat":1,"lon":2,"alt_baro":1,"nac_v":3.5},)"
        R"({"hex":"h","lat":1,"lon":2,"alt_baro":1,"nac_p":"9"}]})",
        // a repeated key: the last one counts
        R"({"now":1700000000,"aircraft":[{"hex":"i","lat":1,"lat":3,"lon":2,"alt_baro":"x",)"
        R"("alt_baro":5}]})",
        // out of range, negative age, missing altitude, one coordinate
        R"({"now":1700000000,"aircraft":[{"hex":"j","lat":91,"lon":2,"alt_baro":1},)"
        R"({"hex":"k","lat":1,"lon":2,"alt_baro":1,"seen_pos":-1},{"hex":"l","lat":1,"lon":2},)"
        R"({"hex":"m","lat":1},{"lat":1,"lon":2,"alt_baro":1}]})",
        // adsb.fi v2 (resultCount after the array), an empty sky, no array at all
        R"({"aircraft":[{"hex":"n","lat":1,"lon":2,"alt_baro":1}],"resultCount":1,"now":1700000000})",
        R"({"now":1700000000,"aircraft":null})",
        R"({"now":1700000000,"ac":[]})",
        R"( { "now" : 1700000000 , "aircraft" : [ { } ] } )",
        R"({"now":-0,"aircraft":[{"hex":"o","lat":-0.0,"lon":0E0,"alt_baro":1E2}]})",
    };
    for (const char* text : answered)
        CHECK(agrees(text, FastMode::kReadsb));
    CHECK_FALSE(parse_readsb_fast(R"({"now":1700000000})", FastMode::kDetect));
    CHECK(agrees(R"({"now":1700000000})", FastMode::kReadsb));
}

TEST_CASE("the fast readsb parser leaves the rest to the DOM and its error texts", "[flights]") {
    const char* declined[] = {
        R"({"now":1700000000,"aircraft":[{"hex":"a\u0062c","lat":1,"lon":2,"alt_baro":1}]})",
        R"({"now":1700000000,"aircraft":[{"hex":"abc","flight":"Z\u00fcrich","lat":1,"lon":2}]})",
        R"({"now":1700000000,"aircraft":[],"x":1e3000})",
        R"({"now":1700000000,"aircraft":[]} trailing)",
        R"({"now":1700000000,"aircraft":[],})",
        R"({"now":01,"aircraft":[]})",
        R"({"now":"1700000000","aircraft":[]})",
        R"({"aircraft":[]})",
        R"({"now":1700000000,"now":1700000001,"aircraft":[]})",
        R"({"now":1700000000,"aircraft":5})",
        R"({"now":1e300,"aircraft":[]})",
        R"([1,2,3])",
        "",
        "\xef\xbb\xbf{\"now\":1,\"aircraft\":[]}",
        "{\"now\":1700000000,\"aircraft\":[{\"flight\":\"A\tB\"}]}",
    };
    for (const char* text : declined) {
        INFO(text);
        CHECK_FALSE(parse_readsb_fast(text, FastMode::kReadsb));
    }
    // Deep nesting is declined too (the DOM parser still answers).
    std::string deep = R"({"now":1700000000,"aircraft":[{"hex":"a","x":)";
    deep += std::string(100, '[') + std::string(100, ']') + "}]}";
    CHECK_FALSE(parse_readsb_fast(deep, FastMode::kReadsb));
    CHECK(parse_readsb(std::string_view(deep)).ok());
    // The public entry points still give the DOM's words.
    CHECK(parse_readsb(std::string_view(declined[2])).error.starts_with("not valid JSON"));
    CHECK(parse_readsb(std::string_view(declined[6])).error ==
          "now: expected number (the feed's clock)");
    CHECK(parse_readsb(std::string_view(declined[9])).error == "aircraft: expected array");
    const auto escaped = parse_readsb(std::string_view(declined[0]));
    REQUIRE(escaped.fixes.size() == 1);
    CHECK(escaped.fixes[0].icao24 == "abc");
}

TEST_CASE("seeded mutations of a real aircraft.json: the fast path never disagrees", "[flights]") {
    const std::string base = read_sample("readsb-aircraft-json-local.json");
    std::mt19937 rng(20261204);
    const std::string alphabet = "{}[]\",:0123456789.eE-+ntfulrs \\\x01\x80";
    std::size_t answered = 0, declined = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string doc = base;
        const int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits; ++e) {
            const std::size_t at = rng() % doc.size();
            switch (rng() % 3) {
                case 0:
                    doc[at] = alphabet[rng() % alphabet.size()];
                    break;
                case 1:
                    doc.erase(at, 1 + rng() % 8);
                    break;
                default:
                    doc.insert(at, 1, alphabet[rng() % alphabet.size()]);
            }
        }
        const FastMode mode = round % 2 ? FastMode::kDetect : FastMode::kReadsb;
        if (agrees(doc, mode))
            ++answered;
        else
            ++declined;
    }
    // Both paths must have been exercised for the comparison to mean anything.
    CHECK(answered > 300);
    CHECK(declined > 300);
}

TEST_CASE("numbers of every length and exponent convert exactly as the DOM's", "[flights]") {
    std::mt19937_64 rng(42);
    auto digits = [&](int n) {
        std::string s;
        for (int i = 0; i < n; ++i)
            s += static_cast<char>('0' + rng() % 10);
        return s;
    };
    auto decimal = [&](int max_int_digits) {
        std::string s = rng() % 4 == 0 ? "-" : "";
        const int int_digits = static_cast<int>(rng() % static_cast<unsigned>(max_int_digits));
        s += int_digits == 0 ? "0" : std::to_string(1 + rng() % 9) + digits(int_digits - 1);
        if (rng() % 4 != 0)
            s += "." + digits(1 + static_cast<int>(rng() % 20));
        if (rng() % 5 == 0)
            s += std::string(rng() % 2 ? "e" : "E") + (rng() % 2 ? "-" : "+") +
                 std::to_string(rng() % 40);
        return s;
    };
    std::string doc = R"({"now":1700000000,"aircraft":[)";
    for (int i = 0; i < 3000; ++i) {
        if (i)
            doc += ",";
        doc += R"({"hex":"a","lat":)" + decimal(3) + R"(,"lon":)" + decimal(3) + R"(,"alt_baro":)" +
               decimal(6) + R"(,"gs":)" + decimal(4) + R"(,"seen_pos":0.)" + digits(3) + "}";
    }
    doc += "]}";
    REQUIRE(agrees(doc, FastMode::kReadsb));
    CHECK(parse_readsb_fast(doc, FastMode::kReadsb)->entries == 3000);
}
