// The transit lifecycle state machine: hysteresis of alerts, the imminent alert, cancellation
// when the aircraft turns away, outcomes from capture events, and its deadlines.
#include <catch2/catch.hpp>

#include "fixtures.h"

using namespace zc;
using namespace zc::test;
using transit::ActionKind;
using transit::AlertKind;
using transit::CaptureState;
using transit::Level;
using transit::Lifecycle;
using transit::LogKind;
using transit::Stage;

namespace {
const std::string kId = "4ca7b1:sun";

struct Run {
    Lifecycle lc;
    std::vector<transit::Action> all;
    std::vector<transit::Action> set(std::vector<transit::Candidate> cs, double t) {
        auto a = lc.update(cs, at(t));
        all.insert(all.end(), a.begin(), a.end());
        return a;
    }
    std::vector<transit::Action> tick(double t) {
        auto a = lc.tick(at(t));
        all.insert(all.end(), a.begin(), a.end());
        return a;
    }
    std::vector<transit::Action> capture(CaptureState s, double t, std::string reason = "",
                                         std::optional<UtcTime> stop = std::nullopt) {
        auto a = lc.capture(kId, s, reason, stop, at(t));
        all.insert(all.end(), a.begin(), a.end());
        return a;
    }
    const transit::Entry& entry() const { return *lc.find(kId); }
};
}  // namespace

TEST_CASE("the prediction id matches the capture scheduler's") {
    auto c = candidate(Level::High, at(100), "abc123", transit::Target::Moon);
    CHECK(transit::prediction_id(c) == "abc123:moon");
}

TEST_CASE("a level flickering between updates does not re-alert") {
    Run r;
    const UtcTime ca = at(600);  // far outside the imminent lead
    r.set({candidate(Level::Medium, ca)}, 0);
    REQUIRE(alerts_of(r.all).size() == 1);
    CHECK(r.entry().stage == Stage::Alerted);
    // MEDIUM ↔ LOW flicker, then MEDIUM again: nothing new to say.
    double t = 5;
    for (int i = 0; i < 6; ++i, t += 5)
        r.set({candidate(i % 2 ? Level::Medium : Level::Low, ca)}, t);
    CHECK(alerts_of(r.all).size() == 1);
    // A real increase alerts once...
    r.set({candidate(Level::High, ca)}, t);
    auto alerts = alerts_of(r.all);
    REQUIRE(alerts.size() == 2);
    CHECK(alerts[1].entry.candidate.level == Level::High);
    CHECK(alerts[1].alert == AlertKind::Level);
    // ...and HIGH ↔ MEDIUM flicker after it never does.
    for (int i = 0; i < 6; ++i) {
        t += 5;
        r.set({candidate(i % 2 ? Level::High : Level::Medium, ca)}, t);
    }
    CHECK(alerts_of(r.all).size() == 2);
    CHECK(r.entry().alerted_level == Level::High);
    CHECK(r.entry().max_level == Level::High);
}

TEST_CASE("levels below telegram.min_level never alert but are tracked and logged") {
    transit::LifecycleOptions o;
    o.alert_level = Level::High;
    Run r{Lifecycle(o), {}};
    const auto a = r.set({candidate(Level::Medium, at(300))}, 0);
    CHECK(count(a, ActionKind::Alert) == 0);
    REQUIRE(count(a, ActionKind::Log) == 1);
    CHECK(a[0].log == LogKind::First);
    CHECK(r.entry().stage == Stage::Candidate);
    // Sets without any candidate of LOW or better are not tracked at all.
    Run none;
    none.set({candidate(Level::None, at(300))}, 0);
    CHECK(none.lc.entries().empty());
}

TEST_CASE("the imminent alert goes out once at the configured lead") {
    Run r;
    const UtcTime ca = at(300);
    r.set({candidate(Level::High, ca)}, 0);
    REQUIRE(alerts_of(r.all).size() == 1);
    CHECK(alerts_of(r.all)[0].alert == AlertKind::Level);
    // The next deadline is the imminent instant, 60 s before closest approach.
    CHECK(r.lc.next_deadline(at(1)) == at(240));
    r.tick(239.9);
    CHECK(alerts_of(r.all).size() == 1);
    r.tick(240);
    auto alerts = alerts_of(r.all);
    REQUIRE(alerts.size() == 2);
    CHECK(alerts[1].alert == AlertKind::Imminent);
    CHECK(r.entry().stage == Stage::Imminent);
    // Updates, flicker and ticks afterwards: never again.
    for (double t = 241; t < 299; t += 3) {
        r.set({candidate(t < 270 ? Level::Medium : Level::High, ca)}, t);
        r.tick(t + 1);
    }
    CHECK(alerts_of(r.all).size() == 2);
}

