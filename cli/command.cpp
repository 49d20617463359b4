#include "command.h"

namespace zc::cli {

namespace {
std::vector<CommandInfo>& table() {
    static std::vector<CommandInfo> t;
    return t;
}
}  // namespace

CommandRegistrar::CommandRegistrar(CommandInfo info) {
    table().push_back(info);
}

const std::vector<CommandInfo>& commands() {
    return table();
}

}  // namespace zc::cli
