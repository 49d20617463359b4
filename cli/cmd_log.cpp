// zipcatcher log [export --csv]: the possible-transits log, read straight from the files
// (offline: no daemon needed). The file is <paths.state_dir>/possible_transits.log from the
// configuration, or --file; rotated siblings are read too (docs/lifecycle.md).
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli_util.h"
#include "config/config.h"
#include "time/clock.h"
#include "transit/lifecycle.h"
#include "txlog/csv.h"
#include "txlog/reader.h"
#include "txlog/record.h"

namespace zc::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kLogUsage =
    "zipcatcher log [--since TIME] [--level LEVEL] [--final] [--file PATH] [--json]\n"
    "       zipcatcher log export --csv [--since TIME] [--level LEVEL] [--file PATH] "
    "[--output FILE]";

int usage_error(const std::string& what) {
    std::fprintf(stderr, "zipcatcher log: %s\nUsage: %s\n", what.c_str(), kLogUsage);
    return kUsage;
}

/// ISO 8601, or an age relative to now: 90s, 30m, 12h, 7d.
std::optional<UtcTime> parse_since(const std::string& text) {
    if (auto t = parse_iso8601(text))
        return t;
    if (text.size() < 2)
        return std::nullopt;
    const char unit = text.back();
    char* end = nullptr;
    const double n = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() - 1 || !(n >= 0))
        return std::nullopt;
    double seconds = 0;
    switch (unit) {
        case 's':
            seconds = n;
            break;
        case 'm':
            seconds = n * 60;
            break;
        case 'h':
            seconds = n * 3600;
            break;
        case 'd':
            seconds = n * 86400;
            break;
        default:
            return std::nullopt;
    }
    return SystemClock().now() - from_seconds(seconds);
}

struct Where {
    fs::path file;
    bool explicit_file = false;
};

/// --file, else paths.state_dir from the configuration (as zipcatcherd computes it); a user
/// without a log of their own reads the system daemon's when it is readable.
std::optional<Where> log_path(const GlobalOptions& g, const po::variables_map& vm) {
    if (vm.count("file"))
        return Where{vm["file"].as<std::string>(), true};
    config::LoadOptions lo;
    lo.environment = config::current_environment();
    lo.is_root = ::geteuid() == 0;
    if (!g.config_file.empty())
        lo.config_file = g.config_file;
    if (!g.env_file.empty())
        lo.env_file = g.env_file;
    auto r = config::load(lo);
    if (!r.ok()) {
        for (const auto& d : r.diagnostics)
            if (d.severity == config::Severity::Error)
                std::fprintf(stderr, "error: %s\n", d.message.c_str());
        return std::nullopt;
    }
    fs::path file = fs::path(r.config->get_string("paths.state_dir")) / txlog::kFileName;
    const fs::path system = fs::path("/var/lib/zipcatcher") / txlog::kFileName;
    std::error_code ec;
    if (!fs::exists(file, ec) && !lo.is_root && ::access(system.c_str(), R_OK) == 0)
        file = system;
    return Where{file, false};
}

std::string str(const json& r, const char* k) {
    auto it = r.find(k);
    return it != r.end() && it->is_string() ? it->get<std::string>() : std::string("-");
}

std::string num(const json& r, const char* k, int decimals) {
    auto it = r.find(k);
    if (it == r.end() || !it->is_number())
        return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, it->get<double>());
    return buf;
}

/// "2026-06-21T11:00:42.000Z" -> "11:00:42".
std::string hms(const std::string& iso) {
    return iso.size() >= 19 ? iso.substr(11, 8) : iso;
}

void print_human(const std::vector<json>& records) {
    std::vector<std::vector<std::string>> rows{{"LOGGED", "LINE", "TARGET", "LEVEL", "FLIGHT",
                                                "CLOSEST", "RADII", "PROB", "STATE", "CAPTURE"}};
    for (const auto& r : records) {
        auto logged = str(r, "logged");
        if (logged.size() >= 19)
            logged = logged.substr(0, 10) + " " + logged.substr(11, 8);
        auto flight = str(r, "callsign");
        if (flight == "-")
            flight = str(r, "icao24");
        auto state = str(r, "state");
        if (r.value("line", "") == "final" && r.contains("reason") && r["reason"].is_string())
            state += " (" + r["reason"].get<std::string>() + ")";
        rows.push_back({logged, str(r, "line"), str(r, "target"), str(r, "level"), flight,
                        hms(str(r, "closest_approach")), num(r, "separation_radii", 2),
                        num(r, "probability", 2), state, str(r, "capture")});
    }
    print_table(rows);
}

