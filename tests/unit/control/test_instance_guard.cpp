#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>

#include "instance_guard.h"
#include "temp_dir.h"

using zc::daemon::InstanceGuard;

TEST_CASE("a second instance on the same socket is refused") {
    zc::test::TempDir dir;
    const auto sock = dir / "c.sock";
    InstanceGuard first(sock);
    try {
        InstanceGuard second(sock);
        FAIL("second guard was granted");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()) ==
              "another zipcatcherd is already running on " + sock.string());
    }
}

TEST_CASE("a stale socket file from a crash is removed") {
    zc::test::TempDir dir;
    const auto sock = dir / "c.sock";
    {
        // Bind and close without unlinking: what a SIGKILLed daemon leaves behind.
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::strcpy(a.sun_path, sock.c_str());
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        ::close(fd);
    }
    REQUIRE(std::filesystem::exists(sock));
    InstanceGuard g(sock);
    CHECK(g.removed_stale());
    CHECK_FALSE(std::filesystem::exists(sock));
}

TEST_CASE("a socket someone still serves is never stolen") {
    zc::test::TempDir dir;
    const auto sock = dir / "c.sock";
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strcpy(a.sun_path, sock.c_str());
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd, 1) == 0);
    CHECK_THROWS_WITH(InstanceGuard(sock), "another process is serving " + sock.string());
    CHECK(std::filesystem::exists(sock));
    ::close(fd);
}

TEST_CASE("the lock is released with the guard") {
    zc::test::TempDir dir;
    const auto sock = dir / "c.sock";
    { InstanceGuard g(sock); }
    CHECK_FALSE(std::filesystem::exists(sock.string() + ".lock"));
    CHECK_NOTHROW(InstanceGuard(sock));
}

TEST_CASE("a missing socket directory is created private") {
    zc::test::TempDir dir;
    const auto sock = dir / "run/zipcatcher/c.sock";
    InstanceGuard g(sock);
    struct stat st {};
    REQUIRE(::stat((dir / "run/zipcatcher").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == (0750 & ~[] {
              const mode_t m = ::umask(0);
              ::umask(m);
              return m;
          }()));
}

TEST_CASE("a socket directory owned by another user is refused") {
    if (::geteuid() != 0) {
        WARN("needs root to create a directory owned by someone else; skipped");
        return;
    }
    zc::test::TempDir dir;
    const auto foreign = dir / "foreign";
    REQUIRE(::mkdir(foreign.c_str(), 0777) == 0);
    REQUIRE(::chown(foreign.c_str(), 65534, 65534) == 0);
    CHECK_THROWS_WITH(InstanceGuard(foreign / "c.sock"),
                      Catch::Contains("belongs to uid 65534, not to this user"));
}
