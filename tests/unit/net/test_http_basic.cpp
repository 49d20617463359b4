// The HTTP client against a real local server: GET and POST, headers, chunked, gzip, HEAD.
#include <catch2/catch.hpp>

#include "mock_http_server.h"
#include "net_test_util.h"
#include "temp_dir.h"
#include "test_ca.h"

using namespace zc::net;
using namespace zc::net::test;
using zc::test::MockHttpServer;
using zc::test::MockReply;
using zc::test::MockRequest;

namespace {

HttpClientOptions opts() {
    HttpClientOptions o;
    o.user_agent = "zipcatcher-test/1";
    o.connect_timeout = std::chrono::seconds(5);
    o.read_timeout = std::chrono::seconds(10);
    return o;
}

std::string text_of_size(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; s.size() < n; ++i)
        s += "{\"hex\":\"" + std::to_string(100000 + i) + "\",\"alt\":" + std::to_string(i % 400) +
             "},";
    s.resize(n);
    return s;
}

}  // namespace

TEST_CASE("GET over plain HTTP returns status headers and body") {
    MockHttpServer server;
    server.route("/api/states/all", [](const MockRequest& r) {
        auto reply = MockReply::json("{\"query\":\"" + r.query + "\"}");
        reply.headers.emplace_back("X-Rate-Limit-Remaining", "399");
        return reply;
    });
    boost::asio::io_context io;
    HttpClient client(io, opts());
    const auto r = fetch(client, io, get(server.url("/api/states/all?lamin=45.8&lomax=17")));
    REQUIRE(r.ok());
    CHECK(r.response.status == 200);
    CHECK(r.response.body == "{\"query\":\"lamin=45.8&lomax=17\"}");
    CHECK(r.response.header("x-rate-limit-remaining") == "399");
    CHECK(r.response.header("CONTENT-TYPE") == "application/json");
    CHECK_FALSE(r.response.header("x-absent"));
    for (const auto& [name, value] : r.response.headers)
        CHECK(name == Catch::toLower(name));

    REQUIRE(server.request_count() == 1);
    const auto req = server.requests()[0];
    CHECK(req.method == "GET");
    CHECK(req.target == "/api/states/all?lamin=45.8&lomax=17");
    CHECK(req.header("host") == "127.0.0.1:" + std::to_string(server.port()));
    CHECK(req.header("user-agent") == "zipcatcher-test/1");
    CHECK(req.header("accept-encoding").value_or("").find("gzip") != std::string::npos);
    CHECK_FALSE(req.header("content-length"));
    CHECK(client.in_flight() == 0);
}

TEST_CASE("A 404 or 500 is a transport success carrying the status") {
    MockHttpServer server;
    server.route("/boom", [](const MockRequest&) -> MockReply { throw std::runtime_error("x"); });
    boost::asio::io_context io;
    HttpClient client(io, opts());
    auto r = fetch(client, io, get(server.url("/missing")));
    REQUIRE(r.ok());
    CHECK(r.response.status == 404);
    r = fetch(client, io, get(server.url("/boom")));
    REQUIRE(r.ok());
    CHECK(r.response.status == 500);
}

TEST_CASE("GET over HTTPS verifies the test CA and sends SNI") {
    zc::test::TempDir dir;
    zc::test::TestPki pki(dir.path());
    MockHttpServer server(pki.localhost);
    server.route("/aircraft.json", [](const MockRequest&) {
        return MockReply::json("{\"now\":1700000000,\"aircraft\":[]}");
    });
    boost::asio::io_context io;
    auto o = opts();
    o.extra_ca_file = pki.ca_file.string();
    HttpClient client(io, o);
    const auto r = fetch(client, io, get(server.url("/aircraft.json")));
    REQUIRE(r.ok());
    CHECK(r.response.status == 200);
    CHECK(r.response.body == "{\"now\":1700000000,\"aircraft\":[]}");
    REQUIRE(server.request_count() == 1);
    CHECK(server.requests()[0].tls_server_name == "localhost");
    CHECK(server.requests()[0].header("host") == "localhost:" + std::to_string(server.port()));
}

