#pragma once
// When to poll the pull sources next. Idle, every sources.poll_idle_interval (120 s); as the
// nearest HIGH or MEDIUM candidate's closest approach comes nearer the interval shrinks to a
// twelfth of its lead time, down to sources.poll_min_interval (5 s): a transit 2 min away is
// polled every 10 s, one 1 min away every 5 s. A source is never polled before its own
// next_allowed (rate limit, budget, backoff). Pure functions, no clock: docs/flight-pipeline.md
// has the table.
#include <optional>
#include <vector>

#include "time/clock.h"
#include "transit/candidate.h"

namespace zc::flights {

struct PollIntervals {
    double idle_s = 120;  // sources.poll_idle_interval
    double min_s = 5;     // sources.poll_min_interval
    /// interval = lead time / this: about this many fresh fixes before the closest approach.
    double updates_before_approach = 12;
};

/// The interval for the nearest approach `lead_s` seconds ahead (nullopt = nothing near).
double poll_interval_s(std::optional<double> lead_s, const PollIntervals& intervals);

/// Seconds from `now` to the closest approach of the nearest HIGH or MEDIUM candidate that is
/// still ahead (one that has just passed counts as 0 for `grace_s` seconds: the aircraft is
/// still crossing); nullopt when there is none.
std::optional<double> nearest_lead_s(const std::vector<transit::Candidate>& candidates, UtcTime now,
                                     double grace_s = 5);

/// When a pull source should be polled next: `interval_s` after its last poll (now when it
/// was never polled), but not before `next_allowed`; nullopt when the source allows no poll
/// (next_allowed nullopt: budget spent, disabled).
std::optional<UtcTime> next_poll_at(std::optional<UtcTime> last_poll, double interval_s,
                                    std::optional<UtcTime> next_allowed, UtcTime now);

}  // namespace zc::flights
