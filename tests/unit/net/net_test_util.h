#pragma once
// Helpers for the HTTP client tests: run the io_context until a request's callback ran.
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <optional>

#include "net/http_client.h"

namespace zc::net::test {

/// Runs `io` until `done()` or `guard` elapsed.
inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds guard = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + guard;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
        if (io.stopped())
            io.restart();
        if (io.run_one_for(std::chrono::milliseconds(20)) == 0 && io.stopped())
            io.restart();
    }
    return done();
}

/// Runs `io` for `d`, whatever happens.
inline void run_for(boost::asio::io_context& io, std::chrono::milliseconds d) {
    io.restart();
    io.run_for(d);
}

/// Sends one request and waits for its result (fails the test if none comes).
inline HttpResult fetch(HttpClient& client, boost::asio::io_context& io, HttpRequest request) {
    std::optional<HttpResult> result;
    int calls = 0;
    client.request(std::move(request), [&](HttpResult r) {
        ++calls;
        result = std::move(r);
    });
    REQUIRE(run_until(io, [&] { return result.has_value(); }));
    CHECK(calls == 1);
    return std::move(*result);
}

inline HttpRequest get(std::string url) {
    HttpRequest r;
    r.url = std::move(url);
    return r;
}

inline std::chrono::milliseconds since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 t0);
}

}  // namespace zc::net::test
