// Faults: refused and hanging connects, DNS failure, stalled and dribbling servers, size caps,
// gzip bombs, connections closed or reset mid-body, malformed replies.
#include <catch2/catch.hpp>

#include <boost/asio/ip/tcp.hpp>

#include "blackhole_listener.h"
#include "mock_http_server.h"
#include "net_test_util.h"

using namespace zc::net;
using namespace zc::net::test;
using namespace std::chrono_literals;
using zc::test::MockHttpServer;
using zc::test::MockReply;
using zc::test::MockRequest;

namespace {

HttpClientOptions opts() {
    HttpClientOptions o;
    o.connect_timeout = 5s;
    o.read_timeout = 10s;
    return o;
}

// A port on 127.0.0.1 nothing listens on.
unsigned short closed_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

void route_reply(MockHttpServer& server, const MockReply& reply) {
    server.route("/r", [reply](const MockRequest&) { return reply; });
}

}  // namespace

TEST_CASE("A refused connection is kConnect naming host and port") {
    boost::asio::io_context io;
    HttpClient client(io, opts());
    const auto port = std::to_string(closed_port());
    const auto r = fetch(client, io, get("http://127.0.0.1:" + port + "/x"));
    CHECK(r.error == HttpError::kConnect);
    CHECK(r.message.find("127.0.0.1:" + port) != std::string::npos);
    CHECK(r.message.find("refused") != std::string::npos);
}

TEST_CASE("An unknown host is kDns naming the host") {
    boost::asio::io_context io;
    HttpClient client(io, opts());
    const auto r = fetch(client, io, get("https://no-such-host.invalid/api"));
    CHECK(r.error == HttpError::kDns);
    CHECK(r.message.find("no-such-host.invalid") != std::string::npos);
}

TEST_CASE("A connect that hangs is cut off by connect_timeout") {
    zc::test::BlackholeListener hole;
    boost::asio::io_context io;
    auto o = opts();
    o.connect_timeout = 300ms;
    HttpClient client(io, o);
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = fetch(client, io, get(hole.url("http", "/x")));
    const auto took = since(t0);
    CHECK(r.error == HttpError::kTimeout);
    CHECK(r.message.find("TCP connect") != std::string::npos);
    CHECK(r.message.find("300 ms") != std::string::npos);
    CHECK(took >= 250ms);
    CHECK(took < 5s);
}

TEST_CASE("A server that never answers is cut off by read_timeout") {
    MockHttpServer server;
    MockReply stall;
    stall.stall = true;
    route_reply(server, stall);
    boost::asio::io_context io;
    auto o = opts();
    o.read_timeout = 300ms;
    HttpClient client(io, o);
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = fetch(client, io, get(server.url("/r")));
    CHECK(r.error == HttpError::kTimeout);
    CHECK(r.message.find("no complete response from 127.0.0.1") != std::string::npos);
    CHECK(since(t0) >= 250ms);

    // The per-request timeout overrides the option.
    o.read_timeout = 60s;
    HttpClient patient(io, o);
    auto req = get(server.url("/r"));
    req.timeout = 200ms;
    const auto t1 = std::chrono::steady_clock::now();
    CHECK(fetch(patient, io, req).error == HttpError::kTimeout);
    CHECK(since(t1) < 10s);
}

TEST_CASE("A server dribbling bytes is cut off by the whole-response deadline") {
    MockHttpServer server;
    MockReply slow = MockReply::text(std::string(2000, 'a'));
    slow.dribble_bytes = 1;
    slow.dribble_interval = 20ms;  // each byte well within the timeout; the whole takes 40 s
    route_reply(server, slow);
    boost::asio::io_context io;
    auto o = opts();
    o.read_timeout = 500ms;
    HttpClient client(io, o);
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = fetch(client, io, get(server.url("/r")));
    const auto took = since(t0);
    CHECK(r.error == HttpError::kTimeout);
    CHECK(r.response.body.empty());
    CHECK(took >= 450ms);
    CHECK(took < 5s);
}

TEST_CASE("A short delay within the timeout is fine") {
    MockHttpServer server;
    MockReply later = MockReply::text("late but fine");
    later.delay = 100ms;
    later.dribble_bytes = 5;
    later.dribble_interval = 2ms;
    route_reply(server, later);
    boost::asio::io_context io;
    auto o = opts();
    o.read_timeout = 5s;
    HttpClient client(io, o);
    const auto r = fetch(client, io, get(server.url("/r")));
    REQUIRE(r.ok());
    CHECK(r.response.body == "late but fine");
}

TEST_CASE("Bodies over max_response_bytes are kTooLarge") {
    MockHttpServer server;
    server.route("/exact",
                 [](const MockRequest&) { return MockReply::text(std::string(65536, 'e')); });
    server.route("/over",
                 [](const MockRequest&) { return MockReply::text(std::string(65537, 'o')); });
    server.route("/huge-chunked", [](const MockRequest&) {
        MockReply r;
        r.chunked = true;
        r.filler_bytes = 1ull << 32;  // 4 GiB, never declared up front
        return r;
    });
    server.route("/huge", [](const MockRequest&) {
        MockReply r;
        r.filler_bytes = 1ull << 40;  // Content-Length of 1 TiB
        return r;
    });
    boost::asio::io_context io;
    auto o = opts();
    o.max_response_bytes = 65536;
    HttpClient client(io, o);
    auto r = fetch(client, io, get(server.url("/exact")));
    REQUIRE(r.ok());
    CHECK(r.response.body.size() == 65536);
    for (const char* path : {"/over", "/huge-chunked", "/huge"}) {
        INFO(path);
        r = fetch(client, io, get(server.url(path)));
        CHECK(r.error == HttpError::kTooLarge);
        CHECK(r.message.find("65536") != std::string::npos);
        CHECK(r.response.body.empty());
    }
}

