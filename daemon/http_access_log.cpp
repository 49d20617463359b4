#include "http_access_log.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iterator>
#include <stdexcept>

namespace zc::daemon {

namespace {

// Control characters in a path would let a client forge log lines.
void append_printable(std::string& out, std::string_view s) {
    for (char c : s)
        out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
}

}  // namespace

AccessLog::AccessLog(const std::filesystem::path& file, const Clock& clock)
    : clock_(clock), path_(file.string()) {
    if (file.empty())
        return;
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    // O_APPEND: every write lands at the end, also after a logrotate copytruncate.
    fd_.reset(::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
    if (!fd_)
        throw std::runtime_error(
            fmt::format("http.access_log: cannot open {}: {}", path_, std::strerror(errno)));
    pending_.reserve(kBufferBytes + 1024);
}

AccessLog::~AccessLog() {
    flush();
}

void AccessLog::set_flush_scheduler(std::function<void()> schedule) {
    schedule_ = std::move(schedule);
}

void AccessLog::write(std::string_view remote, std::string_view method, std::string_view target,
                      unsigned status, std::uint64_t bytes,
                      std::chrono::steady_clock::duration took) {
    const auto path = target.substr(0, target.find('?'));
    const double ms = std::chrono::duration<double, std::milli>(took).count();
    if (!fd_) {
        std::string p;
        append_printable(p, path);
        spdlog::info("http: {} {} {} {} {} {:.1f}ms", remote, method, p, status, bytes, ms);
        return;
    }
    const bool was_empty = pending_.empty();
    auto out = std::back_inserter(pending_);
    fmt::format_to(out, "{} {} {} ", format_iso8601(clock_.now()), remote, method);
    append_printable(pending_, path);
    fmt::format_to(out, " {} {} {:.1f}ms\n", status, bytes, ms);
    if (pending_.size() >= kBufferBytes || !schedule_)
        flush();
    else if (was_empty)
        schedule_();
}

void AccessLog::flush() {
    std::string_view rest = pending_;
    while (fd_ && !rest.empty()) {
        const auto n = ::write(fd_.get(), rest.data(), rest.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            // Disk full or the like: the lines are dropped, the daemon keeps serving.
            if (!failing_)
                spdlog::warn("http: cannot write the access log {}: {}", path_,
                             std::strerror(errno));
            failing_ = true;
            // A short write before the failure left half a line at the end of the file: cut
            // it off again, so lines are lost whole, never torn (found by the soak test).
            const auto written = pending_.size() - rest.size();
            const auto last_nl =
                written == 0 ? std::string::npos : pending_.rfind('\n', written - 1);
            const auto torn = written - (last_nl == std::string::npos ? 0 : last_nl + 1);
            const auto end = torn > 0 ? ::lseek(fd_.get(), 0, SEEK_END) : -1;
            if (end >= 0 && ::ftruncate(fd_.get(), end - static_cast<off_t>(torn)) != 0)
                spdlog::warn("http: cannot cut a torn line off the access log {}: {}", path_,
                             std::strerror(errno));
            break;
        }
        rest.remove_prefix(static_cast<std::size_t>(n));
        failing_ = false;
    }
    pending_.clear();
}

}  // namespace zc::daemon
