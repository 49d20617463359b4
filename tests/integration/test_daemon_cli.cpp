// The real binaries, end to end: start-up, the CLI and its exit codes, signals, reload.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include <catch2/catch.hpp>
#include <thread>

#include "daemon_harness.h"

using namespace zc::test;
using nlohmann::json;

TEST_CASE("zipcatcher status against a running zipcatcherd") {
    DaemonHarness h;
    h.start();
    auto r = h.cli({"status"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::StartsWith("zipcatcherd 0.1.0, pid "));
    CHECK_THAT(r.out, Catch::Contains("observer  51.47790 N, 0.00150 W, 46 m"));
    CHECK_THAT(r.out, Catch::Contains("control    running"));

    auto j = h.cli_json({"status"});
    CHECK(j["result"] == 0);
    CHECK(j["arguments"]["version"] == "0.1.0");
    CHECK(j["arguments"]["pid"] == h.daemon().pid());
    CHECK(j["arguments"]["config"]["files"][0] == h.config_path().string());
}

TEST_CASE("exit code 3 and a clear message when the daemon is not running") {
    DaemonHarness h;
    auto r = h.cli({"status"});
    CHECK(r.exit_code == 3);
    CHECK(r.err == "zipcatcherd is not running (no socket at " + h.socket() +
                       "); start it with `systemctl start zipcatcher`\n");
}

TEST_CASE("usage errors exit 2 and failed commands exit 1") {
    DaemonHarness h;
    h.start();
    auto unknown = h.cli({"frobnicate"});
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.err, Catch::Contains("unknown command \"frobnicate\""));
    auto bad_flag = h.cli({"status", "--bogus"});
    CHECK(bad_flag.exit_code == 2);
    CHECK_THAT(bad_flag.err, Catch::Contains("bogus"));
    auto unsupported = h.cli({"call", "no-such-command"});
    CHECK(unsupported.exit_code == 1);
    CHECK_THAT(unsupported.err, Catch::Contains("unknown command \"no-such-command\""));
    auto help = h.cli({"status", "--help"});
    CHECK(help.exit_code == 0);
    CHECK_THAT(help.out, Catch::Contains("Usage: zipcatcher status"));
}

TEST_CASE("the json flag prints the daemon reply as is") {
    DaemonHarness h;
    h.start();
    auto r = h.cli({"--json", "version"});
    REQUIRE(r.exit_code == 0);
    auto j = json::parse(r.out);
    CHECK(j["result"] == 0);
    CHECK(j["text"] == "zipcatcherd 0.1.0");
    CHECK(j.contains("id"));
}

TEST_CASE("SIGTERM stops the daemon with exit 0 and removes the socket file") {
    DaemonHarness h;
    auto& d = h.start();
    REQUIRE(std::filesystem::exists(h.socket()));
    d.signal(SIGTERM);
    auto code = d.wait(std::chrono::seconds(10));
    REQUIRE(code);
    CHECK(*code == 0);
    CHECK_FALSE(std::filesystem::exists(h.socket()));
}

