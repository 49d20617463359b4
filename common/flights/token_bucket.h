#pragma once
// A rate limiter that can never exceed its limit in any window: at most `capacity` calls in any
// interval of length `window`. It is a token bucket whose tokens each come back exactly one
// window after they were spent. A classic continuously refilling bucket (capacity 10, 10 per
// minute) would allow 10 calls at once plus one more 6 s later - 11 within a minute, which a
// provider that counts "queries per minute" punishes with a 429. Time is the injected clock's.
#include <cstddef>
#include <deque>

#include "time/clock.h"

namespace zc::flights {

class TokenBucket {
  public:
    /// capacity >= 1 calls per window (> 0).
    TokenBucket(std::size_t capacity, Duration window);

    /// `now` when a token is free, else the instant the oldest spent token comes back.
    UtcTime next_allowed(UtcTime now) const;
    /// Spends a token when one is free; false (nothing changes) when none is.
    bool try_acquire(UtcTime now);
    /// Tokens spent within the window that ends at `now`.
    std::size_t used(UtcTime now) const;

    std::size_t capacity() const { return capacity_; }
    Duration window() const { return window_; }

  private:
    void prune(UtcTime now);

    std::size_t capacity_;
    Duration window_;
    // Spend instants, oldest first. An instant later than `now` (the clock was set back) is
    // treated as `now`, so a clock jump cannot stall the source for longer than one window.
    std::deque<UtcTime> spent_;
};

}  // namespace zc::flights