TEST_CASE("A gzip bomb is stopped at the cap on the inflated size") {
    MockHttpServer server;
    MockReply bomb;
    bomb.body = std::string(16u << 20, '\0');  // ~16 KiB on the wire
    bomb.gzip = true;
    route_reply(server, bomb);
    MockReply small = MockReply::text(std::string(1000, 'z'));
    small.gzip = true;
    server.route("/small", [small](const MockRequest&) { return small; });
    boost::asio::io_context io;
    auto o = opts();
    o.max_response_bytes = 1u << 20;
    HttpClient client(io, o);
    const auto r = fetch(client, io, get(server.url("/r")));
    CHECK(r.error == HttpError::kTooLarge);
    CHECK(r.message.find("inflates") != std::string::npos);
    CHECK(r.response.body.empty());
    const auto ok = fetch(client, io, get(server.url("/small")));
    REQUIRE(ok.ok());
    CHECK(ok.response.body == std::string(1000, 'z'));
}

TEST_CASE("Corrupt or unknown encodings are kProtocol") {
    MockHttpServer server;
    server.route("/corrupt", [](const MockRequest&) {
        auto r = MockReply::text("this is not gzip data at all");
        r.headers.emplace_back("Content-Encoding", "gzip");
        return r;
    });
    server.route("/br", [](const MockRequest&) {
        auto r = MockReply::text("\x1b\x03");
        r.headers.emplace_back("Content-Encoding", "br");
        return r;
    });
    boost::asio::io_context io;
    HttpClient client(io, opts());
    auto r = fetch(client, io, get(server.url("/corrupt")));
    CHECK(r.error == HttpError::kProtocol);
    CHECK(r.message.find("corrupt gzip") != std::string::npos);
    r = fetch(client, io, get(server.url("/br")));
    CHECK(r.error == HttpError::kProtocol);
    CHECK(r.message.find("'br'") != std::string::npos);
}

TEST_CASE("A connection closed or reset mid-body is kReset") {
    MockHttpServer server;
    server.route("/cut", [](const MockRequest& req) {
        auto r = MockReply::json(std::string(5000, '1'));
        r.cut_after_body_bytes = 100;
        r.reset = req.query == "rst";
        r.chunked = req.query == "chunked";
        return r;
    });
    boost::asio::io_context io;
    HttpClient client(io, opts());
    for (const char* q : {"", "?rst", "?chunked"}) {
        INFO(q);
        const auto r = fetch(client, io, get(server.url(std::string("/cut") + q)));
        CHECK(r.error == HttpError::kReset);
        CHECK(r.message.find("127.0.0.1") != std::string::npos);
        CHECK(r.response.body.empty());
    }
}

TEST_CASE("No reply on a fresh connection is kReset and is not retried") {
    MockHttpServer server;
    MockReply none;
    none.no_reply = true;
    route_reply(server, none);
    MockReply rst;
    rst.no_reply = true;
    rst.reset = true;
    server.route("/rst", [rst](const MockRequest&) { return rst; });
    boost::asio::io_context io;
    HttpClient client(io, opts());
    auto r = fetch(client, io, get(server.url("/r")));
    CHECK(r.error == HttpError::kReset);
    CHECK(r.message.find("without replying") != std::string::npos);
    r = fetch(client, io, get(server.url("/rst")));
    CHECK(r.error == HttpError::kReset);
    CHECK(server.request_count() == 2);
    CHECK(server.connections() == 2);
}

TEST_CASE("Malformed HTTP is kProtocol") {
    MockHttpServer server;
    server.route("/garbage", [](const MockRequest&) {
        MockReply r;
        r.raw = "SSH-2.0-OpenSSH_9.2\r\n\r\n";
        return r;
    });
    server.route("/badlen", [](const MockRequest&) {
        MockReply r;
        r.raw = "HTTP/1.1 200 OK\r\nContent-Length: banana\r\n\r\nxyz";
        return r;
    });
    server.route("/headers", [](const MockRequest&) {
        MockReply r;
        r.raw = "HTTP/1.1 200 OK\r\nX-Long: " + std::string(100000, 'h') + "\r\n\r\n";
        return r;
    });
    boost::asio::io_context io;
    HttpClient client(io, opts());
    for (const char* path : {"/garbage", "/badlen"}) {
        INFO(path);
        const auto r = fetch(client, io, get(server.url(path)));
        CHECK(r.error == HttpError::kProtocol);
        CHECK(r.message.find("malformed HTTP response from 127.0.0.1") != std::string::npos);
    }
    CHECK(fetch(client, io, get(server.url("/headers"))).error == HttpError::kTooLarge);
}
