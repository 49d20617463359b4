#pragma once
// Failed-authentication limiter: at most `limit` failures per remote address in a sliding
// `window`; after that the address is refused (429) until old failures age out. Time comes from
// the caller (the daemon's Clock), so tests are deterministic.
#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>

#include "time/clock.h"

namespace zc::gallery {

class RateLimiter {
  public:
    RateLimiter(std::size_t limit, Duration window, std::size_t max_addresses = 4096)
        : limit_(limit), window_(window), max_addresses_(max_addresses) {}

    /// True when `address` has used up its failures in the current window.
    bool blocked(const std::string& address, UtcTime now);
    void record_failure(const std::string& address, UtcTime now);
    /// Seconds until the oldest failure of `address` ages out (for Retry-After), at least 1.
    long retry_after_s(const std::string& address, UtcTime now) const;
    std::size_t tracked() const { return failures_.size(); }

  private:
    void prune(std::deque<UtcTime>& q, UtcTime now) const;
    void prune_all(UtcTime now);

    std::size_t limit_;
    Duration window_;
    std::size_t max_addresses_;
    std::unordered_map<std::string, std::deque<UtcTime>> failures_;
};

}  // namespace zc::gallery
