// The simulator against its own specification (reference §5), through plain sockets as another
// program would see it: id echo, parameter strictness, client slots, latency, UDP discovery,
// the Alpaca subset on the same device model, the sky model, and the device-level faults.
#include <catch2/catch.hpp>
#include <cmath>

#include "rig.h"
#include "seestar/discovery.h"
#include "sim_client.h"

using namespace zc;
using namespace zc::test;
using nlohmann::json;
using zc::seestar::Target;

namespace {

sim::SimOptions quick(int firmware = 2706) {
    auto o = fast_sim(firmware);
    o.rtsp_seconds = 0.05;
    return o;
}

/// Claims master and puts the scope in a view, tracking.
void view_and_track(LineClient& c, const std::string& mode, int& id) {
    REQUIRE(c.call(++id, "set_setting", {{"master_cli", true}})["code"] == 0);
    REQUIRE(c.call(++id, "iscope_start_view", {{"mode", mode}})["code"] == 0);
    REQUIRE(c.event("View", "working"));
    REQUIRE(c.call(++id, "start_scan_planet")["code"] == 0);
    REQUIRE(c.event("ScopeTrack", "on", 3));
}

double mono_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace

TEST_CASE("simulator: replies echo the id as received, strings included") {
    SimThread s(quick());
    LineClient c(s.port);
    REQUIRE(c.connected());
    auto r1 = c.call("abc-1", "test_connection");
    CHECK(r1["id"] == "abc-1");
    CHECK(r1["result"] == "ok");
    CHECK(r1["jsonrpc"] == "2.0");
    CHECK(r1["method"] == "test_connection");
    const auto ts = r1["Timestamp"].get<std::string>();
    CHECK(ts.size() - ts.find('.') - 1 == 9);  // boot seconds with 9 decimals
    auto r2 = c.call(424242, "no_such_method");
    CHECK(r2["id"] == 424242);
    CHECK(r2["code"] == 103);
    CHECK(r2["error"] == "method not found");
    CHECK_FALSE(r2.contains("result"));
}

TEST_CASE("simulator: verify strictness follows the firmware") {
    const json with_verify = {{"cli_name", "x"}, {"verify", true}};
    const json nested_goto = json::array({json::array({1.5, 20.0}), "verify"});
    const json nested_time = json::array({json::array({{{"year", 2026}}}), "verify"});
    SECTION("5.84: verify inside objects is fine") {
        SimThread s(quick(2584));
        LineClient c(s.port);
        CHECK(c.call(1, "set_setting", with_verify)["code"] == 0);
    }
    SECTION("7.06: verify inside objects is 109, nested arrays still pass") {
        SimThread s(quick(2706));
        LineClient c(s.port);
        CHECK(c.call(1, "set_setting", with_verify)["code"] == 109);
        CHECK(c.call(2, "pi_set_time",
                     json::array({{{"year", 2026}, {"mon", 3}, {"day", 4}}}))["code"] == 0);
        CHECK(c.call(3, "pi_set_time", nested_time)["code"] == 0);
        CHECK(c.call(4, "scope_goto", nested_goto)["code"] == 207);  // parsed; refused: parked
    }
    SECTION("7.75: nested arrays are 108 for coordinates and 107 otherwise") {
        SimThread s(quick(2775));
        LineClient c(s.port);
        CHECK(c.call(1, "scope_goto", nested_goto)["code"] == 108);
        CHECK(c.call(2, "pi_set_time", nested_time)["code"] == 107);
        CHECK(c.call(3, "pi_set_time", json::array({{{"year", 2026}}}))["code"] == 107);
        CHECK(c.call(4, "pi_set_time", {{"year", 2026}, {"mon", 3}, {"day", 4}})["code"] == 0);
    }
    SECTION("the knob turns the rules off") {
        auto o = quick(2775);
        o.verify_strictness = false;
        SimThread s(o);
        LineClient c(s.port);
        CHECK(c.call(1, "set_setting", with_verify)["code"] == 0);
        CHECK(c.call(2, "pi_set_time", nested_time)["code"] == 0);
    }
}

TEST_CASE("simulator: beyond its client slots a connection is accepted and closed") {
    auto o = quick();
    o.max_clients = 2;
    SimThread s(o);
    LineClient a(s.port), b(s.port);
    CHECK(a.call(1, "test_connection")["result"] == "ok");
    CHECK(b.call(1, "test_connection")["result"] == "ok");
    LineClient third(s.port);
    CHECK(third.connected());        // TCP accepted...
    CHECK(third.closed_silently());  // ...and closed at once, without a byte
    CHECK(s.sim.connections_rejected() == 1);
    a.close();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    LineClient fourth(s.port);
    CHECK(fourth.call(1, "test_connection")["result"] == "ok");
}

TEST_CASE("simulator: per-method latency") {
    auto o = quick();
    o.latency["get_view_state"] = 0.4;
    SimThread s(o);
    LineClient c(s.port);
    double t0 = mono_seconds();
    REQUIRE(c.call(1, "get_view_state").contains("result"));
    const double slow = mono_seconds() - t0;
    t0 = mono_seconds();
    REQUIRE(c.call(2, "test_connection").contains("result"));
    const double fast = mono_seconds() - t0;
    CHECK(slow >= 0.39);
    CHECK(fast < 0.3);
}

TEST_CASE("discovery: the scan_iscope reply parses, and a silent scope is allowed") {
    SECTION("the simulator's reply") {
        SimThread s(quick(), true);
        LineClient a(s.port), b(s.port);
        REQUIRE(a.call(1, "test_connection").contains("result"));
        REQUIRE(b.call(1, "test_connection").contains("result"));
        auto raw = udp_exchange(s.udp_port, seestar::encode_scan_request(7));
        REQUIRE(raw);
        std::string why;
        auto r = seestar::parse_scan_reply(*raw, &why);
        INFO(why);
        REQUIRE(r);
        CHECK(r->sn == "SIM0001");
        CHECK(r->product_model == "Seestar S50");
        CHECK(r->model == "Seestar S50");
        CHECK(r->tcp_client_num == 2);
        CHECK(r->is_verified == true);
        CHECK(json::parse(*raw)["id"] == 7);
        CHECK(s.sim.log_of("scan_iscope").size() == 1);
    }
    SECTION("udp_reply off: logged, not answered") {
        auto o = quick();
        o.udp_reply = false;
        SimThread s(o, true);
        CHECK_FALSE(udp_exchange(s.udp_port, seestar::encode_scan_request(), 0.5));
        CHECK(s.sim.log_of("scan_iscope").size() == 1);
    }
    SECTION("parsing rules") {
        const std::string full =
            "\xEF\xBB\xBF{\"code\":0,\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"scan_iscope\","
            "\"result\":{\"ssid\":\"S50_ab\",\"sn\":\"ab12\",\"product_model\":\"Seestar S30\","
            "\"is_verified\":false,\"tcp_client_num\":8}}\r\n";
        auto r = seestar::parse_scan_reply(full);
        REQUIRE(r);
        CHECK(r->model == "Seestar S30");  // falls back to product_model
        CHECK(r->tcp_client_num == 8);
        CHECK(r->is_verified == false);
        CHECK(r->bssid.empty());
        std::string why;
        CHECK_FALSE(seestar::parse_scan_reply("not json", &why));
        CHECK(why == "not JSON");
        CHECK_FALSE(seestar::parse_scan_reply(R"({"method":"test_connection","result":{}})", &why));
        CHECK(why.find("\"method\"") != std::string::npos);
        CHECK_FALSE(
            seestar::parse_scan_reply(R"({"method":"scan_iscope","code":103,"error":"x"})", &why));
        CHECK(why.find("\"code\"") != std::string::npos);
        CHECK_FALSE(seestar::parse_scan_reply(R"({"method":"scan_iscope","result":"ok"})", &why));
        CHECK(why.find("\"result\"") != std::string::npos);
        CHECK(seestar::encode_scan_request(3) ==
              "{\"id\":3,\"method\":\"scan_iscope\",\"params\":\"\"}\r\n");
    }
}

TEST_CASE("alpaca: management, errors and the shared device model") {
    auto o = quick();
    o.slew_seconds = 0.8;  // long enough to see `slewing` from another process under load
    SimThread s(o, false, true);
    const std::string api = "/api/v1/telescope/0/";
    auto get = [&](const std::string& m, const std::string& q = "") {
        return http_request(s.http_port, "GET", api + m + "?ClientID=1&ClientTransactionID=9" + q);
    };
    auto put = [&](const std::string& m, const std::string& form) {
        return http_request(s.http_port, "PUT", api + m,
                            "ClientID=1&ClientTransactionID=10" + (form.empty() ? "" : "&" + form));
    };

    auto versions = http_request(s.http_port, "GET", "/management/apiversions").json();
    CHECK(versions["Value"] == json::array({1}));
    auto devices = http_request(s.http_port, "GET", "/management/v1/configureddevices").json();
    REQUIRE(devices["Value"].size() == 1);
    CHECK(devices["Value"][0]["DeviceType"] == "Telescope");
    CHECK(http_request(s.http_port, "GET", "/api/v1/camera/7/nothing").status == 404);

    auto at_park = get("atpark").json();
    CHECK(at_park["Value"] == true);
    CHECK(at_park["ErrorNumber"] == 0);
    CHECK(at_park["ClientTransactionID"] == 9);
    const auto first_server_id = at_park["ServerTransactionID"].get<int>();
    CHECK(get("athome").json()["ServerTransactionID"] == first_server_id + 1);
    CHECK(get("canslewaltaz").json()["Value"] == false);
    CHECK(get("canslewasync").json()["Value"] == true);
    CHECK(get("canmoveaxis", "&Axis=0").json()["Value"] == true);
    CHECK(get("trackingrates").json()["Value"] == json::array({0, 1, 2}));

    // 1024 for what the device does not implement.
    CHECK(get("siteelevation").json()["ErrorNumber"] == 1024);
    CHECK(put("slewtoaltazasync", "Azimuth=10&Altitude=20").json()["ErrorNumber"] == 1024);
    // 1279 for slews while parked.
    auto parked_slew = put("slewtocoordinatesasync", "RightAscension=5&Declination=20").json();
    CHECK(parked_slew["ErrorNumber"] == 1279);
    CHECK(parked_slew["ClientTransactionID"] == 10);
    CHECK(put("moveaxis", "Axis=0&Rate=9").json()["ErrorNumber"] == 1025);
    CHECK(put("trackingrate", "TrackingRate=7").json()["ErrorNumber"] == 1025);
    CHECK(put("tracking", "Tracking=maybe").status == 400);

    // Unpark: the arm opens; JSON-RPC sees the same mount.
    CHECK(put("unpark", "").json()["ErrorNumber"] == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(get("atpark").json()["Value"] == false);
    LineClient c(s.port);
    CHECK(c.call(1, "get_device_state", {{"keys", {"mount"}}})["result"]["mount"]["close"] ==
          false);
    // Tracking off: 1279 again; with tracking on the slew runs and the mount arrives.
    CHECK(put("slewtocoordinatesasync", "RightAscension=5&Declination=20").json()["ErrorNumber"] ==
          1279);
    REQUIRE(put("tracking", "Tracking=true").json()["ErrorNumber"] == 0);
    CHECK(get("tracking").json()["Value"] == true);
    // A target above the horizon: the current RA/Dec plus a little.
    const double ra = get("rightascension").json()["Value"].get<double>();
    const double dec = get("declination").json()["Value"].get<double>();
    const double to_ra = std::fmod(ra + 0.2, 24.0), to_dec = std::min(80.0, dec + 3);
    REQUIRE(put("slewtocoordinatesasync", "RightAscension=" + std::to_string(to_ra) +
                                              "&Declination=" + std::to_string(to_dec))
                .json()["ErrorNumber"] == 0);
    CHECK(get("slewing").json()["Value"] == true);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    CHECK(get("slewing").json()["Value"] == false);
    CHECK(get("rightascension").json()["Value"].get<double>() == Approx(to_ra).margin(1e-6));
    CHECK(get("declination").json()["Value"].get<double>() == Approx(to_dec).margin(1e-6));
    auto coord = c.call(2, "scope_get_equ_coord")["result"];
    CHECK(coord["ra"].get<double>() == Approx(to_ra).margin(1e-6));
    // Site and time.
    CHECK(put("sitelatitude", "SiteLatitude=48.5").json()["ErrorNumber"] == 0);
    CHECK(c.call(3, "get_user_location")["result"]["lat"] == 48.5);
    CHECK(put("sitelatitude", "SiteLatitude=123").json()["ErrorNumber"] == 1025);
    const double lst = get("siderealtime").json()["Value"].get<double>();
    CHECK(lst >= 0);
    CHECK(lst < 24);
    CHECK(parse_iso8601(get("utcdate").json()["Value"].get<std::string>()));
    // Park through Alpaca shows on port 4700 as ScopeHome.
    CHECK(put("park", "").json()["ErrorNumber"] == 0);
    CHECK(c.event("ScopeHome", "complete", 2));
    CHECK(get("atpark").json()["Value"] == true);
    CHECK(s.sim.log_of("alpaca:PUT:park").size() == 1);

    // Alpaca discovery.
    auto disc = udp_exchange(s.alpaca_udp_port, "alpacadiscovery1");
    REQUIRE(disc);
    CHECK(json::parse(*disc)["AlpacaPort"] == s.http_port);
}

TEST_CASE("alpaca: enabling tracking on a target below the horizon is 1279") {
    auto o = quick();
    o.moon_alt_deg = -4;
    o.start_parked = false;
    SimThread s(o, false, true);
    LineClient c(s.port);
    int id = 0;
    REQUIRE(c.call(++id, "set_setting", {{"master_cli", true}})["code"] == 0);
    REQUIRE(c.call(++id, "iscope_start_view", {{"mode", "moon"}})["code"] == 0);
    REQUIRE(c.event("View", "working"));
    auto r = http_request(s.http_port, "PUT", "/api/v1/telescope/0/tracking",
                          "Tracking=true&ClientID=1&ClientTransactionID=1")
                 .json();
    CHECK(r["ErrorNumber"] == 1279);
    CHECK(r["ErrorMessage"].get<std::string>().find("below the horizon") != std::string::npos);
    auto track = c.event("ScopeTrack", "off");
    REQUIRE(track);
    CHECK((*track)["code"] == 270);
}

TEST_CASE("simulator: computed altitudes follow the Sun for the site and the clock") {
    // Greenwich, June solstice: the Sun culminates at 90 - 51.48 + 23.44 = 61.96 deg.
    ManualClock clock(*parse_iso8601("2026-06-21T12:02:00Z"));
    auto o = quick();
    o.altitudes = "computed";
    o.clock = &clock;
    o.start_parked = false;
    SimThread s(o);
    LineClient c(s.port);
    int id = 0;
    REQUIRE(c.call(++id, "set_user_location", {{"lat", 51.4779}, {"lon", -0.0015}})["code"] == 0);
    view_and_track(c, "sun", id);
    auto hz = c.call(++id, "scope_get_horiz_coord")["result"];
    CHECK(hz[0].get<double>() == Approx(61.96).margin(0.3));
    CHECK(hz[1].get<double>() == Approx(180).margin(3));
    // Half a day later the Sun is down: tracking and a new scan fail as the device does.
    c.messages.clear();
    clock.set(*parse_iso8601("2026-06-22T00:02:00Z"));
    auto off = c.event("ScopeTrack", "off", 2);  // the sky tick notices
    REQUIRE(off);
    CHECK((*off)["code"] == 270);
    REQUIRE(c.call(++id, "start_scan_planet")["code"] == 0);
    auto fail = c.event("ScopeGoto", "fail", 2);
    REQUIRE(fail);
    CHECK((*fail)["code"] == 501);
}

TEST_CASE("simulator: a target that sets stops tracking (270) and the recording") {
    auto o = quick();
    o.start_parked = false;
    SimThread s(o);
    LineClient c(s.port);
    int id = 0;
    view_and_track(c, "moon", id);
    REQUIRE(c.call(++id, "start_record_avi", {{"raw", false}})["code"] == 0);
    REQUIRE(c.event("AviRecord", "working"));
    c.messages.clear();
    s.sim.set_body_altitude(Target::kMoon, -1, 290);
    auto off = c.event("ScopeTrack", "off", 2);
    REQUIRE(off);
    CHECK((*off)["code"] == 270);
    REQUIRE(c.event("AviRecord", "complete", 2));
    CHECK(s.sim.device()["recording"] == false);
    CHECK(s.sim.device()["tracking"] == false);
}

TEST_CASE("simulator: with an invalid clock slews fail until pi_set_time") {
    auto o = quick();
    o.invalid_clock_at_boot = true;
    o.start_parked = false;
    SimThread s(o);
    LineClient c(s.port);
    int id = 0;
    REQUIRE(c.call(++id, "set_setting", {{"master_cli", true}})["code"] == 0);
    REQUIRE(c.call(++id, "iscope_start_view", {{"mode", "moon"}})["code"] == 0);
    REQUIRE(c.call(++id, "start_scan_planet")["code"] == 0);
    auto fail = c.event("ScopeGoto", "fail", 2);
    REQUIRE(fail);
    CHECK((*fail)["code"] == 501);
    bool sync_failed = false;
    for (int i = 0; i < 20 && !sync_failed; ++i) {
        for (const auto& m : c.messages)
            sync_failed =
                sync_failed || (m.value("Event", "") == "ScopeTrack" && m.value("code", 0) == 502);
        if (!sync_failed)
            c.next(0.1);
    }
    CHECK(sync_failed);
    REQUIRE(c.call(++id, "pi_set_time",
                   {{"year", 2026},
                    {"mon", 3},
                    {"day", 4},
                    {"hour", 5},
                    {"min", 6},
                    {"sec", 7},
                    {"time_zone", "UTC"}})["code"] == 0);
    auto t = c.call(++id, "pi_get_time")["result"];
    CHECK(t["year"] == 2026);
    CHECK(t["hour"] == 5);
    c.messages.clear();
    REQUIRE(c.call(++id, "start_scan_planet")["code"] == 0);
    CHECK(c.event("ScopeTrack", "on", 2));
}

TEST_CASE("simulator: recording faults and storage") {
    auto o = quick();
    o.start_parked = false;
    SimThread s(o);
    LineClient c(s.port);
    int id = 0;
    view_and_track(c, "moon", id);
    SECTION("accepted, never working") {
        s.sim.add_fault({sim::FaultKind::kRecordNoStart, "", 0, 0});
        REQUIRE(c.call(++id, "start_record_avi", {{"raw", false}})["code"] == 0);
        CHECK(c.event("AviRecord", "start"));
        CHECK_FALSE(c.event("AviRecord", "working", 0.5));
        CHECK_FALSE(c.call(++id, "get_view_state")["result"]["View"].contains("AviRecord"));
    }
    SECTION("storage full") {
        s.sim.set_storage_free_mb(0);
        REQUIRE(c.call(++id, "start_record_avi", {{"raw", false}})["code"] == 0);
        auto f = c.event("AviRecord", "fail");
        REQUIRE(f);
        CHECK((*f)["error"] == "storage is full");
        CHECK(c.call(++id, "get_device_state",
                     {{"keys",
                       {"storage"}}})["result"]["storage"]["storage_volume"][0]["free_mb"] == 0);
    }
    CHECK(s.sim.device()["recording"] == false);
    CHECK(s.sim.device()["files"] == 0);
}

TEST_CASE("simulator: reboot drops every socket and closes the port for a while") {
    auto o = quick();
    o.start_parked = false;
    SimThread s(o);
    LineClient c(s.port);
    int id = 0;
    view_and_track(c, "moon", id);
    s.sim.reboot(0.6);
    c.next(1);
    CHECK(c.eof());
    LineClient refused(s.port);
    CHECK_FALSE(refused.connected());
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    LineClient back(s.port);
    REQUIRE(back.connected());
    CHECK(back.call(1, "test_connection")["result"] == "ok");
    CHECK(back.call(2, "get_view_state")["result"]["View"].empty());
    CHECK(s.sim.device()["tracking"] == false);
}

TEST_CASE("simulator: reorder, duplicate ids and frozen coordinates") {
    auto o = quick();
    o.freeze_equ_coord = true;
    o.start_parked = false;
    SimThread s(o);
    LineClient c(s.port);
    SECTION("reorder: n+1 before n, then an event stamped earlier") {
        s.sim.add_fault({sim::FaultKind::kReorder, "test_connection", 0, 0});
        c.send({{"id", 1}, {"method", "test_connection"}});
        c.send({{"id", 2}, {"method", "pi_is_verified"}});
        auto first = c.next();
        auto second = c.next();
        auto third = c.next();
        REQUIRE(first);
        REQUIRE(second);
        REQUIRE(third);
        CHECK((*first)["id"] == 2);
        CHECK((*second)["id"] == 1);
        CHECK(third->contains("Event"));
        CHECK(std::stod((*third)["Timestamp"].get<std::string>()) <
              std::stod((*first)["Timestamp"].get<std::string>()));
    }
    SECTION("duplicate-id: another method's reply with the same id comes first") {
        s.sim.add_fault({sim::FaultKind::kDuplicateId, "test_connection", 0, 0});
        c.send({{"id", 5}, {"method", "test_connection"}});
        auto a = c.next();
        REQUIRE(a);
        CHECK((*a)["id"] == 5);
        CHECK((*a)["method"] == "scope_get_equ_coord");
        auto real = c.reply(5);  // past the reply for an unknown id
        REQUIRE(real);
        CHECK((*real)["method"] == "test_connection");
        CHECK((*real)["result"] == "ok");
        CHECK(c.reply(5, 1));  // and once more
    }
    SECTION("scope_get_equ_coord frozen while tracking the Sun") {
        int id = 0;
        view_and_track(c, "sun", id);
        const auto a = c.call(++id, "scope_get_equ_coord")["result"];
        std::this_thread::sleep_for(std::chrono::milliseconds(1200));
        const auto b = c.call(++id, "scope_get_equ_coord")["result"];
        const auto live = c.call(++id, "scope_get_ra_dec")["result"];
        CHECK(a == b);
        CHECK(live[0].get<double>() != Approx(a["ra"].get<double>()).margin(1e-7));
    }
}

TEST_CASE("simulator: the state machine from parked to recording and back, with its events") {
    SimThread s(quick());
    LineClient c(s.port);
    REQUIRE(c.connected());
    int id = 0;
    REQUIRE(s.sim.device()["parked"] == true);
    REQUIRE(c.call(++id, "set_setting", {{"master_cli", true}})["code"] == 0);
    // Parked -> the arm opens by itself on a view request (an assumption of the reference).
    REQUIRE(c.call(++id, "iscope_start_view",
                   {{"mode", "moon"}, {"target_name", "Moon"}})["code"] == 0);
    REQUIRE(c.event("ScopeMoveToHorizon", "complete"));
    REQUIRE(c.event("View", "working"));
    CHECK(s.sim.device()["parked"] == false);
    CHECK(s.sim.device()["mode"] == "moon");
    // View -> slewing.
    REQUIRE(c.call(++id, "start_scan_planet")["code"] == 0);
    REQUIRE(c.event("ScanMoon", "working"));
    REQUIRE(c.event("ScopeGoto", "working"));
    // Slewing -> tracking.
    REQUIRE(c.event("ScopeGoto", "complete", 3));
    REQUIRE(c.event("ScanMoon", "complete"));
    REQUIRE(c.event("ScopeTrack", "on"));
    CHECK(s.sim.device()["tracking"] == true);
    CHECK(s.sim.device()["slewing"] == false);
    auto vs = c.call(++id, "get_view_state");
    CHECK(vs["result"]["View"]["mode"] == "moon");
    // Tracking -> recording.
    REQUIRE(c.call(++id, "start_record_avi", {{"raw", false}})["code"] == 0);
    REQUIRE(c.event("AviRecord", "working"));
    CHECK(s.sim.device()["recording"] == true);
    vs = c.call(++id, "get_view_state");
    CHECK(vs["result"]["View"]["AviRecord"]["state"] == "working");
    // Recording -> tracking; a file in the albums.
    REQUIRE(c.call(++id, "stop_record_avi")["code"] == 0);
    REQUIRE(c.event("AviRecord", "complete"));
    CHECK(s.sim.device()["recording"] == false);
    CHECK(s.sim.device()["files"] == 1);
    // Tracking -> idle -> parked.
    REQUIRE(c.call(++id, "iscope_stop_view")["code"] == 0);
    REQUIRE(c.event("View", "cancel"));
    CHECK(s.sim.device()["mode"] == "none");
    REQUIRE(c.call(++id, "scope_park")["code"] == 0);
    REQUIRE(c.event("ScopeHome", "complete", 3));
    CHECK(s.sim.device()["parked"] == true);

    // The events came in the order of the transitions.
    std::vector<std::string> order;
    for (const auto& m : c.messages)
        if (m.contains("Event") && m["Event"] != "PiStatus")
            order.push_back(m["Event"].get<std::string>() + ":" + m.value("state", ""));
    auto at = [&](const std::string& e) {
        return std::find(order.begin(), order.end(), e) - order.begin();
    };
    CHECK(at("ScopeMoveToHorizon:complete") < at("ScanMoon:working"));
    CHECK(at("ScanMoon:working") < at("ScopeTrack:on"));
    CHECK(at("ScopeTrack:on") < at("AviRecord:working"));
    CHECK(at("AviRecord:working") < at("AviRecord:complete"));
    CHECK(at("AviRecord:complete") < at("ScopeHome:complete"));

    // Every command was logged, in order, with increasing timestamps.
    const auto log = s.sim.log();
    std::vector<std::string> sent;
    for (std::size_t i = 0; i < log.size(); ++i) {
        sent.push_back(log[i].method);
        if (i > 0)
            CHECK(log[i].time >= log[i - 1].time);
    }
    CHECK(sent == std::vector<std::string>{"set_setting", "iscope_start_view", "start_scan_planet",
                                           "get_view_state", "start_record_avi", "get_view_state",
                                           "stop_record_avi", "iscope_stop_view", "scope_park"});
}
