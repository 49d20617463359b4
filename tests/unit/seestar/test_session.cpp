// The session against the simulator over real TCP: handshakes per firmware generation,
// authentication, heartbeat, link loss in every state, and every fault kind.
#include <catch2/catch.hpp>

#include "rig.h"
#include "temp_dir.h"
#include "test_keys.h"

using namespace zc;
using namespace zc::test;
using zc::daemon::LinkState;
using zc::daemon::SeestarSession;
using zc::seestar::Target;

namespace {
std::vector<std::string> methods(const sim::SeestarSim& s) {
    std::vector<std::string> out;
    for (const auto& e : s.log())
        out.push_back(e.method);
    return out;
}
std::ptrdiff_t index_of(const std::vector<std::string>& v, const std::string& m) {
    auto it = std::find(v.begin(), v.end(), m);
    return it == v.end() ? -1 : it - v.begin();
}
}  // namespace

TEST_CASE("handshake for each firmware generation without authentication") {
    const int fw = GENERATE(2225, 2427, 2645, 2670, 2706, 2775, 2846);
    INFO("firmware " << fw);
    Rig rig(fast_sim(fw));
    rig.session->start();
    REQUIRE(rig.wait_ready());
    CHECK(rig.session->firmware() == fw);
    const auto m = methods(rig.sim);
    CHECK(index_of(m, "get_verify_str") == -1);  // no key configured: not attempted
    CHECK(index_of(m, "get_device_state") < index_of(m, "set_setting"));
    CHECK(index_of(m, "set_setting") < index_of(m, "pi_set_time"));
    CHECK(index_of(m, "pi_set_time") < index_of(m, "set_user_location"));
    for (const auto& e : rig.sim.log_of("pi_set_time")) {
        // Object params in every generation (7.75+ rejects lists with 107).
        CHECK(e.params.is_object());
        CHECK(e.params["time_zone"] == "UTC");
        CHECK(e.params.contains("verify") == (fw > 2582 && fw < 2706));
    }
    const auto dev = rig.sim.device();
    CHECK(dev["clock_valid"] == true);
    CHECK(dev["lat"] == Approx(51.5));
    CHECK(dev["master"].get<int>() == 1);
    CHECK(rig.session->status()["master"] == true);
}

TEST_CASE("firmware >= 7.18: RSA challenge-response with the operator's key") {
    TempDir dir;
    auto keys = sim::make_test_key_pair(dir.path());
    const int fw = GENERATE(2718, 2732, 2846);
    auto so = fast_sim(fw);
    so.auth_mode = "required";
    so.public_key_pem = keys.public_pem;
    auto o = fast_options();
    o.auth_key_file = keys.private_key;
    Rig rig(so, o);
    rig.session->start();
    REQUIRE(rig.wait_ready());
    CHECK(rig.session->status()["authenticated"] == true);
    const auto m = methods(rig.sim);
    REQUIRE(m.size() > 4);
    CHECK(m[0] == "get_verify_str");
    CHECK(m[1] == "verify_client");
    CHECK(m[2] == "pi_is_verified");
    CHECK(index_of(m, "get_device_state") > 2);
    const auto vc = rig.sim.log_of("verify_client").at(0).params;
    CHECK(vc["sign"].get<std::string>().size() > 300);  // base64 of a 2048-bit signature
}

TEST_CASE("a wrong key is rejected with a message that says so, and retried") {
    TempDir dir;
    std::filesystem::create_directories(dir / "other");
    auto keys = sim::make_test_key_pair(dir.path());
    auto other = sim::make_test_key_pair(dir / "other");
    auto so = fast_sim(2732);
    so.auth_mode = "required";
    so.public_key_pem = keys.public_pem;
    auto o = fast_options();
    o.auth_key_file = other.private_key;
    Rig rig(so, o);
    rig.session->start();
    REQUIRE(rig.wait([&] { return rig.sim.log_of("verify_client").size() >= 2; }, 5));
    CHECK(rig.session->state() != LinkState::kReady);
    // Published as the reason of the loss (by now it may already be reconnecting).
    CHECK(rig.saw_reason("authentication rejected"));
    CHECK(rig.sim.log_of("get_device_state").empty());
}

