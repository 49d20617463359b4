// Transit prediction benchmark: 1,000 and 10,000 synthetic aircraft against the Sun and the
// Moon over a 15-minute horizon, timed per aircraft-target, and checked against a brute-force
// 0.05 s grid (what the best peer does) over the same inputs: every minimum must agree to
// <= 0.05 s and <= 0.001 deg, and the solver must be >= 50x faster.
//
//   bench_transit [--full-reference]   (default: the grid reference runs on 1,000 aircraft of
//                                       each set, which keeps the run under a minute)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "astro/body.h"
#include "flights/fix.h"
#include "geo/angles.h"
#include "geo/geodesic.h"
#include "geo/local_frame.h"
#include "transit/closest_approach.h"
#include "transit/predictor.h"

using namespace zc;
using namespace zc::transit;
using Steady = std::chrono::steady_clock;

namespace {

double micros(Steady::duration d) {
    return std::chrono::duration<double, std::micro>(d).count();
}

double percentile(std::vector<double> v, double p) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

/// A time when both bodies are well up, so that neither search is trivially empty.
UtcTime both_up(const Observer& o) {
    UtcTime t = *parse_iso8601("2024-06-12T00:00:00Z");
    for (int i = 0; i < 24 * 30; ++i, t += std::chrono::hours(1)) {
        const auto s = astro::body_position(astro::Body::Sun, t, o.site, o.atmosphere);
        const auto m = astro::body_position(astro::Body::Moon, t, o.site, o.atmosphere);
        if (s.alt_deg > 35 && m.alt_deg > 25)
            return t;
    }
    return *parse_iso8601("2024-06-14T22:00:00Z");
}

std::vector<flights::Fix> make_fleet(std::size_t n, const Observer& o, UtcTime now,
                                     std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u01(0, 1);
    const geo::LocalFrame frame(o.geodetic());
    const astro::BodyPosition sun =
        astro::body_position(astro::Body::Sun, now + std::chrono::minutes(5), o.site, o.atmosphere);
    const astro::BodyPosition moon = astro::body_position(
        astro::Body::Moon, now + std::chrono::minutes(8), o.site, o.atmosphere);
    std::vector<flights::Fix> fleet;
    fleet.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        flights::Fix f;
        char hex[24];
        std::snprintf(hex, sizeof hex, "%06zx", i);
        f.icao24 = hex;
        f.fix_time = now - from_seconds(10 * u01(rng));
        f.altitude_m = 1000 + 11000 * u01(rng);
        f.ground_speed_mps = 60 + 220 * u01(rng);
        f.track_deg = 360 * u01(rng);
        f.vertical_rate_mps = u01(rng) < 0.3 ? 20 * u01(rng) - 10 : 0;
        if (u01(rng) < 0.1)
            f.track_rate_dps = (u01(rng) < 0.5 ? -1 : 1) * (0.2 + 2.8 * u01(rng));
        f.nac_p = 9;
        f.nac_v = 2;
        f.source_type = flights::SourceType::AdsbIcao;
        double lat, lon;
        if (i % 20 == 0) {
            // Every 20th aircraft is aimed near the Sun or the Moon a few minutes ahead, so
            // that the comparison has plenty of real minima.
            const astro::BodyPosition& b = (i / 20) % 2 ? moon : sun;
            const double el = geo::deg2rad(b.alt_deg + 2 * u01(rng) - 1);
            const double h = f.altitude_m - o.site.height_m;
            const double ground = h / std::tan(el);
            const geo::GeodesicPoint p = geo::geodesic_direct(o.site.lat_deg, o.site.lon_deg,
                                                              b.az_deg + 2 * u01(rng) - 1, ground);
            // Move it back along its track by a random lead so it arrives there in the window.
            const double lead = 30 + 500 * u01(rng);
            const geo::GeodesicPoint s = geo::geodesic_direct(p.lat_deg, p.lon_deg, *f.track_deg,
                                                              -*f.ground_speed_mps * lead);
            lat = s.lat_deg;
            lon = s.lon_deg;
        } else {
            const double r = 250000 * std::sqrt(u01(rng));
            const geo::GeodesicPoint p =
                geo::geodesic_direct(o.site.lat_deg, o.site.lon_deg, 360 * u01(rng), r);
            lat = p.lat_deg;
            lon = p.lon_deg;
        }
        f.lat_deg = lat;
        f.lon_deg = lon;
        fleet.push_back(f);
    }
    (void)frame;
    return fleet;
}

struct GridMin {
    double t, sep;
};

