// zipcatcher flights: the aircraft the daemon tracks now (merged by ICAO24 from every source).
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

std::string str(const json& v) {
    return v.is_string() ? v.get<std::string>() : "-";
}

/// A value the pipeline estimated from the fix history is marked with a '*'.
std::string mark(const json& ac, const char* field, std::string text) {
    for (const auto& e : ac.value("estimated", json::array()))
        if (e == field)
            return text + "*";
    return text;
}

void print_flights(const json& a) {
    const auto& list = a.value("aircraft", json::array());
    if (list.empty()) {
        std::printf("no aircraft\n");
        return;
    }
    std::vector<std::vector<std::string>> rows{{"CALLSIGN", "ICAO24", "LAT", "LON", "ALT_M", "KIND",
                                                "GS_MPS", "TRK", "VR_MPS", "AGE_S", "SOURCES"}};
    bool any_estimate = false;
    for (const auto& ac : list) {
        std::string sources;
        for (const auto& s : ac.value("sources", json::array()))
            sources += (sources.empty() ? "" : ",") + s.get<std::string>();
        any_estimate = any_estimate || !ac.value("estimated", json::array()).empty();
        const std::string kind = str(ac["altitude_kind"]) == "geometric" ? "geo" : "baro";
        rows.push_back({str(ac["callsign"]),
                        ac["icao24"].is_string() ? str(ac["icao24"]) : str(ac["key"]),
                        num(ac["lat"], 4), num(ac["lon"], 4), num(ac["altitude_m"], 0), kind,
                        mark(ac, "ground_speed", num(ac["ground_speed_mps"], 0)),
                        mark(ac, "track", num(ac["track_deg"], 0)),
                        mark(ac, "vertical_rate", num(ac["vertical_rate_mps"], 1)),
                        num(ac["fix_age_s"], 1), sources});
    }
    print_table(rows);
    if (any_estimate)
        std::printf("* estimated from the fix history (the source gave none)\n");
}

int run_flights(const GlobalOptions& global, const std::vector<std::string>& args) {
    auto p = parse_args(global, args, po::options_description("flights options"), {},
                        "zipcatcher flights [--json]");
    if (p.exit_now)
        return *p.exit_now;
    return simple_call(p.global, "flights", json::object(), &print_flights);
}

const CommandRegistrar reg{
    {"flights", "aircraft tracked now: position, altitude, speed, fix age, sources", &run_flights}};

}  // namespace
}  // namespace zc::cli
