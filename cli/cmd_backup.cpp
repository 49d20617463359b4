// zipcatcher backup DEST / zipcatcher restore ARCHIVE: the gallery and the transit logs in one
// tar file with a sha256 manifest (common/backup/backup.h; docs/security.md, "Backups"). Both
// work on the files directly, so they run while the daemon does; the directories come from the
// running daemon when it answers (what it really uses), else from the configuration.
#include <cstdio>

#include "backup/backup.h"
#include "cli_util.h"
#include "config/config.h"
#include "security/local_config.h"

namespace zc::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Dirs {
    fs::path state, log;
    std::string from;  // "the running daemon", "the configuration", "--state-dir"
};

std::optional<Dirs> resolve_dirs(const ParsedArgs& p) {
    Dirs d;
    const bool state_flag = p.vm.count("state-dir") > 0, log_flag = p.vm.count("log-dir") > 0;
    if (state_flag)
        d.state = p.vm["state-dir"].as<std::string>();
    if (log_flag)
        d.log = p.vm["log-dir"].as<std::string>();
    if (state_flag && log_flag) {
        d.from = "the command line";
        return d;
    }
    if (p.global.config_file.empty() && p.global.env_file.empty()) {
        try {
            ControlClient client(p.global.socket_path);
            auto r = client.call("config-get", {{"origins", false}}, std::chrono::seconds(10));
            if (r.result == protocol::Result::kSuccess && r.arguments.is_object()) {
                if (!state_flag)
                    d.state = json_scalar(r.arguments["paths.state_dir"]);
                if (!log_flag)
                    d.log = json_scalar(r.arguments["paths.log_dir"]);
                d.from = "the running daemon";
                return d;
            }
        } catch (const std::exception&) {
            // Not running: the configuration says where the files are.
        }
    }
    auto loaded = config::load(security::daemon_load_options(
        p.global.config_file, p.global.env_file, p.global.socket_path));
    if (!loaded.ok()) {
        std::fprintf(stderr, "%s", loaded.report().c_str());
        std::fprintf(stderr, "zipcatcher: cannot find the state directory (pass --state-dir)\n");
        return std::nullopt;
    }
    if (!state_flag)
        d.state = loaded.config->get_path("paths.state_dir");
    if (!log_flag)
        d.log = loaded.config->get_path("paths.log_dir");
    d.from = "the configuration";
    return d;
}

void dir_options(po::options_description& desc) {
    desc.add_options()("state-dir", po::value<std::string>(),
                       "the daemon's paths.state_dir (default: ask the daemon, else the config)")(
        "log-dir", po::value<std::string>(), "the daemon's paths.log_dir (same default)")(
        "force", "replace an existing file");
}

int run_backup(const GlobalOptions& global, const std::vector<std::string>& args) {
    po::options_description desc("backup options");
    desc.add_options()("dest", po::value<std::string>(), "archive file, or a directory for it");
    dir_options(desc);
    po::positional_options_description pos;
    pos.add("dest", 1);
    const std::string usage =
        "zipcatcher backup DEST [--force] [--state-dir DIR] [--log-dir DIR] [--json]";
    auto p = parse_args(global, args, desc, pos, usage);
    if (p.exit_now)
        return *p.exit_now;
    if (!p.vm.count("dest")) {
        std::fprintf(stderr, "zipcatcher: backup needs DEST\nUsage: %s\n", usage.c_str());
        return kUsage;
    }
    const auto dirs = resolve_dirs(p);
    if (!dirs)
        return kFailed;
    backup::BackupOptions o;
    o.state_dir = dirs->state;
    o.log_dir = dirs->log;
    o.dest = p.vm["dest"].as<std::string>();
    o.force = p.vm.count("force") > 0;
    o.now = SystemClock().now();
    try {
        const auto r = backup::create_backup(o);
        if (p.global.json) {
            std::printf("%s\n", json{{"path", r.path.string()},
                                     {"files", r.files},
                                     {"bytes", r.bytes},
                                     {"notes", r.notes},
                                     {"state_dir", o.state_dir.string()},
                                     {"log_dir", o.log_dir.string()},
                                     {"dirs_from", dirs->from}}
                                    .dump()
                                    .c_str());
        } else {
            for (const auto& n : r.notes)
                std::fprintf(stderr, "note: %s\n", n.c_str());
            std::printf("backed up %zu file(s), %llu bytes, from %s (%s) to %s\n", r.files,
                        static_cast<unsigned long long>(r.bytes), o.state_dir.c_str(),
                        dirs->from.c_str(), r.path.c_str());
        }
        return kOk;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "zipcatcher: backup failed: %s\n", e.what());
        return kFailed;
    }
}