/// The reference: sample every 0.05 s, take grid-local minima, and put the vertex of the
/// parabola through the three samples (f = chord^2 is locally quadratic).
std::vector<GridMin> grid_minima(const AircraftSky& sky, const TargetTrack& track, double t0,
                                 double t1, double cutoff_rad, long& evals) {
    std::vector<GridMin> out;
    constexpr double h = 0.05;
    const auto n = static_cast<long>(std::floor((t1 - t0) / h));
    double f0 = chord2(sky, track, t0), f1 = chord2(sky, track, t0 + h);
    evals += 2;
    for (long i = 2; i <= n; ++i) {
        const double t = t0 + static_cast<double>(i) * h;
        const double f2 = chord2(sky, track, t);
        ++evals;
        if (f1 < f0 && f1 <= f2) {
            const double denom = f0 - 2 * f1 + f2;
            const double off = denom > 0 ? 0.5 * (f0 - f2) / denom : 0.0;
            const double fmin = f1 - 0.25 * (f0 - f2) * off;
            const double sep = 2 * std::asin(std::min(1.0, 0.5 * std::sqrt(std::max(0.0, fmin))));
            if (sep <= cutoff_rad)
                out.push_back({t - h + off * h, sep});
        }
        f0 = f1;
        f1 = f2;
    }
    return out;
}

struct RunFigures {
    std::size_t aircraft = 0;
    double total_ms = 0;  // Predictor::predict over the whole fleet (both targets)
    double median_us = 0, p90_us = 0, p99_us = 0, max_us = 0;  // per aircraft-target search
    double evals_per_pair = 0;
    long max_evals = 0;
    std::size_t minima = 0, candidates = 0;
    // reference
    std::size_t ref_aircraft = 0, ref_minima = 0, matched = 0, missed = 0, extra = 0;
    double worst_dt = 0, worst_dsep = 0;
    double ref_us_per_pair = 0, ours_us_per_pair_same = 0;
};

RunFigures run(std::size_t n, std::size_t ref_n, const Observer& obs, UtcTime now,
               const Options& opt) {
    RunFigures fig;
    fig.aircraft = n;
    const auto fleet = make_fleet(n, obs, now, static_cast<std::uint32_t>(n));
    const Predictor pred(obs, now, opt);
    const SearchParams params = pred.search_params();

    // Whole-fleet wall time, as the daemon would run it.
    const auto t_start = Steady::now();
    const auto cands = pred.predict(fleet);
    fig.total_ms = micros(Steady::now() - t_start) / 1000;
    fig.candidates = cands.size();

    std::vector<double> per_pair;
    long evals = 0;
    std::vector<std::vector<std::vector<Minimum>>> ours(
        n, std::vector<std::vector<Minimum>>(pred.tracks().size()));
    for (std::size_t i = 0; i < n; ++i) {
        const auto c0 = Steady::now();
        const auto sky = pred.sky_for(fleet[i]);
        const double setup = micros(Steady::now() - c0);
        if (!sky)
            continue;
        for (std::size_t k = 0; k < pred.tracks().size(); ++k) {
            SearchStats st;
            const auto c1 = Steady::now();
            for (const auto& [a, b] : pred.searchable(k)) {
                auto m = find_minima(*sky, pred.tracks()[k], a, b, params, &st);
                ours[i][k].insert(ours[i][k].end(), m.begin(), m.end());
            }
            per_pair.push_back(micros(Steady::now() - c1) +
                               setup / static_cast<double>(pred.tracks().size()));
            evals += st.evaluations;
            fig.max_evals = std::max(fig.max_evals, st.evaluations);
            fig.minima += ours[i][k].size();
        }
    }
    fig.median_us = percentile(per_pair, 0.5);
    fig.p90_us = percentile(per_pair, 0.9);
    fig.p99_us = percentile(per_pair, 0.99);
    fig.max_us = percentile(per_pair, 1.0);
    fig.evals_per_pair = static_cast<double>(evals) / static_cast<double>(per_pair.size());

    // Brute-force reference over the first ref_n aircraft.
    fig.ref_aircraft = std::min(ref_n, n);
    double ref_us = 0, ours_us = 0;
    std::size_t pairs = 0;
    long ref_evals = 0;
    for (std::size_t i = 0; i < fig.ref_aircraft; ++i) {
        const auto sky = pred.sky_for(fleet[i]);
        if (!sky)
            continue;
        for (std::size_t k = 0; k < pred.tracks().size(); ++k) {
            ++pairs;
            const auto c0 = Steady::now();
            for (const auto& [a, b] : pred.searchable(k))
                (void)find_minima(*sky, pred.tracks()[k], a, b, params);
            ours_us += micros(Steady::now() - c0);
            const auto c1 = Steady::now();
            std::vector<GridMin> ref;
            for (const auto& [a, b] : pred.searchable(k)) {
                auto g = grid_minima(*sky, pred.tracks()[k], a, b, params.cutoff_rad, ref_evals);
                // Minima at the interval edges are not interior for one of the two methods.
                for (const GridMin& m : g)
                    if (m.t > a + 0.1 && m.t < b - 0.1)
                        ref.push_back(m);
            }
            ref_us += micros(Steady::now() - c1);
            fig.ref_minima += ref.size();
            const auto& mine = ours[i][k];
            std::vector<bool> used(mine.size(), false);
            for (const GridMin& r : ref) {
                bool found = false;
                for (std::size_t j = 0; j < mine.size(); ++j) {
                    const double dt = std::abs(mine[j].t - r.t);
                    if (dt <= 0.05) {
                        const double dsep = std::abs(geo::rad2deg(mine[j].separation_rad - r.sep));
                        fig.worst_dt = std::max(fig.worst_dt, dt);
                        fig.worst_dsep = std::max(fig.worst_dsep, dsep);
                        if (dsep <= 0.001) {
                            found = true;
                            used[j] = true;
                        }
                    }
                }
                (found ? fig.matched : fig.missed)++;
            }
            for (std::size_t j = 0; j < mine.size(); ++j) {
                // Ours but not the grid's: only acceptable right at the cutoff or the edges.
                if (used[j])
                    continue;
                bool edge = false;
                for (const auto& [a, b] : pred.searchable(k))
                    if (std::abs(mine[j].t - a) < 0.1 || std::abs(mine[j].t - b) < 0.1)
                        edge = true;
                if (!edge && params.cutoff_rad - mine[j].separation_rad > 1e-6)
                    ++fig.extra;
            }
        }
    }
    fig.ref_us_per_pair = pairs ? ref_us / static_cast<double>(pairs) : 0;
    fig.ours_us_per_pair_same = pairs ? ours_us / static_cast<double>(pairs) : 0;
    return fig;
}

