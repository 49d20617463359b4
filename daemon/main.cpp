// zipcatcherd: the Zipcatcher daemon. See zipcatcherd(8) and docs/.
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>
#include <optional>

#include "background.h"
#include "config/config.h"
#include "daemon.h"
#include "logging.h"
#include "security/checklist.h"

namespace po = boost::program_options;
using namespace zc;

namespace {

constexpr int kExitUsage = 2;

void print_diagnostics(const std::vector<config::Diagnostic>& diags) {
    for (const auto& d : diags)
        std::fprintf(stderr, "zipcatcherd: %s: %s\n",
                     d.severity == config::Severity::Error ? "error" : "warning",
                     d.message.c_str());
}

// The security checklist (docs/security.md) as warnings. The two secrets items are left out:
// the configuration loader has already reported them in its own words.
std::vector<security::Item> security_findings(const config::Config& cfg,
                                              const security::Facts& facts) {
    std::vector<security::Item> out;
    for (auto& item : security::run_checklist(cfg, facts))
        if (item.status != security::Status::kPass && item.id != "secrets_files" &&
            item.id != "secrets_command_line")
            out.push_back(std::move(item));
    return out;
}

std::string finding_text(const security::Item& i) {
    return fmt::format("security: {} ({}): {}; fix: {}", i.id, security::to_string(i.status),
                       i.detail, i.fix);
}

}  // namespace

int main(int argc, char** argv) {
    po::options_description general("zipcatcherd options");
    // clang-format off
    general.add_options()
        ("help,h", "show this help and exit")
        ("version,V", "print the version and exit")
        ("config,c", po::value<std::string>(), "configuration file (default <config dir>/zipcatcher.conf)")
        ("env-file", po::value<std::string>(), "a .env file of the original Zipcatcher to read")
        ("check-config,t", "validate the configuration, print the verdict and exit 0 or 1")
        ("foreground,f", "stay in the foreground (systemd, terminals); otherwise detach")
        ("log-level,l", po::value<std::string>(), "trace, debug, info, warn, error, critical or off")
        ("socket,s", po::value<std::string>(), "control socket path (same as --control.socket)")
        ("allow-root", "run even as root (refused otherwise; use the zipcatcher user instead)");
    // clang-format on
    po::options_description settings("configuration options (each overrides the files)");
    config::add_command_line_options(settings);
    po::options_description all;
    all.add(general).add(settings);

    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::fprintf(stderr, "zipcatcherd: %s (see zipcatcherd --help)\n", e.what());
        return kExitUsage;
    }
    if (vm.count("help")) {
        std::cout << "Usage: zipcatcherd [options]\n\n" << general << '\n' << settings;
        return 0;
    }
    if (vm.count("version")) {
        std::cout << "zipcatcherd " << ZC_VERSION << '\n';
        return 0;
    }

    config::LoadOptions load;
    load.environment = config::current_environment();
    load.is_root = ::geteuid() == 0;
    if (vm.count("config"))
        load.config_file = vm["config"].as<std::string>();
    if (vm.count("env-file"))
        load.env_file = vm["env-file"].as<std::string>();
    load.command_line = config::command_line_values(vm);
    if (vm.count("socket"))
        load.command_line.emplace_back("control.socket", vm["socket"].as<std::string>());
    std::optional<std::string> level_override;
    if (vm.count("log-level")) {
        level_override = vm["log-level"].as<std::string>();
        if (!daemon::parse_log_level(*level_override)) {
            std::fprintf(stderr,
                         "zipcatcherd: --log-level \"%s\": expected trace, debug, info, "
                         "warn, error, critical or off\n",
                         level_override->c_str());
            return kExitUsage;
        }
        load.command_line.emplace_back("log.level", *level_override);
    }

    auto result = config::load(load);
    print_diagnostics(result.diagnostics);
    const bool allow_root = vm.count("allow-root") > 0;
    if (vm.count("check-config")) {
        if (!result.ok()) {
            std::fprintf(stderr, "zipcatcherd: configuration is invalid\n");
            return 1;
        }
        // Warnings, not errors: the configuration is valid; `zipcatcher doctor` grades them.
        security::Facts facts;
        facts.allow_root = allow_root;
        for (const auto& item : security_findings(*result.config, facts))
            std::fprintf(stderr, "zipcatcherd: warning: %s\n", finding_text(item).c_str());
        std::string files;
        for (const auto& f : result.config->files_read())
            files += " " + f.string();
        std::printf("configuration OK (%s)\n",
                    files.empty() ? "built-in defaults only" : files.substr(1).c_str());
        return 0;
    }
    if (!result.ok()) {
        std::fprintf(stderr, "zipcatcherd: not starting: the configuration is invalid\n");
        return 1;
    }
    config::Config cfg = std::move(*result.config);
    if (::geteuid() == 0 && !allow_root) {
        // A daemon that parses network input should not hold every privilege of the machine.
        std::fprintf(stderr,
                     "zipcatcherd: refusing to run as root; run it as the zipcatcher user "
                     "(systemctl start zipcatcher does) or pass --allow-root\n");
        return 1;
    }

    std::optional<daemon::Backgrounder> background;
    try {
        if (!vm.count("foreground"))
            background.emplace(std::filesystem::path(cfg.get_string("paths.log_dir")) /
                               "zipcatcherd.log");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "zipcatcherd: %s\n", e.what());
        return 1;
    }

    const auto level =
        daemon::parse_log_level(cfg.get_string("log.level")).value_or(spdlog::level::info);
    daemon::setup_logging(load.environment, level);
    {
        security::Facts facts;
        facts.daemon_uid = static_cast<unsigned>(::geteuid());
        facts.allow_root = allow_root;
        const auto findings = security_findings(cfg, facts);
        for (const auto& item : findings)
            spdlog::warn("{}", finding_text(item));
        if (!findings.empty())
            spdlog::warn("security: {} checklist item(s) need attention; see `zipcatcher doctor`",
                         findings.size());
    }
    try {
        daemon::DaemonOptions options{load, level_override, nullptr};
        if (background)
            options.on_ready = [&background] { background->ready(); };
        daemon::Daemon d(std::move(options), std::move(cfg), load.environment);
        return d.run();
    } catch (const std::exception& e) {
        spdlog::critical("{}", e.what());
        return 1;
    }
}
