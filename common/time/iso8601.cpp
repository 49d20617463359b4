#include <cctype>
#include <charconv>
#include <cstdio>

#include "time/clock.h"

namespace zc {

std::string format_iso8601(UtcTime t) {
    using namespace std::chrono;
    const auto ms_total = floor<milliseconds>(t);
    const auto day = floor<days>(ms_total);
    const year_month_day ymd{day};
    const hh_mm_ss<milliseconds> hms{ms_total - day};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                  int(hms.minutes().count()), int(hms.seconds().count()),
                  int(hms.subseconds().count()));
    return buf;
}

namespace {

bool take_int(std::string_view& s, std::size_t digits, int& out) {
    if (s.size() < digits) return false;
    for (std::size_t i = 0; i < digits; ++i)
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    std::from_chars(s.data(), s.data() + digits, out);
    s.remove_prefix(digits);
    return true;
}

bool take_char(std::string_view& s, char c) {
    if (s.empty() || s.front() != c) return false;
    s.remove_prefix(1);
    return true;
}

}  // namespace

std::optional<UtcTime> parse_iso8601(std::string_view s) {
    using namespace std::chrono;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!take_int(s, 4, y) || !take_char(s, '-') || !take_int(s, 2, mo) || !take_char(s, '-') ||
        !take_int(s, 2, d))
        return std::nullopt;
    const year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
    if (!ymd.ok()) return std::nullopt;
    microseconds frac{0};
    if (!s.empty() && (s.front() == 'T' || s.front() == 't' || s.front() == ' ')) {
        s.remove_prefix(1);
        if (!take_int(s, 2, h) || !take_char(s, ':') || !take_int(s, 2, mi)) return std::nullopt;
        if (take_char(s, ':')) {
            if (!take_int(s, 2, sec)) return std::nullopt;
            if (take_char(s, '.') || take_char(s, ',')) {
                std::int64_t scale = 100000;
                std::size_t n = 0;
                while (!s.empty() && std::isdigit(static_cast<unsigned char>(s.front()))) {
                    if (scale > 0) frac += microseconds{(s.front() - '0') * scale};
                    scale /= 10;
                    s.remove_prefix(1);
                    ++n;
                }
                if (n == 0) return std::nullopt;
            }
        }
    }
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
    minutes offset{0};
    if (take_char(s, 'Z') || take_char(s, 'z')) {
    } else if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
        const int sign = s.front() == '-' ? -1 : 1;
        s.remove_prefix(1);
        int oh = 0, om = 0;
        if (!take_int(s, 2, oh)) return std::nullopt;
        take_char(s, ':');
        if (!s.empty() && !take_int(s, 2, om)) return std::nullopt;
        if (oh > 23 || om > 59) return std::nullopt;
        offset = minutes{sign * (oh * 60 + om)};
    }
    if (!s.empty()) return std::nullopt;
    const auto t = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} + frac - offset;
    return time_point_cast<Duration>(t);
}

}  // namespace zc