TEST_CASE("a missing key on firmware that needs one says what to configure") {
    auto so = fast_sim(2732);
    so.auth_mode = "required";
    Rig rig(so);
    rig.session->start();
    REQUIRE(rig.wait(
        [&] { return rig.session->reason().find("auth_key_file") != std::string::npos; }, 8));
    CHECK(rig.session->state() == LinkState::kLost);

    // And a key path that does not exist is named, not logged as key material.
    TempDir dir;
    auto keys = sim::make_test_key_pair(dir.path());
    auto so2 = fast_sim(2732);
    so2.auth_mode = "required";
    so2.public_key_pem = keys.public_pem;
    auto o = fast_options();
    o.auth_key_file = dir / "missing.pem";
    Rig rig2(so2, o);
    rig2.session->start();
    REQUIRE(rig2.wait(
        [&] { return rig2.session->reason().find("cannot be read") != std::string::npos; }, 5));
}

TEST_CASE("heartbeat: test_connection at the configured interval") {
    Rig rig;
    rig.session->start();
    REQUIRE(rig.wait_ready());
    rig.wait([] { return false; }, 2.7);
    const auto beats = rig.sim.log_of("test_connection");
    REQUIRE(beats.size() >= 4);
    // Measured on the simulator's log. A beat is sent on the first 250 ms check at least
    // 375 ms after the last one, so no gap is shorter; a loaded machine only makes gaps longer,
    // and the mean stays at the interval.
    for (std::size_t i = 1; i < beats.size(); ++i) {
        const double gap = std::chrono::duration<double>(beats[i].time - beats[i - 1].time).count();
        INFO("gap " << i << ": " << gap << " s");
        CHECK(gap >= 0.37);
        CHECK(gap < 1.0);
    }
    const double mean =
        std::chrono::duration<double>(beats.back().time - beats.front().time).count() /
        static_cast<double>(beats.size() - 1);
    CHECK(mean == Approx(0.5).margin(0.1));
}

TEST_CASE("default timing: a silent scope is declared lost within 10 s and reconnected") {
    auto o = fast_options();
    o.heartbeat = std::chrono::milliseconds(3000);
    o.dead_after = std::chrono::milliseconds(9000);
    o.timeout = std::chrono::milliseconds(5000);
    Rig rig(fast_sim(), o);
    rig.session->start();
    REQUIRE(rig.wait_ready());
    rig.sim.add_fault({sim::FaultKind::kSilence, "test_connection", 0, 0});
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(rig.wait([&] { return rig.session->state() == LinkState::kLost; }, 12));
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(took < 10.0);
    CHECK(rig.saw_state(LinkState::kDegraded));  // missing heartbeats show before the loss
    REQUIRE(rig.wait_ready(5));
    CHECK(rig.sim.connections_accepted() == 2);
}

TEST_CASE("link loss in every state, the session comes back") {
    Rig rig;
    rig.session->start();
    REQUIRE(rig.wait_ready());
    std::optional<Target> expected;  // the view the device holds when the link drops
    SECTION("parked") {
        REQUIRE(rig.sim.device()["parked"] == true);
    }
    SECTION("idle: arm open, no view") {
        REQUIRE(rig.op([&](auto d) { rig.session->start_view(Target::kMoon, d); }).first);
        REQUIRE(rig.op([&](auto d) { rig.session->stop_view(d); }).first);
        REQUIRE(rig.sim.device()["parked"] == false);
        REQUIRE(rig.sim.device()["mode"] == "none");
    }
    SECTION("slewing") {
        rig.session->start_view(Target::kMoon, [](bool, const std::string&) {});
        REQUIRE(rig.wait([&] { return rig.sim.device()["slewing"] == true; }, 3));
        expected = Target::kMoon;
    }
    SECTION("tracking the moon") {
        REQUIRE(rig.op([&](auto d) { rig.session->start_view(Target::kMoon, d); }).first);
        REQUIRE(rig.sim.device()["tracking"] == true);
        expected = Target::kMoon;
    }
    SECTION("tracking the sun") {
        REQUIRE(rig.op([&](auto d) { rig.session->start_view(Target::kSun, d); }).first);
        REQUIRE(rig.sim.device()["tracking"] == true);
        expected = Target::kSun;
    }
    rig.sim.drop_all();
    REQUIRE(rig.wait([&] { return rig.session->state() == LinkState::kLost; }, 3));
    REQUIRE(rig.wait_ready());
    CHECK(rig.readies == 2);
    CHECK(rig.sim.log_of("get_device_state").size() == 2);  // full handshake again
    // What the session believes after the reconnect is what the device holds (re-read, not
    // remembered from the old connection), and nothing records.
    CHECK(rig.session->view_target() == expected);
    CHECK_FALSE(rig.session->recording());
    CHECK(rig.sim.device()["recording"] == false);
}

