// Url::parse: what the client accepts, and that the reasons for rejecting never echo the URL.
#include <catch2/catch.hpp>

#include "net/http_client.h"

using zc::net::Url;

TEST_CASE("Url parses http and https with default ports") {
    auto u = Url::parse("http://example.com");
    REQUIRE(u);
    CHECK(u->scheme == "http");
    CHECK(u->host == "example.com");
    CHECK(u->port == "80");
    CHECK(u->target == "/");
    CHECK(u->origin() == "http://example.com:80");

    u = Url::parse(
        "HTTPS://AeroAPI.FlightAware.com/aeroapi/flights/search?query=-latlong+%2244%22");
    REQUIRE(u);
    CHECK(u->scheme == "https");
    CHECK(u->host == "aeroapi.flightaware.com");
    CHECK(u->port == "443");
    CHECK(u->target == "/aeroapi/flights/search?query=-latlong+%2244%22");
}

TEST_CASE("Url keeps explicit ports and queries and drops the fragment") {
    auto u = Url::parse("http://127.0.0.1:8080?lamin=1&lomax=2#frag");
    REQUIRE(u);
    CHECK(u->host == "127.0.0.1");
    CHECK(u->port == "8080");
    CHECK(u->target == "/?lamin=1&lomax=2");
    CHECK(u->origin() == "http://127.0.0.1:8080");

    u = Url::parse("https://h:/x");  // an empty port means the default (RFC 3986)
    REQUIRE(u);
    CHECK(u->port == "443");
    u = Url::parse("http://h:00081/");
    REQUIRE(u);
    CHECK(u->port == "81");
}

TEST_CASE("Url handles IPv6 literals") {
    auto u = Url::parse("https://[::1]:8443/data/aircraft.json");
    REQUIRE(u);
    CHECK(u->host == "::1");
    CHECK(u->port == "8443");
    CHECK(u->target == "/data/aircraft.json");
    CHECK(u->origin() == "https://[::1]:8443");

    u = Url::parse("http://[2001:DB8:0:0::1]/");
    REQUIRE(u);
    CHECK(u->host == "2001:db8::1");
    CHECK(u->port == "80");

    std::string why;
    CHECK_FALSE(Url::parse("http://[::1/", &why));
    CHECK(why.find("']'") != std::string::npos);
    CHECK_FALSE(Url::parse("http://[zz::1]/", &why));
    CHECK(why.find("IPv6") != std::string::npos);
    CHECK_FALSE(Url::parse("http://[::1]x/", &why));
    CHECK_FALSE(Url::parse("http://[fe80::1%25eth0]/", &why));
}

TEST_CASE("Url rejects what is not an absolute http(s) URL with a reason") {
    struct Case {
        const char* text;
        const char* reason;
    };
    const Case cases[] = {
        {"ftp://example.com/file", "scheme"},
        {"ws://example.com/", "scheme"},
        {"example.com/path", "absolute"},
        {"", "absolute"},
        {"http://", "host"},
        {"http:///path", "host"},
        {"http://:80/", "host"},
        {"http://h:0/", "port"},
        {"http://h:65536/", "port"},
        {"http://h:12a/", "port"},
        {"http://user:pw@h/", "credentials"},
        {"http://exa mple.com/", "host"},
        {"http://h/a b", "path"},
        {"http://h/x\r\nX-Injected: 1", "path"},
        {"http://h/caf\xc3\xa9", "path"},
    };
    for (const auto& c : cases) {
        std::string why;
        INFO(c.text);
        CHECK_FALSE(Url::parse(c.text, &why));
        CHECK(why.find(c.reason) != std::string::npos);
    }
    CHECK_FALSE(Url::parse("gopher://x"));  // no error pointer: still just nullopt
}

TEST_CASE("Url errors never repeat the URL (it may carry a token)") {
    std::string why;
    CHECK_FALSE(Url::parse("ftp://api.telegram.org/bot123456:SECRET/sendMessage", &why));
    CHECK_FALSE(why.empty());
    CHECK(why.find("SECRET") == std::string::npos);
    CHECK_FALSE(Url::parse("https://api.telegram.org/bot123456:SECRET/send Message", &why));
    CHECK(why.find("SECRET") == std::string::npos);
    CHECK_FALSE(Url::parse("https://user:SECRET@example.com/", &why));
    CHECK(why.find("SECRET") == std::string::npos);
}
