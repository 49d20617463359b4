#include "cli_util.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace zc::cli {

ParsedArgs parse_args(const GlobalOptions& global, const std::vector<std::string>& args,
                      po::options_description desc, const po::positional_options_description& pos,
                      const std::string& usage) {
    ParsedArgs out;
    out.global = global;
    desc.add_options()("help,h", "show this help")("json", "print the daemon's reply as JSON");
    try {
        po::store(po::command_line_parser(args).options(desc).positional(pos).run(), out.vm);
        po::notify(out.vm);
    } catch (const po::error& e) {
        std::fprintf(stderr, "zipcatcher: %s\nUsage: %s\n", e.what(), usage.c_str());
        out.exit_now = kUsage;
        return out;
    }
    if (out.vm.count("help")) {
        std::cout << "Usage: " << usage << "\n\n" << desc;
        out.exit_now = kOk;
    }
    if (out.vm.count("json"))
        out.global.json = true;
    return out;
}

int with_client(const GlobalOptions& global, const std::function<int(ControlClient&)>& fn) {
    try {
        ControlClient client(global.socket_path);
        return fn(client);
    } catch (const Unreachable& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return kUnreachable;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "zipcatcher: %s\n", e.what());
        return kFailed;
    }
}

int report(const GlobalOptions& global, const protocol::Response& response,
           const std::function<void(const nlohmann::json&)>& human) {
    const bool ok = response.result == protocol::Result::kSuccess ||
                    response.result == protocol::Result::kEmpty;
    if (global.json) {
        std::fputs(protocol::to_line(response).c_str(), stdout);
    } else if (!ok) {
        std::fprintf(stderr, "zipcatcher: %s\n", response.text.c_str());
    } else if (human && response.result == protocol::Result::kSuccess) {
        human(response.arguments);
    } else {
        std::printf("%s\n", response.text.c_str());
    }
    return ok ? kOk : kFailed;
}

int simple_call(const GlobalOptions& global, const std::string& command,
                const nlohmann::json& arguments,
                const std::function<void(const nlohmann::json&)>& human) {
    return with_client(global, [&](ControlClient& client) {
        return report(global, client.call(command, arguments), human);
    });
}

void print_table(const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> width;
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (width.size() <= i)
                width.push_back(0);
            width[i] = std::max(width[i], row[i].size());
        }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size())
                line += std::string(width[i] - row[i].size() + 2, ' ');
        }
        std::printf("%s\n", line.c_str());
    }
}

std::string json_scalar(const nlohmann::json& v) {
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_null())
        return "-";
    return v.dump();
}

std::string format_duration(double s) {
    char buf[64];
    if (s < 60)
        std::snprintf(buf, sizeof buf, "%.1fs", s);
    else if (s < 3600)
        std::snprintf(buf, sizeof buf, "%dm %02ds", int(s / 60), int(std::fmod(s, 60)));
    else if (s < 86400)
        std::snprintf(buf, sizeof buf, "%dh %02dm", int(s / 3600), int(std::fmod(s, 3600) / 60));
    else
        std::snprintf(buf, sizeof buf, "%dd %02dh", int(s / 86400),
                      int(std::fmod(s, 86400) / 3600));
    return buf;
}

}  // namespace zc::cli
