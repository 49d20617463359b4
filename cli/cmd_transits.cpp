// zipcatcher transits: the daemon's current transit candidates, soonest first.
#include <cstdio>

#include "cli_util.h"

namespace zc::cli {
namespace {

using nlohmann::json;

std::string num(const json& v, int decimals) {
    if (!v.is_number())
        return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v.get<double>());
    return buf;
}

void print_transits(const json& a) {
    const auto& list = a.value("candidates", json::array());
    if (list.empty()) {
        if (a.value("idle", json()).is_string())
            std::printf("no candidates (idle: %s)\n", a["idle"].get<std::string>().c_str());
        else
            std::printf("no candidates\n");
        return;
    }
    std::vector<std::vector<std::string>> rows{{"TIME_UTC", "IN_S", "TARGET", "LEVEL", "FLIGHT",
                                                "SEP_DEG", "SEP_R", "P", "DURATION", "BODY_ALT",
                                                "RANGE_KM", "ALT_M", "AGE_S"}};
    for (const auto& c : list) {
        const std::string t = json_scalar(c.value("closest_approach", json("-")));
        std::string who = c["callsign"].is_string() ? c["callsign"].get<std::string>()
                                                    : json_scalar(c.value("key", json("?")));
        if (c["icao24"].is_string() && c["callsign"].is_string())
            who += " (" + c["icao24"].get<std::string>() + ")";
        const std::string alt =
            num(c["altitude_m"], 0) + (c.value("altitude_kind", "") == "barometric" ? " baro" : "");
        rows.push_back({t.size() >= 23 ? t.substr(11, 12) : t, num(c["lead_time_s"], 0),
                        json_scalar(c.value("target", json("-"))),
                        json_scalar(c.value("level", json("-"))), who, num(c["separation_deg"], 4),
                        num(c["separation_radii"], 2), num(c["probability"], 2),
                        c["ingress"].is_string() ? num(c["duration_s"], 2) + "s" : "-",
                        num(c["body_alt_deg"], 1), num(c["slant_range_km"], 1), alt,
                        num(c["fix_age_s"], 1)});
    }
    print_table(rows);
}

int run_transits(const GlobalOptions& global, const std::vector<std::string>& args) {
    constexpr const char* kTransitsUsage = "zipcatcher transits [--level low|medium|high] [--json]";
    po::options_description desc("transits options");
    desc.add_options()("level", po::value<std::string>(),
                       "only candidates at or above this level: low, medium or high");
    auto p = parse_args(global, args, desc, {}, kTransitsUsage);
    if (p.exit_now)
        return *p.exit_now;
    json a = json::object();
    if (p.vm.count("level")) {
        const auto level = p.vm["level"].as<std::string>();
        if (level != "low" && level != "medium" && level != "high") {
            std::fprintf(stderr, "zipcatcher: --level must be low, medium or high\nUsage: %s\n",
                         kTransitsUsage);
            return kUsage;
        }
        a["level"] = level;
    }
    return simple_call(p.global, "transits", a, &print_transits);
}

const CommandRegistrar reg{
    {"transits", "current transit candidates, soonest first", &run_transits}};

}  // namespace
}  // namespace zc::cli
