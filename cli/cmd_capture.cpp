// zipcatcher capture: ask the daemon to record the Sun or Moon now or at a time (for cron), and
// wait with a live countdown until the outcome; the exit code says whether it recorded.
#include <unistd.h>

#include <cstdio>

#include "cli_util.h"
#include "time/clock.h"

namespace zc::cli {
namespace {

using nlohmann::json;

int run_capture(const GlobalOptions& global, const std::vector<std::string>& args) {
    po::options_description desc("capture options");
    desc.add_options()("target", po::value<std::string>()->required(), "sun or moon")(
        "duration", po::value<double>()->required(), "seconds to record")(
        "at", po::value<std::string>(), "start time, ISO 8601 (default: now)")(
        "no-wait", "return once the capture is scheduled")(
        "solar-filter-on", "confirm the physical solar filter is fitted (needed for sun)");
    auto p = parse_args(global, args, desc, {},
                        "zipcatcher capture --target sun|moon --duration SECONDS [--at TIME] "
                        "[--no-wait] [--solar-filter-on] [--json]");
    if (p.exit_now)
        return *p.exit_now;
    const auto target = p.vm["target"].as<std::string>();
    if (target != "sun" && target != "moon") {
        std::fprintf(stderr, "zipcatcher: --target must be sun or moon, got %s\n", target.c_str());
        return kUsage;
    }
    json a = {{"target", target}, {"duration", p.vm["duration"].as<double>()}};
    if (p.vm.count("at"))
        a["at"] = p.vm["at"].as<std::string>();
    if (p.vm.count("solar-filter-on"))
        a["solar_filter_on"] = true;
    const bool wait = !p.vm.count("no-wait");
    return with_client(p.global, [&](ControlClient& events) {
        // Subscribe first so that no outcome can slip past between scheduling and watching.
        if (wait) {
            auto w = events.call("watch", {{"events", {"capture"}}});
            if (w.result != protocol::Result::kSuccess)
                return report(p.global, w, nullptr);
        }
        ControlClient control(p.global.socket_path);
        auto r = control.call("capture", a);
        if (r.result != protocol::Result::kSuccess || !wait)
            return report(p.global, r, [&](const json& x) {
                std::printf("%s: %s %s from %s to %s\n", json_scalar(x["id"]).c_str(),
                            json_scalar(x["state"]).c_str(), target.c_str(),
                            json_scalar(x["start"]).c_str(), json_scalar(x["stop"]).c_str());
            });
        const auto id = r.arguments["id"].get<std::string>();
        const auto start = parse_iso8601(r.arguments.value("start", std::string()));
        const auto stop = parse_iso8601(r.arguments.value("stop", std::string()));
        const bool tty = ::isatty(STDOUT_FILENO) && !p.global.json;
        if (!p.global.json)
            std::printf("%s scheduled: %s from %s to %s\n", id.c_str(), target.c_str(),
                        r.arguments.value("start", std::string()).c_str(),
                        r.arguments.value("stop", std::string()).c_str());
        SystemClock clock;
        bool recording = false;
        const auto give_up = (stop ? *stop : clock.now()) + std::chrono::seconds(120);
        while (clock.now() < give_up) {
            std::optional<std::string> line;
            try {
                line = events.read_line(std::chrono::milliseconds(250));
                if (!line) {
                    std::fprintf(stderr, "zipcatcher: zipcatcherd closed the event stream\n");
                    return int(kFailed);
                }
            } catch (const std::runtime_error& e) {
                // A quiet quarter second: only the countdown moves.
                if (std::string(e.what()).find("did not answer in time") == std::string::npos)
                    throw;
            }
            if (tty && start && stop) {
                const auto now = clock.now();
                const double s = to_seconds((recording ? *stop : *start) - now);
                std::printf("\r%s: %s %5.1f s   ", id.c_str(),
                            recording ? "recording, left" : "starts in", s > 0 ? s : 0.0);
                std::fflush(stdout);
            }
            if (!line)
                continue;
            auto e = json::parse(*line, nullptr, false);
            if (!e.is_object() || e.value("id", std::string()) != id)
                continue;
            const auto state = e.value("state", std::string());
            if (p.global.json) {
                std::printf("%s\n", line->c_str());
                std::fflush(stdout);
            } else if (!tty) {
                std::printf("%s: %s%s\n", id.c_str(), state.c_str(),
                            e.contains("reason") ? (": " + json_scalar(e["reason"])).c_str() : "");
            }
            if (state == "started")
                recording = true;
            if (state == "recorded" || state == "missed" || state == "cancelled") {
                if (tty)
                    std::printf("\r%s: %s%s\n", id.c_str(), state.c_str(),
                                e.contains("reason") ? (": " + json_scalar(e["reason"])).c_str()
                                                     : "                ");
                return state == "recorded" ? int(kOk) : int(kFailed);
            }
        }
        std::fprintf(stderr, "zipcatcher: no outcome for %s\n", id.c_str());
        return int(kFailed);
    });
}

const CommandRegistrar reg{
    {"capture", "record the Sun or Moon now or at a time (for cron)", &run_capture}};

}  // namespace
}  // namespace zc::cli
