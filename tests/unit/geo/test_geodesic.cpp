#include <catch2/catch.hpp>

#include "geo/angles.h"
#include "geo/geodesic.h"

using namespace zc::geo;

namespace {
double dms(double d, double m, double s) {
    return d < 0 ? d - m / 60 - s / 3600 : d + m / 60 + s / 3600;
}
}  // namespace

TEST_CASE("Vincenty's Flinders Peak -> Buninyong example", "[geo]") {
    // Geoscience Australia's published example (GRS80, within 1e-11 of WGS84 in flattening).
    const double lat1 = dms(-37, 57, 3.72030), lon1 = dms(144, 25, 29.52440);
    const double lat2 = dms(-37, 39, 10.15610), lon2 = dms(143, 55, 35.38390);
    const double az1 = dms(306, 52, 5.37);
    const double s = 54972.271;

    const GeodesicPoint p = geodesic_direct(lat1, lon1, az1, s);
    CHECK(p.lat_deg == Approx(lat2).margin(2e-8));  // ~2 mm
    CHECK(p.lon_deg == Approx(lon2).margin(2e-8));
    CHECK(p.azimuth_deg == Approx(dms(307, 10, 25.07)).margin(1e-5));

    const auto inv = geodesic_inverse(lat1, lon1, lat2, lon2);
    REQUIRE(inv);
    CHECK(inv->distance_m == Approx(s).margin(0.002));
    CHECK(inv->azimuth1_deg == Approx(az1).margin(1e-5));
}

TEST_CASE("direct and inverse agree to a millimetre", "[geo]") {
    for (double lat : {-70.0, -33.3, 0.0, 12.5, 51.5, 80.0}) {
        for (double az : {0.0, 33.0, 90.0, 145.0, 200.0, 299.0}) {
            for (double s : {1.0, 1000.0, 50000.0, 300000.0, 2000000.0}) {
                const GeodesicPoint p = geodesic_direct(lat, 10.0, az, s);
                const auto inv = geodesic_inverse(lat, 10.0, p.lat_deg, p.lon_deg);
                REQUIRE(inv);
                REQUIRE(inv->distance_m == Approx(s).margin(1e-3));
                if (s > 10) {
                    REQUIRE(wrap_180(inv->azimuth1_deg - az) == Approx(0).margin(1e-6));
                    REQUIRE(wrap_180(inv->azimuth2_deg - p.azimuth_deg) == Approx(0).margin(1e-6));
                }
            }
        }
    }
}

TEST_CASE("§6.6 distance and bearing regressions", "[geo]") {
    // 900 km/h north for 10 minutes from San Diego.
    const GeodesicPoint a = geodesic_direct(33.11, -117.31, 0, 900.0 / 3.6 * 600);
    auto ia = geodesic_inverse(33.11, -117.31, a.lat_deg, a.lon_deg);
    REQUIRE(ia);
    CHECK(ia->distance_m == Approx(150000).margin(500));
    CHECK(ia->azimuth1_deg == Approx(0).margin(0.1));
    CHECK(a.lon_deg == Approx(-117.31).margin(1e-9));
    // 600 km/h east for an hour along the equator.
    const GeodesicPoint b = geodesic_direct(0, 0, 90, 600000);
    CHECK(b.lat_deg == Approx(0).margin(1e-9));
    CHECK(b.lon_deg * kDegToRad * wgs84::kA == Approx(600000).margin(1000));
    CHECK(b.azimuth_deg == Approx(90).margin(1e-9));
    // Zero distance: the same point.
    const GeodesicPoint c = geodesic_direct(37.77, -122.42, 77, 0);
    CHECK(c.lat_deg == Approx(37.77).margin(1e-9));
    CHECK(c.lon_deg == Approx(-122.42).margin(1e-9));
}

TEST_CASE("surface point agrees with the geodetic conversion", "[geo]") {
    const GeodesicLine line(51.5, -0.5, 123.0);
    for (double s : {0.0, 1234.5, 80000.0, -5000.0}) {
        const GeodesicPoint p = line.point(s);
        const SurfacePoint sp = line.surface_point(s);
        CHECK(norm(sp.surface - geodetic_to_ecef({p.lat_deg, p.lon_deg, 0})) < 1e-6);
        CHECK(norm(sp.normal - ellipsoid_normal(p.lat_deg, p.lon_deg)) < 1e-12);
        // forward is horizontal and points along the line
        CHECK(std::abs(dot(sp.forward, sp.normal)) < 1e-12);
        const Vec3 ahead = line.surface_point(s + 1.0).surface - sp.surface;
        CHECK(norm(normalized(ahead) - sp.forward) < 1e-6);
    }
}
