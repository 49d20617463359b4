#include "flights/poll_planner.h"

#include <algorithm>

namespace zc::flights {

double poll_interval_s(std::optional<double> lead_s, const PollIntervals& iv) {
    const double lo = std::min(iv.min_s, iv.idle_s);
    if (!lead_s)
        return iv.idle_s;
    const double k = iv.updates_before_approach > 0 ? iv.updates_before_approach : 1;
    return std::clamp(std::max(0.0, *lead_s) / k, lo, iv.idle_s);
}

std::optional<double> nearest_lead_s(const std::vector<transit::Candidate>& candidates, UtcTime now,
                                     double grace_s) {
    std::optional<double> best;
    for (const auto& c : candidates) {
        if (c.level != transit::Level::High && c.level != transit::Level::Medium)
            continue;
        const double lead = to_seconds(c.closest_approach - now);
        if (lead < -grace_s)
            continue;
        const double l = std::max(0.0, lead);
        if (!best || l < *best)
            best = l;
    }
    return best;
}

std::optional<UtcTime> next_poll_at(std::optional<UtcTime> last_poll, double interval_s,
                                    std::optional<UtcTime> next_allowed, UtcTime now) {
    if (!next_allowed)
        return std::nullopt;
    const UtcTime wanted = last_poll ? *last_poll + from_seconds(interval_s) : now;
    return std::max(wanted, *next_allowed);
}

}  // namespace zc::flights
