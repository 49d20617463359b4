// Meeus, Astronomical Algorithms 2nd ed. (reference doc 6.1). Meeus uses west-positive
// longitudes and south-based azimuths; converted here. TD is taken as TT.
#include <catch2/catch.hpp>

#include <erfa.h>
#include <erfam.h>

#include <cmath>

#include "astro/apparent.h"
#include "astro/refraction.h"
#include "astro/time_scales.h"
#include "residuals.h"

using namespace zc::astro;

namespace {
double hms(double h, double m, double s) {
    return (h + m / 60 + s / 3600) * 15;
}
double dms(double d, double m, double s) {
    return d < 0 || std::signbit(d) ? d - m / 60 - s / 3600 : d + m / 60 + s / 3600;
}
zc::UtcTime at(const char* iso) {
    return *zc::parse_iso8601(iso);
}
}  // namespace

TEST_CASE("Meeus 7.a: Julian day of Sputnik's launch", "[astro][meeus]") {
    CHECK(utc_jd(at("1957-10-04T19:26:24Z")).jd() == Approx(2436116.31).margin(1e-9));
}

TEST_CASE("Meeus 12.a/12.b: sidereal time at Greenwich", "[astro][meeus]") {
    // UT in Meeus is UT1: dut1 = 0 makes UT1 = the given UTC.
    const auto t12a = at("1987-04-10T00:00:00Z");
    const double gmst = greenwich_mean_sidereal_deg(t12a, 0);
    const double gast = greenwich_apparent_sidereal_deg(t12a, 0);
    // Meeus uses the IAU 1982 GMST; IAU 2006 (ERA based) is ahead by 0.050" in 1987 (eraGmst82
    // reproduces Meeus to 0.4 mas). Assert the difference is that model offset, not more.
    const double d_mean = (gmst - 197.693195) * 3600;
    const double d_app = (gast - hms(13, 10, 46.1351)) * 3600;
    record_residual("Meeus 12.a/b GST, IAU 2006 - IAU 1982 (\")",
                    std::max(std::abs(d_mean), std::abs(d_app)));
    CHECK(d_mean == Approx(0.050).margin(0.005));
    CHECK(d_app == Approx(0.050).margin(0.01));
    const double gmst_b = greenwich_mean_sidereal_deg(at("1987-04-10T19:21:00Z"), 0);
    CHECK((gmst_b - 128.7378734) * 3600 == Approx(0.050).margin(0.005));
}

TEST_CASE("Meeus 13.b: Venus from USNO in the horizontal frame", "[astro][meeus]") {
    const double ra = hms(23, 9, 16.641), dec = dms(-6, 43, 11.61);
    const double lat = dms(38, 55, 17), lon_east = -dms(77, 3, 56);
    const double gast = greenwich_apparent_sidereal_deg(at("1987-04-10T19:21:00Z"), 0);
    const double ha = (gast + lon_east - ra) * ERFA_DD2R;
    double az = 0, el = 0;
    eraHd2ae(ha, dec * ERFA_DD2R, lat * ERFA_DD2R, &az, &el);
    // Meeus: A = 68.0337 deg from the south, i.e. 248.0337 deg from the north.
    CHECK(az * ERFA_DR2D == Approx(248.0337).margin(1e-4));
    CHECK(el * ERFA_DR2D == Approx(15.1249).margin(1e-4));
}

TEST_CASE("Meeus 16.a: Bennett refraction near the horizon", "[astro][meeus][refraction]") {
    // Meeus's formula has no P/T factor; 1010.714 hPa at 10 C makes 0.28 P / (T + 273) = 1.
    const double p = 283.0 / 0.28;
    const double r = bennett_refraction_deg(0.5, 10.0, p) * 60;
    // 0.016667 deg (NOVAS/Skyfield) instead of Meeus's 1/60 deg: +0.00058'.
    CHECK(r == Approx(28.754).margin(0.002));
    // True altitude of the lower limb: 0.5 deg - 28.754' = 1.246'.
    const Atmosphere meeus{p, 10.0, 0.0};
    CHECK(apparent_from_airless_deg((30.0 - r) / 60.0, meeus) == Approx(0.5).margin(1e-9));
    CHECK((30.0 - r) == Approx(1.246).margin(0.002));
    // Near the zenith Bennett gives -0.08"; the model (like Skyfield, NOVAS) returns 0 there.
    CHECK(bennett_refraction_deg(90.0, 10.0, p) == 0.0);
}

TEST_CASE("Meeus 25.b: apparent Sun (VSOP87, FK5)", "[astro][meeus]") {
    const ApparentPlace p = geocentric_place(Body::Sun, utc_from_tt_jd({2448908.5, 0.0}));
    const double err =
        radec_error_arcsec(p.tod_ra_deg, p.tod_dec_deg, hms(13, 13, 30.749), dms(-7, 47, 1.74));
    record_residual("Meeus 25.b Sun (\")", err);
    INFO("err " << err << "\"");
    CHECK(err < 0.1);
    // Meeus's R is the geometric distance at t; ours is at the retarded epoch (~8 min earlier).
    CHECK(p.distance_km / 149597870.7 == Approx(0.99760775).margin(2e-6));
}

TEST_CASE("Meeus 25.a: low-precision Sun agrees to its own precision", "[astro][meeus]") {
    const ApparentPlace p = geocentric_place(Body::Sun, utc_from_tt_jd({2448908.5, 0.0}));
    CHECK(p.tod_ra_deg == Approx(198.38083).margin(0.01));
    CHECK(p.tod_dec_deg == Approx(-7.78507).margin(0.01));
}

TEST_CASE("Meeus 47.a: apparent Moon (ELP2000/82)", "[astro][meeus]") {
    const ApparentPlace p = geocentric_place(Body::Moon, utc_from_tt_jd({2448724.5, 0.0}));
    const double err = radec_error_arcsec(p.tod_ra_deg, p.tod_dec_deg, 134.688470, 13.768368);
    record_residual("Meeus 47.a Moon (\")", err);
    INFO("err " << err << "\"");
    // Meeus omits light time (0.7" here) but also the aberration that nearly cancels it.
    CHECK(err < 2.0);
    CHECK(p.distance_km == Approx(368409.7).margin(1.0));
}

TEST_CASE("Meeus ch. 55: semidiameters", "[astro][meeus]") {
    // Sun: 959.63" at 1 au (we use the IAU nominal 695 700 km: 959.22").
    CHECK(angular_radius_deg(Body::Sun, 149597870.7) * 3600 == Approx(959.63).margin(0.5));
    // Moon: 358 473 400" / distance (k = 0.272481 Earth radii; we use 1737.4 km).
    for (double d : {356400.0, 384400.0, 406700.0})
        CHECK(angular_radius_deg(Body::Moon, d) * 3600 == Approx(358473400.0 / d).margin(0.5));
}
