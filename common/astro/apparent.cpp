#include "astro/apparent.h"

#include <erfa.h>

#include <cmath>

#include "astro/time_scales.h"

namespace zc::astro {

namespace {

constexpr double kRad2Deg = 57.29577951308232087679815;
constexpr double kDeg2Rad = 1.745329251994329576923691e-2;
constexpr double kArcsec2Rad = 4.848136811095359935899141e-6;
constexpr double kAuKm = 149597870.7;
constexpr double kAuLightDays = 499.004783836156 / 86400.0;  // ERFA_AULT in days
constexpr double kSunRadiusKm = 695700.0;
constexpr double kMoonRadiusKm = 1737.4;

// Star-independent quantities for one instant, shared by the Sun and the Moon.
struct Frame {
    eraASTROM astrom{};
    double npb[3][3]{};   // GCRS -> true equator and equinox of date
    double ebpv[2][3]{};  // Earth barycentric position/velocity (au, au/day)
    double ehpv[2][3]{};  // Earth heliocentric position/velocity (au, au/day)
    JulianDate tt;
    bool topocentric = false;
};

Frame make_frame(UtcTime t, const Site* site, const EarthOrientation& eop) {
    Frame f;
    f.tt = tt_jd(t);
    eraEpv00(f.tt.jd1, f.tt.jd2, f.ehpv, f.ebpv);
    eraPnm06a(f.tt.jd1, f.tt.jd2, f.npb);
    if (site == nullptr) {
        eraApcg(f.tt.jd1, f.tt.jd2, f.ebpv, f.ehpv[0], &f.astrom);
        return f;
    }
    double x = 0, y = 0;
    eraBpn2xy(f.npb, &x, &y);
    const double s = eraS06(f.tt.jd1, f.tt.jd2, x, y);
    const JulianDate ut1 = ut1_jd(t, eop.dut1_s);
    const double theta = eraEra00(ut1.jd1, ut1.jd2);
    const double sp = eraSp00(f.tt.jd1, f.tt.jd2);
    // Refraction constants zero: ERFA stays airless, our own model refracts afterwards.
    eraApco(f.tt.jd1, f.tt.jd2, f.ebpv, f.ehpv[0], x, y, s, theta, site->lon_deg * kDeg2Rad,
            site->lat_deg * kDeg2Rad, site->height_m, eop.xp_arcsec * kArcsec2Rad,
            eop.yp_arcsec * kArcsec2Rad, sp, 0.0, 0.0, &f.astrom);
    f.topocentric = true;
    return f;
}

void radec_deg(const double v[3], double& ra, double& dec) {
    double a = 0, d = 0;
    eraC2s(const_cast<double*>(v), &a, &d);
    ra = eraAnp(a) * kRad2Deg;
    dec = d * kRad2Deg;
}

ApparentPlace place(Body body, const Frame& f) {
    // Body barycentric position and velocity at t. Over the light time (1.3 s Moon, 500 s Sun)
    // a linear back-step errs by millimetres (Moon) and centimetres (Sun).
    double p[3], v[3];
    if (body == Body::Sun) {
        for (int i = 0; i < 3; ++i) {
            p[i] = f.ebpv[0][i] - f.ehpv[0][i];
            v[i] = f.ebpv[1][i] - f.ehpv[1][i];
        }
    } else {
        double pvm[2][3];
        eraMoon98(f.tt.jd1, f.tt.jd2, pvm);
        for (int i = 0; i < 3; ++i) {
            p[i] = f.ebpv[0][i] + pvm[0][i];
            v[i] = f.ebpv[1][i] + pvm[1][i];
        }
    }
    const double* eb = f.astrom.eb;  // observer barycentric position (au)
    double rel[3];
    double tau = 0;  // light time, days
    for (int iter = 0; iter < 3; ++iter) {
        for (int i = 0; i < 3; ++i)
            rel[i] = p[i] - v[i] * tau - eb[i];
        tau = eraPm(rel) * kAuLightDays;
    }
    for (int i = 0; i < 3; ++i)
        rel[i] = p[i] - v[i] * tau - eb[i];

    ApparentPlace out;
    const double dist_au = eraPm(rel);
    out.light_time_s = tau * 86400.0;
    // |rel| is the light-time distance in the BCRS, which includes the observer's own motion
    // during the light time (up to 36 km for the Moon, frame-dependent). The disc's size depends
    // on the distance in the observer's frame: add the observer's displacement back.
    double rest[3];
    const double c_au_per_day = 1.0 / kAuLightDays;
    for (int i = 0; i < 3; ++i)
        rest[i] = rel[i] + f.astrom.v[i] * c_au_per_day * tau;
    out.distance_km = eraPm(rest) * kAuKm;
    radec_deg(rel, out.astrometric_ra_deg, out.astrometric_dec_deg);

    double u[3], ppr[3];
    eraSxp(1.0 / dist_au, rel, u);
    eraAb(u, const_cast<double*>(f.astrom.v), f.astrom.em, f.astrom.bm1, ppr);
    radec_deg(ppr, out.apparent_ra_deg, out.apparent_dec_deg);

    double tod[3];
    eraRxp(const_cast<double(*)[3]>(f.npb), ppr, tod);
    radec_deg(tod, out.tod_ra_deg, out.tod_dec_deg);

    if (f.topocentric) {
        double cirs[3];
        eraRxp(const_cast<double(*)[3]>(f.astrom.bpn), ppr, cirs);
        double ri = 0, di = 0;
        eraC2s(cirs, &ri, &di);
        double aob = 0, zob = 0, hob = 0, dob = 0, rob = 0;
        eraASTROM a = f.astrom;
        eraAtioq(eraAnp(ri), di, &a, &aob, &zob, &hob, &dob, &rob);
        out.az_deg = eraAnp(aob) * kRad2Deg;
        out.alt_deg = 90.0 - zob * kRad2Deg;
    }
    return out;
}

}  // namespace

ApparentPlace topocentric_place(Body body, UtcTime t, const Site& site,
                                const EarthOrientation& eop) {
    return place(body, make_frame(t, &site, eop));
}

ApparentPlace geocentric_place(Body body, UtcTime t) {
    return place(body, make_frame(t, nullptr, EarthOrientation{}));
}

double angular_radius_deg(Body body, double distance_km) {
    const double r = body == Body::Sun ? kSunRadiusKm : kMoonRadiusKm;
    if (!(distance_km > r))
        return 90.0;
    return std::asin(r / distance_km) * kRad2Deg;
}

}  // namespace zc::astro
