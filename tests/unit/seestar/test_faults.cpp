// The session against the simulator's §5.6 faults and the §6 pitfalls: every connection fault
// survived, replies matched by id and method, a busy scope kept, the auth faults, client slot
// exhaustion, fire-and-forget mode commands, device errors reported with their reason, master
// re-claimed, recording confirmed by AviRecord, and a reboot.
#include <catch2/catch.hpp>

#include "rig.h"
#include "sim_client.h"
#include "temp_dir.h"
#include "test_keys.h"

using namespace zc;
using namespace zc::test;
using sim::FaultKind;
using zc::daemon::LinkState;
using zc::seestar::Target;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

struct AuthRig {
    explicit AuthRig(int fw = 2732) {
        keys = sim::make_test_key_pair(dir.path());
        so = fast_sim(fw);
        so.auth_mode = "required";
        so.public_key_pem = keys.public_pem;
        o = fast_options();
        o.auth_key_file = keys.private_key;
    }
    TempDir dir;
    sim::TestKeyPair keys;
    sim::SimOptions so;
    SessionOptions o;
};

}  // namespace

TEST_CASE("every connection-level fault is survived") {
    const auto kind =
        GENERATE(FaultKind::kRst, FaultKind::kDropAfter, FaultKind::kReorder, FaultKind::kFragment,
                 FaultKind::kCoalesce, FaultKind::kBigReply, FaultKind::kBom, FaultKind::kBareLf,
                 FaultKind::kDuplicateId, FaultKind::kMalformed);
    INFO("fault " << sim::to_string(kind));
    Rig rig;
    rig.session->start();
    REQUIRE(rig.wait_ready());
    rig.sim.add_fault({kind, "test_connection", 0, 0, 6});
    REQUIRE(rig.wait([&] { return rig.sim.log_of("test_connection").size() >= 1; }, 3));
    const bool ends_link = kind == FaultKind::kRst || kind == FaultKind::kDropAfter;
    if (ends_link) {
        REQUIRE(rig.wait([&] { return rig.readies >= 2; }, 8));
        CHECK(rig.saw_state(LinkState::kLost));
    } else {
        rig.pause(1.5);  // heartbeats go on through the fault
        CHECK(rig.readies == 1);
        CHECK_FALSE(rig.saw_state(LinkState::kLost));
        CHECK(rig.sim.connections_accepted() == 1);
    }
    REQUIRE(rig.wait([&] { return rig.session->usable(); }, 5));
    // The link works: a whole operation, with its events, goes through.
    auto r = rig.op([&](auto d) { rig.session->start_view(Target::kMoon, d); }, 8);
    CHECK(r.first);
    CHECK(rig.session->state() == LinkState::kReady);
    if (kind == FaultKind::kMalformed)
        CHECK(rig.session->status()["malformed_lines"].get<int>() >= 3);
}

TEST_CASE("replies are matched by id and method: foreign and duplicate replies are ignored") {
    Rig rig;
    rig.session->start();
    REQUIRE(rig.wait_ready());
    REQUIRE(rig.op([&](auto d) { rig.session->start_view(Target::kMoon, d); }).first);
    rig.sim.add_fault({FaultKind::kDuplicateId, "get_view_state", 0, 0});
    auto r = rig.op([&](auto d) { rig.session->refresh(d); });
    CHECK(r.first);
    CHECK(r.second == "view moon");  // not the scope_get_equ_coord reply with the same id
    rig.pause(0.2);
    CHECK(rig.session->status()["foreign_replies"].get<int>() >= 3);  // foreign, unknown, copy
    CHECK(rig.session->state() == LinkState::kReady);
}

TEST_CASE("a busy scope: get_device_state slower than the timeout keeps the link") {
    // The busy scope answers the heartbeat but stalls get_device_state for 3 s: longer than
    // the request timeout (1.5 s) and than dead_after (2 s). The link must stay up.
    Rig rig;
    rig.sim.add_fault({FaultKind::kDelay, "get_device_state", 0, 3.0});
    rig.session->start();
    REQUIRE(rig.wait_ready(8));
    CHECK(rig.sim.connections_accepted() == 1);
    CHECK_FALSE(rig.saw_state(LinkState::kLost));
    CHECK(rig.saw_reason("busy"));
    CHECK(rig.session->firmware() == 2706);
    // The heartbeat kept running during the handshake (pi_is_verified until it was done).
    CHECK(rig.sim.log_of("pi_is_verified").size() >= 3);
}

TEST_CASE("a busy scope ignoring get_verify_str is asked again on the same connection") {
    AuthRig a;
    Rig rig(a.so, a.o);
    rig.sim.add_fault({FaultKind::kBusyAuth, "", 0, 2.5});
    rig.session->start();
    REQUIRE(rig.wait_ready(10));
    CHECK(rig.session->status()["authenticated"] == true);
    CHECK(rig.sim.connections_accepted() == 1);
    CHECK(rig.sim.log_of("get_verify_str").size() >= 2);
    CHECK(rig.saw_reason("get_verify_str"));
    CHECK_FALSE(rig.saw_state(LinkState::kLost));
}

