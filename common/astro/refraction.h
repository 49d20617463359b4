#pragma once
// Atmospheric refraction: the full amount for the Sun and Moon (outside the atmosphere) and the
// partial amount for an aircraft (inside it). One model, Bennett's formula (Meeus 16.4, the same
// as NOVAS and Skyfield), is used for both so that the body-minus-aircraft differential is
// consistent. It stays finite down to the horizon, unlike ERFA's A tan z + B tan^3 z. Bennett
// differs from ray tracing by ~0.1' at 5 deg; decisions below 5-10 deg are unreliable anyway.
#include "astro/body.h"

namespace zc::astro {

/// ISA pressure at a height above mean sea level (1013.25 hPa, 15 C, -6.5 K/km troposphere,
/// isothermal above 11 km).
double standard_pressure_hpa(double height_m);
/// ISA temperature at a height above mean sea level.
double standard_temperature_c(double height_m);
/// ISA pressure and temperature at the height, dry air: use when the configuration gives none.
Atmosphere standard_atmosphere(double height_m);

/// Bennett's refraction for an APPARENT (observed) altitude, in degrees:
/// R = 0.016667 deg / tan(h + 7.31 / (h + 4.4)) * (0.28 P / (T + 273)), P in hPa, T in C.
/// Zero below -1 deg and above 89.9 deg (as Skyfield and NOVAS), and zero when P <= 0.
double bennett_refraction_deg(double apparent_alt_deg, double temperature_c, double pressure_hpa);

/// Observed altitude for a true (airless) altitude: solves h = h_true + R(h) with Bennett's R.
/// No refraction for h_true below -1 deg, or when the atmosphere is airless (pressure 0).
double apparent_from_airless_deg(double airless_alt_deg, const Atmosphere& atmosphere);

/// The full refraction R_inf (degrees, >= 0) for a body outside the atmosphere at the given
/// airless altitude: apparent_from_airless_deg(h) - h.
double body_refraction_deg(double airless_alt_deg, const Atmosphere& atmosphere);

/// Fraction g (0..1) of the full refraction that applies to a target height_above_site_m above
/// the observer, for a flat-layered atmosphere whose refractivity follows the ISA density
/// profile above the observer's height: g = mean over the path heights of (1 - rho(z) / rho(0)).
/// 13 % at 3 km, 25 % at 6 km, 38 % at 10 km, 43 % at 12 km for a sea-level observer; 0 for a
/// target at or below the observer. Closed form, ~0.1 us (site terms cached per thread).
double refraction_fraction(double height_above_site_m, double site_height_m);

/// Partial refraction (degrees, >= 0) to ADD to an aircraft's airless (geometric) elevation:
/// g(dh) * body_refraction_deg(airless_alt_deg, atmosphere), with dh = aircraft_height_m -
/// site_height_m clamped to [0, slant_range_m] (a target cannot be higher above the observer than
/// it is far away, so near targets get ~no refraction). Heights are both ellipsoidal (or both MSL;
/// only the difference and the rough site height matter). After this correction the aircraft sits
/// LOWER relative to a fully refracted body than airless geometry suggests. ~0.85 us per call.
double aircraft_refraction_deg(double airless_alt_deg, double slant_range_m,
                               double aircraft_height_m, const Atmosphere& atmosphere,
                               double site_height_m);

}  // namespace zc::astro
