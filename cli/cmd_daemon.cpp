// Small commands that map one to one onto control commands: version, reload, shutdown,
// commands (list-commands) and call (any command, raw).
#include <cstdio>

#include "cli_util.h"

namespace zc::cli {
namespace {

using nlohmann::json;

int run_version(const GlobalOptions& global, const std::vector<std::string>& args) {
    auto p = parse_args(global, args, po::options_description("version options"), {},
                        "zipcatcher version [--json]");
    if (p.exit_now)
        return *p.exit_now;
    if (!p.global.json)
        std::printf("zipcatcher %s\n", ZC_VERSION);
    return simple_call(p.global, "version", json::object(), [](const json& a) {
        std::printf("zipcatcherd %s (protocol %s)\n", json_scalar(a["version"]).c_str(),
                    json_scalar(a["protocol"]).c_str());
    });
}

int run_reload(const GlobalOptions& global, const std::vector<std::string>& args) {
    auto p = parse_args(global, args, po::options_description("reload options"), {},
                        "zipcatcher reload [--json]");
    if (p.exit_now)
        return *p.exit_now;
    return with_client(p.global, [&](ControlClient& c) {
        auto r = c.call("reload");
        return report(p.global, r, [&](const json& a) {
            std::printf("%s\n", r.text.c_str());
            if (a.contains("changed"))
                for (const auto& n : a["changed"])
                    std::printf("  changed %s\n", json_scalar(n).c_str());
        });
    });
}

int run_shutdown(const GlobalOptions& global, const std::vector<std::string>& args) {
    po::options_description desc("shutdown options");
    desc.add_options()("reason", po::value<std::string>(), "logged by the daemon");
    auto p = parse_args(global, args, desc, {}, "zipcatcher shutdown [--reason TEXT] [--json]");
    if (p.exit_now)
        return *p.exit_now;
    json a = json::object();
    if (p.vm.count("reason"))
        a["reason"] = p.vm["reason"].as<std::string>();
    return simple_call(p.global, "shutdown", a, nullptr);
}

int run_commands(const GlobalOptions& global, const std::vector<std::string>& args) {
    auto p = parse_args(global, args, po::options_description("commands options"), {},
                        "zipcatcher commands [--json]");
    if (p.exit_now)
        return *p.exit_now;
    return simple_call(p.global, "list-commands", json::object(), [](const json& a) {
        std::vector<std::vector<std::string>> rows{{"COMMAND", "ARGUMENTS", "SUMMARY"}};
        for (const auto& c : a["commands"]) {
            std::string argl;
            for (const auto& arg : c["arguments"]) {
                std::string one = json_scalar(arg["name"]) + ":" + json_scalar(arg["type"]);
                if (!arg.value("required", false))
                    one = "[" + one + "]";
                argl += (argl.empty() ? "" : " ") + one;
            }
            rows.push_back(
                {json_scalar(c["name"]), argl.empty() ? "-" : argl, json_scalar(c["summary"])});
        }
        print_table(rows);
    });
}

int run_call(const GlobalOptions& global, const std::vector<std::string>& args) {
    po::options_description desc("call options");
    desc.add_options()("command", po::value<std::string>()->required(), "control command")(
        "arguments", po::value<std::string>()->default_value("{}"), "arguments as a JSON object");
    po::positional_options_description pos;
    pos.add("command", 1).add("arguments", 1);
    auto p = parse_args(global, args, desc, pos, "zipcatcher call COMMAND ['{JSON arguments}']");
    if (p.exit_now)
        return *p.exit_now;
    const auto text = p.vm["arguments"].as<std::string>();
    json a = json::parse(text, nullptr, false);
    if (a.is_discarded() || !a.is_object()) {
        std::fprintf(stderr, "zipcatcher: arguments must be a JSON object, got: %s\n",
                     text.c_str());
        return kUsage;
    }
    GlobalOptions g = p.global;
    return simple_call(g, p.vm["command"].as<std::string>(), a, [](const json& r) {
        std::printf("%s\n", r.is_null() ? "ok" : r.dump(2).c_str());
    });
}

const CommandRegistrar reg_version{{"version", "client and daemon versions", &run_version}};
const CommandRegistrar reg_reload{
    {"reload", "re-read the configuration (like SIGHUP)", &run_reload}};
const CommandRegistrar reg_shutdown{{"shutdown", "stop the daemon gracefully", &run_shutdown}};
const CommandRegistrar reg_commands{
    {"commands", "list the daemon's control commands", &run_commands}};
const CommandRegistrar reg_call{{"call", "send any control command, print the reply", &run_call}};

}  // namespace
}  // namespace zc::cli