int run_log(const GlobalOptions& global, const std::vector<std::string>& args) {
    po::options_description desc("log options");
    desc.add_options()("action", po::value<std::string>(), "export (with --csv)")(
        "since", po::value<std::string>(),
        "only records logged since TIME (ISO 8601, or 30m, 12h, 7d ago)")(
        "level", po::value<std::string>(), "only records at LEVEL or above: low, medium, high")(
        "final", "only the outcome line of each candidate")(
        "file", po::value<std::string>(), "read this log file (default: paths.state_dir)")(
        "csv", "export: the original Zipcatcher's 27-column CSV")(
        "output,o", po::value<std::string>(), "export: write to FILE instead of stdout");
    po::positional_options_description pos;
    pos.add("action", 1);
    auto p = parse_args(global, args, desc, pos, kLogUsage);
    if (p.exit_now)
        return *p.exit_now;
    const auto& vm = p.vm;
    const bool exporting = vm.count("action") != 0;
    if (exporting && vm["action"].as<std::string>() != "export")
        return usage_error("unknown action \"" + vm["action"].as<std::string>() + "\"");
    if (exporting && !vm.count("csv"))
        return usage_error("export needs --csv (the only format)");
    if (!exporting && (vm.count("csv") || vm.count("output")))
        return usage_error("--csv and --output belong to `log export`");
    std::optional<UtcTime> since;
    if (vm.count("since")) {
        since = parse_since(vm["since"].as<std::string>());
        if (!since)
            return usage_error("--since: expected an ISO 8601 time or an age such as 30m, 12h, 7d");
    }
    std::optional<transit::Level> min_level;
    if (vm.count("level")) {
        min_level = transit::parse_level(vm["level"].as<std::string>());
        if (!min_level)
            return usage_error("--level: expected low, medium or high");
    }
    const auto where = log_path(p.global, vm);
    if (!where)
        return kFailed;
    std::error_code ec;
    if (!fs::exists(where->file, ec) && txlog::log_files(where->file).empty()) {
        if (where->explicit_file) {
            std::fprintf(stderr, "zipcatcher log: no such file %s\n", where->file.c_str());
            return kFailed;
        }
        std::fprintf(stderr,
                     "zipcatcher log: no possible-transits log yet at %s (zipcatcherd writes it "
                     "when it first sees a candidate)\n",
                     where->file.c_str());
        if (exporting && !vm.count("output"))
            std::printf("%s\n", txlog::csv_header().c_str());
        return kOk;
    }

    txlog::ReadStats stats;
    std::vector<json> records;
    for (auto& r : txlog::read_log(where->file, &stats)) {
        if (since) {
            auto t = parse_iso8601(r.value("logged", std::string()));
            if (!t || *t < *since)
                continue;
        }
        if (min_level) {
            auto l = transit::parse_level(r.value("level", std::string()));
            if (!l || *l < *min_level)
                continue;
        }
        if (vm.count("final") && r.value("line", std::string()) != "final")
            continue;
        records.push_back(std::move(r));
    }
    for (const auto& w : stats.warnings)
        std::fprintf(stderr, "zipcatcher log: note: %s\n", w.c_str());

    if (exporting) {
        std::ofstream file;
        std::ostream* out = &std::cout;
        if (vm.count("output")) {
            file.open(vm["output"].as<std::string>(), std::ios::binary | std::ios::trunc);
            if (!file) {
                std::fprintf(stderr, "zipcatcher log: cannot write %s\n",
                             vm["output"].as<std::string>().c_str());
                return kFailed;
            }
            out = &file;
        }
        *out << txlog::csv_header() << "\r\n";  // RFC 4180 line ends, as spreadsheets expect
        for (const auto& r : records)
            *out << txlog::csv_row(r) << "\r\n";
        out->flush();
        return *out ? kOk : kFailed;
    }
    if (p.global.json) {
        for (const auto& r : records)
            std::printf("%s\n", r.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
        return kOk;
    }
    if (records.empty()) {
        std::printf("no records%s in %s\n", since || min_level ? " match" : "",
                    where->file.c_str());
        return kOk;
    }
    print_human(records);
    return kOk;
}

const CommandRegistrar reg{
    {"log", "the possible-transits log (offline); `log export --csv` for spreadsheets", &run_log}};

}  // namespace
}  // namespace zc::cli
