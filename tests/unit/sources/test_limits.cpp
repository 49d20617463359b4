// Rate limiter, monthly budget, backoff and per-source state: the pure pieces every source
// is built from, driven by a ManualClock.
#include <catch2/catch.hpp>
#include <deque>
#include <fstream>

#include "flights/backoff.h"
#include "flights/budget_guard.h"
#include "flights/source_state.h"
#include "flights/token_bucket.h"
#include "temp_dir.h"

using namespace zc;
using namespace zc::flights;
using namespace std::chrono_literals;

namespace {

UtcTime at(const char* iso) {
    return *parse_iso8601(iso);
}

}  // namespace

TEST_CASE("token bucket never allows an 11th call within any 60 s window", "[sources]") {
    ManualClock clock(at("2026-03-14T12:00:00Z"));
    TokenBucket bucket(10, 60s);
    std::deque<UtcTime> calls;
    std::size_t total = 0;
    // A tight poll loop: ask every millisecond for ten minutes and call whenever allowed.
    for (int i = 0; i < 600000; ++i) {
        const UtcTime now = clock.now();
        if (bucket.next_allowed(now) <= now) {
            REQUIRE(bucket.try_acquire(now));
            calls.push_back(now);
            ++total;
            while (calls.front() + 60s <= now)
                calls.pop_front();
            REQUIRE(calls.size() <= 10);
        } else {
            REQUIRE_FALSE(bucket.try_acquire(now));
        }
        clock.advance(1ms);
    }
    // The limiter is not merely stingy: it hands out the full 10 per minute.
    CHECK(total == 100);
}

TEST_CASE("token bucket: next_allowed is when the oldest token returns", "[sources]") {
    const UtcTime t0 = at("2026-03-14T12:00:00Z");
    TokenBucket bucket(3, 60s);
    CHECK(bucket.next_allowed(t0) == t0);
    REQUIRE(bucket.try_acquire(t0));
    REQUIRE(bucket.try_acquire(t0 + 10s));
    REQUIRE(bucket.try_acquire(t0 + 20s));
    CHECK(bucket.used(t0 + 20s) == 3);
    CHECK(bucket.next_allowed(t0 + 20s) == t0 + 60s);
    CHECK_FALSE(bucket.try_acquire(t0 + 59s));
    CHECK(bucket.try_acquire(t0 + 60s));
    CHECK(bucket.next_allowed(t0 + 60s) == t0 + 70s);
    CHECK(bucket.used(t0 + 200s) == 0);
}

TEST_CASE("token bucket: a clock set back cannot stall it for more than a window", "[sources]") {
    const UtcTime t0 = at("2026-03-14T12:00:00Z");
    TokenBucket bucket(1, 1s);
    REQUIRE(bucket.try_acquire(t0 + 1h));
    // The clock went back an hour: the spent token counts as spent "now".
    CHECK(bucket.next_allowed(t0) == t0 + 1s);
    CHECK_FALSE(bucket.try_acquire(t0));
    CHECK(bucket.try_acquire(t0 + 1s));
}

TEST_CASE("budget guard persists across instances and refuses beyond the budget", "[sources]") {
    test::TempDir dir;
    const auto file = dir / "aeroapi-budget.json";
    const UtcTime t = at("2026-03-14T12:00:00Z");
    {
        BudgetGuard g(file, 3, BudgetPeriod::Month, "aeroapi: monthly budget");
        CHECK(g.allows(t));
        CHECK(g.charge(t));
        CHECK(g.charge(t + 1s));
        CHECK(g.used(t) == 2);
        CHECK(g.remaining(t) == 1);
        CHECK(g.refusal(t).empty());
    }
    BudgetGuard g(file, 3, BudgetPeriod::Month, "aeroapi: monthly budget");
    CHECK(g.used(t) == 2);  // a restart does not hand the budget out again
    CHECK(g.allows(t));
    CHECK(g.charge(t + 2s));
    CHECK_FALSE(g.allows(t + 3s));
    const std::string why = g.refusal(t + 3s);
    CHECK(why.find("aeroapi: monthly budget of 3 used up for 2026-03") != std::string::npos);
    CHECK(why.find("2026-04-01T00:00:00.000Z") != std::string::npos);
    CHECK(g.remaining(t) == 0);
}

