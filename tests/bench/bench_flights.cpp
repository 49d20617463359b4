// Flight pipeline benchmark (figures: docs/performance.md, "Flight pipeline").
//
// 1. Parse + merge throughput: a 5,000-aircraft aircraft.json generated from the real local
//    sample's record shapes (every field it carries, positions spread around London), parsed
//    with flights::parse_flights and merged into the FlightCache: once with every position new,
//    once repeated (all duplicates). Goal >= 1 M aircraft/s.
// 2. Latency from a new fix on a push feed to the updated prediction on `watch`: the real
//    zipcatcherd reads an SBS-1 feed over TCP from this process; each aircraft is put on a
//    course through the Sun and its MSG,3 line is timed until the `prediction` event (`new`)
//    arrives on a watch connection, then a second fix moves it off course and the `gone` event
//    is timed as well. Goal p99 <= 20 ms.
//
//   bench_flights [AIRCRAFT_FOR_LATENCY]   (default 300, i.e. 600 timed fixes)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "astro/body.h"
#include "astro/refraction.h"
#include "flights/flight_cache.h"
#include "flights/parsers.h"
#include "flights/units.h"
#include "geo/angles.h"
#include "geo/local_frame.h"
#include "geo/propagation.h"
#include "geoid/site.h"
#include "protocol/client.h"
#include "transit/observer.h"

using namespace zc;
using nlohmann::json;
using Steady = std::chrono::steady_clock;

