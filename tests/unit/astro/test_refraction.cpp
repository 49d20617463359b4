// Refraction: Bennett's published values (NOVAS/Skyfield, reference doc 6.2 and 2.1), the sign
// of the correction, the standard atmosphere, and the aircraft's partial refraction (2.2).
#include <catch2/catch.hpp>

#include "astro/refraction.h"

using namespace zc::astro;

TEST_CASE("Bennett refraction function, Skyfield/NOVAS values", "[astro][refraction]") {
    CHECK(bennett_refraction_deg(-1, 10, 1010) == Approx(0.8296919418249878).epsilon(1e-12));
    CHECK(bennett_refraction_deg(15, 10, 1010) == Approx(0.06056215494995108).epsilon(1e-12));
    CHECK(bennett_refraction_deg(15, 25, 1013.25) == Approx(0.057698793246593584).epsilon(1e-12));
    CHECK(bennett_refraction_deg(-1.0001, 10, 1010) == 0.0);
    CHECK(bennett_refraction_deg(89.95, 10, 1010) == 0.0);
    CHECK(bennett_refraction_deg(30, 10, 0) == 0.0);
}

TEST_CASE("Bennett inverse: true to apparent altitude", "[astro][refraction]") {
    const Atmosphere atm{1010, 10, 0};
    const std::pair<double, double> table[] = {{-1, -0.34540033564054795},
                                               {0, 0.4819388815393779},
                                               {1, 1.362447444478633},
                                               {3, 3.227564692764261},
                                               {9, 9.098059272393698}};
    for (const auto& [true_alt, apparent] : table) {
        INFO("true " << true_alt);
        // Skyfield stops iterating at 3e-5 deg; we iterate to convergence.
        CHECK(apparent_from_airless_deg(true_alt, atm) == Approx(apparent).margin(3e-5));
        // And the solution is a fixed point of Bennett's function.
        const double h = apparent_from_airless_deg(true_alt, atm);
        CHECK(h - bennett_refraction_deg(h, 10, 1010) == Approx(true_alt).margin(1e-10));
    }
}

TEST_CASE("Full refraction table (reference doc 2.1)", "[astro][refraction]") {
    const std::pair<double, double> table[] = {{5, 9.9},  {10, 5.4}, {20, 2.7},
                                               {30, 1.7}, {45, 1.0}, {60, 0.6}};
    for (const auto& [apparent, arcmin] : table)
        CHECK(bennett_refraction_deg(apparent, 10, 1010) * 60 == Approx(arcmin).margin(0.05));
}

TEST_CASE("Refraction raises, never lowers and airless and below -1 deg untouched",
          "[astro][refraction]") {
    const Atmosphere atm{1013.25, 15, 0};
    for (double h = -0.99; h < 89.9; h += 0.37)
        CHECK(apparent_from_airless_deg(h, atm) > h);
    CHECK(apparent_from_airless_deg(-1.5, atm) == -1.5);
    CHECK(apparent_from_airless_deg(-30, atm) == -30);
    CHECK(apparent_from_airless_deg(20, Atmosphere{0, 15, 0}) == 20);
    // Denser (colder, higher pressure) air refracts more.
    CHECK(body_refraction_deg(5, Atmosphere{1030, -10, 0}) > body_refraction_deg(5, atm));
}

TEST_CASE("ISA standard atmosphere", "[astro][refraction]") {
    CHECK(standard_pressure_hpa(0) == Approx(1013.25).margin(1e-9));
    CHECK(standard_pressure_hpa(1000) == Approx(898.75).margin(0.05));
    // Heights are taken as geopotential: tables in geometric metres give 540.48 at 5 km.
    CHECK(standard_pressure_hpa(5000) == Approx(540.20).margin(0.05));
    CHECK(standard_pressure_hpa(11000) == Approx(226.32).margin(0.05));
    CHECK(standard_pressure_hpa(15000) == Approx(120.45).margin(0.1));
    CHECK(standard_temperature_c(2000) == Approx(2.0).margin(1e-9));
    const Atmosphere a = standard_atmosphere(92);
    CHECK(a.pressure_hpa == Approx(1002.3).margin(0.1));
}

TEST_CASE("Aircraft partial refraction (reference doc 2.2)", "[astro][refraction]") {
    // ISA density profile: 13 % at 3 km, 25 % at 6 km, 38 % at 10 km, 43 % at 12 km.
    CHECK(refraction_fraction(3000, 0) == Approx(0.13).margin(0.01));
    CHECK(refraction_fraction(6000, 0) == Approx(0.25).margin(0.01));
    CHECK(refraction_fraction(10000, 0) == Approx(0.38).margin(0.01));
    CHECK(refraction_fraction(12000, 0) == Approx(0.43).margin(0.01));
    CHECK(refraction_fraction(0, 0) == 0.0);
    CHECK(refraction_fraction(-500, 0) == 0.0);
    // Continuous through the small-height series and monotonic.
    CHECK(refraction_fraction(0.999, 0) == Approx(refraction_fraction(1.001, 0)).epsilon(1e-2));
    double prev = 0;
    for (double h = 10; h < 40000; h *= 1.3) {
        const double g = refraction_fraction(h, 100);
        CHECK(g > prev);
        CHECK(g < 1.0);
        prev = g;
    }

    const Atmosphere atm{1010, 10, 0};
    for (double el : {2.0, 5.0, 10.0, 20.0, 45.0}) {
        const double full = body_refraction_deg(el, atm);
        const double cruise = aircraft_refraction_deg(el, 60000, 11000, atm, 0);
        INFO("el " << el);
        CHECK(cruise > 0);
        CHECK(cruise < full);
        // Near targets get ~nothing; the height difference cannot exceed the slant range.
        CHECK(aircraft_refraction_deg(el, 50, 11000, atm, 0) < 0.01 * full);
        CHECK(aircraft_refraction_deg(el, 0, 11000, atm, 0) == 0.0);
        // Below the observer: no refraction share.
        CHECK(aircraft_refraction_deg(el, 5000, 100, atm, 500) == 0.0);
        // Airless: nothing.
        CHECK(aircraft_refraction_deg(el, 60000, 11000, Atmosphere{0, 10, 0}, 0) == 0.0);
    }
    // Differential at 5 deg for cruise ~ 0.6 R_inf ~ 6' (doc table: 6.0').
    const double diff =
        body_refraction_deg(5, atm) - aircraft_refraction_deg(5, 100000, 10000, atm, 0);
    CHECK(diff * 60 == Approx(6.0).margin(0.3));
}

TEST_CASE("Refraction sign: the aircraft ends up lower relative to the body",
          "[astro][refraction]") {
    // Body and aircraft on the same airless line of sight at 5 deg: after refraction the aircraft
    // must sit below the body (relative elevation negative), by the differential.
    const Atmosphere atm{1013.25, 15, 0};
    const double airless = 5.0;
    const double body = apparent_from_airless_deg(airless, atm);
    const double aircraft = airless + aircraft_refraction_deg(airless, 40000, 9000, atm, 20);
    CHECK(aircraft - body < 0);
    CHECK(aircraft > airless);
}
