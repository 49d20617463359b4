// The real zipcatcherd against the real simulator program: captures from the CLI, and every
// fault the simulator can inject survived with the daemon still answering its socket.
#include <catch2/catch.hpp>
#include <map>
#include <sstream>
#include <thread>

#include "daemon_harness.h"
#include "test_keys.h"

using namespace zc::test;
using nlohmann::json;

namespace {

struct SimProcess {
    SimProcess(const DaemonHarness& h, const std::string& faults,
               std::vector<std::string> extra = {}) {
        port_file = h.dir() / "sim.port";
        log = h.dir() / "sim.log";
        std::vector<std::string> args{"--port",
                                      "0",
                                      "--port-file",
                                      port_file.string(),
                                      "--log",
                                      log.string(),
                                      "--slew-seconds",
                                      "0.2",
                                      "--open-seconds",
                                      "0.2",
                                      "--park-seconds",
                                      "0.2",
                                      "--rtsp-seconds",
                                      "0.1",
                                      "--fault-seconds",
                                      "4",
                                      "--udp-port",
                                      "0",
                                      "--alpaca-port",
                                      "0",
                                      "--alpaca-discovery-port",
                                      "0",
                                      "--reboot-seconds",
                                      "1.5"};
        if (!faults.empty()) {
            args.push_back("--faults");
            args.push_back(faults);
        }
        args.insert(args.end(), extra.begin(), extra.end());
        child = std::make_unique<Child>(ZC_SIM_BIN, args, Env{{"PATH", "/usr/bin:/bin"}}, h.dir());
        for (int i = 0; i < 200 && port.empty(); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (std::filesystem::exists(port_file)) {
                std::istringstream in(read_file(port_file));
                in >> port;
                std::string name, value;
                while (in >> name >> value)
                    ports[name] = value;
            }
        }
        REQUIRE_FALSE(port.empty());
    }
    ~SimProcess() {
        if (child && child->running()) {
            child->signal(SIGTERM);
            child->wait(std::chrono::seconds(3));
        }
    }
    std::vector<json> entries() const {
        std::vector<json> out;
        std::istringstream in(read_file(log));
        std::string line;
        while (std::getline(in, line))
            if (auto j = json::parse(line, nullptr, false); j.is_object())
                out.push_back(j);
        return out;
    }
    int count(const std::string& method) const {
        int n = 0;
        for (const auto& e : entries())
            n += e["method"] == method;
        return n;
    }
    int connections() const {
        int n = 0;
        for (const auto& e : entries())
            n = std::max(n, e["connection"].get<int>());
        return n;
    }
    std::filesystem::path port_file, log;
    std::string port;
    std::map<std::string, std::string> ports;  // discovery, alpaca, alpaca-discovery
    std::unique_ptr<Child> child;
};

std::vector<std::string> seestar_args(const std::string& port) {
    return {"--seestar.enabled",
            "true",
            "--seestar.host",
            "127.0.0.1",
            "--seestar.port",
            port,
            "--seestar.heartbeat_interval",
            "1",
            "--seestar.retry_initial_delay",
            "0.2",
            "--seestar.retry_max_delay",
            "1",
            "--seestar.timeout",
            "2"};
}

std::string scope_state(const DaemonHarness& h) {
    auto r = h.cli({"--json", "scope", "status"});
    REQUIRE(r.exit_code == 0);  // the daemon answers, whatever the scope does
    return json::parse(r.out)["arguments"]["state"].get<std::string>();
}

bool wait_state(const DaemonHarness& h, const std::string& want, int seconds) {
    for (int i = 0; i < seconds * 5; ++i) {
        if (scope_state(h) == want)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
}

}  // namespace

TEST_CASE("zipcatcher capture records on the simulator and says so in its exit code") {
    DaemonHarness h;
    SimProcess sim(h, "");
    h.start(seestar_args(sim.port));
    REQUIRE(wait_state(h, "ready", 10));

    auto r = h.cli({"capture", "--target", "moon", "--duration", "1"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("recorded") != std::string::npos);
    CHECK(sim.count("start_record_avi") == 1);
    CHECK(sim.count("stop_record_avi") == 1);

    auto sun = h.cli({"capture", "--target", "sun", "--duration", "1"});
    CHECK(sun.exit_code == 1);
    CHECK(sun.err.find("solar filter") != std::string::npos);
    auto view = h.cli({"scope", "view", "sun"});
    CHECK(view.exit_code == 1);
    CHECK(sim.count("start_record_avi") == 1);
    auto ok = h.cli({"scope", "view", "sun", "--solar-filter-on"});
    CHECK(ok.exit_code == 0);

    auto later = h.cli({"--json", "capture", "--target", "moon", "--duration", "1", "--at",
                        "2099-01-01T00:00:00Z", "--no-wait"});
    REQUIRE(later.exit_code == 0);
    const auto id = json::parse(later.out)["arguments"]["id"].get<std::string>();
    CHECK(h.cli({"call", "capture-cancel", "{\"id\":\"" + id + "\"}"}).exit_code == 0);
    CHECK(h.cli({"scope", "park"}).exit_code == 0);
}

TEST_CASE("zipcatcherd survives every simulator fault and keeps answering its socket") {
    DaemonHarness h;
    SimProcess sim(h,
                   "drop@test_connection,half-reply@test_connection,stall@test_connection,"
                   "delay@test_connection,error@test_connection,malformed@test_connection,"
                   "silence@test_connection,refuse-master@set_setting");
    h.start(seestar_args(sim.port));
    // drop, half-reply, stall and silence each cost a connection; the rest are survived on one.
    bool all_fired = false;
    for (int i = 0; i < 60 * 5 && !all_fired; ++i) {
        scope_state(h);  // REQUIREs that the daemon answers throughout
        all_fired = sim.connections() >= 5 && sim.count("set_setting") >= 9;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    REQUIRE(all_fired);
    CHECK(h.cli({"scope", "view", "moon"}).exit_code == 0);  // re-claims master
    REQUIRE(wait_state(h, "ready", 10));
    CHECK(h.daemon().running());
    CHECK(h.cli({"status"}).exit_code == 0);
}

TEST_CASE("zipcatcherd survives the simulator's stream and device faults") {
    DaemonHarness h;
    // Each fires on the heartbeat in turn; rst, drop-after and reboot cost a connection.
    SimProcess sim(h,
                   "rst@test_connection,drop-after=4@test_connection,reorder@test_connection,"
                   "fragment=6@test_connection,coalesce=4@test_connection,"
                   "big-reply@test_connection,bom@test_connection,bare-lf@test_connection,"
                   "duplicate-id@test_connection,track-error=502@test_connection,"
                   "steal-master@test_connection,reboot=1.5@test_connection");
    h.start(seestar_args(sim.port));
    bool all_fired = false;
    for (int i = 0; i < 60 * 5 && !all_fired; ++i) {
        scope_state(h);  // REQUIREs that the daemon answers throughout
        all_fired = sim.connections() >= 4;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    REQUIRE(all_fired);
    REQUIRE(wait_state(h, "ready", 15));
    CHECK(h.cli({"scope", "view", "moon"}).exit_code == 0);  // re-claims master
    auto r = h.cli({"capture", "--target", "moon", "--duration", "1"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(h.daemon().running());
}

TEST_CASE("zipcatcherd authenticates to 7.18+ firmware through the auth faults, key never logged") {
    DaemonHarness h;
    std::filesystem::create_directories(h.dir() / "keys");
    const auto keys = zc::sim::make_test_key_pair(h.dir() / "keys");
    // Each fault spoils one attempt (or, busy-auth, delays it); the daemon keeps authenticating.
    SimProcess sim(
        h, "bad-challenge,stale-challenge,auth-event,busy-auth=2",
        {"--firmware", "2732", "--auth", "required", "--public-key", keys.public_key.string()});
    auto args = seestar_args(sim.port);
    args.insert(args.end(), {"--seestar.auth_key_file", keys.private_key.string()});
    h.start(args);
    REQUIRE(wait_state(h, "ready", 40));
    auto st = h.cli_json({"scope", "status"});
    CHECK(st["arguments"]["authenticated"] == true);
    CHECK(sim.count("verify_client") >= 2);
    CHECK(h.cli({"capture", "--target", "moon", "--duration", "1"}).exit_code == 0);
    // The private key never reaches the daemon's output.
    const std::string key = read_file(keys.private_key);
    const auto body_line = key.substr(key.find('\n') + 1, 40);
    h.daemon().signal(SIGTERM);
    h.daemon().wait(std::chrono::seconds(5));
    CHECK(h.daemon().err().find(body_line) == std::string::npos);
    CHECK(h.daemon().out().find(body_line) == std::string::npos);
}

TEST_CASE("zipcatcher capture exits 1 when AviRecord never reaches working, and says why") {
    DaemonHarness h;
    SimProcess sim(h, "record-no-start");
    h.start(seestar_args(sim.port));
    REQUIRE(wait_state(h, "ready", 10));
    // Long enough for the 3 s AviRecord confirmation to run out inside the window.
    auto r = h.cli({"capture", "--target", "moon", "--duration", "6"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK((r.out + r.err).find("recording did not start") != std::string::npos);
    CHECK(sim.count("start_record_avi") == 1);
    CHECK(sim.count("stop_record_avi") >= 1);  // reconciled
    // The fault is spent: the next capture records.
    CHECK(h.cli({"capture", "--target", "moon", "--duration", "1"}).exit_code == 0);
}

TEST_CASE("zipcatcher-seestar-sim documents its knobs and faults and serves Alpaca") {
    DaemonHarness h;
    auto help = run(ZC_SIM_BIN, {"--help"}, Env{{"PATH", "/usr/bin:/bin"}});
    CHECK(help.exit_code == 0);
    for (const char* word : {"--max-clients", "--latency", "--altitudes", "--invalid-clock",
                             "--no-udp-reply", "--storage-free-mb", "--freeze-equ", "busy-auth",
                             "record-no-start", "reboot=S", "duplicate-id", "goto-fail"})
        CHECK(help.out.find(word) != std::string::npos);
    auto bad = run(ZC_SIM_BIN, {"--faults", "nonsense"}, Env{{"PATH", "/usr/bin:/bin"}});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("unknown fault \"nonsense\"") != std::string::npos);

    SimProcess sim(h, "");
    REQUIRE(sim.ports.count("alpaca"));
    REQUIRE(sim.ports.count("discovery"));
    CHECK(sim.ports["alpaca"] != "0");
}
