#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "control_fixture.h"

using namespace zc;
using nlohmann::json;
using test::ControlFixture;
using test::read_json;

namespace {
std::string req(int id, const std::string& text) {
    return json{{"id", id}, {"command", "echo"}, {"arguments", {{"text", text}}}}.dump() + "\n";
}
}  // namespace

TEST_CASE("a request split into single bytes is answered once") {
    ControlFixture f;
    auto c = f.connect();
    for (char ch : req(1, "hello")) {
        c.send_all(std::string(1, ch));
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    auto r = read_json(c);
    CHECK(r["id"] == 1);
    CHECK(r["result"] == 0);
    CHECK(r["text"] == "hello");
}

TEST_CASE("several requests in one write get every reply, in order") {
    ControlFixture f;
    auto c = f.connect();
    c.send_all(req(1, "a") + req(2, "b") + "\r\n" + req(3, "c"));
    for (int id = 1; id <= 3; ++id)
        CHECK(read_json(c)["id"] == id);
}

TEST_CASE("pipelining: a thousand requests before reading any reply") {
    ControlFixture f;
    auto c = f.connect();
    std::string batch;
    for (int i = 0; i < 1000; ++i)
        batch += req(i, "x" + std::to_string(i));
    c.send_all(batch);
    for (int i = 0; i < 1000; ++i) {
        auto r = read_json(c);
        REQUIRE(r["id"] == i);
        REQUIRE(r["text"] == "x" + std::to_string(i));
    }
    CHECK(f.stats().requests == 1000);
}

TEST_CASE("malformed JSON and wrong types get an error and the connection stays usable") {
    ControlFixture f;
    auto c = f.connect();
    c.send_all("{not json\n");
    auto r = read_json(c);
    CHECK(r["result"] == 1);
    CHECK_THAT(r["text"].get<std::string>(), Catch::StartsWith("malformed JSON"));
    c.send_all(R"({"id":5,"command":"echo","arguments":{"text":42}})"
               "\n");
    r = read_json(c);
    CHECK(r["id"] == 5);
    CHECK(r["result"] == 1);
    CHECK(r["text"] == "argument \"text\" must be string");
    c.send_all(R"({"id":6,"command":"nosuch"})"
               "\n");
    CHECK(read_json(c)["result"] == 2);
    c.send_all(req(7, "still here"));
    CHECK(read_json(c)["text"] == "still here");
}

TEST_CASE("an oversize line gets an error reply and the connection is closed") {
    daemon::ControlLimits limits;
    limits.max_request_bytes = 64 * 1024;
    ControlFixture f(limits);
    auto c = f.connect();
    std::string huge =
        R"({"command":"echo","arguments":{"text":")" + std::string(70 * 1024, 'a') + "\"}}\n";
    // Writes may fail once the daemon closes; what matters is what it said first.
    try {
        c.send_all(huge);
    } catch (const std::exception&) {
    }
    auto r = read_json(c);
    CHECK(r["result"] == 1);
    CHECK(r["text"] == "request line exceeds 65536 bytes; closing the connection");
    bool closed = false;
    try {
        closed = !c.read_line(std::chrono::seconds(5)).has_value();
    } catch (const std::exception&) {
        closed = true;  // ECONNRESET also means closed
    }
    CHECK(closed);
    // The server itself is fine.
    auto c2 = f.connect();
    c2.send_all(req(1, "ok"));
    CHECK(read_json(c2)["text"] == "ok");
}

TEST_CASE("a line of exactly the limit is accepted") {
    daemon::ControlLimits limits;
    limits.max_request_bytes = 1000;
    ControlFixture f(limits);
    auto c = f.connect();
    std::string line = req(1, "");
    line.pop_back();
    std::string text(1000 - line.size(), 'z');
    line = req(1, text);
    REQUIRE(line.size() == 1001);  // 1000 + newline
    c.send_all(line);
    CHECK(read_json(c)["result"] == 0);
}

TEST_CASE("64 concurrent clients are served and the 65th is refused with a reason") {
    ControlFixture f;
    std::vector<protocol::ControlClient> clients;
    clients.reserve(65);
    for (int i = 0; i < 64; ++i)
        clients.push_back(f.connect());
    // Every one of them talks at once.
    for (int i = 0; i < 64; ++i)
        clients[i].send_all(req(i, "c" + std::to_string(i)));
    for (int i = 0; i < 64; ++i)
        CHECK(read_json(clients[i])["text"] == "c" + std::to_string(i));
    auto extra = f.connect();
    auto r = read_json(extra);
    CHECK(r["result"] == 1);
    CHECK(r["text"] == "too many clients (limit 64)");
    CHECK_FALSE(extra.read_line(std::chrono::seconds(5)).has_value());
    CHECK(f.stats().rejected == 1);
    // A slot frees up when a client leaves.
    clients.pop_back();
    for (int tries = 0; tries < 200 && f.stats().clients >= 64; ++tries)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto again = f.connect();
    again.send_all(req(99, "back"));
    CHECK(read_json(again)["text"] == "back");
}

