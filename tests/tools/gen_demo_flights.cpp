// zipcatcher-demo-flights: writes the replay file of the demo (config/demo-flights.jsonl) so
// that an aircraft crosses the centre of the Sun `--at` seconds after the demo clock starts,
// as the daemon itself predicts it: the observer, the refraction and the transit options come
// from the demo configuration through the same pipeline_settings() the daemon uses, and every
// written file is checked with the daemon's predictor before it is kept.
//
//   zipcatcher-demo-flights --config config/demo.conf --out config/demo-flights.jsonl
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "config/config.h"
#include "flight_service.h"
#include "flights/replay_file.h"
#include "geo/geodesic.h"
#include "geo/local_frame.h"
#include "transit/predictor.h"

namespace po = boost::program_options;
using namespace zc;

namespace {

struct Plan {
    double at_s = 40, first_s = 2, duration_s = 80, step_s = 1;
    double height_m = 9500, speed_mps = 225;
    std::string icao24 = "43c0de", callsign = "DEMO1", type = "A320";
};

/// The point at ellipsoidal height h along the ray from the observer in (az, el).
geo::Geodetic on_ray(const geo::LocalFrame& frame, double az_deg, double el_deg, double h) {
    const auto dir = geo::enu_direction(az_deg, el_deg);
    double lo = 0, hi = 200000;
    for (int i = 0; i < 100; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (geo::ecef_to_geodetic(frame.enu_to_ecef(dir * mid)).height_m < h)
            lo = mid;
        else
            hi = mid;
    }
    auto g = geo::ecef_to_geodetic(frame.enu_to_ecef(dir * lo));
    g.height_m = h;
    return g;
}

flights::Fix fix_at(const Plan& p, const geo::GeodesicLine& line, UtcTime start, double t) {
    const auto pt = line.point(p.speed_mps * (t - p.at_s));
    flights::Fix f;
    f.icao24 = p.icao24;
    f.callsign = p.callsign;
    f.aircraft_type = p.type;
    f.fix_time = start + from_seconds(t);
    f.lat_deg = pt.lat_deg;
    f.lon_deg = pt.lon_deg;
    f.altitude_m = p.height_m;
    f.altitude_kind = flights::AltitudeKind::Geometric;
    f.ground_speed_mps = p.speed_mps;
    f.track_deg = pt.azimuth_deg;
    f.vertical_rate_mps = 0;
    f.source_type = flights::SourceType::AdsbIcao;
    return f;
}

/// The Sun candidate predicted from the first fix, as the daemon would see it then.
std::optional<transit::Candidate> predicted(const daemon::PipelineSettings& s, const Plan& p,
                                            const geo::GeodesicLine& line, UtcTime start) {
    const UtcTime first = start + from_seconds(p.first_s);
    transit::Predictor pred(s.observer, first, s.options);
    for (const auto& c : pred.predict(fix_at(p, line, start, p.first_s)))
        if (c.target == transit::Target::Sun)
            return c;
    return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
    std::string config_file, out_file;
    Plan p;
    po::options_description desc("zipcatcher-demo-flights options");
    desc.add_options()("help,h", "this help")("config", po::value(&config_file)->required(),
                                              "the demo configuration (config/demo.conf)")(
        "out", po::value(&out_file)->required(), "the replay file to write")(
        "at", po::value(&p.at_s)->default_value(40), "seconds after start of the transit")(
        "first", po::value(&p.first_s)->default_value(2),
        "seconds after start of the first fix (time for a watcher to connect)")(
        "duration", po::value(&p.duration_s)->default_value(80), "seconds of fixes")(
        "height", po::value(&p.height_m)->default_value(9500), "geometric height, metres");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        if (vm.count("help")) {
            std::cout << desc << "\n";
            return 0;
        }
        po::notify(vm);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "zipcatcher-demo-flights: %s\n", e.what());
        return 2;
    }

    config::LoadOptions lo;
    lo.config_file = config_file;  // no environment, no default files: this file alone decides
    lo.read_default_files = false;
    auto loaded = config::load(lo);
    for (const auto& d : loaded.diagnostics)
        std::fprintf(stderr, "%s\n", d.message.c_str());
    if (!loaded.ok())
        return 1;
    const auto& cfg = *loaded.config;
    const auto start = parse_iso8601(cfg.get_string("clock.start"));
    if (!start) {
        std::fprintf(stderr, "zipcatcher-demo-flights: %s has no clock.start\n",
                     config_file.c_str());
        return 1;
    }
    const auto s = daemon::pipeline_settings(cfg);
    const geo::LocalFrame frame(s.observer.geodetic());
    const auto sun = astro::body_position(astro::Body::Sun, *start + from_seconds(p.at_s),
                                          s.observer.site, s.observer.atmosphere, s.observer.eop);
    std::printf("Sun at start + %.0f s: altitude %.3f deg, azimuth %.3f deg\n", p.at_s, sun.alt_deg,
                sun.az_deg);
    if (sun.alt_deg < 20) {
        std::fprintf(stderr, "zipcatcher-demo-flights: the Sun is too low then\n");
        return 1;
    }
    // Aim at the Sun's observed direction, then correct by what the predictor says about the
    // aircraft's own refraction until it passes through the centre.
    const double track = std::fmod(sun.az_deg + 90.0, 360.0);  // across the line of sight
    double aim_az = sun.az_deg, aim_el = sun.alt_deg;
    std::optional<transit::Candidate> c;
    geo::GeodesicLine line(0, 0, 0);
    for (int i = 0; i < 6; ++i) {
        const auto ca = on_ray(frame, aim_az, aim_el, p.height_m);
        line = geo::GeodesicLine(ca.lat_deg, ca.lon_deg, track);
        c = predicted(s, p, line, *start);
        if (!c)
            break;
        aim_el -= c->aircraft_alt_deg - c->body_alt_deg;
        double daz = c->aircraft_az_deg - c->body_az_deg;
        daz = std::remainder(daz, 360.0);
        aim_az -= daz;
    }
    if (!c || c->level != transit::Level::High) {
        std::fprintf(stderr,
                     "zipcatcher-demo-flights: the predictor does not see a HIGH transit\n");
        return 1;
    }
    std::ofstream out(out_file, std::ios::trunc);
    out << "# The demo's replayed flight (scripts/demo, config/demo.conf): " << p.callsign
        << " crosses the Sun " << p.at_s << " s after clock.start.\n"
        << "# Generated by tests/tools/gen_demo_flights.cpp; regenerate, do not edit.\n";
    for (double t = p.first_s; t <= p.duration_s + 1e-9; t += p.step_s) {
        const auto f = fix_at(p, line, *start, t);
        nlohmann::ordered_json j;
        j["t"] = t;
        j["icao24"] = f.icao24;
        j["callsign"] = f.callsign;
        j["lat"] = std::round(f.lat_deg * 1e7) / 1e7;
        j["lon"] = std::round(f.lon_deg * 1e7) / 1e7;
        j["alt_m"] = f.altitude_m;
        j["alt_kind"] = "geometric";
        j["gs_mps"] = p.speed_mps;
        j["track_deg"] = std::round(*f.track_deg * 1e4) / 1e4;
        j["vr_mps"] = 0;
        j["type"] = f.aircraft_type;
        out << j.dump() << "\n";
    }
    out.close();
    // Read the file back as the daemon will and predict from its first fix.
    const auto entries = flights::load_replay_file(out_file);
    auto first = entries.front().fix;
    first.fix_time = *start + entries.front().offset;
    transit::Predictor pred(s.observer, first.fix_time, s.options);
    for (const auto& x : pred.predict(first)) {
        std::printf(
            "%s %s: closest approach start + %.2f s, %.4f deg = %.3f radii, p = %.2f, "
            "slant range %.1f km\n",
            std::string(transit::to_string(x.target)).c_str(),
            std::string(transit::to_string(x.level)).c_str(),
            to_seconds(x.closest_approach - *start), x.separation_deg, x.separation_radii,
            x.probability, x.slant_range_m / 1000);
        if (x.target == transit::Target::Sun && x.level == transit::Level::High)
            return 0;
    }
    std::fprintf(stderr, "zipcatcher-demo-flights: the written file does not predict HIGH\n");
    return 1;
}
