#include "flights/budget_guard.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace zc::flights {

namespace {

std::chrono::year_month_day civil(UtcTime t) {
    return std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(t));
}

/// Writes `text` to `path` so that a reader sees either the old or the new file, never a torn
/// one, even across a power cut: temporary in the same directory, fsync, rename, fsync dir.
std::string write_atomically(const std::filesystem::path& path, const std::string& text) {
    const std::filesystem::path tmp = path.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0)
        return fmt::format("cannot create {}: {}", tmp.string(), std::strerror(errno));
    std::size_t off = 0;
    while (off < text.size()) {
        const ssize_t n = ::write(fd, text.data() + off, text.size() - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const std::string why = std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            return fmt::format("cannot write {}: {}", tmp.string(), why);
        }
        off += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(tmp.c_str());
        return fmt::format("cannot write {}: {}", tmp.string(), why);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(tmp.c_str());
        return fmt::format("cannot replace {}: {}", path.string(), why);
    }
    const auto dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

}  // namespace

std::string period_key(BudgetPeriod period, UtcTime t) {
    const auto ymd = civil(t);
    const int y = static_cast<int>(ymd.year());
    const unsigned m = static_cast<unsigned>(ymd.month());
    if (period == BudgetPeriod::Month)
        return fmt::format("{:04d}-{:02d}", y, m);
    return fmt::format("{:04d}-{:02d}-{:02d}", y, m, static_cast<unsigned>(ymd.day()));
}

UtcTime period_end(BudgetPeriod period, UtcTime t) {
    using namespace std::chrono;
    const auto ymd = civil(t);
    if (period == BudgetPeriod::Day)
        return UtcTime(sys_days(ymd) + days(1));
    const year_month next = year_month(ymd.year(), ymd.month()) + months(1);
    return UtcTime(sys_days(next / day(1)));
}

BudgetGuard::BudgetGuard(std::filesystem::path file, std::int64_t limit, BudgetPeriod period,
                         std::string what)
    : file_(std::move(file)), limit_(limit), period_(period), what_(std::move(what)) {
    load(UtcTime{});
}

void BudgetGuard::roll(UtcTime now) {
    const std::string key = period_key(period_, now);
    if (key > key_) {
        key_ = key;
        used_ = 0;
    }
}

bool BudgetGuard::load(UtcTime now) {
    roll(now);
    if (file_.empty())
        return true;
    std::error_code ec;
    if (!std::filesystem::exists(file_, ec)) {
        if (ec) {
            error_ = fmt::format("cannot read {}: {}", file_.string(), ec.message());
            return false;
        }
        error_.clear();
        return true;  // nothing spent yet
    }
    std::ifstream in(file_, std::ios::binary);
    if (!in) {
        error_ = fmt::format("cannot read {}: {}", file_.string(), std::strerror(errno));
        return false;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    const auto doc = nlohmann::json::parse(ss.str(), nullptr, false);
    const auto bad = [&](std::string_view field) {
        error_ = fmt::format("{}: unreadable counter ({}); fix or delete the file", file_.string(),
                             field);
        return false;
    };
    if (doc.is_discarded() || !doc.is_object())
        return bad("not a JSON object");
    const auto p = doc.find("period");
    const auto u = doc.find("used");
    if (p == doc.end() || !p->is_string())
        return bad("period: expected string");
    if (u == doc.end() || !u->is_number_integer() || u->get<std::int64_t>() < 0)
        return bad("used: expected a non-negative integer");
    error_.clear();
    const std::string file_key = p->get<std::string>();
    // A counter from an earlier period is spent history. One from a later period (our clock
    // is behind the one that wrote it) is adopted as is: that can only make the guard
    // stricter, never hand out more.
    if (file_key > key_) {
        key_ = file_key;
        used_ = u->get<std::int64_t>();
    } else if (file_key == key_) {
        used_ = std::max(used_, u->get<std::int64_t>());
    }
    return true;
}

bool BudgetGuard::store() {
    if (file_.empty())
        return true;
    const nlohmann::json doc = {{"period", key_}, {"used", used_}, {"limit", limit_}};
    error_ = write_atomically(file_, doc.dump() + "\n");
    return error_.empty();
}

bool BudgetGuard::fits(std::int64_t cost) const {
    return limit_ == 0 || used_ + cost <= limit_;
}

bool BudgetGuard::allows(UtcTime now, std::int64_t cost) {
    // Only a broken counter is re-read here (so that fixing the file takes effect); charge()
    // re-reads before every call, which is what keeps instances from overspending.
    if (!error_.empty() && !load(now))
        return false;
    roll(now);
    return fits(cost);
}

bool BudgetGuard::charge(UtcTime now, std::int64_t cost) {
    if (!load(now) || !fits(cost))
        return false;
    used_ += cost;
    if (store())
        return true;
    used_ -= cost;  // nothing went out
    return false;
}

std::int64_t BudgetGuard::used(UtcTime now) {
    load(now);  // what every instance has spent (status only; not on the polling path)
    return used_;
}

std::optional<std::int64_t> BudgetGuard::remaining(UtcTime now) {
    if (limit_ == 0)
        return std::nullopt;
    return std::max<std::int64_t>(0, limit_ - used(now));
}

std::string BudgetGuard::refusal(UtcTime now, std::int64_t cost) {
    roll(now);
    if (!error_.empty())
        return fmt::format("{}: refusing calls, the counter is unusable: {}", what_, error_);
    if (!fits(cost)) {
        return fmt::format("{} of {} used up for {}; resets {}", what_, limit_, key_,
                           format_iso8601(period_end(period_, now)));
    }
    return {};
}

}  // namespace zc::flights
