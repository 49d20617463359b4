// Capture scheduling against the simulator: recordings start and stop within ±100 ms of plan
// (measured on the simulator's log), overlapping captures merge, cancelled predictions never
// record, and the Sun is refused without the filter confirmation.
#include <catch2/catch.hpp>

#include "capture_scheduler.h"
#include "rig.h"

using namespace zc;
using namespace zc::test;
using std::chrono::milliseconds;
using zc::daemon::CaptureOptions;
using zc::daemon::CaptureScheduler;
using zc::seestar::Level;
using zc::seestar::Prediction;
using zc::seestar::Target;

namespace {

struct CaptureRig : Rig {
    explicit CaptureRig(CaptureOptions co = options()) {
        scheduler = std::make_unique<CaptureScheduler>(
            io, clock, session, co, [this](const nlohmann::json& e) { events.push_back(e); });
        on_ready = [this] { scheduler->on_scope_ready(); };
        on_lost = [this](const std::string& why) { scheduler->on_scope_lost(why); };
        on_record_ended = [this](const std::string& why) { scheduler->on_recording_ended(why); };
        on_tracking_lost = [this](const std::string& why) { scheduler->on_tracking_lost(why); };
        session->start();
        REQUIRE(wait_ready());
    }
    ~CaptureRig() { scheduler.reset(); }
    static CaptureOptions options() {
        CaptureOptions co;
        co.pre = milliseconds(1000);
        co.post = milliseconds(1000);
        co.prepare_lead = milliseconds(1500);
        return co;
    }
    std::vector<std::string> states_of(const std::string& id) const {
        std::vector<std::string> out;
        for (const auto& e : events)
            if (e.value("id", std::string()) == id)
                out.push_back(e["state"].get<std::string>());
        return out;
    }
    static double error_ms(std::chrono::system_clock::time_point actual, UtcTime planned) {
        return std::chrono::duration<double, std::milli>(
                   std::chrono::time_point_cast<Duration>(actual) - planned)
            .count();
    }
    std::unique_ptr<CaptureScheduler> scheduler;
    std::vector<nlohmann::json> events;
};

}  // namespace

TEST_CASE("a scheduled capture starts and stops within 100 ms of plan") {
    CaptureRig rig;
    const auto start = rig.clock.now() + milliseconds(2500);  // after the view is prepared
    const auto id = rig.scheduler->add_capture(Target::kMoon, start, milliseconds(1500), false);
    REQUIRE(rig.wait([&] { return rig.scheduler->find(id)->state == "recorded"; }, 8));
    const auto starts = rig.sim.log_of("start_record_avi");
    const auto stops = rig.sim.log_of("stop_record_avi");
    REQUIRE(starts.size() == 1);
    REQUIRE(stops.size() == 1);
    const double e1 = CaptureRig::error_ms(starts[0].time, start);
    const double e2 = CaptureRig::error_ms(stops[0].time, start + milliseconds(1500));
    WARN("start error " << e1 << " ms, stop error " << e2 << " ms");
    CHECK(std::abs(e1) < 100);
    CHECK(std::abs(e2) < 100);
    // The view was put in place early, before the start.
    const auto views = rig.sim.log_of("iscope_start_view");
    REQUIRE(views.size() >= 1);
    CHECK(views[0].time < starts[0].time);
    CHECK(rig.states_of(id) ==
          std::vector<std::string>{"scheduled", "preparing", "started", "recorded"});
    CHECK(rig.sim.device()["files"] == 1);
}

TEST_CASE("predictions drive captures: buffers, levels, merging, re-timing") {
    CaptureRig rig;
    const auto t = rig.clock.now() + milliseconds(3000);
    std::vector<Prediction> p = {{"a", Target::kMoon, Level::kHigh, t},
                                 {"b", Target::kMoon, Level::kHigh, t + milliseconds(1200)},
                                 {"low", Target::kMoon, Level::kLow, t + milliseconds(6000)}};
    rig.scheduler->set_predictions(p);
    CHECK(rig.scheduler->find("low") == nullptr);  // below seestar.capture_level
    // Re-timed: b moves 300 ms later, so the merged window stops at t + 1.5 s + post.
    p[1].closest_approach = t + milliseconds(1500);
    rig.scheduler->set_predictions(p);
    CHECK(rig.states_of("b") == std::vector<std::string>{"scheduled", "retimed"});
    REQUIRE(rig.wait([&] { return rig.scheduler->find("b")->state == "recorded"; }, 10));
    CHECK(rig.scheduler->find("a")->state == "recorded");
    const auto starts = rig.sim.log_of("start_record_avi");
    const auto stops = rig.sim.log_of("stop_record_avi");
    REQUIRE(starts.size() == 1);  // one merged recording, never two at once
    REQUIRE(stops.size() == 1);
    CHECK(std::abs(CaptureRig::error_ms(starts[0].time, t - milliseconds(1000))) < 100);
    CHECK(std::abs(CaptureRig::error_ms(stops[0].time, t + milliseconds(2500))) < 100);
    CHECK(rig.scheduler->find("a")->window == "a+b");
}

