// zipcatcher sources: each flight source's state, like `chronyc sources`.
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

/// "2026-12-04T10:12:40.118Z" -> "10:12:40"; anything else as is, null as "-".
std::string clock_time(const json& v) {
    if (!v.is_string())
        return "-";
    const auto s = v.get<std::string>();
    return s.size() >= 19 ? s.substr(11, 8) : s;
}

void print_sources(const json& a) {
    const auto& list = a.value("sources", json::array());
    if (list.empty()) {
        std::printf("%s\n", a.value("idle", json()).is_string()
                                ? ("idle: " + a["idle"].get<std::string>()).c_str()
                                : "no flight source enabled");
        return;
    }
    std::vector<std::vector<std::string>> rows{{"NAME", "STATE", "OK", "LAST_OK", "AGE_S", "FAILS",
                                                "BACKOFF_S", "CALLS/MIN", "CALLS/MONTH", "NEXT",
                                                "ERROR"}};
    for (const auto& s : list) {
        const bool push = s.value("push", false);
        rows.push_back(
            {json_scalar(s.value("name", json("?"))), json_scalar(s.value("state", json("-"))),
             s.value("healthy", false) ? "yes" : "no", clock_time(s["last_success"]),
             num(s.value("data_age_s", json()), 1), num(s.value("consecutive_failures", json()), 0),
             num(s.value("backoff_remaining_s", json()), 0),
             num(s.value("calls_this_minute", json()), 0),
             num(s.value("calls_this_month", json()), 0),
             push ? "push" : clock_time(s["next_poll"]),
             s.value("last_error", json()).is_string() ? s["last_error"].get<std::string>() : "-"});
    }
    print_table(rows);
}

int run_sources(const GlobalOptions& global, const std::vector<std::string>& args) {
    auto p = parse_args(global, args, po::options_description("sources options"), {},
                        "zipcatcher sources [--json]");
    if (p.exit_now)
        return *p.exit_now;
    return simple_call(p.global, "sources", json::object(), &print_sources);
}

const CommandRegistrar reg{
    {"sources", "flight sources: state, last success and error, backoff, calls", &run_sources}};

}  // namespace
}  // namespace zc::cli
