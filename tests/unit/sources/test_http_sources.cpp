// Every pull source against a real local HTTP(S) server replaying the captured payloads:
// parsing and units, auth on the wire, OAuth2 token life, 429/5xx backoff, bad replies.
#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <mutex>

#include "flights/parsers.h"
#include "flights/units.h"
#include "rig.h"
#include "source_aeroapi.h"
#include "source_local.h"
#include "source_opensky.h"
#include "source_readsb.h"
#include "test_ca.h"

using namespace zc;
using namespace zc::daemon;
using namespace std::chrono_literals;
using zc::test::at;
using zc::test::MockHttpServer;
using zc::test::MockReply;
using zc::test::MockRequest;
using zc::test::Rig;
using zc::test::sample;

namespace {

ReadsbSource lol(Rig& rig, const MockHttpServer& server) {
    ReadsbOptions o;
    o.base_url = server.url("/v2");
    o.timeout = 3s;
    return ReadsbSource(rig.ctx, ReadsbApi::adsb_lol(), o);
}

const flights::Fix* find(const std::vector<flights::Fix>& fixes, const std::string& key) {
    for (const auto& f : fixes)
        if (f.key() == key)
            return &f;
    return nullptr;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("adsb.lol over HTTP: the sample, now in milliseconds, units", "[sources]") {
    MockHttpServer server;
    const std::string body = sample("adsb-lol-v2-point-response-truncated.json");
    server.fallback([&](const MockRequest&) { return MockReply::json(body); });
    Rig rig;
    auto s = lol(rig, server);
    const auto r = rig.poll(s);
    REQUIRE(r.ok);
    CHECK(r.error.empty());
    REQUIRE(server.request_count() == 1);
    CHECK(server.requests()[0].target == "/v2/point/51.1500/-0.2000/60");
    // Same parser, same document: the source hands on what the parser gives.
    const auto expected = flights::parse_readsb(std::string_view(body));
    CHECK(r.fixes.size() == expected.fixes.size());
    CHECK(r.skipped == expected.problems.size());
    const auto* f = find(r.fixes, "400b03");
    REQUIRE(f);
    // now = 1791289775500 ms, seen_pos 0: the fix time is the provider's now, in seconds.
    CHECK(to_unix_seconds(f->fix_time) == Approx(1791289775.5).margin(1e-6));
    CHECK(f->altitude_kind == flights::AltitudeKind::Geometric);
    CHECK(f->altitude_m == Approx(4550 * 0.3048));
    CHECK(*f->ground_speed_mps == Approx(80.2 * 1852.0 / 3600));
    CHECK(f->callsign == "GCPSS");
    CHECK(r.received == rig.clock.now());  // the receive time is ours, and only that
    const auto st = s.status(rig.clock.now());
    CHECK(st["state"] == "ok");
    CHECK(st["calls_this_minute"] == 1);
    CHECK(st["consecutive_failures"] == 0);
    CHECK(s.healthy());
    // About one call per second.
    CHECK(s.next_allowed(rig.clock.now()) == rig.clock.now() + 1s);
}

TEST_CASE("readsb now in seconds or milliseconds gives the same fix time", "[sources]") {
    MockHttpServer server;
    std::atomic<bool> millis{true};
    server.fallback([&](const MockRequest&) {
        const std::string now = millis ? "1791289775500" : "1791289775.5";
        return MockReply::json(R"({"now":)" + now +
                               R"(,"ac":[{"hex":"abc123","lat":51.1,"lon":-0.1,"alt_geom":30000,)"
                               R"("seen_pos":2.25}]})");
    });
    Rig rig;
    auto s = lol(rig, server);
    const auto ms = rig.poll(s);
    millis = false;
    rig.clock.advance(1s);
    const auto sec = rig.poll(s);
    REQUIRE(ms.ok);
    REQUIRE(sec.ok);
    REQUIRE(ms.fixes.size() == 1);
    REQUIRE(sec.fixes.size() == 1);
    CHECK(ms.fixes[0].fix_time == at("2026-10-06T12:29:33.250Z"));
    CHECK(sec.fixes[0].fix_time == ms.fixes[0].fix_time);
}

TEST_CASE("adsb.fi v3 path with a v2 body (now in seconds)", "[sources]") {
    MockHttpServer server;
    server.fallback([](const MockRequest&) {
        return MockReply::json(sample("adsb-fi-opendata-v2-lat-lon-dist-response.json"));
    });
    Rig rig;
    ReadsbOptions o;
    o.base_url = server.url("/api/v3");
    ReadsbSource s(rig.ctx, ReadsbApi::adsb_fi(), o);
    QueryArea a;
    a.center_lat = 32.69;
    a.center_lon = -16.77;
    a.radius_nm = 200;
    const auto r = rig.poll(s, a);
    REQUIRE(r.ok);
    CHECK(server.requests()[0].target == "/api/v3/lat/32.6900/lon/-16.7700/dist/200");
    const auto* f = find(r.fixes, "501c15");
    REQUIRE(f);
    CHECK(to_unix_seconds(f->fix_time) == Approx(1791194498.002 - 23.768).margin(1e-6));
    CHECK(f->altitude_m == Approx(10250 * 0.3048));
}

TEST_CASE("ADS-B Exchange sends its api-auth header and names the key on 403", "[sources]") {
    MockHttpServer server;
    server.fallback([](const MockRequest& req) {
        if (req.header("api-auth") != "good-uuid")
            return MockReply::text("forbidden", 403);
        return MockReply::json(sample("adsb-lol-v2-point-response-truncated.json"));
    });
    Rig rig;
    ReadsbOptions o;
    o.base_url = server.url("/api/aircraft");
    o.api_key = "good-uuid";
    {
        ReadsbSource s(rig.ctx, ReadsbApi::adsbx(), o);
        REQUIRE(rig.poll(s).ok);
        CHECK(server.requests()[0].target == "/api/aircraft/lat/51.1500/lon/-0.2000/dist/60/");
    }
    o.api_key = "bad-uuid";
    ReadsbSource s(rig.ctx, ReadsbApi::adsbx(), o);
    const auto r = rig.poll(s);
    CHECK_FALSE(r.ok);
    CHECK(r.error == "adsbx: HTTP 403 (authentication failed; check sources.adsbx.api_key)");
    CHECK_FALSE(contains(s.status(rig.clock.now()).dump(), "bad-uuid"));
}

TEST_CASE("OpenSky anonymous: time_position and geometric altitude", "[sources]") {
    MockHttpServer server;
    server.route("/api/states/all", [](const MockRequest&) {
        auto reply = MockReply::json(sample("opensky-states-all-bbox-2021-03-07.json"));
        reply.headers.emplace_back("X-Rate-Limit-Remaining", "97");
        return reply;
    });
    Rig rig;
    OpenSkyOptions o;
    o.base_url = server.url("/api");
    OpenSkySource s(rig.ctx, o);
    QueryArea a;
    a.boxes.push_back({39.0, 41.0, -106.0, -104.0});
    const auto r = rig.poll(s, a);
    REQUIRE(r.ok);
    const auto req = server.requests()[0];
    CHECK(req.query == "lamin=39.0000&lomin=-106.0000&lamax=41.0000&lomax=-104.0000&extended=1");
    CHECK_FALSE(req.header("authorization"));
    const auto* f = find(r.fixes, "ac234f");
    REQUIRE(f);
    CHECK(to_unix_seconds(f->fix_time) == 1615141829.0);  // time_position, not time
    CHECK(f->altitude_kind == flights::AltitudeKind::Geometric);
    CHECK(f->altitude_m == Approx(4145.28));
    const auto st = s.status(rig.clock.now());
    CHECK(st["credits"]["used"] == 1);  // 4 square degrees: one credit
    CHECK(st["credits"]["reported_remaining"] == "97");
    CHECK(s.next_allowed(rig.clock.now()) == rig.clock.now() + 12s);
}

TEST_CASE("OpenSky basic auth on the wire", "[sources]") {
    MockHttpServer server;
    server.route("/api/states/all", [](const MockRequest& req) {
        if (req.header("authorization") != "Basic " + base64("alice:pw:with:colons"))
            return MockReply::text("", 401);
        return MockReply::json(R"({"time":1615141830,"states":null})");
    });
    Rig rig;
    OpenSkyOptions o;
    o.base_url = server.url("/api");
    o.username = "alice";
    o.password = "pw:with:colons";
    OpenSkySource s(rig.ctx, o);
    const auto r = rig.poll(s);
    REQUIRE(r.ok);
    CHECK(r.fixes.empty());  // states: null is an empty sky, not an error
}

TEST_CASE("OpenSky OAuth2: token fetched, cached, refreshed after expiry and on 401", "[sources]") {
    MockHttpServer server;
    std::atomic<int> tokens{0};
    std::atomic<bool> revoke{false};
    std::mutex m;
    std::string current;
    server.route("/token", [&](const MockRequest& req) {
        if (req.method != "POST" ||
            req.header("content-type") != "application/x-www-form-urlencoded" ||
            req.body !=
                "grant_type=client_credentials&client_id=my-client&client_secret="
                "s%26cret%3D1")
            return MockReply::json(R"({"error":"invalid_client"})", 401);
        std::lock_guard lock(m);
        current = "tok-" + std::to_string(++tokens);
        return MockReply::json(R"({"access_token":")" + current +
                               R"(","expires_in":300,"token_type":"Bearer"})");
    });
    server.route("/api/states/all", [&](const MockRequest& req) {
        std::lock_guard lock(m);
        if (revoke.exchange(false) || req.header("authorization") != "Bearer " + current)
            return MockReply::text("", 401);
        return MockReply::json(sample("opensky-states-all-bbox-2021-03-07.json"));
    });
    Rig rig;
    OpenSkyOptions o;
    o.base_url = server.url("/api");
    o.token_url = server.url("/token");
    o.client_id = "my-client";
    o.client_secret = "s&cret=1";
    OpenSkySource s(rig.ctx, o);

