// zipcatcher scope: the telescope link and direct control (status, connect, disconnect,
// view sun|moon, record start|stop, park).
#include <cstdio>

#include "cli_util.h"

namespace zc::cli {
namespace {

using nlohmann::json;

constexpr const char* kScopeUsage =
    "zipcatcher scope status|connect|disconnect|view sun|moon [--solar-filter-on]|"
    "record start|stop|stop-view|park [--json]";

void print_status(const json& a) {
    auto v = [&](const char* k) { return a.contains(k) ? json_scalar(a[k]) : std::string("-"); };
    std::vector<std::vector<std::string>> rows{{"FIELD", "VALUE"}};
    for (const char* k : {"state", "reason", "host", "firmware", "generation", "authenticated",
                          "master", "view_mode", "recording", "tracking", "battery_percent",
                          "temperature_c", "connected_since", "solar_filter_confirmed", "capture"})
        rows.push_back({k, v(k)});
    print_table(rows);
}

int run_scope(const GlobalOptions& global, const std::vector<std::string>& args) {
    po::options_description desc("scope options");
    desc.add_options()("words", po::value<std::vector<std::string>>(), "action and its argument")(
        "solar-filter-on", "confirm the physical solar filter is fitted (needed for sun)");
    po::positional_options_description pos;
    pos.add("words", -1);
    auto p = parse_args(global, args, desc, pos, kScopeUsage);
    if (p.exit_now)
        return *p.exit_now;
    const auto words = p.vm.count("words") ? p.vm["words"].as<std::vector<std::string>>()
                                           : std::vector<std::string>{"status"};
    const std::string action = words[0];
    const std::string arg = words.size() > 1 ? words[1] : "";
    auto bad = [&] {
        std::fprintf(stderr, "zipcatcher: usage: %s\n", kScopeUsage);
        return int(kUsage);
    };
    auto print_text = [&](const std::string& command, json a) {
        return with_client(p.global, [&](ControlClient& c) {
            auto r = c.call(command, a, std::chrono::seconds(60));
            return report(p.global, r, [&](const json&) { std::printf("%s\n", r.text.c_str()); });
        });
    };
    if (words.size() > 2)
        return bad();
    if (action == "status" && arg.empty())
        return simple_call(p.global, "scope-status", json::object(), &print_status);
    if (action == "connect" && arg.empty())
        return print_text("scope-connect", json::object());
    if (action == "disconnect" && arg.empty())
        return print_text("scope-disconnect", json::object());
    if (action == "park" && arg.empty())
        return print_text("scope-park", json::object());
    if (action == "stop-view" && arg.empty())
        return print_text("scope-stop-view", json::object());
    if (action == "view" && (arg == "sun" || arg == "moon")) {
        json a = {{"target", arg}};
        if (p.vm.count("solar-filter-on"))
            a["solar_filter_on"] = true;
        return print_text("scope-view", a);
    }
    if (action == "record" && (arg == "start" || arg == "stop"))
        return print_text("scope-record", {{"action", arg}});
    return bad();
}

const CommandRegistrar reg{
    {"scope", "telescope link and control: status, view, record, park", &run_scope}};

}  // namespace
}  // namespace zc::cli
