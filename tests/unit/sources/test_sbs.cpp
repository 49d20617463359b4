// SBS-1 BaseStation lines (port 30003) and the per-ICAO assembler.
#include <catch2/catch.hpp>

#include "flights/parse_sbs.h"
#include "flights/units.h"

using namespace zc;
using namespace zc::flights;
using namespace std::chrono_literals;

namespace {

UtcTime at(const char* iso) {
    return *parse_iso8601(iso);
}

// As dump1090-fa writes them (fields 7-8 = reception time, local zone; 22 fields).
constexpr const char* kIdent =
    "MSG,1,1,1,4CA2D6,1,2026/03/14,12:00:00.100,2026/03/14,12:00:00.105,RYR12AB ,,,,,,,,0,0,0,0";
constexpr const char* kPosition =
    "MSG,3,1,1,4CA2D6,1,2026/03/14,12:00:00.500,2026/03/14,12:00:00.505,,36000,,,51.45735,"
    "-1.02826,,,0,0,0,0";
constexpr const char* kVelocity =
    "MSG,4,1,1,4CA2D6,1,2026/03/14,12:00:00.700,2026/03/14,12:00:00.703,,,451,92.5,,,-64,,0,0,0,"
    "0";
constexpr const char* kPosition2 =
    "MSG,3,1,1,4CA2D6,1,2026/03/14,12:00:01.000,2026/03/14,12:00:01.004,,36025,,,51.45735,"
    "-1.02100,,,0,0,0,0";

}  // namespace

TEST_CASE("SBS lines: fields by position", "[sources]") {
    std::string err;
    auto m = parse_sbs_line(kPosition, &err);
    REQUIRE(m);
    CHECK(err.empty());
    CHECK(m->type == 3);
    CHECK(m->icao24 == "4ca2d6");
    CHECK(m->generated == at("2026-03-14T12:00:00.500Z"));
    CHECK(m->altitude_ft == Approx(36000));
    CHECK(m->lat_deg == Approx(51.45735));
    CHECK(m->lon_deg == Approx(-1.02826));
    CHECK_FALSE(m->ground_speed_kt);
    CHECK(m->on_ground == false);

    m = parse_sbs_line(kVelocity, &err);
    REQUIRE(m);
    CHECK(m->type == 4);
    CHECK(m->ground_speed_kt == Approx(451));
    CHECK(m->track_deg == Approx(92.5));
    CHECK(m->vertical_rate_fpm == Approx(-64));
    CHECK_FALSE(m->lat_deg);

    m = parse_sbs_line(kIdent, &err);
    REQUIRE(m);
    CHECK(m->callsign == "RYR12AB");

    // Lines that are not MSG are not errors; they carry nothing for us.
    CHECK_FALSE(parse_sbs_line("STA,,5,179,400AE7,10103,2008/11/28,14:58:51.153,,,RM", &err));
    CHECK(err.empty());
    CHECK_FALSE(parse_sbs_line("", &err));
    CHECK(err.empty());
    // A line that ends early (dump1090 omits the trailing flags of some types) is fine.
    CHECK(parse_sbs_line("MSG,8,1,1,4CA2D6,1,2026/03/14,12:00:00.100,2026/03/14,12:00:00.105,",
                         &err));
    // readsb writes '-' date separators in some builds.
    CHECK(parse_sbs_time("2026-03-14", "12:00:00.5") == at("2026-03-14T12:00:00.500Z"));
}

TEST_CASE("SBS lines: malformed ones name the field", "[sources]") {
    std::string err;
    CHECK_FALSE(parse_sbs_line("MSG,9,1,1,4CA2D6,1,2026/03/14,12:00:00.100,,", &err));
    CHECK(err == "field 2 (transmission type): expected 1..8");
    CHECK_FALSE(parse_sbs_line("MSG,3,1,1,4CA2Z6,1,2026/03/14,12:00:00.100,,", &err));
    CHECK(err == "field 5 (hex ident): expected 6 hex digits");
    CHECK_FALSE(parse_sbs_line("MSG,3,1,1,4CA2D6,1,2026/13/14,12:00:00.100,,", &err));
    CHECK(err == "field 7 (date generated): expected YYYY/MM/DD,HH:MM:SS.mmm");
    CHECK_FALSE(parse_sbs_line(
        "MSG,3,1,1,4CA2D6,1,2026/03/14,12:00:00.100,,,,36000,,,51.4x,-1.0,,,0,0,0,0", &err));
    CHECK(err == "field 15 (latitude): expected number");
    CHECK_FALSE(parse_sbs_line(
        "MSG,3,1,1,4CA2D6,1,2026/03/14,12:00:00.100,,,,36000,,,95.0,-1.0,,,0,0,0,0", &err));
    CHECK(err == "field 15 (latitude): out of range");
    CHECK_FALSE(parse_sbs_line(
        "MSG,3,1,1,4CA2D6,1,2026/03/14,12:00:00.100,,,,36000,,,51.0,,,,0,0,0,0", &err));
    CHECK(err == "field 16 (longitude): missing while the other coordinate is present");
    CHECK_FALSE(parse_sbs_line("MSG,3,1,1,4CA2D6", &err));
    CHECK(err.find("line cut short") != std::string::npos);
}

