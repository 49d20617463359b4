// zipcatcher watch: the daemon's event stream, live.
#include <csignal>
#include <cstdio>

#include "cli_util.h"

namespace zc::cli {
namespace {

using nlohmann::json;

// One terse line per event: time, name, then key=value for the rest.
void print_event(const json& e) {
    std::string line =
        json_scalar(e.value("time", json("-"))) + "  " + json_scalar(e.value("event", json("?")));
    for (const auto& [k, v] : e.items()) {
        if (k == "time" || k == "event")
            continue;
        // A `prediction` event carries the whole candidate (docs/transit-model.md schema) for
        // --json; the line shows its summary fields only.
        if (k == "candidate" && v.is_object())
            continue;
        line += "  " + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
    }
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
}

int run_watch(const GlobalOptions& global, const std::vector<std::string>& args) {
    po::options_description desc("watch options");
    desc.add_options()("events,e", po::value<std::vector<std::string>>()->multitoken(),
                       "only these event names (default: all)");
    auto p = parse_args(global, args, desc, {}, "zipcatcher watch [--events NAME...] [--json]");
    if (p.exit_now)
        return *p.exit_now;
    json a = json::object();
    if (p.vm.count("events"))
        a["events"] = p.vm["events"].as<std::vector<std::string>>();
    return with_client(p.global, [&](ControlClient& c) {
        auto r = c.call("watch", a);
        if (r.result != protocol::Result::kSuccess)
            return report(p.global, r, nullptr);
        if (!p.global.json)
            std::fprintf(stderr, "watching; press Ctrl-C to stop\n");
        while (auto line = c.read_line(std::nullopt)) {
            if (p.global.json) {
                std::printf("%s\n", line->c_str());
                std::fflush(stdout);
                continue;
            }
            auto e = json::parse(*line, nullptr, false);
            if (e.is_object())
                print_event(e);
        }
        std::fprintf(stderr, "zipcatcherd closed the stream\n");
        return int(kOk);
    });
}

const CommandRegistrar reg{{"watch", "stream daemon events live", &run_watch}};

}  // namespace
}  // namespace zc::cli