    REQUIRE(rig.poll(s).ok);
    CHECK(tokens == 1);
    rig.clock.advance(6s);
    REQUIRE(rig.poll(s).ok);
    CHECK(tokens == 1);  // cached
    // expires_in 300 minus the 30 s margin: a new token from 270 s on.
    rig.clock.advance(265s);
    REQUIRE(rig.poll(s).ok);
    CHECK(tokens == 2);
    // A token the API no longer accepts: one refresh, then the same poll succeeds.
    revoke = true;
    rig.clock.advance(6s);
    const auto r = rig.poll(s);
    REQUIRE(r.ok);
    CHECK(tokens == 3);
    CHECK_FALSE(r.fixes.empty());
    const auto st = s.status(rig.clock.now());
    CHECK(st["token"]["fetched"] == 3);
    CHECK(st["token"]["held"] == true);
    CHECK_FALSE(contains(st.dump(), "tok-3"));
    CHECK_FALSE(contains(st.dump(), "s&cret=1"));
}

TEST_CASE("OpenSky OAuth2: a refused token request is an error naming the keys", "[sources]") {
    MockHttpServer server;
    server.route("/token", [](const MockRequest&) {
        return MockReply::json(R"({"error":"invalid_client"})", 401);
    });
    Rig rig;
    OpenSkyOptions o;
    o.base_url = server.url("/api");
    o.token_url = server.url("/token");
    o.client_id = "my-client";
    o.client_secret = "wrong-secret";
    OpenSkySource s(rig.ctx, o);
    const auto r = rig.poll(s);
    CHECK_FALSE(r.ok);
    CHECK(r.error ==
          "opensky: OAuth2 token request failed: HTTP 401 (check sources.opensky.client_id and "
          "sources.opensky.client_secret)");
    CHECK(server.request_count() == 1);  // the API itself was not called
    const auto st = s.status(rig.clock.now());
    CHECK(st["state"] == "backoff");
    CHECK_FALSE(contains(st.dump(), "wrong-secret"));
    CHECK_FALSE(s.healthy());
}

