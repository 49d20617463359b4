#include <sys/socket.h>
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