TEST_CASE("a candidate first seen within the lead gets one combined imminent alert") {
    Run r;
    r.set({candidate(Level::High, at(40))}, 0);
    auto alerts = alerts_of(r.all);
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].alert == AlertKind::Imminent);
    r.tick(1);
    r.set({candidate(Level::High, at(40))}, 5);
    CHECK(alerts_of(r.all).size() == 1);
    // The first log line already says it was alerted.
    REQUIRE(r.all.size() >= 2);
    auto first = std::find_if(r.all.begin(), r.all.end(),
                              [](const auto& a) { return a.kind == ActionKind::Log; });
    CHECK(first->log == LogKind::First);
    CHECK(first->entry.stage == Stage::Imminent);
}

TEST_CASE("a rise to HIGH within the lead after the imminent alert still alerts once") {
    Run r;
    r.set({candidate(Level::Medium, at(30))}, 0);  // imminent at MEDIUM
    r.set({candidate(Level::High, at(30))}, 5);
    auto alerts = alerts_of(r.all);
    REQUIRE(alerts.size() == 2);
    CHECK(alerts[0].alert == AlertKind::Imminent);
    CHECK(alerts[1].alert == AlertKind::Level);
    CHECK(alerts[1].entry.candidate.level == Level::High);
}

TEST_CASE("no alert once the closest approach has passed") {
    Run r;
    r.set({candidate(Level::High, at(-1))}, 0);
    CHECK(alerts_of(r.all).empty());
}

TEST_CASE("cancelled when the aircraft turns away") {
    Run r;
    const UtcTime ca = at(200);
    r.set({candidate(Level::High, ca)}, 0);
    // Missing for less than the grace (a missed poll, a one-fix wobble): nothing happens.
    r.set({}, 5);
    r.tick(14);
    CHECK(r.entry().stage == Stage::Alerted);
    r.set({candidate(Level::High, ca)}, 8);
    r.set({}, 12);
    CHECK(r.lc.next_deadline(at(12)) == at(22));
    r.tick(21.9);
    CHECK(r.entry().stage == Stage::Alerted);
    auto a = r.tick(22);
    CHECK(r.entry().stage == Stage::Cancelled);
    CHECK(r.entry().went_away);
    CHECK_THAT(r.entry().reason, Catch::Contains("went away"));
    REQUIRE(count(a, ActionKind::Log) == 1);
    auto log =
        std::find_if(a.begin(), a.end(), [](const auto& x) { return x.kind == ActionKind::Log; });
    CHECK(log->log == LogKind::Final);
    CHECK(count(a, ActionKind::Publish) == 1);
    // No imminent alert for a cancelled transit.
    r.tick(150);
    CHECK(alerts_of(r.all).size() == 1);
}

TEST_CASE("a transit that reappears after it went away does not alert again") {
    Run r;
    const UtcTime ca = at(300);
    r.set({candidate(Level::High, ca)}, 0);
    r.set({}, 5);
    r.tick(15);
    REQUIRE(r.entry().stage == Stage::Cancelled);
    r.set({candidate(Level::High, ca + std::chrono::seconds(3))}, 20);
    CHECK(r.entry().stage == Stage::Alerted);
    CHECK(r.entry().reason == "it reappeared");
    CHECK(alerts_of(r.all).size() == 1);
    // Another event of the same aircraft much later is a new lifecycle.
    r.set({}, 25);
    r.tick(35);
    r.tick(400);
    r.set({candidate(Level::High, at(900))}, 410);
    CHECK(alerts_of(r.all).size() == 2);
}

TEST_CASE("missing past its closest approach while recording waits for the recording") {
    Run r;
    r.capture(CaptureState::Recording, 0, "", at(50));
    r.set({candidate(Level::High, at(40))}, 0);
    r.set({}, 39);
    r.tick(49);
    CHECK(r.entry().stage == Stage::Imminent);
    // No busy loop on the passed grace: the next instant is the capture timeout.
    CHECK(r.lc.next_deadline(at(49)) == at(110));
}

TEST_CASE("closest approach passing without a capture: cancelled") {
    Run r;
    r.set({candidate(Level::Medium, at(100))}, 0);
    r.tick(104);
    CHECK_FALSE(transit::is_final(r.entry().stage));
    REQUIRE(r.lc.next_deadline(at(104)) == at(105));
    auto a = r.tick(105);
    CHECK(r.entry().stage == Stage::Cancelled);
    CHECK_FALSE(r.entry().went_away);
    CHECK_THAT(r.entry().reason, Catch::Contains("no capture was scheduled"));
    CHECK(count(a, ActionKind::Log) == 1);
}