TEST_CASE("POST sends the body with Content-Length and the caller's headers") {
    MockHttpServer server;
    server.route("/auth/token", [](const MockRequest& r) {
        return MockReply::json("{\"echo\":\"" + r.body + "\"}", 201);
    });
    boost::asio::io_context io;
    HttpClient client(io, opts());
    HttpRequest req;
    req.method = "POST";
    req.url = server.url("/auth/token");
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"x-apikey", "k-123"},
                   {"User-Agent", "custom-agent"},
                   {"Content-Length", "999"},  // the client owns framing: ignored
                   {"Host", "evil.example"}};  // and the Host header: ignored
    req.body = "grant_type=client_credentials&client_id=abc";
    const auto r = fetch(client, io, req);
    REQUIRE(r.ok());
    CHECK(r.response.status == 201);
    CHECK(r.response.body == "{\"echo\":\"grant_type=client_credentials&client_id=abc\"}");
    const auto seen = server.requests().at(0);
    CHECK(seen.method == "POST");
    CHECK(seen.body == req.body);
    CHECK(seen.header("content-length") == std::to_string(req.body.size()));
    CHECK(seen.header("content-type") == "application/x-www-form-urlencoded");
    CHECK(seen.header("x-apikey") == "k-123");
    CHECK(seen.header("user-agent") == "custom-agent");
    CHECK(seen.header("host") == "127.0.0.1:" + std::to_string(server.port()));

    HttpRequest empty_post;
    empty_post.method = "POST";
    empty_post.url = server.url("/auth/token");
    REQUIRE(fetch(client, io, empty_post).ok());
    CHECK(server.requests().at(1).header("content-length") == "0");
}

TEST_CASE("A request header with a line break is refused without sending anything") {
    MockHttpServer server;
    boost::asio::io_context io;
    HttpClient client(io, opts());
    auto req = get(server.url("/x"));
    req.headers = {{"x-ok", "1"}, {"x-apikey", "SECRET\r\nX-Injected: yes"}};
    const auto r = fetch(client, io, req);
    CHECK(r.error == HttpError::kBadUrl);
    CHECK(r.message.find("#2") != std::string::npos);
    CHECK(r.message.find("SECRET") == std::string::npos);
    req.headers = {{"bad name", "1"}};
    CHECK(fetch(client, io, req).error == HttpError::kBadUrl);
    req.headers = {};
    req.method = "GE T";
    CHECK(fetch(client, io, req).error == HttpError::kBadUrl);
    CHECK(server.request_count() == 0);
}

TEST_CASE("Chunked responses are reassembled") {
    MockHttpServer server;
    const std::string body = text_of_size(100000);
    server.route("/chunked", [&](const MockRequest&) {
        auto r = MockReply::json(body);
        r.chunked = true;
        r.chunk_size = 777;
        return r;
    });
    boost::asio::io_context io;
    HttpClient client(io, opts());
    const auto r = fetch(client, io, get(server.url("/chunked")));
    REQUIRE(r.ok());
    CHECK(r.response.header("transfer-encoding") == "chunked");
    CHECK(r.response.body == body);
}

TEST_CASE("gzip bodies are inflated, also when chunked") {
    MockHttpServer server;
    const std::string body = text_of_size(300000);
    server.route("/gz", [&](const MockRequest& r) {
        auto reply = MockReply::json(body);
        reply.gzip = true;
        reply.chunked = r.query == "chunked";
        return reply;
    });
    boost::asio::io_context io;
    HttpClient client(io, opts());
    for (const char* q : {"", "?chunked"}) {
        const auto r = fetch(client, io, get(server.url(std::string("/gz") + q)));
        REQUIRE(r.ok());
        CHECK(r.response.header("content-encoding") == "gzip");
        CHECK(r.response.body == body);
    }
}

TEST_CASE("HEAD returns headers only and keeps the connection usable") {
    MockHttpServer server;
    server.route("/file", [](const MockRequest&) { return MockReply::text("twelve bytes"); });
    boost::asio::io_context io;
    HttpClient client(io, opts());
    auto req = get(server.url("/file"));
    req.method = "HEAD";
    const auto r = fetch(client, io, req);
    REQUIRE(r.ok());
    CHECK(r.response.header("content-length") == "12");
    CHECK(r.response.body.empty());
    const auto again = fetch(client, io, get(server.url("/file")));
    REQUIRE(again.ok());
    CHECK(again.response.body == "twelve bytes");
    CHECK(server.connections() == 1);
}
