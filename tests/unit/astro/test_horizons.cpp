// JPL HORIZONS vectors (reference doc 6.3) as used by astropy and Skyfield.
#include <catch2/catch.hpp>

#include <cmath>

#include "astro/apparent.h"
#include "astro/star.h"
#include "astro/time_scales.h"
#include "residuals.h"

using namespace zc::astro;

namespace {
double hms(double h, double m, double s) {
    return (h + m / 60 + s / 3600) * 15;
}
double dms(double d, double m, double s) {
    return std::signbit(d) ? d - m / 60 - s / 3600 : d + m / 60 + s / 3600;
}
constexpr double kLightKmPerMin = 299792.458 * 60;
}  // namespace

TEST_CASE("HORIZONS geocentric apparent, true equator of date, 1980-03-25", "[astro][horizons]") {
    const auto t = *zc::parse_iso8601("1980-03-25T00:00:00Z");
    // HORIZONS prints RA to 0.01 s (0.15") and Dec to 0.1": up to 0.09" of rounding for the Sun.
    const ApparentPlace sun = geocentric_place(Body::Sun, t);
    const double sun_err =
        radec_error_arcsec(sun.tod_ra_deg, sun.tod_dec_deg, hms(0, 16, 31.00), dms(1, 47, 16.9));
    record_residual("HORIZONS geocentric Sun (\", incl. print rounding)", sun_err);
    INFO("sun " << sun_err << "\"");
    CHECK(sun_err < 0.1);
    CHECK(sun.light_time_s / 60 == Approx(8.294858).margin(2e-5));  // ~6 km

    const ApparentPlace moon = geocentric_place(Body::Moon, t);
    const double moon_err =
        radec_error_arcsec(moon.tod_ra_deg, moon.tod_dec_deg, hms(7, 32, 2.62), dms(18, 34, 5.0));
    record_residual("HORIZONS geocentric Moon (\")", moon_err);
    INFO("moon " << moon_err << "\"");
    CHECK(moon_err < 5.0);
    CHECK(moon.light_time_s * 299792.458 == Approx(0.021921 * kLightKmPerMin).margin(10.0));
}

TEST_CASE("HORIZONS topocentric apparent Moon, Kitt Peak, 2014-09-25", "[astro][horizons]") {
    const Site kitt_peak{31.963333333333342, -111.6, 2120.0};
    const auto t = *zc::parse_iso8601("2014-09-25T00:00:00Z");
    const ApparentPlace moon = topocentric_place(Body::Moon, t, kitt_peak, {-0.34, 0, 0});
    const double err = radec_error_arcsec(moon.tod_ra_deg, moon.tod_dec_deg, hms(12, 33, 12.85),
                                          dms(-5, 17, 54.4));
    record_residual("HORIZONS topocentric Moon (\")", err);
    INFO("moon " << err << "\"");
    CHECK(err < 5.0);
    CHECK(moon.light_time_s * 299792.458 == Approx(0.022054 * kLightKmPerMin).margin(10.0));
}

TEST_CASE("Skyfield/DE430 topocentric astrometric Moon from Boston", "[astro][horizons]") {
    const Site boston{dms(42, 21, 24.1), -dms(71, 3, 24.8), 0.0};
    // TDB 2015-03-02 00:00 ~ TT (|TDB - TT| < 2 ms); TT - UT1 = 67.185390 + 0.5285957 s.
    const auto t = utc_from_tt_jd({2457083.5, 0.0});
    const double dut1 = tt_minus_utc_s(t) - (67.185390 + 0.5285957);
    const ApparentPlace moon = topocentric_place(Body::Moon, t, boston, {dut1, 0.003483, 0.358609});
    const double err = radec_error_arcsec(moon.astrometric_ra_deg, moon.astrometric_dec_deg,
                                          121.4796470, 14.9108450);
    record_residual("DE430 astrometric Moon, Boston (\")", err);
    INFO("moon " << err << "\" distance " << moon.distance_km);
    CHECK(err < 5.0);
    // Skyfield's astrometric distance is the BCRS light-time distance.
    CHECK(moon.light_time_s * 299792.458 == Approx(0.00265828588792 * 149597870.7).margin(10.0));
}

TEST_CASE("HORIZONS local sidereal time (Skyfield test_lst)", "[astro][horizons]") {
    const auto t = *zc::parse_iso8601("2020-11-27T15:34:00Z");
    const double dut1 = tt_minus_utc_s(t) - 69.363285;  // Delta T = TT - UT1 = 69.363285 s
    const double gast = greenwich_apparent_sidereal_deg(t, dut1);
    // Skyfield's test: IAU 2006/2000A minus HORIZONS is a known +51.25 mas (HORIZONS's older
    // sidereal-time model); after removing it the two agree to < 1 mas.
    const double diff_mas = (gast - 20.0336663100 * 15) * 3600e3 - 51.25;
    record_residual("HORIZONS LST after 51.25 mas offset (mas)", std::abs(diff_mas));
    CHECK(std::abs(diff_mas) < 1.0);
}

TEST_CASE("HORIZONS airless alt/az of an ICRS place (astropy test_altaz_icrs)",
          "[astro][horizons]") {
    const Site site{31.9585, 248.4053 - 360.0, 2060.0};
    const auto t = *zc::parse_iso8601("1998-07-28T03:00:00Z");
    const RaDec icrs{hms(19, 24, 55.01), dms(-40, 56, 28.9)};
    const AzAlt obs = icrs_to_observed(icrs, t, site, Atmosphere{0, 0, 0});
    const double err = direction_error_arcsec(obs.alt_deg, obs.az_deg, 2.6223, 143.2970);
    record_residual("HORIZONS alt/az of ICRS place (\", 0.1\" print)", err);
    INFO("err " << err << "\"");
    // HORIZONS used IERS UT1 and printed 1e-4 deg (0.36"); we have no dut1 for 1998 and pass 0,
    // which costs ~1.2" per 0.1 s here. Measured 1.30" (astropy with IERS data: 0.24").
    CHECK(err < 1.5);
    const RaDec back = observed_to_icrs(obs, t, site, Atmosphere{0, 0, 0});
    CHECK(radec_error_arcsec(back.ra_deg, back.dec_deg, icrs.ra_deg, icrs.dec_deg) < 1e-3);
}
