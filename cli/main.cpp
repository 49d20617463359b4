// zipcatcher: the command-line client of zipcatcherd, and a few offline computations.
// See zipcatcher(1) and docs/cli.md.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "command.h"
#include "config/config.h"
#include "config/paths.h"

using namespace zc;

namespace {

void usage(FILE* out) {
    std::fprintf(out,
                 "Usage: zipcatcher [--socket PATH] [--json] [--config FILE] [--env-file FILE] "
                 "COMMAND [ARGS]\n\nCommands:\n");
    auto cmds = cli::commands();
    std::sort(cmds.begin(), cmds.end(),
              [](const auto& a, const auto& b) { return std::strcmp(a.name, b.name) < 0; });
    for (const auto& c : cmds)
        std::fprintf(out, "  %-14s %s\n", c.name, c.summary);
    std::fprintf(
        out,
        "\n`zipcatcher COMMAND --help` describes a command.\n"
        "Exit status: 0 success, 1 command failed, 2 usage error, 3 daemon unreachable.\n");
}

// --socket, then $ZIPCATCHER_SOCKET, then the default for this user; a normal user whose own
// default does not exist falls back to the system daemon's socket.
std::string resolve_socket(const std::string& flag) {
    if (!flag.empty())
        return flag;
    if (const char* env = std::getenv("ZIPCATCHER_SOCKET"); env && *env)
        return env;
    const auto env = config::current_environment();
    const bool root = ::geteuid() == 0;
    const auto mine = config::default_paths(env, root).socket;
    if (!root && !std::filesystem::exists(mine)) {
        const auto system = config::default_paths({}, true).socket;
        if (std::filesystem::exists(system))
            return system.string();
    }
    return mine.string();
}

}  // namespace

int main(int argc, char** argv) {
    cli::GlobalOptions global;
    std::string socket_flag;
    int i = 1;
    auto value = [&](const char* name) -> std::string {
        if (i + 1 >= argc) {
            std::fprintf(stderr, "zipcatcher: %s needs a value\n", name);
            std::exit(cli::kUsage);
        }
        return argv[++i];
    };
    for (; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--socket" || a == "-s")
            socket_flag = value("--socket");
        else if (a.rfind("--socket=", 0) == 0)
            socket_flag = a.substr(9);
        else if (a == "--json")
            global.json = true;
        else if (a == "--config" || a == "-c")
            global.config_file = value("--config");
        else if (a.rfind("--config=", 0) == 0)
            global.config_file = a.substr(9);
        else if (a == "--env-file")
            global.env_file = value("--env-file");
        else if (a.rfind("--env-file=", 0) == 0)
            global.env_file = a.substr(11);
        else if (a == "--help" || a == "-h") {
            usage(stdout);
            return cli::kOk;
        } else if (a == "--version" || a == "-V") {
            std::printf("zipcatcher %s\n", ZC_VERSION);
            return cli::kOk;
        } else if (a.rfind("-", 0) == 0) {
            std::fprintf(stderr, "zipcatcher: unknown option %s (see zipcatcher --help)\n",
                         a.c_str());
            return cli::kUsage;
        } else
            break;
    }
    if (i >= argc) {
        usage(stderr);
        return cli::kUsage;
    }
    std::string name = argv[i++];
    std::vector<std::string> args(argv + i, argv + argc);
    if (name == "help") {
        if (args.empty()) {
            usage(stdout);
            return cli::kOk;
        }
        name = args[0];
        args = {"--help"};
    }
    global.socket_path = resolve_socket(socket_flag);
    for (const auto& c : cli::commands())
        if (name == c.name)
            return c.run(global, args);
    std::fprintf(stderr, "zipcatcher: unknown command \"%s\" (see zipcatcher --help)\n",
                 name.c_str());
    return cli::kUsage;
}
