// BodyTrack must reproduce body_position (the transit search relies on it) and be much cheaper.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>

#include "astro/body_track.h"
#include "residuals.h"
#include "time/clock.h"

using namespace zc::astro;
using namespace std::chrono_literals;

TEST_CASE("BodyTrack matches body_position across its window", "[astro][track]") {
    const Site site{37.77, -122.42, 18.0};
    const Atmosphere atm{1007.0, 15.0, 0.0};
    const auto t0 = *zc::parse_iso8601("2024-06-21T18:00:00Z");
    for (Body body : {Body::Sun, Body::Moon}) {
        const BodyTrack track(body, t0, t0 + 15min, site, atm);
        double worst = 0, worst_dist = 0;
        for (int i = 0; i <= 900 * 4; ++i) {
            // Quarter seconds plus an odd offset, so samples fall between grid nodes.
            const auto t = t0 + std::chrono::microseconds(i * 250'000LL + 123'457);
            if (t > track.end())
                break;
            const BodyPosition exact = body_position(body, t, site, atm);
            const BodyPosition fast = track.at(t);
            worst = std::max(worst, direction_error_arcsec(exact.alt_deg, exact.az_deg,
                                                           fast.alt_deg, fast.az_deg));
            worst_dist = std::max(worst_dist, std::abs(exact.distance_km - fast.distance_km));
            REQUIRE(std::abs(exact.alt_airless_deg - fast.alt_airless_deg) * 3600 < 1e-4);
            REQUIRE(std::abs(exact.radius_deg - fast.radius_deg) * 3600 < 1e-4);
        }
        record_residual("BodyTrack vs body_position (\")", worst);
        INFO("worst " << worst << "\" " << worst_dist << " km");
        CHECK(worst < 1e-4);
        CHECK(worst_dist < 1e-3);
    }
}

TEST_CASE("BodyTrack outside its window falls back to the exact position", "[astro][track]") {
    const Site site{52.37, 4.90, 43.0};
    const Atmosphere atm{};
    const auto t0 = *zc::parse_iso8601("2025-03-01T10:00:00Z");
    const BodyTrack track(Body::Moon, t0, t0 + 5min, site, atm);
    const auto t = t0 + 2h;
    const BodyPosition exact = body_position(Body::Moon, t, site, atm);
    const BodyPosition fast = track.at(t);
    // Same computation, only routed through the ENU vector: equal to rounding.
    CHECK(std::abs(fast.alt_deg - exact.alt_deg) < 1e-9);
    CHECK(std::abs(fast.az_deg - exact.az_deg) < 1e-9);
    CHECK(fast.distance_km == exact.distance_km);
}

TEST_CASE("body_position and BodyTrack cost", "[astro][track][timing]") {
    const Site site{37.77, -122.42, 18.0};
    const Atmosphere atm{};
    const auto t0 = *zc::parse_iso8601("2024-06-21T18:00:00Z");
    using clock = std::chrono::steady_clock;
    double sink = 0;
    const int n = 2000;
    auto a = clock::now();
    for (int i = 0; i < n; ++i)
        sink +=
            body_position(Body::Moon, t0 + std::chrono::milliseconds(i * 450), site, atm).alt_deg;
    const double direct_us =
        std::chrono::duration<double, std::micro>(clock::now() - a).count() / n;
    a = clock::now();
    const BodyTrack track(Body::Moon, t0, t0 + 15min, site, atm);
    const double build_us = std::chrono::duration<double, std::micro>(clock::now() - a).count();
    a = clock::now();
    for (int i = 0; i < n * 100; ++i)
        sink += track.at(t0 + std::chrono::microseconds(i * 4'500LL)).alt_deg;
    const double track_us =
        std::chrono::duration<double, std::micro>(clock::now() - a).count() / (n * 100);
    std::printf("body_position %.1f us/call; BodyTrack 15 min build %.0f us, at() %.3f us/call\n",
                direct_us, build_us, track_us);
    CHECK(sink != 0);
    // Loose bound (sanitizer builds are slow): interpolation must stay far cheaper.
    CHECK(track_us * 10 < direct_us);
}
