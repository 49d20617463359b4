#pragma once
// A simulator and a daemon-side session on one io_context, talking over real loopback TCP.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <functional>
#include <memory>

#include "seestar_session.h"
#include "seestar_sim.h"

namespace zc::test {

using daemon::LinkState;
using daemon::SeestarSession;
using daemon::SessionOptions;

inline SessionOptions fast_options() {
    SessionOptions o;
    o.host = "127.0.0.1";
    o.timeout = std::chrono::milliseconds(1500);
    o.retry_initial = std::chrono::milliseconds(100);
    o.retry_max = std::chrono::milliseconds(400);
    o.heartbeat = std::chrono::milliseconds(500);
    o.dead_after = std::chrono::milliseconds(2000);
    o.confirm_timeout = std::chrono::milliseconds(3000);
    o.busy_timeout = std::chrono::milliseconds(6000);
    o.auth_timeout = std::chrono::milliseconds(1500);
    o.auth_busy_budget = std::chrono::milliseconds(8000);
    o.record_confirm = std::chrono::milliseconds(1000);
    o.scan_timeout = std::chrono::milliseconds(3000);
    o.udp_intro = false;  // tests that want it point it at their simulator
    o.latitude = 51.5;
    o.longitude = -0.1;
    return o;
}

inline sim::SimOptions fast_sim(int firmware = 2706) {
    sim::SimOptions s;
    s.firmware = firmware;
    s.open_seconds = 0.1;
    s.slew_seconds = 0.2;
    s.park_seconds = 0.1;
    s.pistatus_seconds = 0.7;
    s.rtsp_seconds = 0.1;
    return s;
}

struct Rig {
    explicit Rig(sim::SimOptions so = fast_sim(), SessionOptions o = fast_options())
        : sim(io, std::move(so)) {
        o.port = sim.listen();
        options = o;
        SeestarSession::Hooks hooks;
        hooks.on_state = [this](LinkState s, const std::string& why) {
            states.emplace_back(s, why);
            if (s == LinkState::kLost && on_lost)
                on_lost(why);
        };
        hooks.on_ready = [this] {
            ++readies;
            if (on_ready)
                on_ready();
        };
        hooks.on_record_ended = [this](const std::string& why) {
            if (on_record_ended)
                on_record_ended(why);
        };
        hooks.on_tracking_lost = [this](const std::string& why) {
            if (on_tracking_lost)
                on_tracking_lost(why);
        };
        session = std::make_shared<SeestarSession>(io, clock, o, hooks);
    }
    ~Rig() {
        session->stop();
        sim.stop();
        io.run_for(std::chrono::milliseconds(50));
    }

    /// Runs the loop until `pred` or the timeout; returns pred().
    bool wait(const std::function<bool()>& pred, double seconds) {
        const auto until = std::chrono::steady_clock::now() +
                           std::chrono::milliseconds(static_cast<int>(seconds * 1000));
        while (!pred() && std::chrono::steady_clock::now() < until)
            io.run_for(std::chrono::milliseconds(5));
        return pred();
    }
    bool wait_ready(double seconds = 5) {
        return wait([this] { return session->state() == LinkState::kReady; }, seconds);
    }
    /// Calls an operation and waits for its result.
    std::pair<bool, std::string> op(const std::function<void(SeestarSession::Done)>& start,
                                    double seconds = 6) {
        std::optional<std::pair<bool, std::string>> r;
        start([&](bool ok, const std::string& text) { r.emplace(ok, text); });
        wait([&] { return r.has_value(); }, seconds);
        REQUIRE(r.has_value());
        return *r;
    }
    /// Runs the loop for `seconds` (time passes for the simulator and the session).
    void pause(double seconds) {
        wait([] { return false; }, seconds);
    }
    bool saw_reason(const std::string& part) const {
        for (const auto& [st, why] : states)
            if (why.find(part) != std::string::npos)
                return true;
        return false;
    }
    bool saw_state(LinkState s) const {
        for (const auto& [st, why] : states)
            if (st == s)
                return true;
        return false;
    }

    boost::asio::io_context io;
    SystemClock clock;
    sim::SeestarSim sim;
    SessionOptions options;
    std::shared_ptr<SeestarSession> session;
    std::vector<std::pair<LinkState, std::string>> states;
    int readies = 0;
    std::function<void()> on_ready;
    std::function<void(const std::string&)> on_lost;
    std::function<void(const std::string&)> on_record_ended;
    std::function<void(const std::string&)> on_tracking_lost;
};

}  // namespace zc::test
