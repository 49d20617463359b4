// zipcatcherd: the Zipcatcher daemon. See zipcatcherd(8) and docs/.
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <optional>

#include "background.h"
#include "config/config.h"
#include "daemon.h"
#include "logging.h"

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
        ("socket,s", po::value<std::string>(), "control socket path (same as --control.socket)");
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
    if (vm.count("check-config")) {
        if (!result.ok()) {
            std::fprintf(stderr, "zipcatcherd: configuration is invalid\n");
            return 1;
        }
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
