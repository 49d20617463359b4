#pragma once
// Local wall-clock text for people (alerts, the CSV export): the time zone is the process's
// (TZ, else /etc/localtime), through localtime_r. Everything stored stays UTC.
#include <string>

#include "time/clock.h"

namespace zc::txlog {

/// strftime(3) of `t` in the process's local time zone, e.g. "%Y-%m-%d %H:%M:%S" or "%H:%M:%S %Z".
std::string format_local(UtcTime t, const char* strftime_format);
/// strftime(3) of `t` in UTC.
std::string format_utc(UtcTime t, const char* strftime_format);

}  // namespace zc::txlog