TEST_CASE("budget guard: two live instances never lose a count", "[sources]") {
    test::TempDir dir;
    const auto file = dir / "b.json";
    const UtcTime t = at("2026-03-14T12:00:00Z");
    BudgetGuard a(file, 10, BudgetPeriod::Month, "x");
    BudgetGuard b(file, 10, BudgetPeriod::Month, "x");
    for (int i = 0; i < 3; ++i) {
        REQUIRE(a.charge(t));
        REQUIRE(b.charge(t));
    }
    CHECK(a.used(t) == 6);
    CHECK(b.used(t) == 6);
}

TEST_CASE("budget guard resets at the UTC month change", "[sources]") {
    test::TempDir dir;
    const auto file = dir / "b.json";
    BudgetGuard g(file, 2, BudgetPeriod::Month, "aeroapi: monthly budget");
    const UtcTime end_of_march = at("2026-03-31T23:59:59.999Z");
    REQUIRE(g.charge(end_of_march - 1h));
    REQUIRE(g.charge(end_of_march));
    CHECK_FALSE(g.allows(end_of_march));
    CHECK(period_end(BudgetPeriod::Month, end_of_march) == at("2026-04-01T00:00:00Z"));
    CHECK(g.allows(at("2026-04-01T00:00:00Z")));
    CHECK(g.used(at("2026-04-01T00:00:00Z")) == 0);
    // December rolls into the next year.
    CHECK(period_end(BudgetPeriod::Month, at("2026-12-31T10:00:00Z")) ==
          at("2027-01-01T00:00:00Z"));
    CHECK(period_key(BudgetPeriod::Day, at("2026-12-31T10:00:00Z")) == "2026-12-31");
    CHECK(period_end(BudgetPeriod::Day, at("2026-12-31T10:00:00Z")) == at("2027-01-01T00:00:00Z"));
    // A new instance in April reads the March file as spent history, not as April's count.
    BudgetGuard april(file, 2, BudgetPeriod::Month, "x");
    CHECK(april.used(at("2026-04-02T00:00:00Z")) == 0);
}

TEST_CASE("budget guard: an unusable counter refuses and says why", "[sources]") {
    test::TempDir dir;
    const UtcTime t = at("2026-03-14T12:00:00Z");
    SECTION("corrupt file") {
        const auto file = dir / "b.json";
        std::ofstream(file) << "{\"period\":\"2026-03\",\"used\":\"many\"}";
        BudgetGuard g(file, 250, BudgetPeriod::Month, "aeroapi: monthly budget");
        CHECK_FALSE(g.allows(t));
        CHECK_FALSE(g.charge(t));
        const std::string why = g.refusal(t);
        CHECK(why.find("counter is unusable") != std::string::npos);
        CHECK(why.find("used: expected a non-negative integer") != std::string::npos);
        CHECK(why.find(file.string()) != std::string::npos);
    }
    SECTION("directory that does not exist") {
        BudgetGuard g(dir / "missing" / "b.json", 250, BudgetPeriod::Month, "x");
        CHECK(g.allows(t));        // nothing read yet is fine
        CHECK_FALSE(g.charge(t));  // but the count cannot be kept: refuse
        CHECK(g.error().find("cannot create") != std::string::npos);
    }
    SECTION("no limit") {
        BudgetGuard g(dir / "b.json", 0, BudgetPeriod::Month, "x");
        for (int i = 0; i < 5; ++i)
            REQUIRE(g.charge(t));
        CHECK(g.allows(t));
        CHECK_FALSE(g.remaining(t).has_value());
    }
}

TEST_CASE("Retry-After: delta-seconds and all three HTTP-date forms", "[sources]") {
    const UtcTime now = at("1994-11-06T08:47:37Z");
    CHECK(parse_retry_after("120", now) == Duration(120s));
    CHECK(parse_retry_after(" 7 ", now) == Duration(7s));
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now) == Duration(120s));
    CHECK(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now) == Duration(120s));
    CHECK(parse_retry_after("Sun Nov  6 08:49:37 1994", now) == Duration(120s));
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now) == Duration::zero());
    CHECK_FALSE(parse_retry_after("soon", now));
    CHECK_FALSE(parse_retry_after("-5", now));
    CHECK_FALSE(parse_retry_after("Sun, 31 Feb 1994 08:49:37 GMT", now));
    CHECK_FALSE(parse_retry_after("", now));
}

