#pragma once
// One io_context, a ManualClock for the sources, the real HTTP client and a state directory:
// what make_flight_sources gets in the daemon. Sources are polled through their public
// interface and the loop is run until the callback arrives.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <fstream>
#include <optional>
#include <sstream>

#include "config/config.h"
#include "flight_source.h"
#include "mock_http_server.h"
#include "net/http_client.h"
#include "temp_dir.h"

namespace zc::test {

inline UtcTime at(const char* iso) {
    return *parse_iso8601(iso);
}

inline std::string sample(const std::string& name) {
    std::ifstream in(std::string(ZC_SAMPLES_DIR) + "/" + name, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline net::HttpClientOptions client_options(std::string extra_ca = {}) {
    net::HttpClientOptions o;
    o.connect_timeout = std::chrono::seconds(5);
    o.read_timeout = std::chrono::seconds(10);
    o.max_response_bytes = 1u << 20;
    o.extra_ca_file = std::move(extra_ca);
    return o;
}

/// A box around Gatwick (the adsb.lol sample) and its enclosing circle.
inline daemon::QueryArea gatwick_area() {
    daemon::QueryArea a;
    a.boxes.push_back({50.5, 51.8, -1.2, 0.8});
    a.center_lat = 51.15;
    a.center_lon = -0.2;
    a.radius_nm = 60;
    return a;
}

struct Rig {
    explicit Rig(std::string extra_ca = {}) : http(io, client_options(std::move(extra_ca))) {}

    /// Polls once and runs the loop until the result arrives.
    daemon::PollResult poll(daemon::FlightSource& s,
                            const daemon::QueryArea& area = gatwick_area()) {
        std::optional<daemon::PollResult> out;
        int calls = 0;
        s.poll(area, [&](daemon::PollResult r) {
            ++calls;
            out = std::move(r);
        });
        REQUIRE(run_until([&] { return out.has_value(); }));
        // Exactly once: give a second call the chance to show up.
        io.restart();
        io.poll();
        CHECK(calls == 1);
        return std::move(*out);
    }

    bool run_until(const std::function<bool()>& done,
                   std::chrono::milliseconds guard = std::chrono::seconds(20)) {
        const auto deadline = std::chrono::steady_clock::now() + guard;
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            io.restart();
            io.run_one_for(std::chrono::milliseconds(10));
        }
        return done();
    }
    void run_for(std::chrono::milliseconds d) {
        io.restart();
        io.run_for(d);
    }

    boost::asio::io_context io;
    ManualClock clock{at("2026-03-14T12:00:00Z")};
    net::HttpClient http;
    TempDir dir;
    daemon::SourceContext ctx{io, clock, http, dir.path().string()};
};

/// A Config from command-line style settings, reading no files.
inline config::Config make_config(std::vector<std::pair<std::string, std::string>> settings,
                                  const TempDir& dir) {
    config::LoadOptions o;
    o.environment = {{"HOME", (dir.path() / "home").string()}};
    o.read_default_files = false;
    o.command_line = std::move(settings);
    auto r = config::load(o);
    INFO(r.report());
    REQUIRE(r.ok());
    return *r.config;
}

}  // namespace zc::test