TEST_CASE("authentication faults") {
    AuthRig a;
    SECTION("an event and a foreign reply between verify_client and its reply") {
        Rig rig(a.so, a.o);
        rig.sim.add_fault({FaultKind::kAuthEvent, "", 0, 0});
        rig.session->start();
        REQUIRE(rig.wait_ready());
        CHECK(rig.session->status()["authenticated"] == true);
        CHECK(rig.sim.connections_accepted() == 1);
    }
    SECTION("a missing challenge fails that attempt, the next connection succeeds") {
        Rig rig(a.so, a.o);
        rig.sim.add_fault({FaultKind::kBadChallenge, "", 0, 0});
        rig.session->start();
        REQUIRE(rig.wait_ready());
        CHECK(rig.saw_reason("no challenge in the reply"));
        CHECK(rig.sim.connections_accepted() == 2);
    }
    SECTION("a stale challenge is rejected, the next connection succeeds") {
        Rig rig(a.so, a.o);
        rig.sim.add_fault({FaultKind::kStaleChallenge, "", 0, 0});
        rig.session->start();
        REQUIRE(rig.wait_ready());
        CHECK(rig.saw_reason("authentication rejected"));
        CHECK(rig.sim.connections_accepted() == 2);
    }
}

TEST_CASE("client slots exhausted: a clear reason, and the link once a slot frees") {
    auto so = fast_sim();
    so.max_clients = 2;
    Rig rig(so);
    auto o = rig.options;
    o.udp_intro = true;
    o.discovery_port = rig.sim.listen_discovery();
    rig.session->set_options(o);
    auto a = std::make_unique<LineClient>(o.port);
    LineClient b(o.port);
    rig.pause(0.1);  // the simulator accepts both
    REQUIRE(rig.sim.connections_open() == 2);
    rig.session->start();
    // The discovery reply may come after the first refusal; the next attempt names the count.
    REQUIRE(rig.wait([&] { return rig.saw_reason("client slots are probably taken"); }, 4));
    REQUIRE(
        rig.wait([&] { return contains(rig.session->reason(), "(it reports 2 TCP clients)"); }, 4));
    CHECK(rig.session->state() == LinkState::kLost);
    CHECK(rig.session->status()["discovery"]["sn"] == "SIM0001");
    a.reset();  // one client leaves
    REQUIRE(rig.wait_ready(5));
    CHECK(rig.sim.connections_rejected() >= 1);
}

TEST_CASE("mode commands are fire-and-forget: a lagging reply does not hold the view up") {
    Rig rig;
    rig.session->start();
    REQUIRE(rig.wait_ready());
    rig.sim.add_fault({FaultKind::kDelay, "iscope_start_view", 0, 4.0});
    const auto t0 = std::chrono::steady_clock::now();
    auto r = rig.op([&](auto d) { rig.session->start_view(Target::kMoon, d); }, 6);
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(r.first);
    CHECK(contains(r.second, "tracking"));
    CHECK(took < 2.5);
    CHECK(rig.session->state() == LinkState::kReady);
}

TEST_CASE("a view the device cannot hold fails with its reason") {
    SECTION("the target is below the horizon") {
        auto so = fast_sim();
        so.moon_alt_deg = -5;
        Rig rig(so);
        rig.session->start();
        REQUIRE(rig.wait_ready());
        auto r = rig.op([&](auto d) { rig.session->start_view(Target::kMoon, d); });
        CHECK_FALSE(r.first);
        CHECK(contains(r.second, "could not centre the moon"));
        CHECK((contains(r.second, "501") || contains(r.second, "270")));
    }
    SECTION("the goto fails (501)") {
        Rig rig;
        rig.session->start();
        REQUIRE(rig.wait_ready());
        rig.sim.add_fault({FaultKind::kGotoFail, "", 0, 0});
        auto r = rig.op([&](auto d) { rig.session->start_view(Target::kMoon, d); });
        CHECK_FALSE(r.first);
        CHECK(contains(r.second, "mount goto failed (501)"));
        // The next attempt (fault spent) works.
        CHECK(rig.op([&](auto d) { rig.session->start_view(Target::kMoon, d); }).first);
    }
    SECTION("tracking lost with 502 while viewing is reported") {
        Rig rig;
        rig.session->start();
        REQUIRE(rig.wait_ready());
        REQUIRE(rig.op([&](auto d) { rig.session->start_view(Target::kMoon, d); }).first);
        rig.sim.add_fault({FaultKind::kTrackError, "test_connection", 502, 0});
        REQUIRE(rig.wait([&] { return rig.session->tracking() == false; }, 3));
        CHECK(contains(rig.session->status()["tracking_error"].get<std::string>(), "502"));
    }
    SECTION("an invalid clock the daemon could not set") {
        auto so = fast_sim();
        so.invalid_clock_at_boot = true;
        Rig rig(so);
        rig.sim.add_fault({FaultKind::kError, "pi_set_time", 207, 0});
        rig.session->start();
        REQUIRE(rig.wait([&] { return rig.session->state() == LinkState::kDegraded; }, 5));
        CHECK(contains(rig.session->reason(), "clock"));
        auto r = rig.op([&](auto d) { rig.session->start_view(Target::kMoon, d); });
        CHECK_FALSE(r.first);
        CHECK((contains(r.second, "501") || contains(r.second, "502")));
    }
    SECTION("an invalid clock the daemon sets: slews work") {
        auto so = fast_sim();
        so.invalid_clock_at_boot = true;
        Rig rig(so);
        rig.session->start();
        REQUIRE(rig.wait_ready());
        CHECK(rig.sim.device()["clock_valid"] == true);
        CHECK(rig.op([&](auto d) { rig.session->start_view(Target::kMoon, d); }).first);
    }
}

