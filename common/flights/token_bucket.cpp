#include "flights/token_bucket.h"

#include <algorithm>
#include <stdexcept>

namespace zc::flights {

TokenBucket::TokenBucket(std::size_t capacity, Duration window)
    : capacity_(capacity), window_(window) {
    if (capacity_ == 0 || window_ <= Duration::zero())
        throw std::invalid_argument("TokenBucket: capacity and window must be positive");
}

void TokenBucket::prune(UtcTime now) {
    for (auto& t : spent_)
        t = std::min(t, now);
    while (!spent_.empty() && spent_.front() + window_ <= now)
        spent_.pop_front();
}

UtcTime TokenBucket::next_allowed(UtcTime now) const {
    // Count the tokens still out at `now`; the (size - capacity + 1)-th oldest of them is the
    // one whose return frees a slot.
    std::size_t out = 0;
    for (const auto t : spent_)
        if (std::min(t, now) + window_ > now)
            ++out;
    if (out < capacity_)
        return now;
    std::size_t skip = out - capacity_;
    for (const auto t : spent_) {
        const UtcTime back = std::min(t, now) + window_;
        if (back <= now)
            continue;
        if (skip-- == 0)
            return back;
    }
    return now;  // not reached
}

bool TokenBucket::try_acquire(UtcTime now) {
    prune(now);
    if (spent_.size() >= capacity_)
        return false;
    spent_.push_back(now);
    return true;
}

std::size_t TokenBucket::used(UtcTime now) const {
    return static_cast<std::size_t>(std::count_if(
        spent_.begin(), spent_.end(), [&](UtcTime t) { return std::min(t, now) + window_ > now; }));
}

}  // namespace zc::flights
