#include "astro/time_scales.h"

#include <erfa.h>

#include <chrono>
#include <cmath>

namespace zc::astro {

namespace {

constexpr double kRad2Deg = 57.29577951308232087679815;

struct Civil {
    int year;
    int month;
    int day;
    int hour;
    int minute;
    double second;  // with the microseconds
};

Civil civil(UtcTime t) {
    using namespace std::chrono;
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const auto us = (t - day).count();  // microseconds into the day, 0 .. 86'399'999'999
    const auto hour = us / 3'600'000'000LL;
    const auto minute = (us / 60'000'000LL) % 60;
    const double second = static_cast<double>(us % 60'000'000LL) * 1e-6;
    return {int(ymd.year()),
            static_cast<int>(unsigned(ymd.month())),
            static_cast<int>(unsigned(ymd.day())),
            static_cast<int>(hour),
            static_cast<int>(minute),
            second};
}

double wrap_deg(double rad) {
    return eraAnp(rad) * kRad2Deg;
}

}  // namespace

JulianDate utc_jd(UtcTime t) {
    const Civil c = civil(t);
    JulianDate jd;
    // Fails only for years before -4799; UtcTime cannot get there in practice.
    eraDtf2d("UTC", c.year, c.month, c.day, c.hour, c.minute, c.second, &jd.jd1, &jd.jd2);
    return jd;
}

UtcTime utc_from_jd(JulianDate utc) {
    using namespace std::chrono;
    int y = 0, m = 0, d = 0;
    int hmsf[4] = {0, 0, 0, 0};
    eraD2dtf("UTC", 6, utc.jd1, utc.jd2, &y, &m, &d, hmsf);
    if (hmsf[2] >= 60) {  // inside a leap second: Unix time has no such instant
        hmsf[2] = 59;
        hmsf[3] = 999'999;
    }
    const sys_days day{year{y} / month{static_cast<unsigned>(m)} / static_cast<unsigned>(d)};
    return UtcTime{day} + hours{hmsf[0]} + minutes{hmsf[1]} + seconds{hmsf[2]} +
           microseconds{hmsf[3]};
}

double tai_minus_utc_s(UtcTime t) {
    const Civil c = civil(t);
    const double fd = ((c.hour * 60.0 + c.minute) * 60.0 + c.second) / 86400.0;
    double dat = 0;
    eraDat(c.year, c.month, c.day, fd, &dat);  // status 1 (pre-1960, far future) still sets dat
    return dat;
}

double tt_minus_utc_s(UtcTime t) {
    return tai_minus_utc_s(t) + 32.184;
}

JulianDate tai_jd(UtcTime t) {
    const JulianDate u = utc_jd(t);
    JulianDate tai;
    eraUtctai(u.jd1, u.jd2, &tai.jd1, &tai.jd2);
    return tai;
}

JulianDate tt_jd(UtcTime t) {
    const JulianDate tai = tai_jd(t);
    JulianDate tt;
    eraTaitt(tai.jd1, tai.jd2, &tt.jd1, &tt.jd2);
    return tt;
}

JulianDate ut1_jd(UtcTime t, double dut1_s) {
    // Via TAI with TAI-UTC at t itself: eraUtcut1 takes TAI-UTC at 0h, which before 1972 (when
    // UTC drifted against TAI) would make UT1 - UTC differ from dut1 by up to 2.6 ms.
    const JulianDate tai = tai_jd(t);
    JulianDate ut1;
    eraTaiut1(tai.jd1, tai.jd2, dut1_s - tai_minus_utc_s(t), &ut1.jd1, &ut1.jd2);
    return ut1;
}

UtcTime utc_from_tt_jd(JulianDate tt) {
    JulianDate tai, utc;
    eraTttai(tt.jd1, tt.jd2, &tai.jd1, &tai.jd2);
    eraTaiutc(tai.jd1, tai.jd2, &utc.jd1, &utc.jd2);
    return utc_from_jd(utc);
}

double earth_rotation_angle_deg(UtcTime t, double dut1_s) {
    const JulianDate u = ut1_jd(t, dut1_s);
    return wrap_deg(eraEra00(u.jd1, u.jd2));
}

double greenwich_mean_sidereal_deg(UtcTime t, double dut1_s) {
    const JulianDate u = ut1_jd(t, dut1_s);
    const JulianDate tt = tt_jd(t);
    return wrap_deg(eraGmst06(u.jd1, u.jd2, tt.jd1, tt.jd2));
}

double greenwich_apparent_sidereal_deg(UtcTime t, double dut1_s) {
    const JulianDate u = ut1_jd(t, dut1_s);
    const JulianDate tt = tt_jd(t);
    return wrap_deg(eraGst06a(u.jd1, u.jd2, tt.jd1, tt.jd2));
}

}  // namespace zc::astro