TEST_CASE("backoff: 429 honours Retry-After else a fixed wait", "[sources]") {
    const UtcTime t = at("2026-03-14T12:00:00Z");
    BackoffPolicy p;
    p.rate_limited = 300s;
    Backoff b(p);
    CHECK(b.on_rate_limited(t, std::string_view("42")) == Duration(42s));
    CHECK(b.until(t) == t + 42s);
    CHECK(b.remaining(t + 40s) == Duration(2s));
    CHECK_FALSE(b.until(t + 42s));
    CHECK(b.on_rate_limited(t, std::string_view("Sat, 14 Mar 2026 12:10:00 GMT")) ==
          Duration(600s));
    CHECK(b.on_rate_limited(t, std::nullopt) == Duration(300s));
    CHECK(b.on_rate_limited(t, std::string_view("garbage")) == Duration(300s));
    // An absurd Retry-After is cut to a day.
    CHECK(b.on_rate_limited(t, std::string_view("99999999999")) == Duration(24h));
}

TEST_CASE("backoff: exponential up to an hour, and one success resets it", "[sources]") {
    const UtcTime t = at("2026-03-14T12:00:00Z");
    Backoff b;  // 60 s doubling, cap 3600 s
    std::vector<Duration> waits;
    for (int i = 0; i < 9; ++i)
        waits.push_back(b.on_failure(t));
    CHECK(waits == std::vector<Duration>{60s, 120s, 240s, 480s, 960s, 1920s, 3600s, 3600s, 3600s});
    CHECK(b.streak() == 9);
    b.on_success();
    CHECK(b.streak() == 0);
    CHECK_FALSE(b.until(t));
    CHECK(b.on_failure(t) == Duration(60s));
    // A 503 that asks for longer gets it; one that asks for less gets the exponential wait.
    CHECK(b.on_failure(t, std::string_view("900")) == Duration(900s));
    CHECK(b.on_failure(t, std::string_view("1")) == Duration(240s));
    // A 429 restarts the streak.
    b.on_rate_limited(t, std::nullopt);
    CHECK(b.on_failure(t) == Duration(60s));
}

TEST_CASE("source state logs once per state change", "[sources]") {
    ManualClock clock(at("2026-03-14T12:00:00Z"));
    SourceState s("adsb_lol");
    CHECK_FALSE(s.ever_polled());
    auto c = s.record_success(clock.now(), 12, clock.now() - 2s);
    REQUIRE(c);  // first reply
    CHECK(c->level == StateChange::Level::Info);
    clock.advance(5s);
    CHECK_FALSE(s.record_success(clock.now(), 11, clock.now() - 1s));
    CHECK(s.data_age_s(clock.now()) == Approx(1.0));

    // Three timeouts: logged once.
    int logged = 0;
    for (int i = 0; i < 3; ++i) {
        clock.advance(5s);
        if (s.record_failure(clock.now(), "timeout", "adsb_lol: timeout"))
            ++logged;
    }
    CHECK(logged == 1);
    CHECK(s.consecutive_failures() == 3);
    // A different failure is news.
    auto d = s.record_failure(clock.now(), "http 503", "adsb_lol: HTTP 503");
    REQUIRE(d);
    CHECK(d->message == "adsb_lol: HTTP 503");
    CHECK(s.last_error() == "adsb_lol: HTTP 503");
    // Recovery is news.
    auto r = s.record_success(clock.now(), 3, clock.now());
    REQUIRE(r);
    CHECK(r->message.find("working again after 4 failed polls") != std::string::npos);
    CHECK(s.consecutive_failures() == 0);

    // Rejected records: logged when their class appears, not for each index.
    auto k = s.record_success(clock.now(), 3, clock.now(), 1, "ac[3].lat: expected number");
    REQUIRE(k);
    CHECK(k->level == StateChange::Level::Warn);
    CHECK_FALSE(s.record_success(clock.now(), 3, clock.now(), 2, "ac[7].lat: expected number"));
    CHECK(s.record_success(clock.now(), 3, clock.now(), 1, "ac[1].gs: expected number"));
    CHECK(problem_class("states[12] (time_position): expected number") ==
          "states[] (time_position): expected number");
}

TEST_CASE("source state: calls this minute and this month", "[sources]") {
    ManualClock clock(at("2026-03-31T23:59:00Z"));
    SourceState s("x");
    for (int i = 0; i < 4; ++i) {
        s.note_call(clock.now());
        clock.advance(20s);
    }
    // Calls at 23:59:00, :20, :40 and 00:00:00; now is 00:00:20, so the window
    // (23:59:20, 00:00:20] holds the last two.
    CHECK(s.calls_this_minute(clock.now()) == 2);
    CHECK(s.calls_this_month(clock.now()) == 1);  // April started with the fourth call
    const auto j = s.to_json(clock.now());
    CHECK(j["calls_this_minute"] == 2);
    CHECK(j["last_success"].is_null());
    CHECK(j["data_age_s"].is_null());
}