TEST_CASE("a slow watch subscriber never blocks the daemon and learns what it missed") {
    daemon::ControlLimits limits;
    limits.watch_queue = 100;
    ControlFixture f(limits);
    auto slow = f.connect();
    // A small receive buffer so that the kernel cannot absorb the flood for us.
    int small = 4096;
    ::setsockopt(slow.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    slow.send_all(R"({"id":1,"command":"watch"})"
                  "\n");
    REQUIRE(read_json(slow)["text"] == "watching");

    const int published = 20000;
    const std::string payload(200, 'p');
    for (int i = 0; i < published; ++i)
        f.publish("tick", {{"n", i}, {"pad", payload}});

    // Meanwhile the daemon answers others at once.
    auto other = f.connect();
    const auto t0 = std::chrono::steady_clock::now();
    other.send_all(req(1, "responsive"));
    CHECK(read_json(other)["text"] == "responsive");
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
    const auto dropped = f.stats().events_dropped;
    CHECK(dropped > 0);

    // Now the subscriber reads everything: events and one "dropped" notice that adds up.
    std::uint64_t got = 0, notices = 0, notice_total = 0;
    int last_n = -1;
    bool ordered = true;
    while (got + notice_total < static_cast<std::uint64_t>(published)) {
        auto e = read_json(slow);
        if (e["event"] == "dropped") {
            ++notices;
            notice_total += e["count"].get<std::uint64_t>();
            continue;
        }
        REQUIRE(e["event"] == "tick");
        ordered = ordered && e["n"].get<int>() > last_n;
        last_n = e["n"].get<int>();
        ++got;
    }
    CHECK(ordered);
    CHECK(notices >= 1);
    CHECK(notice_total == dropped);
    CHECK(got + notice_total == static_cast<std::uint64_t>(published));
}

TEST_CASE("watch filters by event name") {
    ControlFixture f;
    auto w = f.connect();
    w.send_all(R"({"command":"watch","arguments":{"events":["b"]}})"
               "\n");
    REQUIRE(read_json(w)["result"] == 0);
    f.publish("a", {{"x", 1}});
    f.publish("b", {{"x", 2}});
    auto e = read_json(w);
    CHECK(e["event"] == "b");
    CHECK(e["x"] == 2);
    CHECK(e["time"] == "2026-05-28T20:26:40.000Z");
}

TEST_CASE("asynchronous replies arrive matched by id even after the client half-closes") {
    ControlFixture f;
    auto c = f.connect();
    c.send_all(R"({"id":"slow","command":"later","arguments":{"ms":100}})"
               "\n" +
               req(2, "fast"));
    c.shutdown_write();
    auto first = read_json(c);
    auto second = read_json(c);
    CHECK(first["id"] == 2);  // replies come as they complete
    CHECK(second["id"] == "slow");
    CHECK_FALSE(c.read_line(std::chrono::seconds(5)).has_value());
}

TEST_CASE("idle clients are closed after the idle timeout and watchers are not") {
    daemon::ControlLimits limits;
    limits.idle_timeout = std::chrono::milliseconds(200);
    ControlFixture f(limits);
    auto idle = f.connect();
    auto watcher = f.connect();
    watcher.send_all(R"({"command":"watch"})"
                     "\n");
    REQUIRE(read_json(watcher)["result"] == 0);
    CHECK_FALSE(idle.read_line(std::chrono::seconds(5)).has_value());
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    f.publish("still", {});
    CHECK(read_json(watcher)["event"] == "still");
}

TEST_CASE("stopping flushes queued replies, closes clients and removes the socket file") {
    ControlFixture f;
    auto c = f.connect();
    c.send_all(req(1, "before stop"));
    CHECK(read_json(c)["id"] == 1);
    REQUIRE(std::filesystem::exists(f.socket_path()));
    f.stop_server(std::chrono::milliseconds(500));
    CHECK_FALSE(std::filesystem::exists(f.socket_path()));
    CHECK_FALSE(c.read_line(std::chrono::seconds(5)).has_value());
    CHECK_THROWS_AS(f.connect(), protocol::Unreachable);
}