TEST_CASE("link loss mid-recording: the stray recording is stopped after the reconnect") {
    Rig rig;
    // What the capture scheduler does when no capture wants the recording any more.
    rig.on_ready = [&] {
        if (rig.session->recording())
            rig.session->stop_record([](bool, const std::string&) {});
    };
    rig.session->start();
    REQUIRE(rig.wait_ready());
    REQUIRE(rig.op([&](auto d) { rig.session->start_view(Target::kMoon, d); }).first);
    REQUIRE(rig.op([&](auto d) { rig.session->start_record(d); }).first);
    REQUIRE(rig.sim.device()["recording"] == true);
    rig.sim.drop_all();
    REQUIRE(rig.wait([&] { return rig.readies == 2; }, 5));
    REQUIRE(rig.wait([&] { return rig.sim.device()["recording"] == false; }, 3));
    CHECK(rig.sim.log_of("stop_record_avi").size() == 1);
    CHECK(rig.sim.device()["files"] == 1);
}

TEST_CASE("operations: view, record, stop view, park") {
    Rig rig(fast_sim(2706));
    rig.session->start();
    REQUIRE(rig.wait_ready());
    auto rec = rig.op([&](auto d) { rig.session->start_record(d); });
    CHECK_FALSE(rec.first);  // not in a sun/moon view
    CHECK(rec.second.find("recording did not start: the scope is in no view") != std::string::npos);
    auto v = rig.op([&](auto d) { rig.session->start_view(Target::kSun, d); });
    REQUIRE(v.first);
    CHECK(v.second.find("solar_sys") != std::string::npos);
    const auto sv = rig.sim.log_of("iscope_start_view").at(0).params;
    CHECK(sv == nlohmann::json({{"mode", "sun"}, {"target_name", "Sun"}}));
    REQUIRE(rig.op([&](auto d) { rig.session->start_record(d); }).first);
    CHECK(rig.session->status()["recording"] == true);
    REQUIRE(rig.op([&](auto d) { rig.session->stop_record(d); }).first);
    REQUIRE(rig.op([&](auto d) { rig.session->stop_view(d); }).first);
    CHECK(rig.session->view_target() == std::nullopt);
    REQUIRE(rig.op([&](auto d) { rig.session->park(d); }).first);
    REQUIRE(rig.wait([&] { return rig.sim.device()["parked"] == true; }, 2));
}

TEST_CASE("a stolen master shows as degraded and the next view re-claims it") {
    Rig rig;
    rig.session->start();
    REQUIRE(rig.wait_ready());
    rig.sim.steal_master();
    REQUIRE(rig.wait([&] { return rig.session->state() == LinkState::kDegraded; }, 2));
    CHECK(rig.session->reason().find("master") != std::string::npos);
    REQUIRE(rig.op([&](auto d) { rig.session->start_view(Target::kMoon, d); }).first);
    CHECK(rig.session->state() == LinkState::kReady);
}

