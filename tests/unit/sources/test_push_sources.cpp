// The push sources: the SBS-1 feed over a real TCP socket, and the replay file on a
// ManualClock.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>
#include <fstream>

#include "rig.h"
#include "source_replay.h"
#include "source_sbs.h"

using namespace zc;
using namespace zc::daemon;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using asio::ip::tcp;
using zc::test::at;
using zc::test::Rig;

namespace {

/// A receiver's port 30003 on the test's io_context: accepts connections and lets the test
/// write to (or close) the current one.
struct FakeReceiver {
    explicit FakeReceiver(asio::io_context& io)
        : acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        accept();
    }
    void accept() {
        acceptor.async_accept([this](boost::system::error_code ec, tcp::socket s) {
            if (ec)
                return;
            ++accepted;
            peer = std::make_unique<tcp::socket>(std::move(s));
            accept();
        });
    }
    void send(const std::string& text) {
        REQUIRE(peer);
        asio::write(*peer, asio::buffer(text));
    }
    void drop() {
        boost::system::error_code ec;
        if (peer)
            peer->close(ec);
        peer.reset();
    }
    unsigned short port() const { return acceptor.local_endpoint().port(); }

    tcp::acceptor acceptor;
    std::unique_ptr<tcp::socket> peer;
    int accepted = 0;
};

SbsOptions fast(unsigned short port) {
    SbsOptions o;
    o.host = "127.0.0.1";
    o.port = port;
    o.connect_timeout = 2s;
    o.retry_initial = 50ms;
    o.retry_max = 200ms;
    return o;
}

// A real-looking burst: identification, position, velocity of one aircraft (dump1090-fa,
// receiver on UTC), plus a STA line and a garbled one.
std::string burst(const std::string& hms) {
    const std::string d = "2026/03/14";
    return "MSG,1,1,1,4CA2D6,1," + d + "," + hms + ".100," + d + "," + hms +
           ".101,RYR12AB ,,,,,,,,0,0,0,0\r\n"
           "STA,,5,179,400AE7,10103," +
           d + "," + hms +
           ".150,,,RM\r\n"
           "MSG,3,1,1,4CA2D6,1," +
           d + "," + hms + ".200," + d + "," + hms +
           ".201,,36000,,,51.45735,-1.02826,,,0,0,0,0\r\n"
           "MSG,4,1,1,4CA2D6,1," +
           d + "," + hms + ".300," + d + "," + hms + ".301,,,451,92.5,,,-64,,0,0,0,0\r\n";
}

}  // namespace

TEST_CASE("SBS feed: lines over TCP become pushed fixes", "[sources]") {
    Rig rig;
    FakeReceiver rx(rig.io);
    SbsSource s(rig.ctx, fast(rx.port()));
    std::vector<flights::Fix> got;
    int batches = 0;
    s.start([&](std::vector<flights::Fix> fixes) {
        ++batches;
        for (auto& f : fixes)
            got.push_back(std::move(f));
    });
    CHECK(s.is_push());
    CHECK_FALSE(s.next_allowed(rig.clock.now()));
    REQUIRE(rig.run_until([&] { return s.connected() && rx.peer; }, 5s));
    CHECK(s.status(rig.clock.now())["state"] == "ok");

    rig.clock.set(at("2026-03-14T12:00:00.400Z"));
    rx.send(burst("12:00:00"));
    REQUIRE(rig.run_until([&] { return !got.empty(); }, 5s));
    REQUIRE(got.size() == 1);
    CHECK(got[0].icao24 == "4ca2d6");
    CHECK(got[0].callsign == "RYR12AB");
    CHECK(got[0].fix_time == at("2026-03-14T12:00:00.200Z"));  // the position's own time
    CHECK(got[0].altitude_m == Approx(36000 * 0.3048));
    CHECK(*got[0].track_deg == Approx(92.5));

    // A garbled line is counted and shown, the feed goes on.
    rx.send("MSG,3,1,1,4CA2D6,1,2026/03/14,12:00:01.000,,,,36000,,,51.4x,-1.0,,,0,0,0,0\n");
    rx.send(
        "MSG,3,1,1,4CA2D6,1,2026/03/14,12:00:01.200,2026/03/14,12:00:01.200,,36050,,,51.45735,"
        "-1.01000,,,0,0,0,0\n");
    REQUIRE(rig.run_until([&] { return got.size() == 2; }, 5s));
    CHECK(got[1].fix_time == at("2026-03-14T12:00:01.200Z"));
    const auto st = s.status(rig.clock.now());
    CHECK(st["malformed_lines"] == 1);
    CHECK(st["last_problem"] == "field 15 (latitude): expected number");
    CHECK(st["fixes_pushed"] == 2);
    CHECK(st["lines"] == 6);
    s.stop();
}

TEST_CASE("SBS feed: reconnects with backoff when the receiver goes away", "[sources]") {
    Rig rig;
    FakeReceiver rx(rig.io);
    SbsSource s(rig.ctx, fast(rx.port()));
    std::size_t fixes = 0;
    s.start([&](std::vector<flights::Fix> f) { fixes += f.size(); });
    REQUIRE(rig.run_until([&] { return rx.accepted == 1 && s.connected(); }, 5s));
    rig.clock.set(at("2026-03-14T12:00:00.400Z"));
    rx.send(burst("12:00:00"));
    REQUIRE(rig.run_until([&] { return fixes == 1; }, 5s));
    rx.drop();
    REQUIRE(rig.run_until([&] { return !s.connected(); }, 5s));
    CHECK_FALSE(s.healthy());
    CHECK(s.status(rig.clock.now())["last_error"] ==
          "sbs: 127.0.0.1:" + std::to_string(rx.port()) + " closed the connection");
    // It comes back by itself and the feed continues.
    REQUIRE(rig.run_until([&] { return rx.accepted == 2 && s.connected(); }, 5s));
    rig.clock.set(at("2026-03-14T12:00:05.400Z"));
    rx.send(burst("12:00:05"));
    REQUIRE(rig.run_until([&] { return fixes == 2; }, 5s));
    CHECK(s.connects() == 2);
    s.stop();
}

