#include "http_access_log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

namespace zc::daemon {

namespace {

// Control characters in a path would let a client forge log lines.
std::string printable(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s)
        out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    return out;
}

}  // namespace

AccessLog::AccessLog(const std::filesystem::path& file, const Clock& clock) : clock_(clock) {
    if (file.empty())
        return;
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(file.string());
    file_ = std::make_shared<spdlog::logger>("access", std::move(sink));
    file_->set_pattern("%v");
    file_->flush_on(spdlog::level::info);
}

void AccessLog::write(std::string_view remote, std::string_view method, std::string_view target,
                      unsigned status, std::uint64_t bytes,
                      std::chrono::steady_clock::duration took) {
    const auto path = target.substr(0, target.find('?'));
    const double ms = std::chrono::duration<double, std::milli>(took).count();
    if (file_)
        file_->info("{} {} {} {} {} {} {:.1f}ms", format_iso8601(clock_.now()), remote, method,
                    printable(path), status, bytes, ms);
    else
        spdlog::info("http: {} {} {} {} {} {:.1f}ms", remote, method, printable(path), status,
                     bytes, ms);
}

}  // namespace zc::daemon