TEST_CASE("AeroAPI over HTTP: x-apikey, hundreds of feet, knots, ISO timestamps", "[sources]") {
    MockHttpServer server;
    server.route("/aeroapi/flights/search", [](const MockRequest& req) {
        if (req.header("x-apikey") != "fa-key")
            return MockReply::text("", 401);
        return MockReply::json(sample("flightaware-aeroapi-flights-search-2024-07-10.json"));
    });
    Rig rig;
    AeroApiOptions o;
    o.base_url = server.url("/aeroapi");
    o.api_key = "fa-key";
    o.budget_file = rig.dir / "aeroapi-budget.json";
    AeroApiSource s(rig.ctx, o);
    QueryArea a;
    a.boxes.push_back({19.0, 25.0, -106.0, -99.0});
    const auto r = rig.poll(s, a);
    REQUIRE(r.ok);
    CHECK(server.requests()[0].query ==
          "query=-latlong+%2219.0000+-106.0000+25.0000+-99.0000%22&max_pages=1");
    const auto* f = find(r.fixes, "AMX190-1720409223-schedule-630p");
    REQUIRE(f);
    CHECK(f->fix_time == at("2024-07-10T04:58:19Z"));
    CHECK(f->altitude_kind == flights::AltitudeKind::Barometric);
    CHECK(f->altitude_m == Approx(360 * 30.48));
    CHECK(*f->ground_speed_mps == Approx(448 * 1852.0 / 3600));
    CHECK(s.status(rig.clock.now())["budget"]["used"] == 1);
}

