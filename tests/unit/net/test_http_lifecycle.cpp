// Keep-alive reuse and recovery, cancel_all, and the client's destruction with work in flight.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "mock_http_server.h"
#include "net_test_util.h"
#include "temp_dir.h"
#include "test_ca.h"

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

void route_ok(MockHttpServer& server) {
    server.route("/ok", [](const MockRequest& r) { return MockReply::text("ok " + r.query); });
}

}  // namespace

TEST_CASE("Keep-alive: sequential requests share one connection over HTTP and HTTPS") {
    zc::test::TempDir dir;
    zc::test::TestPki pki(dir.path());
    MockHttpServer plain;
    MockHttpServer tls(pki.localhost);
    for (MockHttpServer* server : {&plain, &tls}) {
        INFO(server->url());
        route_ok(*server);
        boost::asio::io_context io;
        auto o = opts();
        o.extra_ca_file = pki.ca_file.string();
        HttpClient client(io, o);
        for (int i = 0; i < 3; ++i) {
            const auto r = fetch(client, io, get(server->url("/ok?" + std::to_string(i))));
            REQUIRE(r.ok());
            CHECK(r.response.body == "ok " + std::to_string(i));
        }
        CHECK(server->connections() == 1);
        for (const auto& req : server->requests())
            CHECK(req.connection == 1);
    }
}

TEST_CASE("Connection: close from the server means a new connection next time") {
    MockHttpServer server;
    server.route("/bye", [](const MockRequest&) {
        auto r = MockReply::text("bye");
        r.close = true;
        return r;
    });
    boost::asio::io_context io;
    HttpClient client(io, opts());
    REQUIRE(fetch(client, io, get(server.url("/bye"))).ok());
    REQUIRE(fetch(client, io, get(server.url("/bye"))).ok());
    CHECK(server.connections() == 2);
}

TEST_CASE("A server that silently closed the idle connection costs nothing") {
    MockHttpServer server;
    server.route("/once", [](const MockRequest&) {
        auto r = MockReply::text("then gone");
        r.close_silently = true;  // says keep-alive, closes anyway
        return r;
    });
    boost::asio::io_context io;
    HttpClient client(io, opts());
    REQUIRE(fetch(client, io, get(server.url("/once"))).ok());
    std::this_thread::sleep_for(50ms);  // let the FIN arrive
    const auto r = fetch(client, io, get(server.url("/once")));
    REQUIRE(r.ok());
    CHECK(r.response.body == "then gone");
    CHECK(server.connections() == 2);
    CHECK(server.request_count() == 2);
}

TEST_CASE("A reused connection that dies before any reply byte is retried once, fresh") {
    MockHttpServer server;
    std::atomic<int> calls{0};
    server.route("/flaky", [&](const MockRequest&) {
        MockReply r = MockReply::text("served");
        if (++calls == 2)
            r.no_reply = true;  // the race: closed just as the request arrived
        return r;
    });
    boost::asio::io_context io;
    HttpClient client(io, opts());
    REQUIRE(fetch(client, io, get(server.url("/flaky"))).ok());
    const auto r = fetch(client, io, get(server.url("/flaky")));
    REQUIRE(r.ok());
    CHECK(r.response.body == "served");
    CHECK(calls == 3);
    CHECK(server.connections() == 2);
    const auto seen = server.requests();
    REQUIRE(seen.size() == 3);
    CHECK(seen[1].connection == 1);
    CHECK(seen[2].connection == 2);
}

TEST_CASE("The retry happens only once") {
    MockHttpServer server;
    std::atomic<int> calls{0};
    server.route("/dead", [&](const MockRequest&) {
        MockReply r = MockReply::text("first");
        r.no_reply = ++calls > 1;
        return r;
    });
    boost::asio::io_context io;
    HttpClient client(io, opts());
    REQUIRE(fetch(client, io, get(server.url("/dead"))).ok());
    const auto r = fetch(client, io, get(server.url("/dead")));
    CHECK(r.error == HttpError::kReset);
    CHECK(calls == 3);  // the original, the failed reuse, one retry
}

TEST_CASE("Idle connections expire after idle_keepalive") {
    MockHttpServer server;
    route_ok(server);
    boost::asio::io_context io;
    auto o = opts();
    o.idle_keepalive = 50ms;
    HttpClient client(io, o);
    REQUIRE(fetch(client, io, get(server.url("/ok"))).ok());
    std::this_thread::sleep_for(100ms);
    REQUIRE(fetch(client, io, get(server.url("/ok"))).ok());
    CHECK(server.connections() == 2);
}

