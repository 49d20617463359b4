#include "flights/backoff.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <string>
#include <vector>

namespace zc::flights {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
    });
}

std::optional<int> number(std::string_view s) {
    if (!all_digits(s) || s.size() > 9)
        return std::nullopt;
    int v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}

std::optional<int> month_index(std::string_view m) {
    static constexpr std::array<std::string_view, 12> kMonths = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (std::size_t i = 0; i < kMonths.size(); ++i)
        if (m == kMonths[i])
            return static_cast<int>(i) + 1;
    return std::nullopt;
}

/// "08:49:37"
bool parse_hms(std::string_view s, int& h, int& mi, int& se) {
    if (s.size() != 8 || s[2] != ':' || s[5] != ':')
        return false;
    const auto a = number(s.substr(0, 2)), b = number(s.substr(3, 2)), c = number(s.substr(6, 2));
    if (!a || !b || !c || *a > 23 || *b > 59 || *c > 60)
        return false;
    h = *a;
    mi = *b;
    se = std::min(*c, 59);  // a leap second reads as :59
    return true;
}

std::optional<UtcTime> make_time(int y, int mo, int d, int h, int mi, int se) {
    using namespace std::chrono;
    const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                             day{static_cast<unsigned>(d)}};
    if (!ymd.ok())
        return std::nullopt;
    return UtcTime(sys_days(ymd).time_since_epoch() + hours(h) + minutes(mi) + seconds(se));
}

std::vector<std::string_view> split_spaces(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ')
            ++i;
        const std::size_t j = s.find(' ', i);
        const std::size_t end = j == std::string_view::npos ? s.size() : j;
        if (end > i)
            out.push_back(s.substr(i, end - i));
        i = end;
    }
    return out;
}

}  // namespace

std::optional<UtcTime> parse_http_date(std::string_view value) {
    const auto parts = split_spaces(trim(value));
    int h = 0, mi = 0, se = 0;
    if (parts.size() == 6 && parts[0].size() == 4 && parts[0].back() == ',' && parts[5] == "GMT") {
        // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        const auto d = number(parts[1]);
        const auto mo = month_index(parts[2]);
        const auto y = number(parts[3]);
        if (!d || !mo || !y || parts[3].size() != 4 || !parse_hms(parts[4], h, mi, se))
            return std::nullopt;
        return make_time(*y, *mo, *d, h, mi, se);
    }
    if (parts.size() == 4 && parts[0].size() > 4 && parts[0].back() == ',' && parts[3] == "GMT") {
        // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT. Two-digit years: RFC 9110 says a year that
        // looks more than 50 years ahead is in the past century.
        const std::string_view dmy = parts[1];
        if (dmy.size() != 9 || dmy[2] != '-' || dmy[6] != '-')
            return std::nullopt;
        const auto d = number(dmy.substr(0, 2));
        const auto mo = month_index(dmy.substr(3, 3));
        const auto yy = number(dmy.substr(7, 2));
        if (!d || !mo || !yy || !parse_hms(parts[2], h, mi, se))
            return std::nullopt;
        const int y = *yy < 70 ? 2000 + *yy : 1900 + *yy;
        return make_time(y, *mo, *d, h, mi, se);
    }
    if (parts.size() == 5 && parts[0].size() == 3) {
        // asctime: Sun Nov  6 08:49:37 1994
        const auto mo = month_index(parts[1]);
        const auto d = number(parts[2]);
        const auto y = number(parts[4]);
        if (!mo || !d || !y || parts[4].size() != 4 || !parse_hms(parts[3], h, mi, se))
            return std::nullopt;
        return make_time(*y, *mo, *d, h, mi, se);
    }
    return std::nullopt;
}

std::optional<Duration> parse_retry_after(std::string_view value, UtcTime now) {
    value = trim(value);
    if (all_digits(value)) {
        // Anything over nine digits is more than 30 years; saturate rather than overflow.
        if (value.size() > 9)
            return std::chrono::duration_cast<Duration>(std::chrono::hours(24 * 365 * 30));
        return std::chrono::seconds(*number(value));
    }
    const auto at = parse_http_date(value);
    if (!at)
        return std::nullopt;
    return *at > now ? *at - now : Duration::zero();
}

std::optional<Duration> Backoff::retry_after(std::optional<std::string_view> v, UtcTime now) const {
    if (!v)
        return std::nullopt;
    auto d = parse_retry_after(*v, now);
    if (!d)
        return std::nullopt;
    return std::min(*d, policy_.max_retry_after);
}

void Backoff::on_success() {
    streak_ = 0;
    until_.reset();
}

Duration Backoff::on_rate_limited(UtcTime now, std::optional<std::string_view> header) {
    streak_ = 0;
    const Duration wait = retry_after(header, now).value_or(policy_.rate_limited);
    until_ = now + wait;
    return wait;
}

Duration Backoff::on_failure(UtcTime now, std::optional<std::string_view> header) {
    ++streak_;
    Duration wait = policy_.initial;
    for (int i = 1; i < streak_ && wait < policy_.max; ++i)
        wait *= 2;
    wait = std::min(wait, policy_.max);
    if (auto ra = retry_after(header, now))
        wait = std::max(wait, *ra);
    until_ = now + wait;
    return wait;
}

std::optional<UtcTime> Backoff::until(UtcTime now) const {
    if (until_ && *until_ > now)
        return until_;
    return std::nullopt;
}

Duration Backoff::remaining(UtcTime now) const {
    return until_ && *until_ > now ? *until_ - now : Duration::zero();
}

}  // namespace zc::flights