TEST_CASE("SBS time: the zone comes from our clock, the milliseconds from the line", "[sources]") {
    const UtcTime line_time = at("2026-03-14T12:00:00.500Z");  // as written, zone unknown
    // Receiver in UTC (readsb), 80 ms latency.
    CHECK(sbs_fix_time(line_time, at("2026-03-14T12:00:00.580Z")) == line_time);
    // Receiver on local time UTC+1 (dump1090-fa in London in summer): the line says 12:00
    // and our UTC clock says 11:00:00.58.
    CHECK(sbs_fix_time(line_time, at("2026-03-14T11:00:00.580Z")) ==
          at("2026-03-14T11:00:00.500Z"));
    // UTC+5:45 (Nepal).
    CHECK(sbs_fix_time(line_time, at("2026-03-14T06:15:00.900Z")) ==
          at("2026-03-14T06:15:00.500Z"));
    // A receiver clock 3 minutes slow is not hidden: its fixes come out 3 minutes old.
    CHECK(sbs_fix_time(line_time, at("2026-03-14T12:03:00.000Z")) == line_time);
}

TEST_CASE("SBS assembler: a fix needs a position and a velocity", "[sources]") {
    SbsAssembler a;
    const UtcTime rx = at("2026-03-14T12:00:00.600Z");
    CHECK_FALSE(a.add_line(kIdent, rx));
    CHECK_FALSE(a.add_line(kPosition, rx));      // no velocity yet
    auto f = a.add_line(kVelocity, rx + 200ms);  // completes the waiting position
    REQUIRE(f);
    CHECK(f->icao24 == "4ca2d6");
    CHECK(f->callsign == "RYR12AB");
    CHECK(f->fix_time == at("2026-03-14T12:00:00.500Z"));  // the position's time
    CHECK(f->altitude_kind == AltitudeKind::Barometric);
    CHECK(f->altitude_m == Approx(36000 * 0.3048));
    CHECK(*f->ground_speed_mps == Approx(451 * 1852.0 / 3600.0));
    CHECK(*f->track_deg == Approx(92.5));
    CHECK(f->vertical_rate_mps == Approx(-64 * 0.3048 / 60));
    CHECK(f->lat_deg == Approx(51.45735));
    CHECK_FALSE(f->on_ground);
    // The velocity is not emitted again with the same position.
    CHECK_FALSE(a.add_line(kVelocity, rx + 300ms));
    // The next position comes out at once.
    f = a.add_line(kPosition2, at("2026-03-14T12:00:01.050Z"));
    REQUIRE(f);
    CHECK(f->fix_time == at("2026-03-14T12:00:01.000Z"));
    CHECK(f->lon_deg == Approx(-1.021));
    CHECK(f->altitude_m == Approx(36025 * 0.3048));
    // The same line again (a relay duplicating) is never fed twice.
    CHECK_FALSE(a.add_line(kPosition2, at("2026-03-14T12:00:01.060Z")));
    CHECK(a.aircraft() == 1);
    CHECK(a.malformed() == 0);
}

TEST_CASE("SBS assembler: stale velocity, altitude from MSG 5, surface, expiry", "[sources]") {
    SbsAssembler a;
    const UtcTime rx = at("2026-03-14T12:00:30.000Z");
    // A velocity 29 s older than the position is not combined with it.
    REQUIRE_FALSE(a.add_line(
        "MSG,4,1,1,3C6586,1,2026/03/14,12:00:01.000,2026/03/14,12:00:01.000,,,400,10,,,0,,0,0,0,0",
        rx));
    CHECK_FALSE(a.add_line(
        "MSG,3,1,1,3C6586,1,2026/03/14,12:00:30.000,2026/03/14,12:00:30.000,,20000,,,50.0,8.0,,,"
        "0,0,0,0",
        rx));
    // Position without altitude takes a recent MSG,5 altitude.
    REQUIRE_FALSE(a.add_line(
        "MSG,5,1,1,3C6587,1,2026/03/14,12:00:29.000,2026/03/14,12:00:29.000,,12000,,,,,,,0,,0,0",
        rx));
    REQUIRE_FALSE(a.add_line(
        "MSG,4,1,1,3C6587,1,2026/03/14,12:00:29.500,2026/03/14,12:00:29.500,,,300,180,,,512,,0,0,0,"
        "0",
        rx));
    auto f = a.add_line(
        "MSG,3,1,1,3C6587,1,2026/03/14,12:00:30.000,2026/03/14,12:00:30.000,,,,,50.1,8.1,,,0,0,0,0",
        rx);
    REQUIRE(f);
    CHECK(f->altitude_m == Approx(12000 * 0.3048));
    CHECK(f->vertical_rate_mps == Approx(512 * 0.3048 / 60));
    // MSG,2 (surface) carries its own speed and track and is on the ground.
    f = a.add_line(
        "MSG,2,1,1,4CA123,1,2026/03/14,12:00:30.000,2026/03/14,12:00:30.000,,,12,271,51.47,-0.45,,,"
        "0,0,0,-1",
        rx);
    REQUIRE(f);
    CHECK(f->on_ground);
    CHECK(*f->track_deg == Approx(271));
    // Malformed lines are counted with the last problem.
    CHECK_FALSE(a.add_line("MSG,3,1,1,4CA2D6,1,2026/03/14,xx,,", rx));
    CHECK(a.malformed() == 1);
    CHECK(a.last_problem().find("field 8") == std::string::npos);  // date fails first
    CHECK(a.last_problem().find("field 7") != std::string::npos);
    CHECK(a.aircraft() == 3);
    a.expire(rx + 61s);
    CHECK(a.aircraft() == 0);
    // A line without its time fields is timed by arrival, and counted.
    REQUIRE_FALSE(a.add_line("MSG,4,1,1,4CA999,1,,,,,,,400,10,,,0,,0,0,0,0", rx));
    f = a.add_line("MSG,3,1,1,4CA999,1,,,,,,30000,,,50.0,1.0,,,0,0,0,0", rx + 100ms);
    REQUIRE(f);
    CHECK(f->fix_time == rx + 100ms);
    CHECK(a.receipt_timed() == 2);
}
