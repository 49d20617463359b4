// The gallery's connection limits against the real daemon, over raw sockets so that the test
// controls every byte and its timing: keep-alive, header size, the connection cap, a slowloris
// client, and a chunked upload that grows past 16 MiB.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "gallery_client.h"

using namespace zc::test;
using nlohmann::json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// A plain blocking TCP connection to the daemon.
class Conn {
  public:
    explicit Conn(unsigned short port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    }
    ~Conn() { ::close(fd_); }
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;
    bool connected() const { return connected_; }

    /// False once the peer has gone (EPIPE/ECONNRESET).
    bool send_all(std::string_view s) {
        while (!s.empty()) {
            const auto n = ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
            if (n <= 0)
                return false;
            s.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    /// Reads until one whole response (headers plus Content-Length bytes) is in, the peer
    /// closes, or `timeout` passes. Keeps any bytes past that response for the next call.
    std::string read_response(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        const auto end = Clock::now() + timeout;
        for (;;) {
            if (auto whole = complete_response(); whole != std::string::npos) {
                auto out = buf_.substr(0, whole);
                buf_.erase(0, whole);
                return out;
            }
            if (!read_more(end))
                return std::exchange(buf_, {});
        }
    }

    /// Waits for the peer to close the connection (EOF or reset), discarding anything it sends;
    /// false when it is still open after `timeout`.
    bool wait_closed(std::chrono::milliseconds timeout) {
        const auto end = Clock::now() + timeout;
        while (Clock::now() < end) {
            if (!read_more(end))
                return !timed_out_;
        }
        return false;
    }

  private:
    // One read; false at EOF, error or the deadline (timed_out_ tells which).
    bool read_more(Clock::time_point end) {
        timed_out_ = false;
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count();
        pollfd p{fd_, POLLIN, 0};
        if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) {
            timed_out_ = true;
            return false;
        }
        char chunk[65536];
        const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0)
            return false;
        buf_.append(chunk, static_cast<std::size_t>(n));
        return true;
    }

    std::size_t complete_response() const {
        const auto head_end = buf_.find("\r\n\r\n");
        if (head_end == std::string::npos)
            return std::string::npos;
        std::size_t length = 0;
        const auto cl = buf_.find("Content-Length: ");
        if (cl != std::string::npos && cl < head_end)
            length = std::stoul(buf_.substr(cl + 16));
        const auto whole = head_end + 4 + length;
        return buf_.size() >= whole ? whole : std::string::npos;
    }

    int fd_;
    bool connected_ = false, timed_out_ = false;
    std::string buf_;
};

int status_of(const std::string& response) {
    if (response.rfind("HTTP/1.1 ", 0) != 0)
        return 0;
    return std::stoi(response.substr(9, 3));
}

std::string body_of(const std::string& response) {
    const auto p = response.find("\r\n\r\n");
    return p == std::string::npos ? "" : response.substr(p + 4);
}

const std::string kGetList = "GET /gallery/list HTTP/1.1\r\nHost: x\r\n\r\n";

}  // namespace

