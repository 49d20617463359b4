#include "logging.h"

#include <spdlog/formatter.h>
#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <memory>
#include <utility>

namespace zc::daemon {

namespace {

// spdlog formatter producing journal_format() output, so the stock stderr sink (which locks
// and flushes after every record) can carry journald lines.
class JournalFormatter final : public spdlog::formatter {
  public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        const std::string line =
            journal_format(msg.level, std::string_view(msg.payload.data(), msg.payload.size()));
        dest.append(line.data(), line.data() + line.size());
    }
    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<JournalFormatter>();
    }
};

bool stderr_is_journal(const std::map<std::string, std::string>& env) {
    auto it = env.find("JOURNAL_STREAM");
    if (it == env.end()) {
        return false;
    }
    struct stat st {};
    if (::fstat(STDERR_FILENO, &st) != 0) {
        return false;
    }
    return journal_stream_matches(it->second, st.st_dev, st.st_ino);
}

template <typename T>
std::optional<T> parse_number(std::string_view text) {
    T value{};
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end) {
        return std::nullopt;
    }
    return value;
}

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

void setup_logging(const std::map<std::string, std::string>& env, spdlog::level::level_enum level) {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    if (stderr_is_journal(env)) {
        sink->set_formatter(std::make_unique<JournalFormatter>());
    } else {
        sink->set_formatter(std::make_unique<spdlog::pattern_formatter>(
            "%Y-%m-%dT%H:%M:%S.%eZ [%l] %v", spdlog::pattern_time_type::utc));
    }
    auto logger = std::make_shared<spdlog::logger>("zipcatcherd", std::move(sink));
    logger->set_level(
        level);  // the stderr sink flushes every record itself: journald sees it at once
    spdlog::set_default_logger(std::move(logger));
    spdlog::set_level(level);
}

void set_log_level(spdlog::level::level_enum level) {
    spdlog::set_level(level);
}

std::optional<spdlog::level::level_enum> parse_log_level(std::string_view text) {
    static constexpr std::array<std::pair<std::string_view, spdlog::level::level_enum>, 10> names{{
        {"trace", spdlog::level::trace},
        {"debug", spdlog::level::debug},
        {"info", spdlog::level::info},
        {"warn", spdlog::level::warn},
        {"warning", spdlog::level::warn},
        {"error", spdlog::level::err},
        {"err", spdlog::level::err},
        {"critical", spdlog::level::critical},
        {"crit", spdlog::level::critical},
        {"off", spdlog::level::off},
    }};
    std::string folded;
    folded.reserve(text.size());
    for (char c : text) {
        folded.push_back(lower(c));
    }
    for (const auto& [name, level] : names) {
        if (folded == name) {
            return level;
        }
    }
    return std::nullopt;
}

int syslog_priority(spdlog::level::level_enum level) {
    switch (level) {
        case spdlog::level::trace:
        case spdlog::level::debug:
            return 7;  // LOG_DEBUG
        case spdlog::level::info:
            return 6;  // LOG_INFO
        case spdlog::level::warn:
            return 4;  // LOG_WARNING
        case spdlog::level::err:
            return 3;  // LOG_ERR
        case spdlog::level::critical:
            return 2;  // LOG_CRIT
        default:
            return 6;  // "off" never reaches a sink; info is the safe reading
    }
}

std::string journal_format(spdlog::level::level_enum level, std::string_view message) {
    const std::string prefix = "<" + std::to_string(syslog_priority(level)) + ">";
    while (!message.empty() && message.back() == '\n') {
        message.remove_suffix(1);
    }
    std::string out;
    out.reserve(message.size() + prefix.size() + 1);
    std::size_t start = 0;
    while (true) {
        const std::size_t end = message.find('\n', start);
        out += prefix;
        out.append(message.substr(start, end == std::string_view::npos ? end : end - start));
        out += '\n';
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    return out;
}

bool journal_stream_matches(std::string_view journal_stream, dev_t device, ino_t inode) {
    const auto colon = journal_stream.find(':');
    if (colon == std::string_view::npos) {
        return false;
    }
    auto dev = parse_number<unsigned long long>(journal_stream.substr(0, colon));
    auto ino = parse_number<unsigned long long>(journal_stream.substr(colon + 1));
    return dev && ino && *dev == static_cast<unsigned long long>(device) &&
           *ino == static_cast<unsigned long long>(inode);
}

}  // namespace zc::daemon