TEST_CASE("AeroAPI: a tight poll loop never makes an 11th call within 60 s", "[sources]") {
    MockHttpServer server;
    server.fallback([](const MockRequest&) { return MockReply::json(R"({"flights":[]})"); });
    Rig rig;
    AeroApiOptions o;
    o.base_url = server.url("/aeroapi");
    o.api_key = "k";
    o.monthly_budget = 0;
    AeroApiSource s(rig.ctx, o);
    std::vector<UtcTime> calls;
    // Poll whenever allowed, checking every 250 ms of (manual) time for three minutes.
    for (int i = 0; i < 720; ++i) {
        const UtcTime now = rig.clock.now();
        const auto allowed = s.next_allowed(now);
        REQUIRE(allowed);
        if (*allowed <= now) {
            REQUIRE(rig.poll(s).ok);
            calls.push_back(now);
        } else {
            // Polling anyway is refused locally and sends nothing.
            const auto r = rig.poll(s);
            CHECK_FALSE(r.ok);
            CHECK(contains(r.error, "aeroapi: not polled: rate limit of 10 per 60 s"));
        }
        rig.clock.advance(250ms);
    }
    CHECK(server.request_count() == calls.size());
    for (std::size_t i = 10; i < calls.size(); ++i)
        CHECK(calls[i] - calls[i - 10] >= Duration(60s));
    CHECK(calls.size() == 30);
}

TEST_CASE("AeroAPI: the monthly budget refuses, persists and resets", "[sources]") {
    MockHttpServer server;
    server.fallback([](const MockRequest&) { return MockReply::json(R"({"flights":[]})"); });
    Rig rig;
    rig.clock.set(at("2026-03-31T23:50:00Z"));
    AeroApiOptions o;
    o.base_url = server.url("/aeroapi");
    o.api_key = "k";
    o.monthly_budget = 2;
    o.budget_file = rig.dir / "aeroapi-budget.json";
    {
        AeroApiSource s(rig.ctx, o);
        REQUIRE(rig.poll(s).ok);
        rig.clock.advance(10s);
        REQUIRE(rig.poll(s).ok);
        rig.clock.advance(10s);
        CHECK_FALSE(s.next_allowed(rig.clock.now()));
        const auto r = rig.poll(s);
        CHECK_FALSE(r.ok);
        CHECK(r.error ==
              "aeroapi: monthly budget of 2 used up for 2026-03; resets 2026-04-01T00:00:00.000Z");
        CHECK(s.status(rig.clock.now())["state"] == "budget");
        CHECK(server.request_count() == 2);
    }
    // A restart does not get the budget back.
    AeroApiSource again(rig.ctx, o);
    CHECK_FALSE(again.next_allowed(rig.clock.now()));
    CHECK_FALSE(rig.poll(again).ok);
    CHECK(server.request_count() == 2);
    // April.
    rig.clock.set(at("2026-04-01T00:00:00Z"));
    CHECK(again.next_allowed(rig.clock.now()) == rig.clock.now());
    REQUIRE(rig.poll(again).ok);
    CHECK(again.status(rig.clock.now())["budget"]["used"] == 1);
}

