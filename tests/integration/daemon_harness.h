#pragma once
// Starts the real zipcatcherd in a private temporary world (its own socket, config and XDG
// directories) and runs the real zipcatcher against it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "process.h"
#include "temp_dir.h"

namespace zc::test {

class DaemonHarness {
  public:
    DaemonHarness() {
        std::filesystem::create_directories(dir_ / "run");
        std::filesystem::create_directories(dir_ / "state");
        std::filesystem::create_directories(dir_ / "cfg");
        env_ = {{"PATH", "/usr/bin:/bin"},
                {"HOME", dir_.path().string()},
                {"XDG_RUNTIME_DIR", (dir_ / "run").string()},
                {"XDG_STATE_HOME", (dir_ / "state").string()},
                {"XDG_CONFIG_HOME", (dir_ / "cfg").string()}};
        write_config(valid_config(51.4779));
    }

    static std::string valid_config(double latitude) {
        return "# test configuration\n[observer]\nlatitude = " + std::to_string(latitude) +
               "\nlongitude = -0.0015\nelevation = 46\n";
    }
    void write_config(const std::string& text) { write_file(config_path(), text, 0600); }

    std::filesystem::path config_path() const { return dir_ / "zipcatcher.conf"; }
    std::string socket() const { return (dir_ / "c.sock").string(); }
    const std::filesystem::path& dir() const { return dir_.path(); }
    Env& env() { return env_; }

    /// A port on 127.0.0.1 that was free a moment ago: every daemon of a test gets its own
    /// gallery port, so that tests can run in parallel (the default is 0.0.0.0:8000).
    static unsigned short free_port() {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        unsigned short port = 0;
        if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
            port = ntohs(a.sin_port);
        ::close(fd);
        return port;
    }

    std::vector<std::string> daemon_args(std::vector<std::string> extra = {}) const {
        // Explicit directories: tests run as root in CI, and must not touch /var.
        std::vector<std::string> a{"--foreground",
                                   "--config",
                                   config_path().string(),
                                   "--socket",
                                   socket(),
                                   "--paths.state_dir",
                                   (dir_ / "state").string(),
                                   "--paths.log_dir",
                                   (dir_ / "log").string()};
        if (std::find(extra.begin(), extra.end(), "--http.bind") == extra.end()) {
            a.push_back("--http.bind");
            a.push_back("127.0.0.1:" + std::to_string(http_port_));
        }
        // The defaults enable public flight sources (adsb.lol, adsb.fi, ADSB-One, OpenSky): a
        // test daemon must never reach for the internet. Each network source is switched off
        // unless the test configures that source itself (in `extra` or in its config file).
        const std::string cfg_text =
            std::filesystem::exists(config_path()) ? read_file(config_path()) : std::string();
        for (const char* name :
             {"aeroapi", "opensky", "adsb_one", "adsb_lol", "adsb_fi", "adsbx", "local"}) {
            const std::string key = std::string("sources.") + name;
            const bool configured =
                cfg_text.find(key) != std::string::npos ||
                cfg_text.find(std::string(name) + ".") != std::string::npos ||
                std::any_of(extra.begin(), extra.end(), [&](const std::string& e) {
                    return e.find(key + ".") != std::string::npos;
                });
            if (!configured)
                a.push_back("--" + key + ".enabled=false");
        }
        // zipcatcherd refuses to run as root without it, and CI runs the tests as root.
        if (::geteuid() == 0)
            a.push_back("--allow-root");
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }

    /// Starts the daemon and waits until its socket answers.
    Child& start(std::vector<std::string> extra = {}) {
        daemon_ = std::make_unique<Child>(ZC_DAEMON_BIN, daemon_args(std::move(extra)), env_,
                                          dir_.path());
        if (!wait_for_socket(socket(), std::chrono::seconds(20))) {
            FAIL("zipcatcherd did not start; stderr:\n" << daemon_->err());
        }
        return *daemon_;
    }
    Child& daemon() { return *daemon_; }

    RunResult cli(std::vector<std::string> args) const {
        std::vector<std::string> a{"--socket", socket()};
        a.insert(a.end(), args.begin(), args.end());
        return run(ZC_CLI_BIN, a, env_);
    }
    nlohmann::json cli_json(std::vector<std::string> args) const {
        args.insert(args.begin(), "--json");
        auto r = cli(args);
        INFO("stderr: " << r.err);
        REQUIRE(r.exit_code == 0);
        return nlohmann::json::parse(r.out);
    }

    ~DaemonHarness() {
        if (daemon_ && daemon_->running()) {
            daemon_->signal(SIGTERM);
            daemon_->wait(std::chrono::seconds(5));
        }
    }

  private:
    TempDir dir_;
    unsigned short http_port_ = free_port();
    Env env_;
    std::unique_ptr<Child> daemon_;
};

}  // namespace zc::test
