// Who can reach an address literal.
#include <catch2/catch.hpp>

#include "security/address.h"

using namespace zc::security;

TEST_CASE("all-interface addresses") {
    for (const char* h : {"0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0", "*"}) {
        INFO(h);
        CHECK(classify_host(h) == Reach::kAll);
    }
}

TEST_CASE("loopback addresses") {
    for (const char* h :
         {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LocalHost", "::ffff:127.0.0.1"}) {
        INFO(h);
        CHECK(classify_host(h) == Reach::kLoopback);
    }
}

TEST_CASE("private and link-local addresses") {
    for (const char* h :
         {"10.0.0.5", "172.16.0.1", "172.31.255.254", "192.168.1.20", "169.254.10.1", "100.64.0.1",
          "fd12:3456::1", "[fe80::1]", "::ffff:192.168.0.9"}) {
        INFO(h);
        CHECK(classify_host(h) == Reach::kPrivate);
    }
}

TEST_CASE("public addresses and the edges of the private ranges") {
    for (const char* h : {"8.8.8.8", "172.15.255.255", "172.32.0.0", "192.169.0.1", "100.128.0.1",
                          "11.0.0.1", "2001:db8::1", "[2a00:1450::200e]"}) {
        INFO(h);
        CHECK(classify_host(h) == Reach::kPublic);
    }
}

TEST_CASE("host names are not resolved") {
    CHECK(classify_host("pi.lan") == Reach::kName);
    CHECK(classify_host("seestar") == Reach::kName);
    CHECK(classify_host("256.1.1.1") == Reach::kName);
}