TEST_CASE("gallery: keep-alive serves several requests on one connection") {
    GalleryDaemon d;
    Conn c(d.port);
    REQUIRE(c.connected());
    // Two requests in one write (pipelined), then a third after the answers.
    REQUIRE(c.send_all(kGetList + "GET /gallery HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto a = c.read_response();
    CHECK(status_of(a) == 200);
    CHECK(body_of(a) == "[]");
    const auto b = c.read_response();
    CHECK(status_of(b) == 200);
    CHECK(b.find("text/html") != std::string::npos);
    REQUIRE(c.send_all(kGetList));
    CHECK(status_of(c.read_response()) == 200);
    // "Connection: close" is honoured: the answer, then the end of the connection.
    REQUIRE(c.send_all("GET /gallery/list HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    CHECK(status_of(c.read_response()) == 200);
    CHECK(c.wait_closed(std::chrono::seconds(5)));
}

TEST_CASE("gallery: an oversized request header gets 431 and the connection is closed") {
    GalleryDaemon d;
    Conn c(d.port);
    REQUIRE(c.connected());
    // 20 KiB of header against the 16 KiB limit.
    const std::string req =
        "GET /gallery/list HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(20 * 1024, 'a') +
        "\r\n\r\n";
    c.send_all(req);
    const auto r = c.read_response();
    CHECK(status_of(r) == 431);
    CHECK(json::parse(body_of(r))["error"] == "Request header too large");
    CHECK(c.wait_closed(std::chrono::seconds(5)));
    // Just under the limit is fine.
    Conn ok(d.port);
    ok.send_all("GET /gallery/list HTTP/1.1\r\nHost: x\r\nX-Filler: " +
                std::string(12 * 1024, 'a') + "\r\n\r\n");
    CHECK(status_of(ok.read_response()) == 200);
}

TEST_CASE("gallery: connections over http.max_connections get 503 and the others go on") {
    GalleryDaemon d(kToken, {"--http.max_connections", "4"});
    std::vector<std::unique_ptr<Conn>> open;
    for (int i = 0; i < 4; ++i) {
        open.push_back(std::make_unique<Conn>(d.port));
        REQUIRE(open.back()->connected());
        // A request each, so that the daemon has surely accepted all four.
        REQUIRE(open.back()->send_all(kGetList));
        REQUIRE(status_of(open.back()->read_response()) == 200);
    }
    Conn fifth(d.port);
    REQUIRE(fifth.connected());
    const auto refused = fifth.read_response();
    CHECK(status_of(refused) == 503);
    CHECK(refused.find("Retry-After: 1") != std::string::npos);
    CHECK(fifth.wait_closed(std::chrono::seconds(5)));
    // The four are still served.
    REQUIRE(open[0]->send_all(kGetList));
    CHECK(status_of(open[0]->read_response()) == 200);
    // A slot freed is a slot available again.
    open.pop_back();
    bool served = false;
    for (int attempt = 0; attempt < 50 && !served; ++attempt) {
        Conn again(d.port);
        again.send_all(kGetList);
        served = status_of(again.read_response()) == 200;
        if (!served)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(served);
}

TEST_CASE("gallery: a slowloris client trickling its header is cut off at the header timeout") {
    GalleryDaemon d;
    Conn slow(d.port);
    REQUIRE(slow.connected());
    const auto start = Clock::now();
    // One header byte every 500 ms never finishes a request but never goes quiet either: an
    // idle timer reset by every byte would keep this connection forever.
    const std::string drip = "GET /gallery/list HTTP/1.1\r\nHost: x\r\nX-A: ";
    bool cut = false;
    for (std::size_t i = 0; i < 100 && !cut; ++i) {
        if (!slow.send_all(i < drip.size() ? drip.substr(i, 1) : std::string("a"))) {
            cut = true;
            break;
        }
        cut = slow.wait_closed(std::chrono::milliseconds(500));
    }
    const auto took = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start);
    CHECK(cut);
    // The documented 15 s for a whole request header, not an idle timeout.
    CHECK(took.count() >= 14);
    CHECK(took.count() <= 20);
    // Meanwhile, and after, everyone else is served.
    CHECK(http(d.port, "GET", "/gallery/list").status == 200);
}

TEST_CASE("gallery: a chunked upload growing past 16 MiB gets 413 and nothing is stored") {
    GalleryDaemon d;
    Conn c(d.port);
    REQUIRE(c.connected());
    const std::string head = "POST /gallery/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                             kToken +
                             "\r\nContent-Type: multipart/form-data; boundary=" + kBoundary +
                             "\r\nTransfer-Encoding: chunked\r\n\r\n";
    const std::string part_head = "--" + kBoundary +
                                  "\r\nContent-Disposition: form-data; name=\"file\"; "
                                  "filename=\"big.png\"\r\n\r\n" +
                                  png();
    REQUIRE(c.send_all(head));
    // The sender runs beside the reader: the answer may come while it is still sending, as it
    // does for a browser. 17 MiB in 64 KiB chunks, then the end of the body.
    std::thread sender([&c, &part_head] {
        auto chunk = [](const std::string& data) {
            char size[32];
            std::snprintf(size, sizeof size, "%zx\r\n", data.size());
            return size + data + "\r\n";
        };
        if (!c.send_all(chunk(part_head)))
            return;
        const std::string block(64 * 1024, 'x');
        for (int i = 0; i < 17 * 16; ++i)
            if (!c.send_all(chunk(block)))
                return;
        c.send_all(chunk("\r\n--" + kBoundary + "--\r\n") + "0\r\n\r\n");
    });
    const auto r = c.read_response(std::chrono::seconds(60));
    sender.join();
    CHECK(status_of(r) == 413);
    CHECK(json::parse(body_of(r)) == json{{"error", "File too large. Maximum size is 16 MB"}});
    CHECK(json::parse(http(d.port, "GET", "/gallery/list").body).empty());
    // A chunked upload under the limit is stored.
    Conn ok(d.port);
    const std::string body = multipart({}, "small.png", png("chunked"));
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", body.size());
    REQUIRE(ok.send_all(head + size + body + "\r\n0\r\n\r\n"));
    const auto stored = ok.read_response();
    CHECK(status_of(stored) == 200);
    CHECK(json::parse(http(d.port, "GET", "/gallery/list").body).size() == 1);
}