int run_restore(const GlobalOptions& global, const std::vector<std::string>& args) {
    po::options_description desc("restore options");
    desc.add_options()("archive", po::value<std::string>(), "an archive of zipcatcher backup")(
        "dry-run", "verify the archive and show what would be written");
    dir_options(desc);
    po::positional_options_description pos;
    pos.add("archive", 1);
    const std::string usage =
        "zipcatcher restore ARCHIVE [--force] [--dry-run] [--state-dir DIR] [--log-dir DIR] "
        "[--json]";
    auto p = parse_args(global, args, desc, pos, usage);
    if (p.exit_now)
        return *p.exit_now;
    if (!p.vm.count("archive")) {
        std::fprintf(stderr, "zipcatcher: restore needs ARCHIVE\nUsage: %s\n", usage.c_str());
        return kUsage;
    }
    const auto dirs = resolve_dirs(p);
    if (!dirs)
        return kFailed;
    backup::RestoreOptions o;
    o.archive = p.vm["archive"].as<std::string>();
    o.state_dir = dirs->state;
    o.log_dir = dirs->log;
    o.force = p.vm.count("force") > 0;
    o.dry_run = p.vm.count("dry-run") > 0;
    try {
        const auto r = backup::restore_backup(o);
        if (p.global.json) {
            std::printf("%s\n", json{{"restored", r.restored},
                                     {"replaced", r.replaced},
                                     {"unchanged", r.unchanged},
                                     {"conflicts", r.conflicts},
                                     {"dry_run", o.dry_run},
                                     {"state_dir", o.state_dir.string()},
                                     {"log_dir", o.log_dir.string()}}
                                    .dump()
                                    .c_str());
            return r.ok() ? kOk : kFailed;
        }
        if (!r.ok()) {
            for (const auto& c : r.conflicts)
                std::fprintf(stderr, "differs: %s\n", c.c_str());
            std::fprintf(stderr,
                         "zipcatcher: %zu file(s) differ from the archive; nothing was restored "
                         "(--force replaces them)\n",
                         r.conflicts.size());
            return kFailed;
        }
        const char* verb = o.dry_run ? "would restore" : "restored";
        for (const auto& f : r.restored)
            std::printf("%s %s\n", o.dry_run ? "new    " : "restored", f.c_str());
        for (const auto& f : r.replaced)
            std::printf("%s %s\n", o.dry_run ? "replace" : "replaced", f.c_str());
        std::printf("%s %zu file(s), replaced %zu, %zu already identical, into %s (%s)\n", verb,
                    r.restored.size(), r.replaced.size(), r.unchanged.size(), o.state_dir.c_str(),
                    dirs->from.c_str());
        return kOk;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "zipcatcher: restore failed: %s\n", e.what());
        return kFailed;
    }
}

const CommandRegistrar backup_reg{
    {"backup", "archive the gallery and transit logs (tar + sha256 manifest)", &run_backup}};
const CommandRegistrar restore_reg{
    {"restore", "verify a backup and put its files back (never overwrites without --force)",
     &run_restore}};

}  // namespace
}  // namespace zc::cli
