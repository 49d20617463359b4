#include "gallery/rate_limiter.h"

#include <algorithm>

namespace zc::gallery {

void RateLimiter::prune(std::deque<UtcTime>& q, UtcTime now) const {
    while (!q.empty() && q.front() + window_ <= now)
        q.pop_front();
}

void RateLimiter::prune_all(UtcTime now) {
    for (auto it = failures_.begin(); it != failures_.end();) {
        prune(it->second, now);
        it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
}

bool RateLimiter::blocked(const std::string& address, UtcTime now) {
    auto it = failures_.find(address);
    if (it == failures_.end())
        return false;
    prune(it->second, now);
    if (it->second.empty()) {
        failures_.erase(it);
        return false;
    }
    return it->second.size() >= limit_;
}

void RateLimiter::record_failure(const std::string& address, UtcTime now) {
    // Bounded memory: a flood from many addresses cannot grow the table without limit.
    if (failures_.size() >= max_addresses_ && !failures_.count(address)) {
        prune_all(now);
        if (failures_.size() >= max_addresses_)
            failures_.erase(failures_.begin());
    }
    auto& q = failures_[address];
    prune(q, now);
    q.push_back(now);
    while (q.size() > limit_)
        q.pop_front();
}

long RateLimiter::retry_after_s(const std::string& address, UtcTime now) const {
    auto it = failures_.find(address);
    if (it == failures_.end() || it->second.empty())
        return 1;
    const auto left = it->second.front() + window_ - now;
    return std::max(1L, static_cast<long>(std::chrono::ceil<std::chrono::seconds>(left).count()));
}

}  // namespace zc::gallery