TEST_CASE("a prediction that goes away is cancelled and never recorded") {
    CaptureRig rig;
    const auto t = rig.clock.now() + milliseconds(2500);
    rig.scheduler->set_predictions({{"gone", Target::kMoon, Level::kHigh, t}});
    rig.wait([] { return false; }, 0.5);
    rig.scheduler->set_predictions({});
    CHECK(rig.scheduler->find("gone")->state == "cancelled");
    rig.wait([] { return false; }, 3);
    CHECK(rig.sim.log_of("start_record_avi").empty());
    CHECK(rig.states_of("gone") == std::vector<std::string>{"scheduled", "cancelled"});
}

TEST_CASE("an operator capture can be cancelled while it records") {
    CaptureRig rig;
    const auto id = rig.scheduler->add_capture(Target::kMoon, rig.clock.now() + milliseconds(300),
                                               milliseconds(5000), false);
    REQUIRE(rig.wait([&] { return rig.sim.device()["recording"] == true; }, 5));
    REQUIRE(rig.scheduler->cancel(id));
    REQUIRE(rig.wait([&] { return rig.sim.device()["recording"] == false; }, 2));
    // The outcome goes out once the stop is acknowledged, which may be just after the
    // simulator has acted on it.
    REQUIRE(rig.wait([&] { return rig.scheduler->find(id)->state != "recording"; }, 2));
    CHECK(rig.scheduler->find(id)->state == "cancelled");
    CHECK(rig.sim.log_of("stop_record_avi").size() == 1);
}

TEST_CASE("sun captures are refused without the solar filter confirmation") {
    CaptureRig rig;
    const auto t = rig.clock.now() + milliseconds(1500);
    rig.scheduler->set_predictions({{"sun1", Target::kSun, Level::kHigh, t}});
    REQUIRE(rig.wait([&] { return rig.scheduler->find("sun1")->state == "missed"; }, 4));
    CHECK(rig.scheduler->find("sun1")->reason.find("solar filter") != std::string::npos);
    for (const auto& e : rig.sim.log_of("iscope_start_view"))
        CHECK(e.params["mode"] != "sun");
    CHECK(rig.sim.log_of("start_record_avi").empty());

    // With --solar-filter-on the operator's capture goes ahead.
    const auto id = rig.scheduler->add_capture(Target::kSun, rig.clock.now() + milliseconds(200),
                                               milliseconds(1500), true);
    REQUIRE(rig.wait([&] { return rig.scheduler->find(id)->state == "recorded"; }, 8));
}

TEST_CASE("link lost mid-capture: the recording resumes or is stopped after reconnect") {
    CaptureRig rig;
    const auto id = rig.scheduler->add_capture(Target::kMoon, rig.clock.now() + milliseconds(300),
                                               milliseconds(3000), false);
    REQUIRE(rig.wait([&] { return rig.sim.device()["recording"] == true; }, 5));
    rig.sim.drop_all();
    REQUIRE(rig.wait([&] { return rig.readies >= 2; }, 5));
    REQUIRE(rig.wait([&] { return rig.scheduler->find(id)->state == "recorded"; }, 6));
    CHECK(rig.scheduler->find(id)->interrupted);
    // Nothing left running.
    CHECK(rig.wait([&] { return rig.sim.device()["recording"] == false; }, 2));
}

