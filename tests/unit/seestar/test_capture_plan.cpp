#include <catch2/catch.hpp>

#include "seestar/capture_plan.h"

using namespace zc;
using namespace zc::seestar;
using std::chrono::seconds;

namespace {
UtcTime t0() {
    return *parse_iso8601("2026-12-04T12:00:00Z");
}
}  // namespace

TEST_CASE("predictions below the level are ignored and buffers widen the rest") {
    std::vector<Prediction> p = {{"a", Target::kSun, Level::kHigh, t0()},
                                 {"b", Target::kSun, Level::kMedium, t0() + seconds(100)}};
    auto r = requests_from(p, Level::kHigh, seconds(10), seconds(5));
    REQUIRE(r.size() == 1);
    CHECK(r[0].start == t0() - seconds(10));
    CHECK(r[0].stop == t0() + seconds(5));
    CHECK(requests_from(p, Level::kMedium, seconds(10), seconds(5)).size() == 2);
}

TEST_CASE("overlapping windows of one target merge and the other target conflicts") {
    std::vector<Request> r = {{"b", Target::kSun, t0() + seconds(15), t0() + seconds(35)},
                              {"a", Target::kSun, t0(), t0() + seconds(20)},
                              {"c", Target::kSun, t0() + seconds(100), t0() + seconds(120)},
                              {"m", Target::kMoon, t0() + seconds(110), t0() + seconds(130)}};
    auto plan = make_plan(r);
    REQUIRE(plan.windows.size() == 2);
    CHECK(plan.windows[0].key() == "a+b");
    CHECK(plan.windows[0].stop == t0() + seconds(35));
    CHECK(plan.windows[1].key() == "c");
    REQUIRE(plan.conflicts.size() == 1);
    CHECK(plan.conflicts[0].id == "m");
}