TEST_CASE("SBS feed: nobody listening is retried, not fatal", "[sources]") {
    Rig rig;
    unsigned short port = 0;
    {
        FakeReceiver gone(rig.io);  // take a free port, then close it
        port = gone.port();
    }
    SbsSource s(rig.ctx, fast(port));
    s.start([](std::vector<flights::Fix>) {});
    rig.run_for(400ms);
    CHECK_FALSE(s.connected());
    const auto st = s.status(rig.clock.now());
    CHECK(st["consecutive_failures"].get<int>() >= 2);  // 50, 100, 200 ms retries
    CHECK(st["last_error"].get<std::string>().find("sbs: cannot connect to 127.0.0.1:") == 0);
    CHECK(st["state"] == "backoff");
    s.stop();
}

namespace {

std::filesystem::path write_replay(const test::TempDir& dir, const std::string& text) {
    const auto p = dir / "replay.jsonl";
    std::ofstream(p) << text;
    return p;
}

constexpr const char* kReplay =
    "# a constructed pass\n"
    R"({"t":0,"icao24":"ABC123","callsign":"DEMO1","lat":51.0,"lon":-0.5,"alt_m":10000,)"
    R"("alt_kind":"geometric","gs_mps":230,"track_deg":90,"vr_mps":0,"type":"A320"})"
    "\n\n"
    R"({"t":3,"icao24":"abc123","callsign":"DEMO1","lat":51.0,"lon":-0.49,"alt_m":10000,)"
    R"("alt_kind":"geometric","gs_mps":230,"track_deg":90,"vr_mps":0})"
    "\n"
    R"({"t":1.5,"icao24":"def456","lat":51.2,"lon":-0.3,"alt_m":9000,"alt_kind":"barometric",)"
    R"("gs_mps":200,"track_deg":180,"vr_mps":-5})"
    "\n";

}  // namespace

TEST_CASE("replay: fixes come out when the clock reaches start + t", "[sources]") {
    Rig rig;
    rig.clock.set(at("2026-06-21T10:00:00Z"));  // the demo's clock.start
    ReplaySource s(rig.ctx, write_replay(rig.dir, kReplay));
    CHECK(s.total() == 3);
    std::vector<flights::Fix> got;
    s.start([&](std::vector<flights::Fix> f) {
        for (auto& x : f)
            got.push_back(std::move(x));
    });
    REQUIRE(got.size() == 1);  // t = 0 at once
    CHECK(got[0].icao24 == "abc123");
    CHECK(got[0].fix_time == at("2026-06-21T10:00:00Z"));
    CHECK(got[0].aircraft_type == "A320");
    CHECK(got[0].altitude_kind == flights::AltitudeKind::Geometric);
    CHECK(*got[0].ground_speed_mps == 230);

    rig.clock.advance(1499ms);
    CHECK(s.pump() == 0);
    rig.clock.advance(1ms);
    CHECK(s.pump() == 1);  // sorted by t: def456 at 1.5 s
    CHECK(got.back().icao24 == "def456");
    CHECK(got.back().fix_time == at("2026-06-21T10:00:01.500Z"));
    CHECK(got.back().altitude_kind == flights::AltitudeKind::Barometric);
    CHECK(got.back().vertical_rate_mps == -5);

    // The timer drives it too: move the clock, run the loop.
    rig.clock.advance(2s);
    REQUIRE(rig.run_until([&] { return got.size() == 3; }, 2s));
    CHECK(got.back().fix_time == at("2026-06-21T10:00:03Z"));
    CHECK(s.delivered() == 3);
    const auto st = s.status(rig.clock.now());
    CHECK(st["finished"] == true);
    CHECK(st["fixes_delivered"] == 3);
    CHECK(st["data_age_s"] == 0.5);
}

TEST_CASE("replay: a bad line stops start-up naming file, line and field", "[sources]") {
    Rig rig;
    const auto p = write_replay(
        rig.dir, std::string(kReplay) +
                     R"({"t":4,"icao24":"abc123","lat":"51","lon":-0.4,"alt_m":10000})" + "\n");
    try {
        ReplaySource s(rig.ctx, p);
        FAIL("no exception");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()) ==
              "sources.replay.file: " + p.string() + ":6: lat: expected number");
    }
    try {
        ReplaySource s(rig.ctx, rig.dir / "missing.jsonl");
        FAIL("no exception");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()).find("sources.replay.file: ") == 0);
        CHECK(std::string(e.what()).find("cannot read") != std::string::npos);
    }
    std::string err;
    CHECK_FALSE(
        flights::parse_replay_line(R"({"t":1,"icao24":"xyz","lat":1,"lon":1,"alt_m":1})", &err));
    CHECK(err == "icao24: expected 6 hex digits");
    CHECK_FALSE(flights::parse_replay_line(R"({"t":1,"icao24":"abcdef","lat":1,"lon":1})", &err));
    CHECK(err == "alt_m: missing");
    CHECK_FALSE(flights::parse_replay_line(
        R"({"t":1,"icao24":"abcdef","lat":1,"lon":1,"alt_m":1,"alt_kind":"pressure"})", &err));
    CHECK(err == "alt_kind: expected \"geometric\" or \"barometric\"");
    CHECK_FALSE(flights::parse_replay_line(R"([1,2])", &err));
    CHECK(err == "expected a JSON object");
}
