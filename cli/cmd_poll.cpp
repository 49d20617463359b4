// zipcatcher poll: poll every flight source now, within its rate limit, budget and backoff.
#include <cstdio>

#include "cli_util.h"

namespace zc::cli {
namespace {

using nlohmann::json;

void print_poll(const json& a) {
    std::string polled;
    for (const auto& s : a.value("polled", json::array()))
        polled += (polled.empty() ? "" : ", ") + s.get<std::string>();
    std::printf("polled   %s\n", polled.empty() ? "none" : polled.c_str());
    for (const auto& r : a.value("refused", json::array()))
        std::printf("refused  %s: %s\n", json_scalar(r.value("source", json("?"))).c_str(),
                    json_scalar(r.value("reason", json("?"))).c_str());
}

int run_poll(const GlobalOptions& global, const std::vector<std::string>& args) {
    auto p = parse_args(global, args, po::options_description("poll options"), {},
                        "zipcatcher poll [--json]");
    if (p.exit_now)
        return *p.exit_now;
    return simple_call(p.global, "poll", json::object(), &print_poll);
}

const CommandRegistrar reg{{"poll", "poll every flight source now (within its limits)", &run_poll}};

}  // namespace
}  // namespace zc::cli
