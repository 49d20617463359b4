#pragma once
// Time scales for the astronomy code. The product keeps UTC (zc::UtcTime, Unix epoch, no leap
// seconds); ERFA wants two-part Julian dates in UTC, TT and UT1. TAI-UTC comes from ERFA's built-in
// leap-second table (eraDat), so TT = UTC + (TAI-UTC) + 32.184 s; UT1 = UTC + dut1.
#include "time/clock.h"

namespace zc::astro {

/// A two-part Julian date as ERFA uses it: jd1 is the JD of 0h of the day, jd2 the fraction.
struct JulianDate {
    double jd1 = 0;
    double jd2 = 0;
    double jd() const { return jd1 + jd2; }
};

/// ERFA's UTC "quasi Julian date" (on a leap-second day the fraction is seconds / 86401).
JulianDate utc_jd(UtcTime t);
/// Back from ERFA's UTC quasi-JD. A time inside a leap second (23:59:60.x) has no Unix
/// representation and maps to the last microsecond of 23:59:59.
UtcTime utc_from_jd(JulianDate utc);

/// TAI - UTC in seconds at t (37 s since 2017; fractional drift values 1960-1972; 0 before 1960).
double tai_minus_utc_s(UtcTime t);
/// TT - UTC in seconds (69.184 s since 2017).
double tt_minus_utc_s(UtcTime t);

JulianDate tai_jd(UtcTime t);
JulianDate tt_jd(UtcTime t);
/// UT1 = UTC + dut1 (dut1 from IERS Bulletin A, |dut1| < 0.9 s; 0 costs at most 13.5").
JulianDate ut1_jd(UtcTime t, double dut1_s);
/// The UTC instant of a TT Julian date (microsecond resolution), e.g. for published vectors.
UtcTime utc_from_tt_jd(JulianDate tt);

/// Earth rotation angle (IAU 2000), degrees in [0, 360).
double earth_rotation_angle_deg(UtcTime t, double dut1_s);
/// Greenwich mean sidereal time (IAU 2006), degrees in [0, 360).
double greenwich_mean_sidereal_deg(UtcTime t, double dut1_s);
/// Greenwich apparent sidereal time (IAU 2006/2000A), degrees in [0, 360).
double greenwich_apparent_sidereal_deg(UtcTime t, double dut1_s);

}  // namespace zc::astro