TEST_CASE("a capture whose recording never reaches working is missed with the reason") {
    CaptureRig rig;
    rig.sim.add_fault({sim::FaultKind::kRecordNoStart, "", 0, 0});
    const auto id = rig.scheduler->add_capture(Target::kMoon, rig.clock.now() + milliseconds(300),
                                               milliseconds(3000), false);
    REQUIRE(rig.wait([&] { return rig.scheduler->find(id)->state == "missed"; }, 5));
    const auto& rec = *rig.scheduler->find(id);
    INFO(rec.reason);
    CHECK(rec.reason.rfind("recording did not start", 0) == 0);
    CHECK(rec.reason.find("AviRecord") != std::string::npos);
    const auto states = rig.states_of(id);
    CHECK(states.back() == "missed");
    CHECK(std::count(states.begin(), states.end(), "started") == 0);
    // Reconciled: stop_record_avi was sent, nothing records, no second attempt.
    REQUIRE(rig.wait([&] { return !rig.sim.log_of("stop_record_avi").empty(); }, 2));
    rig.wait([] { return false; }, 0.5);
    CHECK(rig.sim.device()["recording"] == false);
    CHECK(rig.sim.log_of("start_record_avi").size() == 1);
    CHECK_FALSE(rig.scheduler->active());
}

TEST_CASE("a device reboot mid-capture: reconnected after the port reopens, recording reconciled") {
    CaptureRig rig;
    const auto id = rig.scheduler->add_capture(Target::kMoon, rig.clock.now() + milliseconds(300),
                                               milliseconds(4000), false);
    REQUIRE(rig.wait([&] { return rig.sim.device()["recording"] == true; }, 5));
    rig.sim.reboot(0.8);
    REQUIRE(rig.wait([&] { return rig.sim.rebooting(); }, 1));
    REQUIRE(rig.wait([&] { return rig.readies >= 2; }, 5));
    // The window is still open: the view is set up again and the recording restarted.
    REQUIRE(rig.wait([&] { return rig.sim.device()["recording"] == true; }, 4));
    REQUIRE(rig.wait([&] { return rig.scheduler->find(id)->state == "recorded"; }, 5));
    CHECK(rig.scheduler->find(id)->interrupted);
    CHECK(rig.sim.log_of("start_record_avi").size() == 2);
    CHECK(rig.wait([&] { return rig.sim.device()["recording"] == false; }, 2));
    CHECK(rig.sim.device()["files"] == 1);  // the file cut by the reboot is lost
}

TEST_CASE("the target setting during a capture: missed with the device's reason") {
    CaptureRig rig;
    const auto id = rig.scheduler->add_capture(Target::kMoon, rig.clock.now() + milliseconds(300),
                                               milliseconds(4000), false);
    REQUIRE(rig.wait([&] { return rig.scheduler->find(id)->started.has_value(); }, 5));
    rig.sim.set_body_altitude(Target::kMoon, -2, 290);
    REQUIRE(rig.wait([&] { return rig.scheduler->find(id)->state == "missed"; }, 3));
    const auto& rec = *rig.scheduler->find(id);
    INFO(rec.reason);
    CHECK(rec.reason.find("before the planned end") != std::string::npos);
    CHECK(rec.reason.find("270") != std::string::npos);
    CHECK_FALSE(rig.scheduler->active());
    CHECK(rig.sim.log_of("stop_record_avi").empty());  // the scope had already stopped
}

TEST_CASE("the phone app takes master before a capture: it is re-claimed and recorded") {
    CaptureRig rig;
    const auto start = rig.clock.now() + milliseconds(2500);
    const auto id = rig.scheduler->add_capture(Target::kMoon, start, milliseconds(800), false);
    // After the view is prepared, before the start.
    REQUIRE(rig.wait([&] { return rig.session->view_target() == Target::kMoon; }, 3));
    rig.wait([] { return false; }, 0.3);
    const auto stolen = std::chrono::system_clock::now();
    rig.sim.steal_master();
    REQUIRE(rig.wait([&] { return rig.scheduler->find(id)->state == "recorded"; }, 6));
    bool reclaimed = false;
    for (const auto& e : rig.sim.log_of("set_setting"))
        reclaimed = reclaimed || (e.time > stolen && e.params.value("master_cli", false) &&
                                  e.time <= rig.sim.log_of("start_record_avi").at(0).time);
    CHECK(reclaimed);
    // Re-claimed ahead of time, so the start stayed on time.
    CHECK(std::abs(CaptureRig::error_ms(rig.sim.log_of("start_record_avi").at(0).time, start)) <
          100);
}