TEST_CASE("a recorded capture makes it captured") {
    Run r;
    // The scheduler reports first (its hub listener runs before ours).
    r.capture(CaptureState::Scheduled, 0, "", at(50));
    r.set({candidate(Level::High, at(40))}, 0);
    CHECK(r.entry().capture == CaptureState::Scheduled);
    CHECK(r.entry().capture_stop == at(50));
    r.capture(CaptureState::Recording, 30);
    CHECK(r.entry().capture == CaptureState::Recording);
    // After closest approach the recording is still running: it waits for the outcome.
    r.set({}, 41);
    r.set({}, 46);
    r.tick(46);
    CHECK(r.entry().stage == Stage::Imminent);
    auto a = r.capture(CaptureState::Recorded, 50.2);
    CHECK(r.entry().stage == Stage::Captured);
    REQUIRE(count(a, ActionKind::Log) == 1);
    CHECK(a[0].log == LogKind::Final);
    CHECK(a[0].entry.capture == CaptureState::Recorded);
}

TEST_CASE("a missed capture settles as missed after the closest approach") {
    Run r;
    r.set({candidate(Level::High, at(40))}, 0);
    r.capture(CaptureState::Missed, 30, "sun mode refused: the solar filter is not confirmed");
    CHECK(r.entry().stage == Stage::Imminent);  // still worth watching
    r.tick(45);
    CHECK(r.entry().stage == Stage::Missed);
    CHECK_THAT(r.entry().reason, Catch::Contains("solar filter"));
}

TEST_CASE("a capture whose outcome never arrives counts as missed") {
    Run r;
    r.capture(CaptureState::Scheduled, 0, "", at(50));
    r.set({candidate(Level::High, at(40))}, 0);
    r.tick(100);
    CHECK(r.entry().stage == Stage::Imminent);
    CHECK(r.lc.next_deadline(at(100)) == at(110));
    r.tick(110);
    CHECK(r.entry().stage == Stage::Missed);
    CHECK(r.entry().reason == "no capture outcome arrived");
}

TEST_CASE("changes earn log lines and publishes, steady updates do not") {
    Run r;
    const UtcTime ca = at(600);
    auto a = r.set({candidate(Level::Low, ca)}, 0);
    CHECK(count(a, ActionKind::Log) == 1);
    a = r.set({candidate(Level::Low, ca + std::chrono::seconds(2))}, 5);
    CHECK(count(a, ActionKind::Log) == 0);  // a 2 s shift is noise
    a = r.set({candidate(Level::Low, ca + std::chrono::seconds(8))}, 10);
    CHECK(count(a, ActionKind::Log) == 1);  // 8 s is news
    CHECK(count(a, ActionKind::Publish) == 1);
    a = r.set({candidate(Level::Medium, ca + std::chrono::seconds(8))}, 15);
    CHECK(count(a, ActionKind::Log) == 1);
    CHECK(count(a, ActionKind::Alert) == 1);
}

TEST_CASE("finished entries are forgotten after keep_final") {
    Run r;
    r.set({candidate(Level::Low, at(10))}, 0);
    r.tick(20);
    REQUIRE(r.entry().stage == Stage::Cancelled);
    r.tick(20 + 599);
    CHECK(r.lc.find(kId) != nullptr);
    r.tick(20 + 600);
    CHECK(r.lc.find(kId) == nullptr);
    CHECK_FALSE(r.lc.next_deadline(at(621)).has_value());
}

TEST_CASE("the earliest minimum of one id is the one tracked") {
    Run r;
    r.set({candidate(Level::Low, at(500)), candidate(Level::High, at(200))}, 0);
    CHECK(r.entry().candidate.closest_approach == at(200));
    CHECK(r.lc.entries().size() == 1);
    // Two targets of one aircraft are two lifecycles.
    r.set({candidate(Level::High, at(200)),
           candidate(Level::Low, at(250), "4ca7b1", transit::Target::Moon)},
          5);
    CHECK(r.lc.entries().size() == 2);
}

TEST_CASE("capture event states map onto capture states") {
    using transit::capture_state_from_event;
    CHECK(capture_state_from_event("retimed") == CaptureState::Scheduled);
    CHECK(capture_state_from_event("preparing") == CaptureState::Scheduled);
    CHECK(capture_state_from_event("started") == CaptureState::Recording);
    CHECK(capture_state_from_event("recorded") == CaptureState::Recorded);
    CHECK(capture_state_from_event("missed") == CaptureState::Missed);
    CHECK(capture_state_from_event("cancelled") == CaptureState::Cancelled);
    CHECK_FALSE(capture_state_from_event("reconciled").has_value());
    CHECK(transit::parse_level("HIGH") == Level::High);
    CHECK(transit::parse_level("medium") == Level::Medium);
    CHECK_FALSE(transit::parse_level("severe").has_value());
}
