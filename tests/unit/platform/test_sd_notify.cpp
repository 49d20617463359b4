// SdNotifier against real AF_UNIX datagram sockets, bound the way systemd binds its notify socket.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "sd_notify.h"

using zc::daemon::parse_watchdog;
using zc::daemon::SdNotifier;
using Env = std::map<std::string, std::string>;

namespace {

// A bound datagram socket standing in for systemd's notify socket; removes itself.
class Receiver {
  public:
    // abstract_name empty: a filesystem socket in a fresh temp dir.
    explicit Receiver(const std::string& abstract_name = {}) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        socklen_t len = 0;
        if (abstract_name.empty()) {
            char tmpl[] = "/tmp/zc-notify-XXXXXX";
            REQUIRE(::mkdtemp(tmpl) != nullptr);
            dir_ = tmpl;
            const std::string path = dir_ + "/notify.sock";
            std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
            len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
            env_value_ = path;
        } else {
            addr.sun_path[0] = '\0';
            std::memcpy(addr.sun_path + 1, abstract_name.data(), abstract_name.size());
            len =
                static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + abstract_name.size());
            env_value_ = "@" + abstract_name;
        }
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0);
        timeval timeout{2, 0};  // a missing datagram fails the test instead of hanging it
        REQUIRE(::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) == 0);
    }
    ~Receiver() {
        ::close(fd_);
        if (!dir_.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(dir_, ec);
        }
    }
    Receiver(const Receiver&) = delete;
    Receiver& operator=(const Receiver&) = delete;

    Env env() const { return {{"NOTIFY_SOCKET", env_value_}}; }

    std::string receive() {
        char buf[4096];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        REQUIRE(n >= 0);
        return std::string(buf, static_cast<std::size_t>(n));
    }

  private:
    int fd_ = -1;
    std::string dir_;
    std::string env_value_;
};

long long monotonic_usec() {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<long long>(now.tv_sec) * 1000000LL + now.tv_nsec / 1000;
}

}  // namespace

TEST_CASE("sd_notify sends each state to a filesystem socket", "[sd_notify]") {
    Receiver receiver;
    SdNotifier notifier(receiver.env());
    REQUIRE(notifier.enabled());

    CHECK(notifier.ready());
    CHECK(receiver.receive() == "READY=1\n");
    CHECK(notifier.status("Tracking 3 aircraft"));
    CHECK(receiver.receive() == "STATUS=Tracking 3 aircraft\n");
    CHECK(notifier.stopping());
    CHECK(receiver.receive() == "STOPPING=1\n");
    CHECK(notifier.watchdog());
    CHECK(receiver.receive() == "WATCHDOG=1\n");
}

TEST_CASE("sd_notify RELOADING carries the current CLOCK_MONOTONIC time", "[sd_notify]") {
    Receiver receiver;
    SdNotifier notifier(receiver.env());
    const long long before = monotonic_usec();
    REQUIRE(notifier.reloading());
    const long long after = monotonic_usec();

    const std::string message = receiver.receive();
    const std::string head = "RELOADING=1\nMONOTONIC_USEC=";
    REQUIRE(message.rfind(head, 0) == 0);
    REQUIRE(message.back() == '\n');
    const long long stamp =
        std::stoll(message.substr(head.size(), message.size() - head.size() - 1));
    CHECK(stamp >= before);
    CHECK(stamp <= after);
}

TEST_CASE("sd_notify STATUS cannot smuggle extra assignments", "[sd_notify]") {
    Receiver receiver;
    SdNotifier notifier(receiver.env());
    REQUIRE(notifier.status("bad\nREADY=1"));
    CHECK(receiver.receive() == "STATUS=bad READY=1\n");
}

TEST_CASE("sd_notify reaches an abstract socket named with @", "[sd_notify]") {
    const std::string name = "zc-test-notify-" + std::to_string(::getpid());
    Receiver receiver(name);
    SdNotifier notifier(receiver.env());
    REQUIRE(notifier.enabled());
    CHECK(notifier.ready());
    CHECK(receiver.receive() == "READY=1\n");
}

TEST_CASE("sd_notify is disabled without a usable NOTIFY_SOCKET", "[sd_notify]") {
    for (const auto& env :
         {Env{}, Env{{"NOTIFY_SOCKET", ""}}, Env{{"NOTIFY_SOCKET", "relative"}},
          Env{{"NOTIFY_SOCKET", "@"}}, Env{{"NOTIFY_SOCKET", "/" + std::string(200, 'x')}},
          Env{{"NOTIFY_SOCKET", "vsock:2:1234"}}}) {
        SdNotifier notifier(env);
        CHECK_FALSE(notifier.enabled());
        CHECK_FALSE(notifier.ready());
        CHECK_FALSE(notifier.reloading());
        CHECK_FALSE(notifier.stopping());
        CHECK_FALSE(notifier.watchdog());
        CHECK_FALSE(notifier.status("x"));
    }
}

TEST_CASE("sd_notify reports a vanished manager as a failed send", "[sd_notify]") {
    Env env;
    {
        Receiver receiver;
        env = receiver.env();
    }
    SdNotifier notifier(env);
    CHECK(notifier.enabled());
    CHECK_FALSE(notifier.ready());
}

TEST_CASE("sd_notify notifier can be moved without losing the socket", "[sd_notify]") {
    Receiver receiver;
    SdNotifier first(receiver.env());
    SdNotifier second(std::move(first));
    CHECK(second.enabled());
    CHECK(second.ready());
    CHECK(receiver.receive() == "READY=1\n");
    SdNotifier third(Env{});
    third = std::move(second);
    CHECK(third.watchdog());
    CHECK(receiver.receive() == "WATCHDOG=1\n");
}

TEST_CASE("sd_notify parses WATCHDOG_USEC and honours WATCHDOG_PID", "[sd_notify]") {
    using std::chrono::microseconds;
    const long pid = 4242;
    CHECK(parse_watchdog({}, pid) == std::nullopt);
    CHECK(parse_watchdog({{"WATCHDOG_USEC", "30000000"}}, pid) == microseconds(30000000));
    CHECK(parse_watchdog({{"WATCHDOG_USEC", "30000000"}, {"WATCHDOG_PID", "4242"}}, pid) ==
          microseconds(30000000));
    CHECK(parse_watchdog({{"WATCHDOG_USEC", "30000000"}, {"WATCHDOG_PID", "4243"}}, pid) ==
          std::nullopt);
    CHECK(parse_watchdog({{"WATCHDOG_USEC", "30000000"}, {"WATCHDOG_PID", "abc"}}, pid) ==
          std::nullopt);
    for (const char* bad : {"", "0", "-5", "12s", " 5", "99999999999999999999999"}) {
        CHECK(parse_watchdog({{"WATCHDOG_USEC", bad}}, pid) == std::nullopt);
    }
}

TEST_CASE("sd_notify watchdog_interval checks WATCHDOG_PID against this process", "[sd_notify]") {
    const std::string self = std::to_string(::getpid());
    const std::string other = std::to_string(::getpid() + 1);
    CHECK(SdNotifier({{"WATCHDOG_USEC", "2000000"}, {"WATCHDOG_PID", self}}).watchdog_interval() ==
          std::chrono::seconds(2));
    CHECK(SdNotifier({{"WATCHDOG_USEC", "2000000"}, {"WATCHDOG_PID", other}}).watchdog_interval() ==
          std::nullopt);
    CHECK(SdNotifier(Env{}).watchdog_interval() == std::nullopt);
}
