// What each source asks for: URLs, headers, auth, the area clamped to its API's limits.
#include <catch2/catch.hpp>

#include "rig.h"
#include "source_aeroapi.h"
#include "source_http.h"
#include "source_local.h"
#include "source_opensky.h"
#include "source_readsb.h"

using namespace zc;
using namespace zc::daemon;
using zc::test::Rig;

namespace {

const net::HttpRequest& req(const std::variant<net::HttpRequest, std::string>& v) {
    if (const auto* e = std::get_if<std::string>(&v))
        FAIL("build_request failed: " << *e);
    return std::get<net::HttpRequest>(v);
}

std::optional<std::string> header(const net::HttpRequest& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
        if (Catch::toLower(k) == Catch::toLower(name))
            return v;
    return std::nullopt;
}

QueryArea box_only(double lat_min, double lat_max, double lon_min, double lon_max) {
    QueryArea a;
    a.boxes.push_back({lat_min, lat_max, lon_min, lon_max});
    return a;
}

}  // namespace

TEST_CASE("helpers: url_encode base64 redact", "[sources]") {
    CHECK(url_encode("a b+c/\"d\"~_.-") == "a%20b%2Bc%2F%22d%22~_.-");
    CHECK(base64("") == "");
    CHECK(base64("f") == "Zg==");
    CHECK(base64("fo") == "Zm8=");
    CHECK(base64("foo") == "Zm9v");
    CHECK(base64("Aladdin:open sesame") == "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    CHECK(redact("key=abc and abc again", {"abc", ""}) == "key=(redacted) and (redacted) again");
    std::string ui;
    CHECK(strip_userinfo("http://bob:pw@pi.lan:8080/data/aircraft.json?x=a@b", &ui) ==
          "http://pi.lan:8080/data/aircraft.json?x=a@b");
    CHECK(ui == "bob:pw");
    CHECK(strip_userinfo("http://pi.lan/a@b") == "http://pi.lan/a@b");
    CHECK(strip_userinfo("/run/readsb/aircraft.json") == "/run/readsb/aircraft.json");
}

TEST_CASE("areas: one box for box APIs and one circle for point APIs", "[sources]") {
    QueryArea a;
    a.boxes = {{50, 51, -1, 0}, {52, 53, 1, 2}};
    auto b = single_box(a, 0);
    REQUIRE(b);
    CHECK(b->lat_min == 50);
    CHECK(b->lat_max == 53);
    CHECK(b->lon_min == -1);
    CHECK(b->lon_max == 2);
    // Capped to 4 square degrees about the centre, keeping the shape.
    b = single_box(a, 4);
    REQUIRE(b);
    CHECK((b->lat_max - b->lat_min) * (b->lon_max - b->lon_min) == Approx(4));
    CHECK((b->lat_min + b->lat_max) / 2 == Approx(51.5));
    CHECK((b->lon_min + b->lon_max) / 2 == Approx(0.5));
    // Split at the antimeridian: the bigger half, not a box round the world.
    a.boxes = {{10, 20, 170, 180}, {10, 12, -180, -179}};
    b = single_box(a, 0);
    REQUIRE(b);
    CHECK(b->lon_min == 170);
    CHECK(b->lon_max == 180);
    // No boxes: the circle's bounding box.
    QueryArea c;
    c.center_lat = 0;
    c.center_lon = 10;
    c.radius_nm = 60;  // one degree of latitude, 111.12 km
    b = single_box(c, 0);
    REQUIRE(b);
    CHECK(b->lat_max == Approx(60 * 1.852 / 111.32));
    CHECK_FALSE(single_box(QueryArea{}, 0));

    // Circles: the area's own, capped, rounded up to whole nautical miles.
    c.radius_nm = 300.2;
    auto k = single_circle(c, 250);
    REQUIRE(k);
    CHECK(k->radius_nm == 250);
    c.radius_nm = 12.1;
    CHECK(single_circle(c, 250)->radius_nm == 13);
    // From a box: centre and corner distance plus 10 % (the original's rule).
    k = single_circle(box_only(0, 2, 0, 2), 0);
    REQUIRE(k);
    CHECK(k->lat == 1);
    CHECK(k->lon == 1);
    // Centre (1,1) to (2,2): about 157.2 km = 84.9 nm, +10 % = 93.4 -> 94.
    CHECK(k->radius_nm == 94);
    CHECK_FALSE(single_circle(QueryArea{}, 250));
}

TEST_CASE("AeroAPI: -latlong search with x-apikey", "[sources]") {
    Rig rig;
    AeroApiOptions o;
    o.base_url = "https://aeroapi.flightaware.com/aeroapi/";
    o.api_key = "fa-secret-key";
    AeroApiSource s(rig.ctx, o);
    const auto r = req(s.build_request(box_only(32.1, 33.2, -117.5, -116.4)));
    CHECK(r.method == "GET");
    CHECK(r.url ==
          "https://aeroapi.flightaware.com/aeroapi/flights/search?query=-latlong+%2232.1000+"
          "-117.5000+33.2000+-116.4000%22&max_pages=1");
    CHECK(header(r, "x-apikey") == "fa-secret-key");
    CHECK(header(r, "accept") == "application/json; charset=UTF-8");
    CHECK(s.name() == "aeroapi");
    CHECK(s.area_limits().max_box_deg2 == AeroApiSource::kMaxBoxDeg2);
    CHECK(std::holds_alternative<std::string>(s.build_request(QueryArea{})));
    // The key never shows in status.
    CHECK(s.status(rig.clock.now()).dump().find("fa-secret-key") == std::string::npos);
}

TEST_CASE("OpenSky: box query and the three auth modes", "[sources]") {
    Rig rig;
    OpenSkyOptions o;
    o.base_url = "https://opensky-network.org/api";
    SECTION("anonymous") {
        OpenSkySource s(rig.ctx, o);
        CHECK(s.auth() == OpenSkySource::Auth::Anonymous);
        const auto r = req(s.build_request(box_only(45.8389, 47.8229, 5.9962, 10.5226)));
        CHECK(r.url ==
              "https://opensky-network.org/api/states/all?lamin=45.8389&lomin=5.9962&"
              "lamax=47.8229&lomax=10.5226&extended=1");
        CHECK_FALSE(header(r, "authorization"));
        // One call per 12 s anonymously.
        const auto j = s.status(rig.clock.now());
        CHECK(j["rate_limit"]["per_s"] == 12.0);
        CHECK(j["credits"]["limit"] == 100);
        CHECK(j["auth"] == "anonymous");
    }
    SECTION("basic") {
        o.username = "alice";
        o.password = "p@ss word";
        OpenSkySource s(rig.ctx, o);
        CHECK(s.auth() == OpenSkySource::Auth::Basic);
        const auto r = req(s.build_request(box_only(45, 46, 5, 6)));
        CHECK(header(r, "authorization") == "Basic " + base64("alice:p@ss word"));
        const auto j = s.status(rig.clock.now());
        CHECK(j["rate_limit"]["per_s"] == 6.0);
        CHECK(j["credits"]["limit"] == 400);
        CHECK(j.dump().find("p@ss word") == std::string::npos);
    }
    SECTION("oauth2: the token is added when sending") {
        o.client_id = "me-api-client";
        o.client_secret = "s3cret";
        o.username = "alice";  // OAuth2 wins over basic when both are set
        o.password = "pw";
        OpenSkySource s(rig.ctx, o);
        CHECK(s.auth() == OpenSkySource::Auth::OAuth2);
        CHECK_FALSE(header(req(s.build_request(box_only(45, 46, 5, 6))), "authorization"));
        CHECK(s.status(rig.clock.now())["auth"] == "oauth2");
    }
    SECTION("the box is capped, and credits are charged by its area") {
        OpenSkySource s(rig.ctx, o);
        const auto r = req(s.build_request(box_only(40, 60, -10, 10)));  // 400 deg^2
        CHECK(r.url.find("lamin=45.0000&lomin=-5.0000&lamax=55.0000&lomax=5.0000") !=
              std::string::npos);
        CHECK(OpenSkySource::credit_cost(25) == 1);
        CHECK(OpenSkySource::credit_cost(25.1) == 2);
        CHECK(OpenSkySource::credit_cost(100) == 2);
        CHECK(OpenSkySource::credit_cost(400) == 3);
        CHECK(OpenSkySource::credit_cost(401) == 4);
        CHECK(s.status(rig.clock.now())["credits"]["cost_per_call"] == 2);
    }
}

TEST_CASE("readsb family: each API's path, radius cap and auth", "[sources]") {
    Rig rig;
    QueryArea a;
    a.center_lat = 51.15123;
    a.center_lon = -0.18765;
    a.radius_nm = 400;
    struct Case {
        ReadsbApi api;
        std::string base, key, url, auth;
    } cases[] = {
        {ReadsbApi::adsb_lol(), "https://api.adsb.lol/v2", "",
         "https://api.adsb.lol/v2/point/51.1512/-0.1877/250", ""},
        {ReadsbApi::adsb_one(), "https://api.adsb.one/v2/", "",
         "https://api.adsb.one/v2/point/51.1512/-0.1877/250", ""},
        {ReadsbApi::adsb_fi(), "https://opendata.adsb.fi/api/v3", "",
         "https://opendata.adsb.fi/api/v3/lat/51.1512/lon/-0.1877/dist/250", ""},
        {ReadsbApi::adsbx(), "https://adsbexchange.com/api/aircraft", "uuid-key",
         "https://adsbexchange.com/api/aircraft/lat/51.1512/lon/-0.1877/dist/100/", "uuid-key"},
    };
    for (const auto& c : cases) {
        INFO(c.api.name);
        ReadsbOptions o;
        o.base_url = c.base;
        o.api_key = c.key;
        ReadsbSource s(rig.ctx, c.api, o);
        const auto r = req(s.build_request(a));
        CHECK(r.url == c.url);
        if (c.auth.empty())
            CHECK_FALSE(header(r, "api-auth"));
        else
            CHECK(header(r, "api-auth") == c.auth);
        CHECK(s.area_limits().max_radius_nm == c.api.max_radius_nm);
        // About one request per second.
        const UtcTime now = rig.clock.now();
        CHECK(s.next_allowed(now) == now);
        CHECK(s.status(now)["rate_limit"]["per_s"] == 1.0);
        CHECK(s.status(now).dump().find("uuid-key") == std::string::npos);
    }
}

TEST_CASE("local: an http URL, a file:// URL or a path", "[sources]") {
    Rig rig;
    LocalOptions o;
    o.url = "http://raspberrypi.local/tar1090/data/aircraft.json";
    CHECK_FALSE(LocalSource(rig.ctx, o).reads_file());
    CHECK(req(LocalSource(rig.ctx, o).build_request(QueryArea{})).url == o.url);
    o.url = "http://bob:hunter2@pi.lan/data/aircraft.json";
    const auto st = LocalSource(rig.ctx, o).status(rig.clock.now());
    CHECK(st["url"] == "http://pi.lan/data/aircraft.json");
    CHECK(st.dump().find("hunter2") == std::string::npos);
    o.url = "file:///run/readsb/aircraft.json";
    CHECK(LocalSource(rig.ctx, o).reads_file());
    o.url = "/run/readsb/aircraft.json";
    CHECK(LocalSource(rig.ctx, o).reads_file());
}
