#include "txlog/local_time.h"

#include <ctime>
#include <iomanip>
#include <sstream>

namespace zc::txlog {

namespace {
std::string format_tm(const std::tm& tm, const char* fmt) {
    std::ostringstream out;
    out << std::put_time(&tm, fmt);
    return out.str();
}
std::time_t to_time_t(UtcTime t) {
    // Whole seconds, rounded down (also before 1970).
    return static_cast<std::time_t>(
        std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count());
}
}  // namespace

std::string format_local(UtcTime t, const char* strftime_format) {
    // localtime_r need not look at TZ again (glibc reads it once); tzset makes a changed TZ
    // count.
    ::tzset();
    const std::time_t s = to_time_t(t);
    std::tm tm{};
    if (!::localtime_r(&s, &tm))
        return format_utc(t, strftime_format);
    return format_tm(tm, strftime_format);
}

std::string format_utc(UtcTime t, const char* strftime_format) {
    const std::time_t s = to_time_t(t);
    std::tm tm{};
    ::gmtime_r(&s, &tm);
    return format_tm(tm, strftime_format);
}

}  // namespace zc::txlog