namespace {

double percentile(std::vector<double> v, double p) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

double ms_since(Steady::time_point t0) {
    return std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// ---- 1. parse + merge --------------------------------------------------------------------

/// 5,000 aircraft in the shapes of the real sample (each entry a copy of one of its records,
/// with its own hex, a fresh position near London and a recent seen_pos).
std::string make_document(std::size_t n, double now_s) {
    const json sample =
        json::parse(read_file(std::string(ZC_SAMPLES_DIR) + "/readsb-aircraft-json-local.json"));
    std::vector<json> shapes;
    for (const auto& a : sample["aircraft"])
        if (a.contains("lat") && a.contains("alt_baro") && a["alt_baro"].is_number())
            shapes.push_back(a);
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(-1, 1);
    json doc = {{"now", now_s}, {"messages", 54541153}, {"aircraft", json::array()}};
    for (std::size_t i = 0; i < n; ++i) {
        json a = shapes[i % shapes.size()];
        char hex[16];
        std::snprintf(hex, sizeof hex, "%06zx", 0x400000 + i);
        a["hex"] = hex;
        a["lat"] = 51.5 + 2.0 * u(rng);
        a["lon"] = -0.1 + 3.0 * u(rng);
        a["seen_pos"] = std::round(5 * (u(rng) + 1)) / 10;  // 0..1 s
        doc["aircraft"].push_back(std::move(a));
    }
    return doc.dump();
}

void bench_parse_merge() {
    constexpr std::size_t kAircraft = 5000;
    constexpr int kRounds = 20;
    const double t_doc = 1'785'349'721.5;
    std::vector<std::string> docs;
    for (int r = 0; r < kRounds; ++r)
        docs.push_back(make_document(kAircraft, t_doc + r));  // every round: new positions
    std::printf("parse + merge: %zu aircraft, %.2f MB per document, %d documents\n", kAircraft,
                static_cast<double>(docs[0].size()) / 1e6, kRounds);

    std::vector<double> parse_ms, merge_new_ms, merge_dup_ms;
    std::size_t fixes = 0, fresh = 0;
    flights::FlightCache cache;
    for (int r = 0; r < kRounds; ++r) {
        const UtcTime now = from_unix_seconds(t_doc + r + 0.5);
        auto t0 = Steady::now();
        const auto parsed = flights::parse_flights(docs[static_cast<std::size_t>(r)]);
        parse_ms.push_back(ms_since(t0));
        fixes = parsed.fixes.size();
        auto copy = parsed.fixes;
        t0 = Steady::now();
        fresh = 0;
        for (auto& f : copy)
            fresh += cache.add(std::move(f), "local", now) == flights::Ingest::New;
        merge_new_ms.push_back(ms_since(t0));
        copy = parsed.fixes;
        t0 = Steady::now();
        for (auto& f : copy)
            cache.add(std::move(f), "local", now);
        merge_dup_ms.push_back(ms_since(t0));
    }
    const double p = percentile(parse_ms, 0.5), mn = percentile(merge_new_ms, 0.5),
                 md = percentile(merge_dup_ms, 0.5);
    auto rate = [&](double ms) { return static_cast<double>(kAircraft) / (ms / 1000) / 1e6; };
    std::printf("  fixes per document            %zu (%zu new in the last round)\n", fixes, fresh);
    std::printf("  parse (median)                %7.2f ms  %5.2f M aircraft/s\n", p, rate(p));
    std::printf("  merge, all new (median)       %7.2f ms  %5.2f M aircraft/s\n", mn, rate(mn));
    std::printf("  merge, all repeats (median)   %7.2f ms  %5.2f M aircraft/s\n", md, rate(md));
    std::printf("  parse + merge (goal >= 1 M/s) %7.2f ms  %5.2f M aircraft/s\n", p + mn,
                rate(p + mn));
}

// ---- 2. push feed -> watch latency --------------------------------------------------------

constexpr const char* kStart = "2026-06-21T10:00:00Z";
constexpr int kGapMs = 40;  // between timed fixes

struct Feed {
    int listen_fd = -1, fd = -1;
    unsigned short port = 0;
    void open() {
        listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (::bind(listen_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
            ::listen(listen_fd, 1) != 0 ||
            ::getsockname(listen_fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            throw std::runtime_error("cannot listen");
        port = ntohs(a.sin_port);
    }
    bool accept(int timeout_ms) {
        pollfd p{listen_fd, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) != 1)
            return false;
        fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
        return fd >= 0;
    }
    void send(const std::string& s) const {
        std::size_t off = 0;
        while (off < s.size()) {
            const ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
            if (n <= 0)
                throw std::runtime_error("feed connection lost");
            off += static_cast<std::size_t>(n);
        }
    }
};

std::string sbs_time(UtcTime t, bool date) {
    const std::string iso = format_iso8601(t);  // YYYY-MM-DDTHH:MM:SS.mmmZ
    if (date) {
        std::string d = iso.substr(0, 10);
        std::replace(d.begin(), d.end(), '-', '/');
        return d;
    }
    return iso.substr(11, 12);
}

struct Course {
    geo::Motion at_t0;
    UtcTime t0;
    geo::Geodetic at(UtcTime t, double* track) const {
        const geo::Propagator p(at_t0);
        const auto s = p.at(to_seconds(t - t0));
        const auto g = geo::ecef_to_geodetic(s.position);
        const auto v = geo::LocalFrame(g).rotate_to_enu(s.velocity);
        *track = geo::wrap_360(geo::rad2deg(std::atan2(v.x, v.y)));
        return g;
    }
};

/// 10 km up on the line of sight to the Sun's apparent centre at t0 (or miss_deg above it),
/// flying across; as zipcatcherd sees it from the observer below.
Course sun_course(const transit::Observer& obs, UtcTime t0, double miss_deg) {
    const auto sun = astro::body_position(astro::Body::Sun, t0, obs.site, obs.atmosphere, obs.eop);
    const geo::LocalFrame f(obs.geodetic());
    const double el_app = sun.alt_deg + miss_deg;
    double el = el_app;
    geo::Vec3 p{};
    for (int i = 0; i < 20; ++i) {
        const geo::Vec3 dir = f.rotate_to_ecef(geo::enu_direction(sun.az_deg, el));
        double lo = 0, hi = 3e6;
        for (int k = 0; k < 100; ++k) {
            const double mid = 0.5 * (lo + hi);
            (geo::ecef_to_geodetic(f.origin_ecef() + dir * mid).height_m < 10000 ? lo : hi) = mid;
        }
        p = f.origin_ecef() + dir * lo;
        el = el_app - astro::aircraft_refraction_deg(el, geo::norm(p - f.origin_ecef()), 10000,
                                                     obs.atmosphere, obs.site.height_m);
    }
    Course c;
    c.t0 = t0;
    c.at_t0.start = geo::ecef_to_geodetic(p);
    c.at_t0.ground_speed_mps = 230;
    c.at_t0.track_deg = geo::wrap_360(sun.az_deg + 90);
    return c;
}

void bench_latency(int aircraft) {
    char tmpl[] = "/tmp/zcf-XXXXXX";
    const std::filesystem::path dir = ::mkdtemp(tmpl);
    const std::string sock = (dir / "c.sock").string();
    const std::string conf = (dir / "z.conf").string();
    std::ofstream(conf) << "[observer]\nlatitude = 51.4779\nlongitude = -0.0015\nelevation = 46\n";
    Feed feed;
    feed.open();

    // The observer as zipcatcherd computes it (EGM96 geoid, standard pressure at 46 m, 10 C).
    transit::Observer obs;
    const auto site = geoid::site_from_msl(51.4779, -0.0015, 46);
    obs.site = site.site;
    obs.atmosphere = {astro::standard_pressure_hpa(46), 10.0, 0.0};
    // SBS carries pressure altitude; the daemon raises it by the geoid height N near the
    // observer (~45 m here), so the course is flown at 10 km - N "barometric".
    const double n_geoid = site.geoid_m;

    const std::string sbs = "127.0.0.1:" + std::to_string(feed.port);
    const std::vector<std::string> args = {ZC_DAEMON_BIN,
                                           "--foreground",
                                           "--log-level",
                                           "warn",
                                           "--config",
                                           conf,
                                           "--socket",
                                           sock,
                                           "--paths.state_dir",
                                           (dir / "state").string(),
                                           "--paths.log_dir",
                                           (dir / "log").string(),
                                           "--http.enabled=false",
                                           "--clock.start",
                                           kStart,
                                           "--transit.target",
                                           "sun",
                                           "--sources.opensky.enabled=false",
                                           "--sources.adsb_one.enabled=false",
                                           "--sources.adsb_lol.enabled=false",
                                           "--sources.adsb_fi.enabled=false",
                                           "--sources.local.sbs",
                                           sbs};
    const auto launched = Steady::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        std::vector<std::string> a = args;
        if (::geteuid() == 0)
            a.push_back("--allow-root");
        std::vector<char*> argv;
        for (auto& s : a)
            argv.push_back(s.data());
        argv.push_back(nullptr);
        ::execv(ZC_DAEMON_BIN, argv.data());
        ::_exit(127);
    }
    const UtcTime start = *parse_iso8601(kStart);
    // The daemon's demo clock runs at real speed from kStart (set a few ms after our launch).
    auto daemon_now = [&] {
        return start + std::chrono::duration_cast<Duration>(Steady::now() - launched);
    };
    if (!feed.accept(20000)) {
        std::printf("latency: zipcatcherd did not connect to the SBS feed\n");
        ::kill(pid, SIGTERM);
        ::waitpid(pid, nullptr, 0);
        return;
    }
    for (int i = 0; i < 2000 && !std::filesystem::exists(sock); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    protocol::ControlClient watch(sock);
    auto r = watch.call("watch", {{"events", {"prediction"}}});
    if (r.result != protocol::Result::kSuccess)
        throw std::runtime_error("watch: " + r.text);

    auto lines = [&](const std::string& hex, UtcTime t, const Course& c, double vr_fpm) {
        double track = 0;
        const geo::Geodetic g = c.at(t, &track);
        char buf[512];
        const std::string d = sbs_time(t, true), tm = sbs_time(t, false);
        const double gs_kt = c.at_t0.ground_speed_mps / flights::units::kKnotMps;
        const double alt_ft = (g.height_m - n_geoid) / flights::units::kFootM;
        std::string out;
        std::snprintf(buf, sizeof buf, "MSG,4,1,1,%s,1,%s,%s,%s,%s,,,%.1f,%.2f,,,%.0f,,0,0,0,0\r\n",
                      hex.c_str(), d.c_str(), tm.c_str(), d.c_str(), tm.c_str(), gs_kt, track,
                      vr_fpm);
        out += buf;
        std::snprintf(buf, sizeof buf, "MSG,3,1,1,%s,1,%s,%s,%s,%s,,%.1f,,,%.6f,%.6f,,,0,0,0,0\r\n",
                      hex.c_str(), d.c_str(), tm.c_str(), d.c_str(), tm.c_str(), alt_ft, g.lat_deg,
                      g.lon_deg);
        return std::make_pair(std::string(buf), out);
    };
    auto wait_event = [&](const std::string& hex, const std::string& change) -> bool {
        while (auto line = watch.read_line(std::chrono::milliseconds(2000))) {
            const auto e = json::parse(*line, nullptr, false);
            if (e.is_object() && e.value("key", "") == hex && e.value("change", "") == change)
                return true;
        }
        return false;
    };

    std::vector<double> new_ms, gone_ms;
    int lost = 0;
    for (int i = 0; i < aircraft; ++i) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "%06x", 0x500000 + i);
        const UtcTime now = daemon_now();
        const UtcTime t0 = now + std::chrono::seconds(60);
        const Course on = sun_course(obs, t0, 0.0);
        const Course off = sun_course(obs, t0, 5.0);
        // Velocity first (MSG,4), then the timed position (MSG,3) that completes the fix.
        auto [pos, vel] = lines(hex, now - std::chrono::milliseconds(50), on, 0);
        feed.send(vel);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        auto t_send = Steady::now();
        feed.send(pos);
        if (wait_event(hex, "new"))
            new_ms.push_back(ms_since(t_send));
        else
            ++lost;
        // Each timed fix finds the daemon idle: the previous one's work (the lifecycle service
        // appends and fsyncs the possible-transits log) is not charged to it.
        std::this_thread::sleep_for(std::chrono::milliseconds(kGapMs));
        // Half a second later it is 5 deg off: the candidate goes away.
        const UtcTime later = daemon_now();
        auto [pos2, vel2] = lines(hex, later, off, 0);
        feed.send(vel2);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        t_send = Steady::now();
        feed.send(pos2);
        if (wait_event(hex, "gone"))
            gone_ms.push_back(ms_since(t_send));
        else
            ++lost;
        std::this_thread::sleep_for(std::chrono::milliseconds(kGapMs));
    }
    std::vector<double> all = new_ms;
    all.insert(all.end(), gone_ms.begin(), gone_ms.end());
    std::printf(
        "push feed -> watch: %zu timed fixes (%zu appear, %zu go away) %d ms apart, %d "
        "without event\n",
        all.size(), new_ms.size(), gone_ms.size(), kGapMs, lost);
    std::printf("  appear  p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", percentile(new_ms, 0.5),
                percentile(new_ms, 0.99), percentile(new_ms, 1.0));
    std::printf("  go away p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", percentile(gone_ms, 0.5),
                percentile(gone_ms, 0.99), percentile(gone_ms, 1.0));
    std::printf("  all     p50 %.2f ms  p99 %.2f ms  (goal p99 <= 20 ms)\n", percentile(all, 0.5),
                percentile(all, 0.99));
    try {
        protocol::ControlClient c(sock);
        const auto st = c.call("status");
        for (const auto& comp : st.arguments["components"])
            if (comp["name"] == "flights")
                std::printf("  flights component: %s; Sun/Moon track rebuild %.2f ms\n",
                            comp.value("detail", "").c_str(),
                            comp["data"].value("track_build_ms", 0.0));
    } catch (const std::exception& e) {
        std::printf("  status: %s\n", e.what());
    }
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
    ::close(feed.fd);
    ::close(feed.listen_fd);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

}  // namespace

int main(int argc, char** argv) {
    const int aircraft = argc > 1 ? std::atoi(argv[1]) : 300;
    bench_parse_merge();
    bench_latency(aircraft);
    return 0;
}
