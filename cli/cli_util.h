#pragma once
// What every subcommand shares: argument parsing with --help/--json, talking to the daemon with
// the documented exit codes, and terse aligned tables.
#include <boost/program_options.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "command.h"
#include "protocol/client.h"
#include "protocol/message.h"

namespace zc::cli {

using protocol::ControlClient;
using protocol::Unreachable;

namespace po = boost::program_options;

struct ParsedArgs {
    po::variables_map vm;
    GlobalOptions global;
    std::optional<int> exit_now;  // set when --help was printed or the usage was wrong
};

/// Parses a subcommand's words. Adds --help and --json to `desc`; prints usage for --help
/// (exit 0) and an error naming the problem for bad usage (exit 2).
ParsedArgs parse_args(const GlobalOptions& global, const std::vector<std::string>& args,
                      po::options_description desc, const po::positional_options_description& pos,
                      const std::string& usage);

/// Connects, runs `fn`, and turns failures into the documented exit codes: Unreachable → 3
/// with the user-facing message, other errors → 1.
int with_client(const GlobalOptions& global, const std::function<int(ControlClient&)>& fn);

/// --json: the reply as is (one line). Otherwise `human` prints the arguments, or the text is
/// printed for errors. Returns 0 for results 0/3, 1 otherwise.
int report(const GlobalOptions& global, const protocol::Response& response,
           const std::function<void(const nlohmann::json& arguments)>& human);

/// Calls one command and reports it.
int simple_call(const GlobalOptions& global, const std::string& command,
                const nlohmann::json& arguments,
                const std::function<void(const nlohmann::json& arguments)>& human);

/// Left-aligned columns separated by two spaces; the first row is the header.
void print_table(const std::vector<std::vector<std::string>>& rows);

std::string json_scalar(const nlohmann::json& v);  // strings unquoted, others dumped
std::string format_duration(double seconds);       // 3d 4h, 5m 12s, 0.8s

}  // namespace zc::cli
