// zipcatcher config show|get|check: the effective configuration with the origin of every value.
// `show` asks the running daemon (what it actually uses); --offline, --config or --env-file
// compute it here from the files instead. Secrets are redacted either way.
#include <unistd.h>

#include <cstdio>

#include "cli_util.h"
#include "config/config.h"

namespace zc::cli {
namespace {

using nlohmann::json;

config::LoadOptions local_load_options(const GlobalOptions& g) {
    config::LoadOptions o;
    o.environment = config::current_environment();
    o.is_root = ::geteuid() == 0;
    if (!g.config_file.empty())
        o.config_file = g.config_file;
    if (!g.env_file.empty())
        o.env_file = g.env_file;
    return o;
}

void print_settings(const json& all, const std::string& only) {
    std::vector<std::vector<std::string>> rows{{"OPTION", "VALUE", "ORIGIN"}};
    for (const auto& [name, s] : all.items()) {
        if (!only.empty() && name != only)
            continue;
        rows.push_back({name, json_scalar(s["value"]), json_scalar(s["origin"])});
    }
    print_table(rows);
}

int show_local(const GlobalOptions& g, const std::string& only, bool value_only) {
    auto r = config::load(local_load_options(g));
    for (const auto& d : r.diagnostics)
        std::fprintf(stderr, "%s: %s\n",
                     d.severity == config::Severity::Error ? "error" : "warning",
                     d.message.c_str());
    if (!r.ok())
        return kFailed;
    json all = r.config->to_json(true);
    if (!only.empty() && !all.contains(only)) {
        std::fprintf(stderr, "zipcatcher: unknown option \"%s\"\n", only.c_str());
        return kFailed;
    }
    if (g.json) {
        std::printf("%s\n", (only.empty() ? all : json{{only, all[only]}}).dump().c_str());
    } else if (value_only) {
        std::printf("%s\n", json_scalar(all[only]["value"]).c_str());
    } else {
        print_settings(all, only);
    }
    return kOk;
}

int show_daemon(const GlobalOptions& g, const std::string& only, bool value_only) {
    json a = {{"origins", true}};
    if (!only.empty())
        a["name"] = only;
    return simple_call(g, "config-get", a, [&](const json& all) {
        if (value_only)
            std::printf("%s\n", json_scalar(all[only]["value"]).c_str());
        else
            print_settings(all, only);
    });
}

int run_config(const GlobalOptions& global, const std::vector<std::string>& args) {
    po::options_description desc("config options");
    desc.add_options()("action", po::value<std::string>(), "show, get or check")(
        "name", po::value<std::string>(), "one option, e.g. observer.latitude")(
        "offline", "compute from the files here instead of asking the daemon");
    po::positional_options_description pos;
    pos.add("action", 1).add("name", 1);
    const std::string usage =
        "zipcatcher config show [NAME] [--offline] [--json]\n"
        "       zipcatcher config get NAME [--offline]\n"
        "       zipcatcher [--config FILE] [--env-file FILE] config check";
    auto p = parse_args(global, args, desc, pos, usage);
    if (p.exit_now)
        return *p.exit_now;
    const std::string action = p.vm.count("action") ? p.vm["action"].as<std::string>() : "show";
    const std::string name = p.vm.count("name") ? p.vm["name"].as<std::string>() : "";
    const bool local =
        p.vm.count("offline") || !p.global.config_file.empty() || !p.global.env_file.empty();
    if (action == "show")
        return local ? show_local(p.global, name, false) : show_daemon(p.global, name, false);
    if (action == "get") {
        if (name.empty()) {
            std::fprintf(stderr, "zipcatcher: config get needs an option name\nUsage: %s\n",
                         usage.c_str());
            return kUsage;
        }
        return local ? show_local(p.global, name, true) : show_daemon(p.global, name, true);
    }
    if (action == "check") {
        auto r = config::load(local_load_options(p.global));
        for (const auto& d : r.diagnostics)
            std::fprintf(stderr, "%s: %s\n",
                         d.severity == config::Severity::Error ? "error" : "warning",
                         d.message.c_str());
        if (!r.ok())
            return kFailed;
        std::printf("configuration OK\n");
        return kOk;
    }
    std::fprintf(stderr, "zipcatcher: unknown config action \"%s\"\nUsage: %s\n", action.c_str(),
                 usage.c_str());
    return kUsage;
}

const CommandRegistrar reg{
    {"config", "show, get or check the effective configuration", &run_config}};

}  // namespace
}  // namespace zc::cli
