// zipcatcher doctor: the security checklist (docs/security.md) for the configuration the daemon
// reads, plus what the running daemon shows when it answers: the user it runs as, its control
// socket on disk, and what its gallery answers on typical debug paths.
#include <fmt/format.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cli_util.h"
#include "config/config.h"
#include "config/value_parse.h"
#include "security/checklist.h"
#include "security/http_probe.h"
#include "security/local_config.h"

namespace zc::cli {
namespace {

using nlohmann::json;
using security::Item;
using security::Status;

struct ProcIds {
    unsigned uid = 0, gid = 0;
};

// Effective uid and gid of `pid`, provided it is a zipcatcherd (a pid from another pid namespace
// could name some unrelated process here).
std::optional<ProcIds> daemon_ids(long pid) {
    const std::string dir = "/proc/" + std::to_string(pid);
    std::ifstream comm(dir + "/comm");
    std::string name;
    if (!std::getline(comm, name) || name != "zipcatcherd")
        return std::nullopt;
    std::ifstream status(dir + "/status");
    std::optional<unsigned> uid, gid;
    for (std::string line; std::getline(status, line);) {
        std::istringstream in(line);
        std::string key;
        unsigned real = 0, effective = 0;
        in >> key >> real >> effective;
        if (!in)
            continue;
        if (key == "Uid:")
            uid = effective;
        else if (key == "Gid:")
            gid = effective;
    }
    if (!uid || !gid)
        return std::nullopt;
    return ProcIds{*uid, *gid};
}

struct Live {
    bool answered = false;
    std::string error;  // why not
    json status;
    std::map<std::string, std::string> options;  // config-get: what the daemon really uses
};

Live ask_daemon(const std::string& socket) {
    Live l;
    try {
        ControlClient client(socket);
        auto r = client.call("status", json::object(), std::chrono::seconds(10));
        if (r.result != protocol::Result::kSuccess) {
            l.error = r.text;
            return l;
        }
        l.answered = true;
        l.status = r.arguments;
        auto c = client.call("config-get", {{"origins", false}}, std::chrono::seconds(10));
        if (c.result == protocol::Result::kSuccess && c.arguments.is_object())
            for (const auto& [name, v] : c.arguments.items())
                l.options[name] = json_scalar(v);
    } catch (const std::exception& e) {
        l.error = e.what();
    }
    return l;
}

const json* component(const json& status, const std::string& name) {
    if (!status.contains("components"))
        return nullptr;
    for (const auto& c : status["components"])
        if (c.value("name", "") == name)
            return &c;
    return nullptr;
}

std::string join_files(const std::vector<std::string>& files) {
    std::string out;
    for (const auto& f : files)
        out += (out.empty() ? "" : ", ") + f;
    return out.empty() ? "built-in defaults only" : out;
}

// The daemon reports the paths it was given; this process may have been given them relative.
bool same_files(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    auto norm = [](const std::vector<std::string>& v) {
        std::vector<std::string> out;
        for (const auto& f : v) {
            std::error_code ec;
            const auto c = std::filesystem::weakly_canonical(f, ec);
            out.push_back(ec ? f : c.string());
        }
        return out;
    };
    return norm(a) == norm(b);
}

void print_items(const std::vector<Item>& items) {
    std::size_t width = 5;
    for (const auto& i : items)
        width = std::max(width, i.id.size());
    std::printf("%-6s%-*s  %s\n", "STATE", static_cast<int>(width), "CHECK", "DETAIL");
    for (const auto& i : items) {
        std::printf("%-6s%-*s  %s\n", std::string(security::to_string(i.status)).c_str(),
                    static_cast<int>(width), i.id.c_str(), i.detail.c_str());
        if (i.status != Status::kPass && !i.fix.empty())
            std::printf("%-6s%-*s  fix: %s\n", "", static_cast<int>(width), "", i.fix.c_str());
    }
}

int run_doctor(const GlobalOptions& global, const std::vector<std::string>& args) {
    po::options_description desc("doctor options");
    desc.add_options()("strict", "exit 1 on warnings too, not only on failures");
    const std::string usage =
        "zipcatcher [--config FILE] [--env-file FILE] doctor [--strict] [--json]";
    auto p = parse_args(global, args, desc, {}, usage);
    if (p.exit_now)
        return *p.exit_now;

    const auto load = security::daemon_load_options(p.global.config_file, p.global.env_file,
                                                    p.global.socket_path);
    auto loaded = config::load(load);
    if (!loaded.ok()) {
        for (const auto& d : loaded.diagnostics)
            if (d.severity == config::Severity::Error)
                std::fprintf(stderr, "error: %s\n", d.message.c_str());
        std::fprintf(stderr,
                     "zipcatcher: cannot check a configuration that does not load (as root or a "
                     "member of the daemon's group, or with --config FILE)\n");
        return kFailed;
    }
    const config::Config& cfg = *loaded.config;
    std::vector<std::string> local_files;
    for (const auto& f : cfg.files_read())
        local_files.push_back(f.string());

    std::vector<Item> items;
    security::Facts facts;
    const Live live = ask_daemon(p.global.socket_path);
    if (live.answered) {
        const auto& st = live.status;
        items.push_back({"daemon", "the daemon answers (live checks)", Status::kPass,
                         fmt::format("zipcatcherd {}, pid {}, on {}", json_scalar(st["version"]),
                                     st.value("pid", 0L), p.global.socket_path),
                         ""});
        std::vector<std::string> daemon_files;
        if (st.contains("config") && st["config"].contains("files"))
            for (const auto& f : st["config"]["files"])
                daemon_files.push_back(json_scalar(f));
        if (same_files(daemon_files, local_files))
            items.push_back({"config_source", "this check reads the daemon's configuration",
                             Status::kPass, join_files(local_files), ""});
        else
            items.push_back(
                {"config_source", "this check reads the daemon's configuration", Status::kWarn,
                 fmt::format("the daemon read {}; this check read {}", join_files(daemon_files),
                             join_files(local_files)),
                 "run `zipcatcher --config FILE doctor` with the daemon's files, as root or a "
                 "member of its group"});
        if (auto ids = daemon_ids(st.value("pid", 0L))) {
            facts.daemon_uid = ids->uid;
            facts.daemon_gid = ids->gid;
        }
        facts.live = live.options;
        if (auto it = facts.live.find("control.socket"); it != facts.live.end()) {
            struct stat sst {};
            if (::stat(it->second.c_str(), &sst) == 0)
                facts.socket_mode = static_cast<unsigned>(sst.st_mode) & 0777u;
        }
        const json* gallery = component(st, "gallery");
        const auto bind = facts.live.find("http.bind");
        if (gallery && gallery->value("state", "") == "running" && bind != facts.live.end()) {
            if (auto hp = config::parse_host_port(bind->second)) {
                const bool tls = gallery->value("detail", "").starts_with("https ");
                facts.probes =
                    security::probe_paths({hp->host, hp->port, tls}, security::debug_probe_paths(),
                                          std::chrono::seconds(3), facts.probe_error);
            }
        }
    } else {
        items.push_back({"daemon", "the daemon answers (live checks)", Status::kWarn,
                         live.error + "; live checks skipped",
                         "start it (systemctl start zipcatcher) to check it running"});
    }
    if (!facts.daemon_gid && load.is_root)
        if (const group* g = ::getgrnam("zipcatcher"))
            facts.daemon_gid = static_cast<unsigned>(g->gr_gid);
    for (auto& i : security::run_checklist(cfg, facts))
        items.push_back(std::move(i));

    int counts[3] = {0, 0, 0};
    for (const auto& i : items)
        ++counts[static_cast<int>(i.status)];
    const Status worst = security::worst(items);
    const int code =
        worst == Status::kFail || (worst == Status::kWarn && p.vm.count("strict")) ? kFailed : kOk;
    if (p.global.json) {
        std::printf("%s\n", json{{"items", security::to_json(items)},
                                 {"summary",
                                  {{"pass", counts[0]}, {"warn", counts[1]}, {"fail", counts[2]}}},
                                 {"config_files", local_files},
                                 {"live", live.answered},
                                 {"exit", code}}
                                .dump()
                                .c_str());
        return code;
    }
    std::printf("configuration: %s\n", join_files(local_files).c_str());
    print_items(items);
    std::printf("%d pass, %d warn, %d fail\n", counts[0], counts[1], counts[2]);
    return code;
}

const CommandRegistrar reg{
    {"doctor", "the security checklist: pass/warn/fail per item, live when the daemon runs",
     &run_doctor}};

}  // namespace
}  // namespace zc::cli
