#pragma once
// What one flight source knows about its own health, for `sources` and for logging: last
// success and error, consecutive failures, calls this minute and this month, the age of the
// data it last delivered. record_*() report a *state change* (first failure, a different kind
// of failure, recovery, a new kind of rejected record) so that the caller logs once per change
// instead of once per poll. Pure: times come from the caller's clock.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "time/clock.h"

namespace zc::flights {

/// A log line the caller should emit, with its severity.
struct StateChange {
    enum class Level { Info, Warn } level = Level::Info;
    std::string message;
    /// Working <-> failing (or the first reply). The flight service already logs these from
    /// status() as "source X is degraded: <last_error>", so a source may log them at debug;
    /// the other changes (a different failure while failing, a new class of rejected record)
    /// only the source sees.
    bool transition = false;
};

class SourceState {
  public:
    explicit SourceState(std::string name) : name_(std::move(name)) {}

    /// A request is about to go out (counts towards the minute and month figures).
    void note_call(UtcTime now);
    /// A usable reply. `newest_fix` is the newest fix time in it (data age), `skipped` the
    /// records the parser rejected and `skipped_example` the first one's problem
    /// ("ac[3].lat: expected number").
    std::optional<StateChange> record_success(UtcTime now, std::size_t fixes,
                                              std::optional<UtcTime> newest_fix,
                                              std::size_t skipped = 0,
                                              const std::string& skipped_example = {});
    /// A failed poll. `kind` is a stable class of the failure ("timeout", "http 503",
    /// "bad reply: ac[].lat") used to decide whether this is news; `message` is the full text
    /// (already free of secrets, starting with the source name).
    std::optional<StateChange> record_failure(UtcTime now, const std::string& kind,
                                              const std::string& message);
    /// Push sources: fixes arrived (updates data age and last success without a poll).
    void record_push(UtcTime now, std::size_t fixes, std::optional<UtcTime> newest_fix);

    const std::string& name() const { return name_; }
    std::optional<UtcTime> last_success() const { return last_success_; }
    std::optional<UtcTime> last_error_time() const { return last_error_time_; }
    const std::string& last_error() const { return last_error_; }
    int consecutive_failures() const { return failures_; }
    bool ever_polled() const { return last_success_ || last_error_time_; }
    bool failing() const { return failures_ > 0; }
    std::size_t calls_this_minute(UtcTime now) const;
    /// Calls in the current UTC month made by this process (the persisted budget, when a
    /// source has one, is reported by the source itself).
    std::int64_t calls_this_month(UtcTime now) const;
    /// now - newest fix time of the data last delivered; nullopt before any.
    std::optional<double> data_age_s(UtcTime now) const;
    std::size_t last_fixes() const { return last_fixes_; }
    std::size_t last_skipped() const { return last_skipped_; }

    /// The common `sources` fields: name, last_success, last_error, last_error_at,
    /// consecutive_failures, calls_this_minute, calls_this_month, data_age_s, fixes_last,
    /// skipped_last (times ISO 8601, null when never). The caller adds state and the rest.
    nlohmann::json to_json(UtcTime now) const;

  private:
    std::string name_;
    std::optional<UtcTime> last_success_;
    std::optional<UtcTime> last_error_time_;
    std::string last_error_;
    std::string last_kind_;
    int failures_ = 0;
    std::deque<UtcTime> minute_calls_;
    std::string month_key_;
    std::int64_t month_calls_ = 0;
    std::optional<UtcTime> newest_fix_;
    std::size_t last_fixes_ = 0;
    std::size_t last_skipped_ = 0;
    std::string skipped_kind_;  // the last logged class of rejected record
};

/// "ac[12].lat: expected number" -> "ac[].lat: expected number": the class of a problem, so
/// that the same fault in a different record is not news.
std::string problem_class(const std::string& problem);

}  // namespace zc::flights
