#pragma once
// Per-source backoff after failures (flight-data-sources.md §8): a 429 waits what the server's
// Retry-After says (delta-seconds or an HTTP-date), else a fixed time; timeouts, transport
// errors, 5xx and unusable replies wait exponentially longer, up to a cap (1 h); one success
// clears everything. Pure: the caller passes the clock's time.
#include <optional>
#include <string_view>

#include "time/clock.h"

namespace zc::flights {

struct BackoffPolicy {
    Duration rate_limited = std::chrono::seconds(60);  // 429 without a usable Retry-After
    Duration initial = std::chrono::seconds(60);       // first failure; doubles per failure
    Duration max = std::chrono::seconds(3600);         // cap of the exponential backoff
    /// A Retry-After beyond this is cut to it: a typo on the server must not silence a
    /// source for a year.
    Duration max_retry_after = std::chrono::hours(24);
};

/// RFC 9110 §10.2.3: delta-seconds ("120") or an HTTP-date (IMF-fixdate
/// "Sun, 06 Nov 1994 08:49:37 GMT", and the obsolete RFC 850 and asctime forms). A date in the
/// past gives zero. nullopt when the value is neither.
std::optional<Duration> parse_retry_after(std::string_view value, UtcTime now);
/// The HTTP-date forms above as a UTC instant.
std::optional<UtcTime> parse_http_date(std::string_view value);

class Backoff {
  public:
    explicit Backoff(BackoffPolicy policy = {}) : policy_(policy) {}

    /// Clears the backoff and the failure streak.
    void on_success();
    /// HTTP 429. Returns the wait chosen. Like the original, a 429 restarts the exponential
    /// streak: the server told us exactly how long to wait, nothing is broken.
    Duration on_rate_limited(UtcTime now, std::optional<std::string_view> retry_after);
    /// Timeout, transport error, 5xx, unusable reply: initial * 2^(streak-1), capped. A
    /// Retry-After (503 may carry one) is honoured when it asks for longer.
    Duration on_failure(UtcTime now, std::optional<std::string_view> retry_after = std::nullopt);

    /// The instant the backoff ends, nullopt when none is active at `now`.
    std::optional<UtcTime> until(UtcTime now) const;
    Duration remaining(UtcTime now) const;
    int streak() const { return streak_; }
    const BackoffPolicy& policy() const { return policy_; }

  private:
    std::optional<Duration> retry_after(std::optional<std::string_view> v, UtcTime now) const;

    BackoffPolicy policy_;
    int streak_ = 0;
    std::optional<UtcTime> until_;
};

}  // namespace zc::flights
