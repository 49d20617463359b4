#include "astro/refraction.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace zc::astro {

namespace {

constexpr double kDeg2Rad = 1.745329251994329576923691e-2;

// ISA constants.
constexpr double kT0 = 288.15;                          // K at sea level
constexpr double kLapse = 0.0065;                       // K/m
constexpr double kTropopause = 11000.0;                 // m
constexpr double kT11 = kT0 - kLapse * kTropopause;     // 216.65 K
constexpr double kGasConst = 287.05287;                 // J/(kg K), dry air
constexpr double kG0 = 9.80665;                         // m/s^2
constexpr double kExpP = kG0 / (kGasConst * kLapse);    // 5.25588, pressure exponent
constexpr double kExpRho = kExpP - 1.0;                 // 4.25588, density exponent
constexpr double kScaleStrat = kGasConst * kT11 / kG0;  // 6341.6 m, isothermal scale height

double isa_temperature_k(double h) {
    return h < kTropopause ? kT0 - kLapse * h : kT11;
}

// ISA density relative to sea level.
double isa_density_ratio(double h) {
    if (h < kTropopause)
        return std::pow(isa_temperature_k(h) / kT0, kExpRho);
    return std::pow(kT11 / kT0, kExpRho) * std::exp(-(h - kTropopause) / kScaleStrat);
}

// Integral of the ISA density ratio from sea level to h (metres), closed form per layer.
double isa_density_integral(double h) {
    const double c = kT0 / (kLapse * (kExpRho + 1.0));
    if (h <= kTropopause)
        return c * (1.0 - std::pow(isa_temperature_k(h) / kT0, kExpRho + 1.0));
    const double tropo = c * (1.0 - std::pow(kT11 / kT0, kExpRho + 1.0));
    const double rho11 = isa_density_ratio(kTropopause);
    return tropo + rho11 * kScaleStrat * (1.0 - std::exp(-(h - kTropopause) / kScaleStrat));
}

}  // namespace

double standard_temperature_c(double height_m) {
    return isa_temperature_k(height_m) - 273.15;
}

double standard_pressure_hpa(double height_m) {
    if (height_m < kTropopause)
        return 1013.25 * std::pow(isa_temperature_k(height_m) / kT0, kExpP);
    const double p11 = 1013.25 * std::pow(kT11 / kT0, kExpP);
    return p11 * std::exp(-(height_m - kTropopause) / kScaleStrat);
}

Atmosphere standard_atmosphere(double height_m) {
    return Atmosphere{standard_pressure_hpa(height_m), standard_temperature_c(height_m), 0.0};
}

double bennett_refraction_deg(double apparent_alt_deg, double temperature_c, double pressure_hpa) {
    if (!(apparent_alt_deg >= -1.0 && apparent_alt_deg <= 89.9) || pressure_hpa <= 0.0)
        return 0.0;
    // 0.016667 (not 1/60) is the constant NOVAS and Skyfield use; the published vectors need it.
    const double r =
        0.016667 / std::tan((apparent_alt_deg + 7.31 / (apparent_alt_deg + 4.4)) * kDeg2Rad);
    return r * (0.28 * pressure_hpa / (temperature_c + 273.0));
}

double apparent_from_airless_deg(double airless_alt_deg, const Atmosphere& atmosphere) {
    if (atmosphere.pressure_hpa <= 0.0 || !(airless_alt_deg >= -1.0))
        return airless_alt_deg;
    // Newton on f(h) = h - R(h) - h_true, started at h_true + R(h_true): f is smooth and
    // monotonic (|dR/dh| < 0.3), so 2-4 steps reach 1e-12 deg. The transit search calls this for
    // every aircraft evaluation, hence not the plain fixed-point iteration (~15 steps).
    const double k = 0.016667 * 0.28 * atmosphere.pressure_hpa / (atmosphere.temperature_c + 273.0);
    double h = airless_alt_deg + bennett_refraction_deg(airless_alt_deg, atmosphere.temperature_c,
                                                        atmosphere.pressure_hpa);
    for (int i = 0; i < 10; ++i) {
        if (h > 89.9)
            return airless_alt_deg;  // Bennett is zero there
        const double q = h + 4.4;
        const double u = (h + 7.31 / q) * kDeg2Rad;
        const double su = std::sin(u), cu = std::cos(u);
        const double r = k * cu / su;
        const double dr_dh = -k / (su * su) * (1.0 - 7.31 / (q * q)) * kDeg2Rad;
        const double step = (h - r - airless_alt_deg) / (1.0 - dr_dh);
        h = std::max(h - step, -1.0);
        if (std::abs(step) < 1e-12)
            break;
    }
    return h;
}

double body_refraction_deg(double airless_alt_deg, const Atmosphere& atmosphere) {
    return apparent_from_airless_deg(airless_alt_deg, atmosphere) - airless_alt_deg;
}

double refraction_fraction(double height_above_site_m, double site_height_m) {
    if (!(height_above_site_m > 0.0))
        return 0.0;
    const double h0 = std::clamp(site_height_m, -500.0, 8000.0);
    // The site is the same for every call of a prediction run: keep its terms.
    thread_local double cached_h0 = std::numeric_limits<double>::quiet_NaN();
    thread_local double rho0 = 0, integral0 = 0;
    if (h0 != cached_h0) {
        cached_h0 = h0;
        rho0 = isa_density_ratio(h0);
        integral0 = isa_density_integral(h0);
    }
    if (height_above_site_m < 1.0) {
        // Series for tiny heights, where the closed form cancels: g ~ dh / (2 H_rho).
        const double dlnrho_dh = kExpRho * kLapse / isa_temperature_k(h0);
        return 0.5 * height_above_site_m * dlnrho_dh;
    }
    const double mean_ratio =
        (isa_density_integral(h0 + height_above_site_m) - integral0) / (rho0 * height_above_site_m);
    return std::clamp(1.0 - mean_ratio, 0.0, 1.0);
}

double aircraft_refraction_deg(double airless_alt_deg, double slant_range_m,
                               double aircraft_height_m, const Atmosphere& atmosphere,
                               double site_height_m) {
    const double dh = std::min(aircraft_height_m - site_height_m, std::max(slant_range_m, 0.0));
    const double g = refraction_fraction(dh, site_height_m);
    if (g <= 0.0)
        return 0.0;
    return g * body_refraction_deg(airless_alt_deg, atmosphere);
}

}  // namespace zc::astro
