// The real zipcatcherd against the real simulator program: captures from the CLI, and every
// fault the simulator can inject survived with the daemon still answering its socket.
#include <catch2/catch.hpp>
#include <sstream>
#include <thread>

#include "daemon_harness.h"

using namespace zc::test;
using nlohmann::json;

namespace {

struct SimProcess {
    SimProcess(const DaemonHarness& h, const std::string& faults) {
        port_file = h.dir() / "sim.port";
        log = h.dir() / "sim.log";
        std::vector<std::string> args{
            "--port",          "0",          "--port-file",    port_file.string(),
            "--log",           log.string(), "--slew-seconds", "0.2",
            "--open-seconds",  "0.2",        "--park-seconds", "0.2",
            "--fault-seconds", "4"};
        if (!faults.empty()) {
            args.push_back("--faults");
            args.push_back(faults);
        }
        child = std::make_unique<Child>(ZC_SIM_BIN, args, Env{{"PATH", "/usr/bin:/bin"}}, h.dir());
        for (int i = 0; i < 200 && port.empty(); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (std::filesystem::exists(port_file)) {
                std::istringstream in(read_file(port_file));
                in >> port;
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