TEST_CASE("master taken by the phone app is re-claimed before the next recording") {
    Rig rig;
    rig.session->start();
    REQUIRE(rig.wait_ready());
    REQUIRE(rig.op([&](auto d) { rig.session->start_view(Target::kMoon, d); }).first);
    rig.sim.steal_master();
    REQUIRE(rig.wait([&] { return !rig.session->is_master(); }, 2));
    const auto stolen = std::chrono::system_clock::now();
    auto r = rig.op([&](auto d) { rig.session->start_record(Target::kMoon, d); });
    REQUIRE(r.first);
    CHECK(rig.sim.device()["recording"] == true);
    const auto claims = rig.sim.log_of("set_setting");
    const auto starts = rig.sim.log_of("start_record_avi");
    REQUIRE(starts.size() == 1);
    REQUIRE_FALSE(claims.empty());
    CHECK(claims.back().params.value("master_cli", false));
    CHECK(claims.back().time > stolen);
    CHECK(claims.back().time <= starts[0].time);
    CHECK(rig.session->state() == LinkState::kReady);
}

TEST_CASE("recording is confirmed by AviRecord working") {
    Rig rig;
    rig.session->start();
    REQUIRE(rig.wait_ready());
    REQUIRE(rig.op([&](auto d) { rig.session->start_view(Target::kMoon, d); }).first);
    SECTION("accepted but never working: stopped and reported") {
        rig.sim.add_fault({FaultKind::kRecordNoStart, "", 0, 0});
        const auto t0 = std::chrono::steady_clock::now();
        auto r = rig.op([&](auto d) { rig.session->start_record(Target::kMoon, d); });
        const double took =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        CHECK_FALSE(r.first);
        CHECK(r.second.rfind("recording did not start: AviRecord did not reach", 0) == 0);
        CHECK(took == Approx(1.0).margin(0.5));  // record_confirm
        REQUIRE(rig.wait([&] { return rig.sim.log_of("stop_record_avi").size() == 1; }, 2));
        CHECK(rig.session->recording() == false);
    }
    SECTION("storage full") {
        rig.sim.add_fault({FaultKind::kStorageFull, "", 0, 0});
        auto r = rig.op([&](auto d) { rig.session->start_record(Target::kMoon, d); });
        CHECK_FALSE(r.first);
        CHECK(contains(r.second, "recording did not start: AviRecord fail: storage is full"));
    }
    SECTION("the wrong view: nothing is sent") {
        auto r = rig.op([&](auto d) { rig.session->start_record(Target::kSun, d); });
        CHECK_FALSE(r.first);
        CHECK(contains(r.second, "the scope is in moon view, not sun"));
        CHECK(rig.sim.log_of("start_record_avi").empty());
    }
    SECTION("refused by the device") {
        rig.sim.add_fault({FaultKind::kError, "start_record_avi", 207, 0});
        auto r = rig.op([&](auto d) { rig.session->start_record(Target::kMoon, d); });
        CHECK_FALSE(r.first);
        CHECK(contains(r.second, "start_record_avi refused: fail to operate (207)"));
    }
}

TEST_CASE("a device reboot: the link comes back once the port reopens") {
    Rig rig;
    rig.session->start();
    REQUIRE(rig.wait_ready());
    REQUIRE(rig.op([&](auto d) { rig.session->start_view(Target::kMoon, d); }).first);
    rig.sim.reboot(1.0);
    REQUIRE(rig.wait([&] { return rig.session->state() == LinkState::kLost; }, 3));
    rig.pause(0.6);
    CHECK(rig.sim.rebooting());
    CHECK(rig.session->state() != LinkState::kReady);  // refused while the port is closed
    REQUIRE(rig.wait_ready(5));
    CHECK(rig.sim.connections_accepted() == 2);
    CHECK(rig.session->view_target() == std::nullopt);  // re-read: the reboot ended the view
}
