#pragma once
// The CLI's command table. Each subcommand lives in its own cmd_<name>.cpp and registers itself
// with a static CommandRegistrar, so adding a command touches no other file.
#include <string>
#include <vector>

namespace zc::cli {

/// Exit codes, documented for cron (docs/cli.md).
enum Exit : int { kOk = 0, kFailed = 1, kUsage = 2, kUnreachable = 3 };

struct GlobalOptions {
    std::string socket_path;  // resolved: --socket, $ZIPCATCHER_SOCKET, or the default
    bool json = false;        // print the daemon's reply as is
    std::string config_file;  // --config (offline commands); empty = default
    std::string env_file;     // --env-file (offline commands); empty = none
};

/// args are the words after the subcommand name (e.g. for `zipcatcher config show --x`,
/// name = "config", args = {"show", "--x"}).
using CommandFn = int (*)(const GlobalOptions& global, const std::vector<std::string>& args);

struct CommandInfo {
    const char* name;
    const char* summary;  // one line for `zipcatcher --help`
    CommandFn run;
};

struct CommandRegistrar {
    explicit CommandRegistrar(CommandInfo info);
};

const std::vector<CommandInfo>& commands();

}  // namespace zc::cli
