// EGM96 15' grid: known undulations (reference doc 3), sign, wrap, and failure modes.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include "geoid/egm96.h"
#include "geoid/site.h"

using namespace zc::geoid;

TEST_CASE("EGM96 grid loads and matches known undulations", "[astro][geoid]") {
    std::string error;
    const Grid* g = egm96(&error);
    INFO(error);
    REQUIRE(g != nullptr);
    CHECK(g->rows() == 721);
    CHECK(g->cols() == 1440);
    // A grid node: N(0, 0) = +17.16 m.
    CHECK(g->undulation_m(0, 0) == Approx(17.16).margin(0.01));
    struct Known {
        double lat, lon, n;
    };
    const Known known[] = {{37.77, -122.42, -32.25},    {33.11, -117.31, -34.63},
                           {31.963, -111.6, -30.74},    {42.357, -71.057, -28.54},
                           {38.9215, -77.0669, -33.19}, {52.37, 4.90, 42.94},
                           {52.28, 7.44, 43.7}};
    for (const Known& k : known) {
        INFO(k.lat << ", " << k.lon);
        CHECK(g->undulation_m(k.lat, k.lon) == Approx(k.n).margin(0.06));
    }
    // The two extremes of EGM96: Indian Ocean low (about -106 m south of Sri Lanka) and the
    // New Guinea high (about +85 m).
    CHECK(g->undulation_m(4.75, 78.75) < -100);
    CHECK(g->undulation_m(-8.5, 147.25) > 75);
}

TEST_CASE("EGM96 longitude wraps and latitude clamps", "[astro][geoid]") {
    const Grid* g = egm96();
    REQUIRE(g != nullptr);
    CHECK(g->undulation_m(10, 180) == Approx(g->undulation_m(10, -180)).margin(1e-9));
    CHECK(g->undulation_m(10, 359.9) == Approx(g->undulation_m(10, -0.1)).margin(1e-9));
    CHECK(g->undulation_m(10, 179.9) == Approx(g->undulation_m(10, -180.1)).margin(1e-9));
    // Between the last column (179.75) and 180 the interpolation uses both sides of the seam.
    const double a = g->undulation_m(-40, 179.75), b = g->undulation_m(-40, -180);
    CHECK(g->undulation_m(-40, 179.875) == Approx((a + b) / 2).margin(1e-6));
    CHECK(g->undulation_m(90, 0) == Approx(g->undulation_m(95, 0)).margin(1e-9));
    CHECK(std::abs(g->undulation_m(-90, 0)) < 40);
}

TEST_CASE("Geoid sign: ellipsoidal height = MSL elevation + N", "[astro][geoid]") {
    const ObserverSite amsterdam = site_from_msl(52.37, 4.90, 0.0);
    CHECK(amsterdam.from_grid);
    CHECK(amsterdam.warning.empty());
    CHECK(amsterdam.site.height_m == Approx(42.94).margin(0.06));
    const ObserverSite sf = site_from_msl(37.77, -122.42, 50.0);
    CHECK(sf.site.height_m == Approx(50.0 - 32.25).margin(0.06));
    CHECK(sf.site.lat_deg == 37.77);
    CHECK(sf.site.lon_deg == -122.42);
    const ObserverSite overridden = site_from_msl(37.77, -122.42, 50.0, -30.0);
    CHECK_FALSE(overridden.from_grid);
    CHECK(overridden.site.height_m == 20.0);
    // A missing grid: N = 0 and a warning the caller logs; no exception.
    const ObserverSite missing =
        site_from_msl(37.77, -122.42, 50.0, std::nullopt, "/nonexistent.gtx");
    CHECK_FALSE(missing.from_grid);
    CHECK(missing.site.height_m == 50.0);
    CHECK(missing.warning.find("/nonexistent.gtx") != std::string::npos);
}

TEST_CASE("Missing or corrupt geoid grid is an error, not a crash", "[astro][geoid]") {
    std::string error;
    CHECK_FALSE(Grid::load("/nonexistent/egm96_15.gtx", error));
    CHECK(error.find("cannot open") != std::string::npos);

    const std::string truncated = "/tmp/zc_test_geoid_truncated.gtx";
    {
        std::ifstream in(ZC_EGM96_GRID, std::ios::binary);
        std::ofstream out(truncated, std::ios::binary);
        char buf[1000];
        in.read(buf, sizeof buf);
        out.write(buf, sizeof buf);
    }
    error.clear();
    CHECK_FALSE(Grid::load(truncated, error));
    CHECK(error.find("truncated") != std::string::npos);

    const std::string garbage = "/tmp/zc_test_geoid_garbage.gtx";
    {
        std::ofstream out(garbage, std::ios::binary);
        for (int i = 0; i < 100; ++i)
            out.put(static_cast<char>(0xff));
    }
    error.clear();
    CHECK_FALSE(Grid::load(garbage, error));
    CHECK(error.find("implausible") != std::string::npos);
    std::remove(truncated.c_str());
    std::remove(garbage.c_str());
}