void print(const RunFigures& f, std::size_t targets) {
    std::printf("\n== %zu aircraft x %zu targets, 15-min horizon ==\n", f.aircraft, targets);
    std::printf("  whole fleet (Predictor::predict): %.1f ms  (%.2f us per aircraft-target)\n",
                f.total_ms, 1000 * f.total_ms / static_cast<double>(f.aircraft * targets));
    std::printf(
        "  per aircraft-target search: median %.2f us, p90 %.2f us, p99 %.2f us, max %.1f us\n",
        f.median_us, f.p90_us, f.p99_us, f.max_us);
    std::printf("  model evaluations per aircraft-target: mean %.1f, max %ld (grid: 18000)\n",
                f.evals_per_pair, f.max_evals);
    std::printf("  minima <= cutoff: %zu; candidates after quadrant/horizon checks: %zu\n",
                f.minima, f.candidates);
    std::printf(
        "  reference 0.05 s grid on %zu aircraft: %zu minima, matched %zu, missed %zu, extra %zu\n",
        f.ref_aircraft, f.ref_minima, f.matched, f.missed, f.extra);
    std::printf("  worst disagreement: %.4f s, %.6f deg\n", f.worst_dt, f.worst_dsep);
    std::printf("  grid %.1f us vs solver %.2f us per aircraft-target: %.0fx faster\n",
                f.ref_us_per_pair, f.ours_us_per_pair_same,
                f.ref_us_per_pair / std::max(1e-9, f.ours_us_per_pair_same));
}

}  // namespace

int main(int argc, char** argv) {
    const bool full = argc > 1 && std::strcmp(argv[1], "--full-reference") == 0;
    Observer obs;
    obs.site = {37.77, -122.42, 20};
    obs.atmosphere = {1013.25, 15, 0};
    const UtcTime now = both_up(obs);
    const auto sun = astro::body_position(astro::Body::Sun, now, obs.site, obs.atmosphere);
    const auto moon = astro::body_position(astro::Body::Moon, now, obs.site, obs.atmosphere);
    std::printf("observer 37.77 -122.42, now %s; Sun alt %.1f az %.1f, Moon alt %.1f az %.1f\n",
                format_iso8601(now).c_str(), sun.alt_deg, sun.az_deg, moon.alt_deg, moon.az_deg);
    Options opt;
    opt.targets = TargetSelection::Auto;
    const auto tb = Steady::now();
    const Predictor warm(obs, now, opt);
    std::printf("body tracks (2 x %zu samples): %.2f ms\n",
                static_cast<std::size_t>(opt.horizon_s / opt.body_step_s) + 3,
                micros(Steady::now() - tb) / 1000);

    bool ok = true;
    for (std::size_t n : {std::size_t{1000}, std::size_t{10000}}) {
        const RunFigures f = run(n, full ? n : 1000, obs, now, opt);
        print(f, 2);
        const double speedup = f.ref_us_per_pair / std::max(1e-9, f.ours_us_per_pair_same);
        ok = ok && f.missed == 0 && f.extra == 0 && f.worst_dt <= 0.05 && f.worst_dsep <= 0.001 &&
             speedup >= 50;
    }
    std::printf("\n%s\n", ok ? "PASS: minima agree with the grid and the solver is >= 50x faster"
                             : "FAIL: see the figures above");
    return ok ? 0 : 1;
}
