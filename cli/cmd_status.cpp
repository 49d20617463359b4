// zipcatcher status: is the daemon up, and how are its parts doing.
#include <cstdio>

#include "cli_util.h"

namespace zc::cli {
namespace {

void print_status(const nlohmann::json& a) {
    std::printf("zipcatcherd %s, pid %ld, up %s (since %s)\n", json_scalar(a["version"]).c_str(),
                a.value("pid", 0L), format_duration(a.value("uptime_s", 0.0)).c_str(),
                json_scalar(a["started"]).c_str());
    std::printf("time      %s%s\n", json_scalar(a["now"]).c_str(),
                a.value("demo_clock", false) ? " (demo clock)" : "");
    const auto& c = a["config"];
    const auto& o = c["observer"];
    const double lat = o.value("latitude", 0.0), lon = o.value("longitude", 0.0);
    std::printf("observer  %.5f %c, %.5f %c, %.0f m\n", std::abs(lat), lat < 0 ? 'S' : 'N',
                std::abs(lon), lon < 0 ? 'W' : 'E', o.value("elevation_m", 0.0));
    std::string files;
    for (const auto& f : c["files"])
        files += (files.empty() ? "" : ", ") + json_scalar(f);
    std::printf("config    %s\n", files.empty() ? "built-in defaults" : files.c_str());
    const auto& ctl = a["control"];
    std::printf("socket    %s (%s client(s), %s watching)\n", json_scalar(ctl["socket"]).c_str(),
                json_scalar(ctl["clients"]).c_str(), json_scalar(ctl["watchers"]).c_str());
    std::vector<std::vector<std::string>> rows{{"COMPONENT", "STATE", "DETAIL"}};
    for (const auto& comp : a["components"])
        rows.push_back(
            {json_scalar(comp["name"]), json_scalar(comp["state"]), json_scalar(comp["detail"])});
    std::printf("\n");
    print_table(rows);
}

int run_status(const GlobalOptions& global, const std::vector<std::string>& args) {
    auto p = parse_args(global, args, po::options_description("status options"), {},
                        "zipcatcher status [--json]");
    if (p.exit_now)
        return *p.exit_now;
    return simple_call(p.global, "status", nlohmann::json::object(), print_status);
}

const CommandRegistrar reg{
    {"status", "daemon uptime, components and configuration summary", &run_status}};

}  // namespace
}  // namespace zc::cli
