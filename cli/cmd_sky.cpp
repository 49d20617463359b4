// zipcatcher sky: where the Sun and the Moon are for an observer, offline (no daemon): observed
// alt/az, distance, angular radius and the next rise/set. The observer comes from --lat/--lon
// [--elev] or, when those are absent, from the configuration.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "astro/body.h"
#include "astro/refraction.h"
#include "astro/rise_set.h"
#include "cli_util.h"
#include "config/config.h"
#include "geoid/site.h"
#include "time/clock.h"

namespace zc::cli {
namespace {

using nlohmann::json;

struct Observer {
    double lat = 0, lon = 0, elevation = 0;  // elevation above MSL
    std::optional<double> geoid_override;
    std::string geoid_grid = ZC_EGM96_GRID;
    std::optional<double> pressure;  // unset: standard atmosphere at the elevation
    double temperature = 10.0;
    double dut1 = 0.0;
    std::string source = "command line";
};

// Fills what the command line did not give from the configuration. Returns an exit code on
// failure (after printing why).
std::optional<int> from_config(const GlobalOptions& g, Observer& o, bool need_position) {
    config::LoadOptions lo;
    lo.environment = config::current_environment();
    lo.is_root = ::geteuid() == 0;
    if (!g.config_file.empty())
        lo.config_file = g.config_file;
    if (!g.env_file.empty())
        lo.env_file = g.env_file;
    const config::LoadResult r = config::load(lo);
    for (const auto& d : r.diagnostics)
        std::fprintf(stderr, "%s: %s\n",
                     d.severity == config::Severity::Error ? "error" : "warning",
                     d.message.c_str());
    if (!r.ok()) {
        if (need_position) {
            std::fprintf(stderr, "zipcatcher sky: no usable configuration; pass --lat and --lon\n");
            return kUsage;
        }
        return std::nullopt;  // the command line already says everything we need
    }
    const config::Config& c = *r.config;
    if (need_position) {
        if (c.setting("observer.latitude").origin.source == config::Source::Default ||
            c.setting("observer.longitude").origin.source == config::Source::Default) {
            std::fprintf(stderr,
                         "zipcatcher sky: no observer position: pass --lat and --lon, or set "
                         "observer.latitude and observer.longitude in the configuration\n");
            return kUsage;
        }
        o.lat = c.get_double("observer.latitude");
        o.lon = c.get_double("observer.longitude");
        o.elevation = c.get_double("observer.elevation");
        o.geoid_override = c.get_optional_double("observer.geoid_height");
        o.source = "configuration";
    }
    o.geoid_grid = c.get_string("observer.geoid_grid");
    if (!o.pressure) {
        const auto p = c.get_optional_double("astro.pressure_hpa");
        if (p && *p >= 0)
            o.pressure = *p;
    }
    o.temperature = c.get_double("astro.temperature_c");
    o.dut1 = c.get_double("astro.dut1");
    return std::nullopt;
}

json iso_or_null(const std::optional<UtcTime>& t) {
    return t ? json(format_iso8601(*t)) : json(nullptr);
}

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

struct BodyReport {
    const char* name;
    astro::BodyPosition pos;
    astro::RiseSet rs;
};

json body_json(const BodyReport& b) {
    return {{"alt_deg", b.pos.alt_deg},
            {"az_deg", b.pos.az_deg},
            {"alt_airless_deg", b.pos.alt_airless_deg},
            {"distance_km", b.pos.distance_km},
            {"radius_deg", b.pos.radius_deg},
            {"above_horizon", b.rs.up_at_start},
            {"next_rise", iso_or_null(b.rs.rise)},
            {"next_set", iso_or_null(b.rs.set)}};
}

std::string event_text(const std::optional<UtcTime>& t, const astro::RiseSet& rs) {
    if (t)
        return format_iso8601(*t);
    if (rs.always_up())
        return "up all 48 h";
    if (rs.always_down())
        return "down all 48 h";
    return "-";
}

int run_sky(const GlobalOptions& global, const std::vector<std::string>& args) {
    po::options_description desc("sky options");
    desc.add_options()("at", po::value<std::string>(), "UTC time, ISO 8601 (default: now)")(
        "lat", po::value<double>(), "observer latitude, degrees north")(
        "lon", po::value<double>(), "observer longitude, degrees east")(
        "elev", po::value<double>(), "observer elevation above mean sea level, metres")(
        "pressure", po::value<double>(), "air pressure, hPa (0 = airless)")(
        "temperature", po::value<double>(), "air temperature, degrees Celsius")(
        "dut1", po::value<double>(), "UT1 - UTC, seconds");
    const std::string usage =
        "zipcatcher sky [--at TIME] [--lat DEG --lon DEG [--elev M]] [--pressure HPA] "
        "[--temperature C] [--dut1 S] [--json]";
    auto p = parse_args(global, args, desc, {}, usage);
    if (p.exit_now)
        return *p.exit_now;
    const auto& vm = p.vm;

    UtcTime t = SystemClock{}.now();
    if (vm.count("at")) {
        const auto parsed = parse_iso8601(vm["at"].as<std::string>());
        if (!parsed) {
            std::fprintf(stderr, "zipcatcher sky: --at: not an ISO 8601 time: %s\nUsage: %s\n",
                         vm["at"].as<std::string>().c_str(), usage.c_str());
            return kUsage;
        }
        t = *parsed;
    }
    if (vm.count("lat") != vm.count("lon")) {
        std::fprintf(stderr, "zipcatcher sky: %s needs %s as well\nUsage: %s\n",
                     vm.count("lat") ? "--lat" : "--lon", vm.count("lat") ? "--lon" : "--lat",
                     usage.c_str());
        return kUsage;
    }
    Observer o;
    const bool have_position = vm.count("lat") > 0;
    if (have_position) {
        o.lat = vm["lat"].as<double>();
        o.lon = vm["lon"].as<double>();
        if (!(std::abs(o.lat) <= 90) || !(std::abs(o.lon) <= 360)) {
            std::fprintf(stderr, "zipcatcher sky: --lat must be within +-90 and --lon +-360\n");
            return kUsage;
        }
        if (vm.count("elev"))
            o.elevation = vm["elev"].as<double>();
    } else if (vm.count("elev")) {
        std::fprintf(stderr, "zipcatcher sky: --elev needs --lat and --lon\nUsage: %s\n",
                     usage.c_str());
        return kUsage;
    }
    if (vm.count("pressure")) {
        o.pressure = vm["pressure"].as<double>();
        if (*o.pressure < 0 || *o.pressure > 1200) {
            std::fprintf(stderr, "zipcatcher sky: --pressure must be 0..1200 hPa\n");
            return kUsage;
        }
    }
    // The configuration supplies the position when it is not given, and the atmosphere and
    // dut1 defaults; with a full command line it is only consulted if present.
    if (!have_position || !global.config_file.empty()) {
        if (auto rc = from_config(global, o, !have_position))
            return *rc;
    }
    if (vm.count("temperature"))
        o.temperature = vm["temperature"].as<double>();
    if (vm.count("dut1"))
        o.dut1 = vm["dut1"].as<double>();

    const geoid::ObserverSite site =
        geoid::site_from_msl(o.lat, o.lon, o.elevation, o.geoid_override, o.geoid_grid);
    if (!site.warning.empty())
        std::fprintf(stderr, "warning: %s\n", site.warning.c_str());
    const bool standard = !o.pressure;
    const astro::Atmosphere atm{standard ? astro::standard_pressure_hpa(o.elevation) : *o.pressure,
                                o.temperature, 0.0};
    const astro::EarthOrientation eop{o.dut1, 0, 0};

    const BodyReport bodies[] = {
        {"sun", astro::body_position(astro::Body::Sun, t, site.site, atm, eop),
         astro::next_rise_set(astro::Body::Sun, t, site.site, atm, eop)},
        {"moon", astro::body_position(astro::Body::Moon, t, site.site, atm, eop),
         astro::next_rise_set(astro::Body::Moon, t, site.site, atm, eop)},
    };

    if (p.global.json) {
        json out = {{"time", format_iso8601(t)},
                    {"observer",
                     {{"lat_deg", o.lat},
                      {"lon_deg", o.lon},
                      {"elevation_m", o.elevation},
                      {"height_m", site.site.height_m},
                      {"geoid_m", site.geoid_m},
                      {"pressure_hpa", atm.pressure_hpa},
                      {"temperature_c", atm.temperature_c},
                      {"standard_atmosphere", standard},
                      {"dut1_s", o.dut1}}}};
        for (const BodyReport& b : bodies)
            out[b.name] = body_json(b);
        std::printf("%s\n", out.dump().c_str());
        return kOk;
    }
    std::printf("time      %s\n", format_iso8601(t).c_str());
    std::printf("observer  %.5f, %.5f, %.1f m MSL (ellipsoid %.1f m, geoid %+.2f m) [%s]\n", o.lat,
                o.lon, o.elevation, site.site.height_m, site.geoid_m, o.source.c_str());
    if (atm.pressure_hpa > 0)
        std::printf("air       %.1f hPa%s, %.1f C\n\n", atm.pressure_hpa,
                    standard ? " (standard atmosphere)" : "", atm.temperature_c);
    else
        std::printf("air       none (airless, no refraction)\n\n");
    std::vector<std::vector<std::string>> rows{
        {"BODY", "ALT", "AZ", "DISTANCE_KM", "RADIUS", "NEXT_RISE", "NEXT_SET"}};
    for (const BodyReport& b : bodies)
        rows.push_back({b.name, fixed(b.pos.alt_deg, 4), fixed(b.pos.az_deg, 4),
                        fixed(b.pos.distance_km, 0), fixed(b.pos.radius_deg, 4),
                        event_text(b.rs.rise, b.rs), event_text(b.rs.set, b.rs)});
    print_table(rows);
    return kOk;
}

const CommandRegistrar reg{
    {"sky", "Sun and Moon position, size and next rise/set (offline)", &run_sky}};

}  // namespace
}  // namespace zc::cli
