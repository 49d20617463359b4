// Adaptive polling: the interval follows the nearest HIGH/MEDIUM candidate, bounded by the
// configured idle and minimum intervals and by each source's own limits.
#include <catch2/catch.hpp>

#include "flights/poll_planner.h"

using namespace zc;
using namespace zc::flights;

namespace {

const UtcTime kNow = *parse_iso8601("2026-06-21T10:00:00Z");

transit::Candidate cand(transit::Level level, double lead_s) {
    transit::Candidate c;
    c.level = level;
    c.closest_approach = kNow + from_seconds(lead_s);
    return c;
}

}  // namespace

TEST_CASE("idle without a near candidate, shrinking as one approaches", "[pipeline]") {
    const PollIntervals iv{120, 5};
    CHECK(poll_interval_s(std::nullopt, iv) == 120);
    CHECK(poll_interval_s(3600, iv) == 120);
    CHECK(poll_interval_s(900, iv) == Approx(75));
    CHECK(poll_interval_s(600, iv) == Approx(50));
    // Under two minutes away: 5-10 s.
    for (double lead : {119.0, 90.0, 61.0, 60.0, 30.0, 0.0}) {
        INFO(lead);
        CHECK(poll_interval_s(lead, iv) >= 5);
        CHECK(poll_interval_s(lead, iv) <= 10);
    }
    CHECK(poll_interval_s(30, iv) == 5);
    CHECK(poll_interval_s(-3, iv) == 5);  // crossing now
    // Never increasing as the lead shrinks.
    double prev = 1e9;
    for (double lead = 2000; lead >= 0; lead -= 7) {
        const double i = poll_interval_s(lead, iv);
        CHECK(i <= prev);
        prev = i;
    }
}

TEST_CASE("the configured bounds win", "[pipeline]") {
    CHECK(poll_interval_s(std::nullopt, {300, 20}) == 300);
    CHECK(poll_interval_s(60, {300, 20}) == 20);
    CHECK(poll_interval_s(60, {30, 2}) == Approx(5));
    CHECK(poll_interval_s(10, {30, 2}) == 2);
    CHECK(poll_interval_s(10, {4, 10}) == 4);  // min above idle: idle is the bound
}

TEST_CASE("only HIGH and MEDIUM candidates that are still ahead count", "[pipeline]") {
    using transit::Level;
    CHECK_FALSE(nearest_lead_s({}, kNow));
    CHECK_FALSE(nearest_lead_s({cand(Level::Low, 30), cand(Level::None, 10)}, kNow));
    CHECK(*nearest_lead_s({cand(Level::Low, 30), cand(Level::Medium, 400), cand(Level::High, 200)},
                          kNow) == Approx(200));
    // Just passed: still crossing, counts as now; long passed: ignored.
    CHECK(*nearest_lead_s({cand(Level::High, -2), cand(Level::High, 300)}, kNow) == 0);
    CHECK(*nearest_lead_s({cand(Level::High, -20), cand(Level::High, 300)}, kNow) == Approx(300));
}

TEST_CASE("a source is never polled before it allows", "[pipeline]") {
    const auto s = [](double x) { return kNow + from_seconds(x); };
    // Never polled: now.
    CHECK(next_poll_at(std::nullopt, 120, kNow, kNow) == kNow);
    // Interval after the last poll.
    CHECK(next_poll_at(s(-100), 120, s(-50), kNow) == s(20));
    CHECK(next_poll_at(s(-200), 120, s(-150), kNow) == s(-80));  // overdue: the caller polls
    // Rate limit, backoff: later than the interval wants.
    CHECK(next_poll_at(s(-10), 5, s(55), kNow) == s(55));
    CHECK(next_poll_at(std::nullopt, 5, s(300), kNow) == s(300));
    // Budget spent: not until something changes.
    CHECK_FALSE(next_poll_at(s(-10), 5, std::nullopt, kNow));
}
