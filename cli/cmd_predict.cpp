// zipcatcher predict: offline transit prediction for a saved flight-data file (readsb/dump1090
// aircraft.json, readsb-API replies, OpenSky states/all, FlightAware /flights/search). The
// observer comes from --lat/--lon [--elev] or the configuration; --at defaults to the newest
// fix time in the file, so that predicting an old capture is meaningful.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "astro/refraction.h"
#include "cli_util.h"
#include "config/config.h"
#include "flights/parsers.h"
#include "geoid/egm96.h"
#include "geoid/site.h"
#include "time/clock.h"
#include "transit/candidate_json.h"
#include "transit/config_options.h"
#include "transit/predictor.h"

namespace zc::cli {
namespace {

constexpr const char* kUsage =
    "zipcatcher predict --flights FILE [--target sun|moon|auto] [--at TIME] "
    "[--lat DEG --lon DEG [--elev M]] [--pressure HPA] [--temperature C] [--horizon S] [--json]";

struct Site {
    double lat = 0, lon = 0, elevation = 0;  // elevation above MSL
    std::optional<double> geoid_override;
    std::string geoid_grid = ZC_EGM96_GRID;
    std::optional<double> pressure;
    double temperature = 10.0;
    double dut1 = 0.0;
};

int usage_error(const std::string& what) {
    std::fprintf(stderr, "zipcatcher predict: %s\nUsage: %s\n", what.c_str(), kUsage);
    return zc::cli::kUsage;
}

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// The configuration, when there is a usable one (warnings and errors go to stderr).
std::optional<config::Config> load_config(const GlobalOptions& g, bool required) {
    config::LoadOptions lo;
    lo.environment = config::current_environment();
    lo.is_root = ::geteuid() == 0;
    if (!g.config_file.empty())
        lo.config_file = g.config_file;
    if (!g.env_file.empty())
        lo.env_file = g.env_file;
    config::LoadResult r = config::load(lo);
    if (required || r.has_errors() || !g.config_file.empty()) {
        for (const auto& d : r.diagnostics)
            std::fprintf(stderr, "%s: %s\n",
                         d.severity == config::Severity::Error ? "error" : "warning",
                         d.message.c_str());
    }
    return std::move(r.config);
}

std::optional<UtcTime> parse_time(const std::string& text) {
    if (auto t = parse_iso8601(text))
        return t;
    // Unix seconds, as the feeds use.
    char* end = nullptr;
    const double s = std::strtod(text.c_str(), &end);
    if (end && *end == '\0' && end != text.c_str() && s > 0)
        return from_unix_seconds(s);
    return std::nullopt;
}

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string time_of_day(UtcTime t) {
    const std::string iso = format_iso8601(t);  // YYYY-MM-DDTHH:MM:SS.mmmZ
    return iso.substr(11, 12);
}

void print_human(const std::vector<transit::Candidate>& cands, const flights::ParseResult& parsed,
                 std::size_t predicted, UtcTime at, const geoid::ObserverSite& site) {
    std::printf("at        %s (%s)\n", format_iso8601(at).c_str(),
                std::string(flights::to_string(parsed.format)).c_str());
    std::printf("observer  %.5f, %.5f, ellipsoid %.1f m (geoid %+.2f m)\n", site.site.lat_deg,
                site.site.lon_deg, site.site.height_m, site.geoid_m);
    std::printf("aircraft  %zu fixes, %zu predicted, %zu without position, %zu rejected\n\n",
                parsed.fixes.size(), predicted, parsed.without_position, parsed.problems.size());
    if (cands.empty()) {
        std::printf("no candidates\n");
        return;
    }
    std::vector<std::vector<std::string>> rows{{"TIME_UTC", "TARGET", "LEVEL", "FLIGHT", "SEP_DEG",
                                                "SEP_R", "SIGMA_DEG", "P", "DURATION", "BODY_ALT",
                                                "BODY_AZ", "RANGE_KM", "ALT_M", "AGE_S"}};
    for (const auto& c : cands) {
        std::string who = c.callsign.empty() ? c.key : c.callsign;
        if (!c.icao24.empty() && !c.callsign.empty())
            who += " (" + c.icao24 + ")";
        rows.push_back({time_of_day(c.closest_approach), std::string(transit::to_string(c.target)),
                        std::string(transit::to_string(c.level)), who, fixed(c.separation_deg, 4),
                        fixed(c.separation_radii, 2), fixed(c.sigma_deg, 3),
                        fixed(c.probability, 2), c.ingress ? fixed(c.duration_s, 2) + "s" : "-",
                        fixed(c.body_alt_deg, 2), fixed(c.body_az_deg, 2),
                        fixed(c.slant_range_m / 1000, 1),
                        fixed(c.altitude_m, 0) +
                            (c.altitude_kind == flights::AltitudeKind::Barometric ? " baro" : ""),
                        fixed(c.fix_age_s, 1)});
    }
    print_table(rows);
}

int run_predict(const GlobalOptions& global, const std::vector<std::string>& args) {
    po::options_description desc("predict options");
    desc.add_options()("flights", po::value<std::string>(),
                       "flight-data file (any supported format)")(
        "target", po::value<std::string>(), "sun, moon or auto (both; default: transit.target)")(
        "at", po::value<std::string>(),
        "prediction time, ISO 8601 UTC or Unix seconds (default: the newest fix in the file)")(
        "lat", po::value<double>(), "observer latitude, degrees north")(
        "lon", po::value<double>(), "observer longitude, degrees east")(
        "elev", po::value<double>(), "observer elevation above mean sea level, metres")(
        "pressure", po::value<double>(), "air pressure, hPa (0 = airless)")(
        "temperature", po::value<double>(), "air temperature, degrees Celsius")(
        "horizon", po::value<double>(), "prediction window, seconds (default: transit.horizon)");
    auto p = parse_args(global, args, desc, {}, kUsage);
    if (p.exit_now)
        return *p.exit_now;
    const auto& vm = p.vm;

    if (!vm.count("flights"))
        return usage_error("--flights FILE is required");
    if (vm.count("lat") != vm.count("lon"))
        return usage_error("--lat and --lon go together");
    if (vm.count("elev") && !vm.count("lat"))
        return usage_error("--elev needs --lat and --lon");
    const bool have_position = vm.count("lat") > 0;

    const auto cfg = load_config(p.global, !have_position);
    Site s;
    transit::Options options;
    if (cfg) {
        options = transit::options_from_config(*cfg, options);
        s.geoid_grid = cfg->get_string("observer.geoid_grid");
        s.temperature = cfg->get_double("astro.temperature_c");
        s.dut1 = cfg->get_double("astro.dut1");
        if (const auto pr = cfg->get_optional_double("astro.pressure_hpa"); pr && *pr >= 0)
            s.pressure = *pr;
    }
    if (have_position) {
        s.lat = vm["lat"].as<double>();
        s.lon = vm["lon"].as<double>();
        if (!(std::abs(s.lat) <= 90) || !(std::abs(s.lon) <= 360))
            return usage_error("--lat must be within +-90 and --lon +-360");
        if (vm.count("elev"))
            s.elevation = vm["elev"].as<double>();
    } else {
        if (!cfg)
            return usage_error("no usable configuration; pass --lat and --lon");
        if (cfg->setting("observer.latitude").origin.source == config::Source::Default ||
            cfg->setting("observer.longitude").origin.source == config::Source::Default) {
            return usage_error(
                "no observer position: pass --lat and --lon, or set observer.latitude and "
                "observer.longitude in the configuration");
        }
        s.lat = cfg->get_double("observer.latitude");
        s.lon = cfg->get_double("observer.longitude");
        s.elevation = cfg->get_double("observer.elevation");
        s.geoid_override = cfg->get_optional_double("observer.geoid_height");
    }
    if (vm.count("pressure")) {
        s.pressure = vm["pressure"].as<double>();
        if (*s.pressure < 0 || *s.pressure > 1200)
            return usage_error("--pressure must be 0..1200 hPa");
    }
    if (vm.count("temperature"))
        s.temperature = vm["temperature"].as<double>();
    if (vm.count("target")) {
        const auto t = transit::parse_target(vm["target"].as<std::string>());
        if (!t)
            return usage_error("--target must be sun, moon or auto");
        options.targets = *t;
    }
    if (vm.count("horizon")) {
        options.horizon_s = vm["horizon"].as<double>();
        if (!(options.horizon_s > 0 && options.horizon_s <= 86400))
            return usage_error("--horizon must be 0..86400 s");
    }

    const std::string path = vm["flights"].as<std::string>();
    const auto text = read_file(path);
    if (!text) {
        std::fprintf(stderr, "zipcatcher predict: cannot read %s\n", path.c_str());
        return kFailed;
    }
    const flights::ParseResult parsed = flights::parse_flights(*text);
    if (!parsed.ok()) {
        std::fprintf(stderr, "zipcatcher predict: %s: %s\n", path.c_str(), parsed.error.c_str());
        return kFailed;
    }
    for (const auto& pr : parsed.problems)
        std::fprintf(stderr, "warning: %s: %s\n", path.c_str(), pr.text().c_str());

    std::optional<UtcTime> at;
    if (vm.count("at")) {
        at = parse_time(vm["at"].as<std::string>());
        if (!at)
            return usage_error("--at: not an ISO 8601 time or Unix seconds: " +
                               vm["at"].as<std::string>());
    } else if (!parsed.fixes.empty()) {
        at = std::max_element(parsed.fixes.begin(), parsed.fixes.end(),
                              [](const auto& a, const auto& b) { return a.fix_time < b.fix_time; })
                 ->fix_time;
    } else {
        at = parsed.document_time.value_or(SystemClock{}.now());
    }

    const geoid::ObserverSite site =
        geoid::site_from_msl(s.lat, s.lon, s.elevation, s.geoid_override, s.geoid_grid);
    if (!site.warning.empty())
        std::fprintf(stderr, "warning: %s\n", site.warning.c_str());
    transit::Observer obs;
    obs.site = site.site;
    obs.atmosphere = {s.pressure ? *s.pressure : astro::standard_pressure_hpa(s.elevation),
                      s.temperature, 0.0};
    obs.eop.dut1_s = s.dut1;

    // Pressure altitudes are roughly above mean sea level: raise them by N, as for the observer.
    std::string grid_error;
    if (auto grid = geoid::Grid::load(s.geoid_grid, grid_error)) {
        auto g = std::make_shared<const geoid::Grid>(std::move(*grid));
        options.geoid_undulation_m = [g](double lat, double lon) {
            return g->undulation_m(lat, lon);
        };
    }
    const transit::Predictor predictor(obs, *at, options);
    std::size_t predicted = 0;
    for (const auto& f : parsed.fixes)
        if (predictor.check(f) == transit::Skip::None)
            ++predicted;
    const auto cands = predictor.predict(parsed.fixes);

    if (p.global.json) {
        std::printf("%s\n", transit::to_json(cands).dump().c_str());
    } else {
        print_human(cands, parsed, predicted, *at, site);
    }
    return kOk;
}

const CommandRegistrar reg{
    {"predict", "Predict Sun/Moon transits for a flight-data file (offline)", &run_predict}};

}  // namespace
}  // namespace zc::cli
