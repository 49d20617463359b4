#pragma once
// Time as the whole product keeps it: UTC instants on the system clock's epoch (Unix time, no
// leap seconds), microsecond resolution. Everything that needs "now" takes a Clock so that tests
// can run on a manual clock and stay deterministic.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace zc {

using Duration = std::chrono::microseconds;
using UtcTime = std::chrono::sys_time<Duration>;

/// Seconds as a double, for the numerical code.
inline double to_seconds(Duration d) { return std::chrono::duration<double>(d).count(); }
inline Duration from_seconds(double s) {
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}
/// Unix seconds (UTC) as a double, and back.
inline double to_unix_seconds(UtcTime t) { return to_seconds(t.time_since_epoch()); }
inline UtcTime from_unix_seconds(double s) { return UtcTime(from_seconds(s)); }

/// ISO 8601 with milliseconds and a Z, e.g. 2026-12-04T06:50:14.123Z.
std::string format_iso8601(UtcTime t);
/// Accepts YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM] (a space may replace the T; no zone = UTC).
std::optional<UtcTime> parse_iso8601(std::string_view text);

class Clock {
public:
    virtual ~Clock() = default;
    virtual UtcTime now() const = 0;
};

class SystemClock final : public Clock {
public:
    UtcTime now() const override {
        return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
    }
};

/// Real-speed time that starts at a chosen instant (the demo's `clock.start`): it reads the base
/// clock and adds a fixed offset, so intervals stay true.
class OffsetClock final : public Clock {
public:
    OffsetClock(UtcTime start, const Clock& base) : base_(base), offset_(start - base.now()) {}
    UtcTime now() const override { return base_.now() + offset_; }

private:
    const Clock& base_;
    Duration offset_;
};

/// A clock that only moves when told to (tests).
class ManualClock final : public Clock {
public:
    explicit ManualClock(UtcTime start) : now_(start) {}
    UtcTime now() const override { return now_; }
    void set(UtcTime t) { now_ = t; }
    void advance(Duration d) { now_ += d; }

private:
    UtcTime now_;
};

}  // namespace zc