TEST_CASE("the shutdown command stops the daemon with exit 0") {
    DaemonHarness h;
    auto& d = h.start();
    auto r = h.cli({"shutdown", "--reason", "test"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "shutting down\n");
    auto code = d.wait(std::chrono::seconds(10));
    REQUIRE(code);
    CHECK(*code == 0);
    CHECK_THAT(d.err(), Catch::Contains("shutdown command: test"));
}

TEST_CASE("a second instance on the same socket is refused") {
    DaemonHarness h;
    h.start();
    auto second = run(ZC_DAEMON_BIN, h.daemon_args(), h.env(), std::chrono::seconds(10));
    CHECK(second.exit_code == 1);
    CHECK_THAT(second.err,
               Catch::Contains("another zipcatcherd is already running on " + h.socket()));
    CHECK(h.cli({"status"}).exit_code == 0);  // the first one is untouched
}

TEST_CASE("a stale socket left by a killed daemon is cleaned up at the next start") {
    DaemonHarness h;
    auto& d = h.start();
    d.signal(SIGKILL);
    d.wait(std::chrono::seconds(5));
    REQUIRE(std::filesystem::exists(h.socket()));
    auto& again = h.start();
    CHECK(h.cli({"status"}).exit_code == 0);
    CHECK_THAT(again.err(), Catch::Contains("removed a stale socket"));
}

TEST_CASE("SIGHUP with a broken configuration keeps the old one and reports the error") {
    DaemonHarness h;
    auto& d = h.start();
    REQUIRE(h.cli_json({"config", "get",
                        "observer.latitude"})["arguments"]["observer.latitude"]["value"] ==
            Approx(51.4779));

    h.write_config("[observer]\nlatitude = 95\n");
    d.signal(SIGHUP);
    // The status shows the rejected reload once the signal was handled.
    json status;
    for (int i = 0; i < 500; ++i) {
        status = h.cli_json({"status"});
        if (status["arguments"]["config"]["reload_failures"] == 1)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE(status["arguments"]["config"]["reload_failures"] == 1);
    const auto& comps = status["arguments"]["components"];
    auto config_comp = std::find_if(comps.begin(), comps.end(),
                                    [](const json& c) { return c["name"] == "config"; });
    REQUIRE(config_comp != comps.end());
    CHECK((*config_comp)["state"] == "reload-failed");
    const std::string detail = (*config_comp)["detail"];
    CHECK_THAT(detail, Catch::Contains(h.config_path().string() + ":2"));
    CHECK_THAT(detail, Catch::Contains("observer.latitude"));
    CHECK_THAT(detail, Catch::Contains("95"));
    CHECK_THAT(d.err(), Catch::Contains("SIGHUP: configuration rejected"));
    // Still running, still with the old value.
    CHECK(h.cli_json(
              {"config", "get", "observer.latitude"})["arguments"]["observer.latitude"]["value"] ==
          Approx(51.4779));

    // The reload command says the same, with exit code 1.
    auto r = h.cli({"reload"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("configuration rejected, the running one stays"));

    // A fixed file is taken.
    h.write_config(DaemonHarness::valid_config(-33.5));
    auto ok = h.cli({"reload"});
    CHECK(ok.exit_code == 0);
    CHECK_THAT(ok.out, Catch::Contains("configuration reloaded, 1 setting changed"));
    CHECK(h.cli_json(
              {"config", "get", "observer.latitude"})["arguments"]["observer.latitude"]["value"] ==
          Approx(-33.5));
}

TEST_CASE("check-config validates without starting anything") {
    DaemonHarness h;
    auto ok = run(ZC_DAEMON_BIN, {"--check-config", "--config", h.config_path().string()}, h.env());
    CHECK(ok.exit_code == 0);
    CHECK(ok.out == "configuration OK (" + h.config_path().string() + ")\n");
    CHECK_FALSE(std::filesystem::exists(h.socket()));

    h.write_config("[observer]\nlatitude = 12\n\n[seestar]\nport = abc\n");
    auto bad = run(ZC_DAEMON_BIN, {"-t", "--config", h.config_path().string()}, h.env());
    CHECK(bad.exit_code == 1);
    CHECK_THAT(bad.err, Catch::Contains(h.config_path().string() + ":5"));
    CHECK_THAT(bad.err, Catch::Contains("seestar.port"));
    CHECK_THAT(bad.err, Catch::Contains("abc"));

    h.write_config("[observer]\nlatitute = 12\n");
    auto typo = run(ZC_DAEMON_BIN, {"-t", "--config", h.config_path().string()}, h.env());
    CHECK(typo.exit_code == 1);
    CHECK_THAT(typo.err, Catch::Contains("did you mean \"observer.latitude\""));
}

TEST_CASE("config show gives every value with its origin and never a secret") {
    DaemonHarness h;
    const std::string token = "tok-5f3a9c-DO-NOT-PRINT-81b2e7d4a9c0f1e2";
    write_file(h.dir() / "old.env",
               "OBSERVER_ELEVATION=120\nGALLERY_AUTH_TOKEN=" + token + "\nSEESTAR_PORT=4701\n",
               0600);
    h.env()["SEESTAR_HOST"] = "192.168.1.50";
    h.start({"--env-file", (h.dir() / "old.env").string(), "--seestar.timeout", "7"});
    auto r = h.cli({"config", "show"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find(token) == std::string::npos);
    CHECK_THAT(r.out, Catch::Matches(R"([\s\S]*gallery\.auth_token\s+\(redacted\)[\s\S]*)"));
    CHECK_THAT(r.out, Catch::Contains((h.dir() / "old.env").string() + ":3"));  // SEESTAR_PORT
    CHECK_THAT(r.out, Catch::Contains(h.config_path().string() + ":3"));        // latitude
    CHECK_THAT(r.out, Catch::Contains("env SEESTAR_HOST"));
    CHECK_THAT(r.out, Catch::Contains("command line --seestar.timeout"));
    auto j = h.cli_json({"config", "show"});
    CHECK(j.dump().find(token) == std::string::npos);
    CHECK(j["arguments"]["seestar.port"]["value"] == 4701);
    CHECK(j["arguments"]["observer.elevation"]["value"] == Approx(46));  // file beats .env
    CHECK(h.daemon().err().find(token) == std::string::npos);
}

TEST_CASE("READY, RELOADING, STOPPING and WATCHDOG reach a NOTIFY_SOCKET") {
    DaemonHarness h;
    const auto notify_path = h.dir() / "notify.sock";
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, notify_path.c_str(), sizeof a.sun_path - 1);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    auto next = [&] {
        char buf[4096];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
    };
    auto until = [&](const std::string& what) {
        for (int i = 0; i < 50; ++i) {
            auto m = next();
            if (m.empty())
                return std::string();
            if (m.find(what) != std::string::npos)
                return m;
        }
        return std::string();
    };
    h.env()["NOTIFY_SOCKET"] = notify_path.string();
    h.env()["WATCHDOG_USEC"] = "200000";
    auto& d = h.start();
    CHECK_FALSE(until("READY=1").empty());
    CHECK_FALSE(until("WATCHDOG=1").empty());
    d.signal(SIGHUP);
    auto reloading = until("RELOADING=1");
    CHECK_THAT(reloading, Catch::Contains("MONOTONIC_USEC="));
    CHECK_FALSE(until("READY=1").empty());
    d.signal(SIGTERM);
    CHECK_FALSE(until("STOPPING=1").empty());
    CHECK(d.wait(std::chrono::seconds(10)) == 0);
    ::close(fd);
}

TEST_CASE("zipcatcher watch streams events as they happen") {
    DaemonHarness h;
    h.start();
    Child watcher(ZC_CLI_BIN, {"--socket", h.socket(), "--json", "watch"}, h.env(), h.dir());
    // Wait until the watcher is subscribed, then make an event happen.
    for (int i = 0; i < 500 && h.cli_json({"status"})["arguments"]["control"]["watchers"] == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(h.cli({"reload"}).exit_code == 0);
    std::string out;
    for (int i = 0; i < 500 && out.find("\"event\":\"config\"") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        out = watcher.out();
    }
    CHECK_THAT(out, Catch::Contains("\"state\":\"reloaded\""));
    watcher.signal(SIGTERM);
}

TEST_CASE("without --foreground the daemon detaches once it is ready") {
    DaemonHarness h;
    auto args = h.daemon_args();
    args.erase(args.begin());  // drop --foreground
    auto r = run(ZC_DAEMON_BIN, args, h.env(), std::chrono::seconds(20));
    CHECK(r.exit_code == 0);
    REQUIRE(wait_for_socket(h.socket(), std::chrono::seconds(5)));
    CHECK(h.cli({"status"}).exit_code == 0);
    CHECK(h.cli({"shutdown"}).exit_code == 0);
    for (int i = 0; i < 500 && std::filesystem::exists(h.socket()); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK_FALSE(std::filesystem::exists(h.socket()));
    // Its log went to the log directory.
    CHECK_THAT(read_file(h.dir() / "log/zipcatcherd.log"),
               Catch::Contains("listening on " + h.socket()));
}
