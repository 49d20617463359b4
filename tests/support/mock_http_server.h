#pragma once
// A real HTTP/1.1 server on 127.0.0.1 (ephemeral port), plain or TLS, for tests that stand in
// for FlightAware, OpenSky, readsb feeds, Telegram... It runs on its own thread with its own
// io_context, so a test drives the code under test on its main io_context as usual.
//
//   zc::test::MockHttpServer server;                        // or server(pki.localhost) for TLS
//   server.route("/api/states/all", [](const MockRequest& req) {
//       return MockReply::json(R"({"time":1,"states":[]})");
//   });
//   client.request({.url = server.url("/api/states/all?lamin=1")}, ...);
//   REQUIRE(server.wait_for_requests(1));
//   CHECK(server.requests()[0].header("x-apikey") == "k");
//
// Handlers run on the server's thread: guard anything they share with the test (std::atomic,
// a mutex). Requests are recorded before the handler runs. Unrouted paths get a 404. A
// handler that throws produces a 500 with the exception text.
//
// Fault behaviours (fields of MockReply) reproduce what real servers and networks do: a delay
// before the reply, a reply dribbled a few bytes at a time, a connection closed or reset
// mid-body, no reply at all, a stalled connection, gzip, chunked framing, huge generated
// bodies and arbitrary raw (malformed) bytes.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "test_ca.h"

namespace zc::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct MockRequest {
    std::string method;
    std::string target;  // as sent: path and query
    std::string path;    // target up to '?'
    std::string query;   // after '?', without it; empty when none
    Headers headers;     // names lower-cased, in arrival order
    std::string body;
    std::chrono::steady_clock::time_point arrived;
    std::size_t connection = 0;   // 1 for the first accepted connection, 2 for the next...
    std::string tls_server_name;  // the SNI the client sent; empty without TLS or SNI

    /// First header of that (case-insensitive) name.
    std::optional<std::string> header(std::string_view name) const;
};

struct MockReply {
    int status = 200;
    Headers headers;  // sent as given; Content-Length/Transfer-Encoding are added unless present
    std::string body;

    // ---- behaviours for fault tests ----
    std::chrono::milliseconds delay{0};  // wait before the first byte of the reply
    std::size_t dribble_bytes = 0;       // > 0: send headers and body this many bytes at a time,
    std::chrono::milliseconds dribble_interval{0};  // waiting this long between pieces
    bool gzip = false;                              // gzip `body` and send Content-Encoding: gzip
    bool chunked = false;            // Transfer-Encoding: chunked instead of Content-Length
    std::size_t chunk_size = 4096;   // body bytes per chunk when chunked
    std::uint64_t filler_bytes = 0;  // append this many 'x' bytes after `body`, generated
                                     // while sending (not gzipped; never held in memory)
    std::optional<std::uint64_t> cut_after_body_bytes;  // end the connection after this many
                                                        // bytes following the header block
    bool close = false;              // send Connection: close and close after the reply
    bool close_silently = false;     // close after the reply without announcing it
    bool no_reply = false;           // read the request, then end the connection, sending nothing
    bool stall = false;              // read the request, then send nothing and keep the connection
    bool reset = false;              // end the connection with a TCP RST instead of a FIN
    std::optional<std::string> raw;  // send exactly these bytes instead of a reply, then close

    static MockReply text(std::string body, int status = 200);
    static MockReply json(std::string body, int status = 200);
};

class MockHttpServer {
  public:
    using Handler = std::function<MockReply(const MockRequest&)>;

    MockHttpServer();                             // plain HTTP
    explicit MockHttpServer(const PemPair& tls);  // HTTPS with this certificate
    ~MockHttpServer();
    MockHttpServer(const MockHttpServer&) = delete;
    MockHttpServer& operator=(const MockHttpServer&) = delete;

    /// Serves requests whose path (target without query) is exactly `path`.
    void route(const std::string& path, Handler handler);
    /// Serves every request no route matches (default: 404).
    void fallback(Handler handler);

    unsigned short port() const;
    bool tls() const;
    /// "http://127.0.0.1:<port>" or "https://localhost:<port>" (the name the test certificate
    /// carries), followed by `target`.
    std::string url(std::string_view target = "/") const;
    /// The same with another host in the URL (e.g. "127.0.0.1" or a wrong name for TLS).
    std::string url_with_host(std::string_view host, std::string_view target = "/") const;

    std::vector<MockRequest> requests() const;
    std::size_t request_count() const;
    /// TCP connections accepted so far (keep-alive reuse shows as fewer connections).
    std::size_t connections() const;
    /// Waits until at least `n` requests have arrived; false on timeout.
    bool wait_for_requests(std::size_t n,
                           std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
    void clear_requests();

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace zc::test