TEST_CASE("429: Retry-After in seconds or as a date, else the fixed wait", "[sources]") {
    MockHttpServer server;
    std::atomic<int> mode{0};
    server.fallback([&](const MockRequest&) {
        auto reply = MockReply::text("slow down", 429);
        if (mode == 0)
            reply.headers.emplace_back("Retry-After", "120");
        else if (mode == 1)
            reply.headers.emplace_back("Retry-After", "Sat, 14 Mar 2026 13:00:00 GMT");
        return reply;
    });
    Rig rig;
    auto s = lol(rig, server);
    auto r = rig.poll(s);
    CHECK_FALSE(r.ok);
    CHECK(r.error == "adsb_lol: HTTP 429 rate limited; waiting 120 s (Retry-After)");
    CHECK(s.next_allowed(rig.clock.now()) == rig.clock.now() + 120s);
    CHECK(s.status(rig.clock.now())["state"] == "backoff");
    CHECK(s.status(rig.clock.now())["backoff_remaining_s"] == 120.0);
    // Asking during the backoff sends nothing.
    CHECK(contains(rig.poll(s).error, "not polled: backing off"));
    CHECK(server.request_count() == 1);

    rig.clock.advance(120s);
    mode = 1;
    r = rig.poll(s);
    CHECK_FALSE(r.ok);
    CHECK(s.next_allowed(rig.clock.now()) == at("2026-03-14T13:00:00Z"));

    rig.clock.set(at("2026-03-14T13:00:00Z"));
    mode = 2;
    r = rig.poll(s);
    CHECK(r.error == "adsb_lol: HTTP 429 rate limited; waiting 60 s");
    CHECK(s.next_allowed(rig.clock.now()) == rig.clock.now() + 60s);
}

TEST_CASE("OpenSky 429 honours X-Rate-Limit-Retry-After-Seconds", "[sources]") {
    MockHttpServer server;
    server.fallback([](const MockRequest&) {
        auto reply = MockReply::text("", 429);
        reply.headers.emplace_back("X-Rate-Limit-Retry-After-Seconds", "3600");
        return reply;
    });
    Rig rig;
    OpenSkyOptions o;
    o.base_url = server.url("/api");
    OpenSkySource s(rig.ctx, o);
    CHECK_FALSE(rig.poll(s).ok);
    CHECK(s.next_allowed(rig.clock.now()) == rig.clock.now() + 3600s);
}

TEST_CASE("5xx backs off exponentially and one success resets it", "[sources]") {
    MockHttpServer server;
    std::atomic<int> status{503};
    server.fallback([&](const MockRequest&) {
        if (status == 200)
            return MockReply::json(sample("adsb-lol-v2-point-response-truncated.json"));
        return MockReply::text("down", status);
    });
    Rig rig;
    auto s = lol(rig, server);
    std::vector<double> waits;
    for (int i = 0; i < 4; ++i) {
        const auto r = rig.poll(s);
        REQUIRE_FALSE(r.ok);
        CHECK(r.error == "adsb_lol: HTTP 503");
        waits.push_back(to_seconds(*s.next_allowed(rig.clock.now()) - rig.clock.now()));
        rig.clock.advance(from_seconds(waits.back()));
    }
    CHECK(waits == std::vector<double>{60, 120, 240, 480});
    CHECK(s.status(rig.clock.now())["consecutive_failures"] == 4);
    CHECK(s.status(rig.clock.now())["state"] == "degraded");
    status = 200;
    REQUIRE(rig.poll(s).ok);
    CHECK(s.healthy());
    CHECK(s.status(rig.clock.now())["consecutive_failures"] == 0);
    status = 500;
    rig.clock.advance(1s);
    CHECK_FALSE(rig.poll(s).ok);
    CHECK(s.next_allowed(rig.clock.now()) == rig.clock.now() + 60s);  // from the start again
}

