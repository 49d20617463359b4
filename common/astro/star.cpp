#include "astro/star.h"

#include <erfa.h>

#include <algorithm>

#include "astro/time_scales.h"

namespace zc::astro {

namespace {
constexpr double kDeg2Rad = 1.745329251994329576923691e-2;
constexpr double kRad2Deg = 57.29577951308232087679815;
constexpr double kArcsec2Rad = 4.848136811095359935899141e-6;
constexpr double kWavelengthUm = 0.55;
}  // namespace

AzAlt icrs_to_observed(const RaDec& icrs, UtcTime t, const Site& site, const Atmosphere& atmosphere,
                       const EarthOrientation& eop) {
    const JulianDate u = utc_jd(t);
    double aob = 0, zob = 0, hob = 0, dob = 0, rob = 0, eo = 0;
    eraAtco13(icrs.ra_deg * kDeg2Rad, icrs.dec_deg * kDeg2Rad, 0, 0, 0, 0, u.jd1, u.jd2, eop.dut1_s,
              site.lon_deg * kDeg2Rad, site.lat_deg * kDeg2Rad, site.height_m,
              eop.xp_arcsec * kArcsec2Rad, eop.yp_arcsec * kArcsec2Rad,
              std::max(atmosphere.pressure_hpa, 0.0), atmosphere.temperature_c,
              atmosphere.relative_humidity, kWavelengthUm, &aob, &zob, &hob, &dob, &rob, &eo);
    return {eraAnp(aob) * kRad2Deg, 90.0 - zob * kRad2Deg};
}

RaDec observed_to_icrs(const AzAlt& observed, UtcTime t, const Site& site,
                       const Atmosphere& atmosphere, const EarthOrientation& eop) {
    const JulianDate u = utc_jd(t);
    double rc = 0, dc = 0;
    eraAtoc13("A", observed.az_deg * kDeg2Rad, (90.0 - observed.alt_deg) * kDeg2Rad, u.jd1, u.jd2,
              eop.dut1_s, site.lon_deg * kDeg2Rad, site.lat_deg * kDeg2Rad, site.height_m,
              eop.xp_arcsec * kArcsec2Rad, eop.yp_arcsec * kArcsec2Rad,
              std::max(atmosphere.pressure_hpa, 0.0), atmosphere.temperature_c,
              atmosphere.relative_humidity, kWavelengthUm, &rc, &dc);
    return {eraAnp(rc) * kRad2Deg, dc * kRad2Deg};
}

}  // namespace zc::astro
