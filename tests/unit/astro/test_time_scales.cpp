// UTC -> TAI -> TT through ERFA's leap-second table, and UT1 = UTC + dut1.
#include <catch2/catch.hpp>

#include "astro/time_scales.h"

using namespace zc::astro;
using namespace std::chrono_literals;

namespace {
zc::UtcTime at(const char* iso) {
    return *zc::parse_iso8601(iso);
}
double seconds_between(JulianDate a, JulianDate b) {
    return ((a.jd1 - b.jd1) + (a.jd2 - b.jd2)) * 86400.0;
}
}  // namespace

TEST_CASE("TAI-UTC follows the leap-second table", "[astro][time]") {
    CHECK(tai_minus_utc_s(at("2016-12-31T23:59:59Z")) == 36.0);
    CHECK(tai_minus_utc_s(at("2017-01-01T00:00:00Z")) == 37.0);
    CHECK(tt_minus_utc_s(at("2024-06-21T18:00:00Z")) == Approx(69.184).margin(1e-12));
    CHECK(tai_minus_utc_s(at("1972-01-01T00:00:00Z")) == 10.0);
    // Before 1972 UTC drifted: 4.2131700 s + (MJD - 39126) * 0.002592 s (1968-02-01 .. 1972).
    const double mjd = 40422.0 + (8 * 3600 + 18 * 60) / 86400.0;
    CHECK(tai_minus_utc_s(at("1969-07-20T08:18:00Z")) ==
          Approx(4.2131700 + (mjd - 39126) * 0.002592).margin(1e-6));
}

TEST_CASE("TT runs through a leap second", "[astro][time]") {
    // One Unix second across the 2016-12-31 leap second is two SI seconds of TT.
    const JulianDate before = tt_jd(at("2016-12-31T23:59:59Z"));
    const JulianDate after = tt_jd(at("2017-01-01T00:00:00Z"));
    CHECK(seconds_between(after, before) == Approx(2.0).margin(1e-6));
    // An ordinary day.
    CHECK(seconds_between(tt_jd(at("2024-03-02T00:00:00Z")), tt_jd(at("2024-03-01T00:00:00Z"))) ==
          Approx(86400.0).margin(1e-6));
    // TT - UTC in the JD itself.
    const auto t = at("2024-06-21T18:00:00Z");
    const JulianDate u = utc_jd(t);
    CHECK(seconds_between(tt_jd(t), u) == Approx(69.184).margin(1e-6));
}

TEST_CASE("UTC quasi-JD on a leap-second day has 86401 s", "[astro][time]") {
    const JulianDate noon = utc_jd(at("2016-12-31T12:00:00Z"));
    CHECK(noon.jd1 == 2457753.5);
    CHECK(noon.jd2 == Approx(43200.0 / 86401.0).epsilon(1e-12));
    CHECK(utc_jd(at("2016-12-30T12:00:00Z")).jd2 == Approx(0.5).epsilon(1e-12));
}

TEST_CASE("UTC <-> JD and TT round trips", "[astro][time]") {
    for (const char* iso :
         {"1969-07-20T08:18:00.123Z", "2016-12-31T23:59:59.999Z", "2017-01-01T00:00:00Z",
          "2024-06-21T18:00:00.5Z", "2038-01-19T03:14:08Z"}) {
        const auto t = at(iso);
        INFO(iso);
        CHECK(std::chrono::abs(utc_from_jd(utc_jd(t)) - t) <= 1us);
        CHECK(std::chrono::abs(utc_from_tt_jd(tt_jd(t)) - t) <= 1us);
    }
}

TEST_CASE("UT1 = UTC + dut1 in every era", "[astro][time]") {
    for (const char* iso : {"1969-07-20T20:18:00Z", "2024-06-21T18:00:00Z"}) {
        const auto t = at(iso);
        for (double dut1 : {-0.7, 0.0, 0.3}) {
            CHECK(seconds_between(ut1_jd(t, dut1), utc_jd(t)) == Approx(dut1).margin(1e-6));
        }
    }
    // Earth rotation follows UT1: 1 s of dut1 = 15.041" of ERA.
    const auto t = at("2024-06-21T18:00:00Z");
    const double d = earth_rotation_angle_deg(t, 1.0) - earth_rotation_angle_deg(t, 0.0);
    CHECK(d * 3600 == Approx(15.0411).margin(1e-3));
}