TEST_CASE("every fault kind is survived") {
    using sim::FaultKind;
    const auto kind = GENERATE(FaultKind::kDrop, FaultKind::kHalfReply, FaultKind::kStall,
                               FaultKind::kDelay, FaultKind::kError, FaultKind::kMalformed,
                               FaultKind::kSilence, FaultKind::kRefuseMaster);
    INFO("fault " << sim::to_string(kind));
    Rig rig;
    rig.session->start();
    REQUIRE(rig.wait_ready());
    const std::string method = kind == FaultKind::kRefuseMaster ? "set_setting" : "test_connection";
    rig.sim.add_fault({kind, method, 207, kind == FaultKind::kStall ? 3.0 : 0.8});
    if (kind == FaultKind::kRefuseMaster)
        rig.session->start_view(Target::kMoon, [](bool, const std::string&) {});
    // The fault fires, then the session is usable again (reconnected where needed).
    REQUIRE(rig.wait([&] { return rig.sim.log().size() > 0 && rig.sim.log_of(method).size() >= 1; },
                     3));
    const bool ends_link = kind == FaultKind::kDrop || kind == FaultKind::kHalfReply ||
                           kind == FaultKind::kStall || kind == FaultKind::kSilence;
    if (ends_link) {
        REQUIRE(rig.wait([&] { return rig.readies >= 2; }, 10));
        CHECK(rig.saw_state(LinkState::kLost));
    } else {
        rig.wait([] { return false; }, 1.0);
        CHECK(rig.readies == 1);  // survived on the same connection
    }
    REQUIRE(rig.wait([&] { return rig.session->usable(); }, 8));
    auto r = rig.op([&](auto d) { rig.session->start_view(Target::kMoon, d); }, 8);
    CHECK(r.first);
    CHECK(rig.session->state() == LinkState::kReady);
}

TEST_CASE("reconnect backoff doubles from the initial delay up to the cap, forever") {
    Rig rig;  // retry 100 ms initial, 400 ms cap
    std::vector<std::chrono::steady_clock::time_point> losses;
    rig.on_lost = [&](const std::string&) { losses.push_back(std::chrono::steady_clock::now()); };
    rig.session->start();
    REQUIRE(rig.wait_ready());
    rig.sim.stop();  // the port now refuses
    REQUIRE(rig.wait([&] { return losses.size() >= 6; }, 8));
    // Timers never fire early, so the lower bounds are exact; the upper ones allow a loaded
    // machine.
    const std::vector<double> nominal = {0.1, 0.2, 0.4, 0.4, 0.4};
    for (std::size_t i = 0; i < nominal.size(); ++i) {
        const double gap = std::chrono::duration<double>(losses[i + 1] - losses[i]).count();
        INFO("gap " << i << ": " << gap << " s");
        CHECK(gap >= nominal[i] - 0.005);
        CHECK(gap < nominal[i] + 0.3);
    }
    CHECK(rig.session->state() == LinkState::kLost);
    CHECK(rig.saw_reason("connect"));

    // An operator's connect gives up after its attempts; the service keeps trying.
    const auto before = losses.size();
    auto r = rig.op([&](auto d) { rig.session->connect_now(2, d); }, 5);
    CHECK_FALSE(r.first);
    CHECK(losses.size() - before == 2);
    REQUIRE(rig.wait([&] { return losses.size() >= before + 4; }, 5));
}

TEST_CASE("a key configured for firmware that has no challenge: 103 and the handshake goes on") {
    TempDir dir;
    auto keys = sim::make_test_key_pair(dir.path());
    const int fw = GENERATE(2427, 2706);
    auto o = fast_options();
    o.auth_key_file = keys.private_key;
    Rig rig(fast_sim(fw), o);
    rig.session->start();
    REQUIRE(rig.wait_ready());
    const auto m = methods(rig.sim);
    REQUIRE(m.size() > 2);
    CHECK(m[0] == "get_verify_str");
    CHECK(index_of(m, "verify_client") == -1);
    CHECK(index_of(m, "get_device_state") > 0);
    CHECK(rig.session->status()["authenticated"] == false);
    CHECK(rig.session->firmware() == fw);
}

TEST_CASE("optional authentication on 7.18 is done when a key is configured") {
    TempDir dir;
    auto keys = sim::make_test_key_pair(dir.path());
    auto so = fast_sim(2718);
    so.auth_mode = "optional";
    so.public_key_pem = keys.public_pem;
    auto o = fast_options();
    o.auth_key_file = keys.private_key;
    Rig rig(so, o);
    rig.session->start();
    REQUIRE(rig.wait_ready());
    CHECK(rig.session->status()["authenticated"] == true);
    CHECK(rig.sim.log_of("verify_client").size() == 1);
}