TEST_CASE("max_idle_per_origin 0 disables keep-alive and says so") {
    MockHttpServer server;
    route_ok(server);
    boost::asio::io_context io;
    auto o = opts();
    o.max_idle_per_origin = 0;
    HttpClient client(io, o);
    REQUIRE(fetch(client, io, get(server.url("/ok"))).ok());
    REQUIRE(fetch(client, io, get(server.url("/ok"))).ok());
    CHECK(server.connections() == 2);
    CHECK(server.requests().at(0).header("connection") == "close");
}

TEST_CASE("Parallel requests to one origin use parallel connections") {
    MockHttpServer server;
    server.route("/slow", [](const MockRequest&) {
        auto r = MockReply::text("slow");
        r.delay = 100ms;
        return r;
    });
    boost::asio::io_context io;
    HttpClient client(io, opts());
    int done = 0;
    for (int i = 0; i < 3; ++i)
        client.request(get(server.url("/slow")), [&](HttpResult r) {
            CHECK(r.ok());
            ++done;
        });
    CHECK(client.in_flight() == 3);
    REQUIRE(run_until(io, [&] { return done == 3; }));
    CHECK(server.connections() == 3);
    CHECK(client.in_flight() == 0);
}

TEST_CASE("cancel_all fails every request in flight once with kCancelled") {
    MockHttpServer server;
    server.route("/stall", [](const MockRequest&) {
        MockReply r;
        r.stall = true;
        return r;
    });
    route_ok(server);
    boost::asio::io_context io;
    HttpClient client(io, opts());
    std::vector<HttpResult> results;
    for (int i = 0; i < 2; ++i)
        client.request(get(server.url("/stall")),
                       [&](HttpResult r) { results.push_back(std::move(r)); });
    REQUIRE(run_until(io, [&] { return server.request_count() == 2; }));
    CHECK(client.in_flight() == 2);
    client.cancel_all();
    CHECK(client.in_flight() == 0);
    REQUIRE(run_until(io, [&] { return results.size() == 2; }));
    run_for(io, 100ms);
    REQUIRE(results.size() == 2);
    for (const auto& r : results) {
        CHECK(r.error == HttpError::kCancelled);
        CHECK(r.message.find("127.0.0.1") != std::string::npos);
    }
    // The client still works afterwards.
    const auto r = fetch(client, io, get(server.url("/ok")));
    CHECK(r.ok());
}

TEST_CASE("Destroying the client with requests in flight never calls back") {
    zc::test::TempDir dir;
    zc::test::TestPki pki(dir.path());
    MockHttpServer server(pki.localhost);
    server.route("/stall", [](const MockRequest&) {
        MockReply r;
        r.stall = true;
        return r;
    });
    route_ok(server);
    boost::asio::io_context io;
    auto o = opts();
    o.extra_ca_file = pki.ca_file.string();
    auto client = std::make_unique<HttpClient>(io, o);
    std::atomic<int> called{0};
    // One mid-response, one with its result already posted (a bad URL fails at once), one
    // still resolving/connecting, and an idle pooled connection.
    REQUIRE(fetch(*client, io, get(server.url("/ok"))).ok());
    client->request(get(server.url("/stall")), [&](HttpResult) { ++called; });
    REQUIRE(run_until(io, [&] { return server.request_count() == 2; }));
    client->request(get("ftp://nope"), [&](HttpResult) { ++called; });
    client->request(get(server.url("/ok")), [&](HttpResult) { ++called; });
    client.reset();
    run_for(io, 300ms);
    CHECK(called == 0);
}

TEST_CASE("A callback may destroy the client or start the next request") {
    MockHttpServer server;
    route_ok(server);
    boost::asio::io_context io;
    auto client = std::make_unique<HttpClient>(io, opts());
    std::vector<std::string> bodies;
    client->request(get(server.url("/ok?1")), [&](HttpResult r) {
        bodies.push_back(r.response.body);
        client->request(get(server.url("/ok?2")), [&](HttpResult r2) {
            bodies.push_back(r2.response.body);
            client.reset();  // destroying the client from inside its own callback
        });
    });
    REQUIRE(run_until(io, [&] { return bodies.size() == 2; }));
    run_for(io, 50ms);
    CHECK(bodies == std::vector<std::string>{"ok 1", "ok 2"});
    CHECK_FALSE(client);
}

TEST_CASE("A bad URL fails with kBadUrl on the io_context, not inline") {
    boost::asio::io_context io;
    HttpClient client(io, opts());
    bool called = false;
    HttpResult got;
    client.request(get("mailto:someone@example.com"), [&](HttpResult r) {
        called = true;
        got = std::move(r);
    });
    CHECK_FALSE(called);
    run_for(io, 10ms);
    REQUIRE(called);
    CHECK(got.error == HttpError::kBadUrl);
    CHECK(got.message.find("invalid URL") != std::string::npos);
    CHECK(to_string(got.error) == "bad_url");
}