TEST_CASE("bad replies: malformed, truncated, wrong types, nulls, huge", "[sources]") {
    MockHttpServer server;
    std::mutex m;
    MockReply next = MockReply::json("{}");
    server.fallback([&](const MockRequest&) {
        std::lock_guard lock(m);
        return next;
    });
    const auto reply = [&](MockReply r) {
        std::lock_guard lock(m);
        next = std::move(r);
    };
    Rig rig;
    auto s = lol(rig, server);
    const auto poll_fresh = [&]() {
        rig.clock.advance(3601s);  // past any backoff
        return rig.poll(s);
    };
    const std::string good = sample("adsb-lol-v2-point-response-truncated.json");

    SECTION("truncated JSON") {
        reply(MockReply::json(good.substr(0, good.size() / 2)));
        const auto r = poll_fresh();
        CHECK_FALSE(r.ok);
        CHECK(contains(r.error, "adsb_lol: bad reply: not valid JSON"));
        CHECK(s.status(rig.clock.now())["state"] == "backoff");
    }
    SECTION("strings for numbers everywhere") {
        reply(MockReply::json(
            R"({"now":1791289775500,"ac":[{"hex":"abc123","lat":"51.1","lon":-0.1,"alt_baro":3000},)"
            R"({"hex":"abc124","lat":"51.2","lon":-0.2,"alt_baro":3000}]})"));
        const auto r = poll_fresh();
        CHECK_FALSE(r.ok);
        CHECK(r.error ==
              "adsb_lol: bad reply: all 2 records rejected, e.g. ac[0].lat: expected "
              "number");
    }
    SECTION("one bad record among good ones is skipped, not fatal") {
        reply(MockReply::json(
            R"({"now":1791289775500,"ac":[{"hex":"abc123","lat":51.1,"lon":-0.1,"alt_baro":"high"},)"
            R"({"hex":"abc124","lat":51.2,"lon":-0.2,"alt_baro":"ground"},)"
            R"({"hex":"abc125","lat":51.3,"lon":-0.3,"alt_geom":null,"alt_baro":5000,"gs":null}]})"));
        const auto r = poll_fresh();
        REQUIRE(r.ok);
        CHECK(r.skipped == 1);
        REQUIRE(r.fixes.size() == 2);
        CHECK(find(r.fixes, "abc124")->on_ground);
        CHECK_FALSE(find(r.fixes, "abc125")->ground_speed_mps);
        CHECK(s.status(rig.clock.now())["skipped_last"] == 1);
    }
    SECTION("the feed clock is missing") {
        reply(MockReply::json(R"({"ac":[]})"));
        const auto r = poll_fresh();
        CHECK_FALSE(r.ok);
        CHECK(r.error == "adsb_lol: bad reply: now: expected number (the feed's clock)");
    }
    SECTION("not JSON at all") {
        reply(MockReply::text("<html>502 Bad Gateway</html>"));
        CHECK(contains(poll_fresh().error, "adsb_lol: bad reply: not valid JSON"));
    }
    SECTION("a body over the client's cap") {
        MockReply big = MockReply::json(R"({"now":1,"ac":[)");
        big.filler_bytes = 2u << 20;
        reply(big);
        const auto r = poll_fresh();
        CHECK_FALSE(r.ok);
        INFO(r.error);
        CHECK(contains(r.error, "adsb_lol: reply too large (sources.max_response_bytes)"));
    }
    SECTION("a connection reset mid-body") {
        MockReply cut = MockReply::json(good);
        cut.cut_after_body_bytes = 100;
        cut.reset = true;
        reply(cut);
        const auto r = poll_fresh();
        CHECK_FALSE(r.ok);
        CHECK(r.error.starts_with("adsb_lol: "));
    }
    SECTION("a server that dribbles slower than the timeout") {
        MockReply slow = MockReply::json(good);
        slow.dribble_bytes = 10;
        slow.dribble_interval = 200ms;
        reply(slow);
        ReadsbOptions o;
        o.base_url = server.url("/v2");
        o.timeout = 500ms;
        ReadsbSource quick(rig.ctx, ReadsbApi::adsb_lol(), o);
        const auto r = rig.poll(quick);
        CHECK_FALSE(r.ok);
        CHECK(contains(r.error, "adsb_lol: timeout (sources.http_timeout = 0.5 s)"));
    }
    // Whatever went wrong, the source recovers on the next good reply.
    reply(MockReply::json(good));
    REQUIRE(poll_fresh().ok);
    CHECK(s.healthy());
}

