#include "txlog/writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "txlog/reader.h"
#include "txlog/record.h"

namespace zc::txlog {

namespace fs = std::filesystem;

namespace {
std::string errno_text(const std::string& what, const fs::path& p) {
    return what + " " + p.string() + ": " + std::strerror(errno);
}
std::string day_suffix(std::int64_t day) {
    const std::chrono::sys_days d{std::chrono::days(day)};
    const std::chrono::year_month_day ymd{d};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d%02u%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}
}  // namespace

std::int64_t utc_day(UtcTime t) {
    return std::chrono::floor<std::chrono::days>(t).time_since_epoch().count();
}

LogWriter::LogWriter(fs::path dir, WriterOptions options)
    : dir_(std::move(dir)), path_(dir_ / kFileName), options_(options) {}

LogWriter::~LogWriter() {
    close_file();
}

void LogWriter::close_file() {
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
}

std::string LogWriter::open_file() {
    close_file();
    std::error_code ec;
    if (!fs::exists(dir_, ec)) {
        fs::create_directories(dir_, ec);
        if (ec)
            return "cannot create " + dir_.string() + ": " + ec.message();
        fs::permissions(dir_, fs::perms(0750), ec);
    }
    fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd_ < 0)
        return errno_text("cannot open", path_);
    struct stat st {};
    if (::fstat(fd_, &st) != 0)
        return errno_text("cannot stat", path_);
    dev_ = st.st_dev;
    ino_ = st.st_ino;
    size_ = static_cast<std::uint64_t>(st.st_size);
    day_.reset();
    if (size_ > 0) {
        // A crash may have left half a line: end it, so the next record starts on its own
        // line (readers skip the fragment).
        auto tail = last_line_info(path_);
        if (!tail.ends_with_newline) {
            if (::write(fd_, "\n", 1) == 1)
                size_ += 1;
        }
        if (tail.logged)
            day_ = utc_day(*tail.logged);
    }
    return "";
}

std::string LogWriter::rotate_size() {
    const int keep = std::max(1, options_.retention);
    std::error_code ec;
    fs::remove(fs::path(path_.string() + "." + std::to_string(keep)), ec);
    for (int k = keep - 1; k >= 1; --k) {
        const fs::path from(path_.string() + "." + std::to_string(k));
        if (fs::exists(from, ec))
            fs::rename(from, fs::path(path_.string() + "." + std::to_string(k + 1)), ec);
    }
    fs::rename(path_, fs::path(path_.string() + ".1"), ec);
    if (ec)
        return "cannot rotate " + path_.string() + ": " + ec.message();
    // Beyond the retention (left by a larger retention earlier).
    for (int k = keep + 1;; ++k) {
        const fs::path old(path_.string() + "." + std::to_string(k));
        if (!fs::remove(old, ec))
            break;
    }
    return "";
}

std::string LogWriter::rotate_daily() {
    std::error_code ec;
    const std::string base = path_.string() + "." + day_suffix(*day_);
    fs::path target = base;
    for (int n = 1; fs::exists(target, ec); ++n)  // the clock went back: never overwrite
        target = base + "-" + std::to_string(n);
    fs::rename(path_, target, ec);
    if (ec)
        return "cannot rotate " + path_.string() + ": " + ec.message();
    // Keep the newest `retention` day files (names sort by date).
    std::vector<fs::path> days;
    const std::string prefix = path_.filename().string() + ".";
    for (const auto& d : fs::directory_iterator(dir_, ec)) {
        const auto name = d.path().filename().string();
        if (name.size() >= prefix.size() + 8 && name.compare(0, prefix.size(), prefix) == 0 &&
            std::all_of(name.begin() + static_cast<std::ptrdiff_t>(prefix.size()),
                        name.begin() + static_cast<std::ptrdiff_t>(prefix.size() + 8),
                        [](char ch) { return ch >= '0' && ch <= '9'; }))
            days.push_back(d.path());
    }
    std::sort(days.begin(), days.end());
    const auto keep = static_cast<std::size_t>(std::max(1, options_.retention));
    for (std::size_t i = 0; i + keep < days.size(); ++i)
        fs::remove(days[i], ec);
    return "";
}

std::string LogWriter::rotate_if_needed(std::size_t incoming, UtcTime now) {
    bool rotate = false;
    if (options_.rotate == Rotation::Size)
        rotate = size_ > 0 && size_ + incoming > options_.max_bytes;
    else
        rotate = size_ > 0 && day_ && *day_ != utc_day(now);
    if (!rotate)
        return "";
    close_file();
    auto err = options_.rotate == Rotation::Size ? rotate_size() : rotate_daily();
    auto open_err = open_file();
    return err.empty() ? open_err : err;
}

std::string LogWriter::append(const std::string& line, UtcTime now) {
    // Reopen when the file was moved or removed under us (another rotation, an operator).
    struct stat st {};
    if (fd_ < 0 || ::stat(path_.c_str(), &st) != 0 || st.st_dev != dev_ || st.st_ino != ino_) {
        if (auto err = open_file(); !err.empty())
            return err;
    } else {
        size_ = static_cast<std::uint64_t>(st.st_size);  // other writers append too
    }
    std::string record = line;
    record += '\n';
    if (auto err = rotate_if_needed(record.size(), now); !err.empty() && fd_ < 0)
        return err;
    // One write(2): with O_APPEND the kernel places it at the end atomically for regular files.
    const ssize_t n = ::write(fd_, record.data(), record.size());
    if (n < 0)
        return errno_text("cannot write", path_);
    if (static_cast<std::size_t>(n) != record.size()) {
        // Short write (disk full): terminate what landed so that the next line stays whole.
        const auto err = "short write to " + path_.string() + " (disk full?)";
        [[maybe_unused]] auto ignored = ::write(fd_, "\n", 1);
        return err;
    }
    size_ += record.size();
    day_ = utc_day(now);
    if (options_.fsync && ::fsync(fd_) != 0)
        return errno_text("cannot fsync", path_);
    return "";
}

}  // namespace zc::txlog