TEST_CASE("one failing source leaves the others alone", "[sources]") {
    MockHttpServer server;
    server.route("/lol/point/51.1500/-0.2000/60",
                 [](const MockRequest&) { return MockReply::text("", 500); });
    server.route("/one/point/51.1500/-0.2000/60", [](const MockRequest&) {
        return MockReply::json(sample("adsb-lol-v2-point-response-truncated.json"));
    });
    Rig rig;
    ReadsbOptions a, b;
    a.base_url = server.url("/lol");
    b.base_url = server.url("/one");
    ReadsbSource bad(rig.ctx, ReadsbApi::adsb_lol(), a);
    ReadsbSource good(rig.ctx, ReadsbApi::adsb_one(), b);
    CHECK_FALSE(rig.poll(bad).ok);
    const auto r = rig.poll(good);
    CHECK(r.ok);
    CHECK_FALSE(r.fixes.empty());
    CHECK(good.healthy());
    CHECK_FALSE(bad.healthy());
}

TEST_CASE("HTTPS with the test CA works, an untrusted certificate is a TLS error", "[sources]") {
    test::TempDir pki_dir;
    test::TestPki pki(pki_dir.path());
    MockHttpServer trusted(pki.localhost);
    MockHttpServer untrusted(pki.other_ca_localhost);
    for (auto* srv : {&trusted, &untrusted}) {
        srv->fallback([](const MockRequest&) {
            return MockReply::json(sample("opensky-states-all-bbox-2021-03-07.json"));
        });
    }
    Rig rig(pki.ca_file.string());
    OpenSkyOptions o;
    o.base_url = trusted.url("/api");
    OpenSkySource ok(rig.ctx, o);
    CHECK(rig.poll(ok).ok);
    o.base_url = untrusted.url("/api");
    OpenSkySource bad(rig.ctx, o);
    const auto r = rig.poll(bad);
    CHECK_FALSE(r.ok);
    CHECK(r.error.starts_with("opensky: tls"));
    CHECK(untrusted.request_count() == 0);
}

TEST_CASE("local receiver over HTTP and from a file, filtered to the area", "[sources]") {
    const std::string body = sample("readsb-aircraft-json-local.json");
    const auto expected = flights::parse_readsb(std::string_view(body));
    Rig rig;
    MockHttpServer server;
    server.route("/data/aircraft.json", [&](const MockRequest&) { return MockReply::json(body); });
    const auto file = rig.dir / "aircraft.json";
    std::ofstream(file) << body;
    for (const std::string& url :
         {server.url("/data/aircraft.json"), "file://" + file.string(), file.string()}) {
        INFO(url);
        LocalOptions o;
        o.url = url;
        LocalSource s(rig.ctx, o);
        const auto r = rig.poll(s);
        REQUIRE(r.ok);
        // Everything the receiver hears is there, minus what lies outside the circle.
        CHECK(r.fixes.size() + s.outside_area() == expected.fixes.size());
        CHECK(s.outside_area() > 0);
        for (const auto& f : r.fixes) {
            const auto* e = find(expected.fixes, f.icao24);
            REQUIRE(e);
            CHECK(f.fix_time == e->fix_time);  // now (s) - seen_pos
        }
    }
    SECTION("a missing file is an error naming it") {
        LocalOptions o;
        o.url = (rig.dir / "nope.json").string();
        LocalSource s(rig.ctx, o);
        const auto r = rig.poll(s);
        CHECK_FALSE(r.ok);
        CHECK(r.error == "local: cannot read " + o.url + ": No such file or directory");
        // A local source backs off briefly.
        CHECK(s.next_allowed(rig.clock.now()) == rig.clock.now() + 5s);
    }
    SECTION("a file over the size cap") {
        LocalOptions o;
        o.url = file.string();
        o.max_bytes = 1024;
        LocalSource s(rig.ctx, o);
        const auto r = rig.poll(s);
        CHECK_FALSE(r.ok);
        CHECK(contains(r.error, "is larger than sources.max_response_bytes (1024 bytes)"));
    }
}
