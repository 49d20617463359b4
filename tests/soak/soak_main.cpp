// zc-soak: runs the real zipcatcherd for a while against the Seestar simulator (in this process,
// on its own thread) and a mock flight feed, does ordinary work through every interface
// (control calls, captures, gallery uploads and reads) and injects faults at random from a
// seeded RNG: Seestar drops, stalls and malformed replies, 429/5xx from the feed, slow HTTP
// clients, control clients that vanish mid-request, SIGHUP reloads and a log disk that fills
// up. Afterwards it checks that the daemon still answers, that it holds no more descriptors
// and no more than 1 MiB more memory than after the warm-up, that every capture ended recorded
// or missed with a reason, that no access-log line was lost or torn, and that every uploaded
// image reads back byte for byte. Prints the figures; exit 0 only when every check passed.
//
//   zc-soak --daemon build/daemon/zipcatcherd --duration 180 [--seed 1] [--warmup 60]
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include "config/schema.h"
#include "flights/parsers.h"
#include "mock_http_server.h"
#include "process.h"
#include "protocol/client.h"
#include "seestar_sim.h"
#include "soak_actors.h"
#include "soak_support.h"
#include "temp_dir.h"

namespace po = boost::program_options;
using nlohmann::json;
using namespace zc;
using namespace zc::soak;

namespace {

// The gallery token of the soak's daemon; never a real one.
constexpr const char* kToken = "soak-token-0123456789abcdefghijklmnopqrstuvwxyzABCDEF";

struct Options {
    std::string daemon;
    double duration = 180;
    double warmup = -1;  // default: a third of the duration, at most 120 s
    unsigned seed = 1;
    bool disk_full = true;
    /// > 0: uploads beyond this many are verified and deleted again, so the gallery (and the
    /// daemon's cached listing of it) stays the same size and RSS measures leaks, not the
    /// collection growing. 0: every upload stays.
    std::size_t gallery_keep = 0;
};

struct Check {
    std::string name;
    bool ok = true;
    std::string detail;
};

/// Counts of what was done and injected, printed at the end.
struct Tally {
    std::map<std::string, int> faults, work;
    void fault(const std::string& k) { ++faults[k]; }
    void did(const std::string& k) { ++work[k]; }
};

// ---- the run ----

class Soak {
  public:
    explicit Soak(Options o) : opt_(std::move(o)), rng_(opt_.seed) {}
    ~Soak() {
        watch_.reset();
        if (sim_) {
            sim_->stop();
            sim_io_.stop();
        }
        if (sim_thread_.joinable())
            sim_thread_.join();
    }

    int run();

  private:
    void write_config(const std::string& level);
    void start_daemon();
    bool call_ok(const std::string& command, const json& args = json::object(),
                 json* out = nullptr);
    json call(const std::string& command, const json& args = json::object());
    bool wait_scope_ready(double seconds);
    void quiesce(const char* why);

    void work_status();
    void work_upload();
    void retire_oldest_upload();
    void work_probe();
    void work_capture();
    void inject_fault();
    void disk_full_begin();
    void disk_full_end();

    void final_checks();
    void report();

    double uniform(double a, double b) { return std::uniform_real_distribution<>(a, b)(rng_); }
    int pick(int n) { return std::uniform_int_distribution<>(0, n - 1)(rng_); }

    Options opt_;
    std::mt19937 rng_;
    test::TempDir dir_;
    std::filesystem::path logfs_;  // the access log's file system
    bool disk_full_possible_ = false;
    std::string disk_full_why_;
    unsigned short http_port_ = 0;
    std::string socket_;
    std::unique_ptr<test::Child> daemon_;

    boost::asio::io_context sim_io_;
    std::unique_ptr<sim::SeestarSim> sim_;
    std::uint16_t sim_port_ = 0;
    std::thread sim_thread_;
    std::mutex sim_mu_;
    std::string sim_failed_;  // why the simulator thread ended early (guarded by sim_mu_)
    std::unique_ptr<Feed> feed_;
    std::unique_ptr<CaptureWatch> watch_;
    std::unique_ptr<Slowloris> slow_;

    Tally tally_;
    std::vector<Check> checks_;
    std::string level_ = "info";
    std::string scope_state_;
    std::optional<Steady::time_point> last_full_;

    // Work records.
    struct Upload {
        std::string path, sha256;
        std::size_t bytes;
    };
    std::vector<Upload> uploads_;
    struct Probe {
        std::string path;
        Steady::time_point sent, answered;
    };
    std::vector<Probe> probes_;
    std::vector<std::string> captures_;
    std::vector<std::pair<Steady::time_point, Steady::time_point>> full_windows_;
    std::optional<Steady::time_point> full_since_;
    int status_calls_ = 0, status_failures_ = 0;
    double status_worst_ms_ = 0;
    int probe_n_ = 0, upload_failures_ = 0;
    int uploads_deleted_ = 0, corrupt_before_delete_ = 0;
    std::string corrupt_detail_;

    std::size_t fd_warm_ = 0, fd_end_ = 0;
    long rss_warm_ = 0, rss_end_ = 0;
    std::vector<std::string> fds_warm_;
    std::size_t feed_warm_ = 0;  // keep-alive connections to the feed at the warm-up
};

void Soak::write_config(const std::string& level) {
    std::string c =
        "# zc-soak\n[observer]\nlatitude = 51.4779\nlongitude = -0.0015\n"
        "elevation = 46\n[log]\nlevel = " +
        level + "\n[gallery]\nauth_token = " + kToken +
        "\n[http]\naccess_log = " + (logfs_ / "access.log").string() + "\n";
    test::write_file(dir_ / "zipcatcher.conf", c, 0600);
}

void Soak::start_daemon() {
    http_port_ = [] {
        auto s = Socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        ::bind(s.fd(), reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::getsockname(s.fd(), reinterpret_cast<sockaddr*>(&a), &len);
        return ntohs(a.sin_port);
    }();
    socket_ = (dir_ / "c.sock").string();
    std::vector<std::string> args{"--foreground",
                                  "--config",
                                  (dir_ / "zipcatcher.conf").string(),
                                  "--socket",
                                  socket_,
                                  "--paths.state_dir",
                                  (dir_ / "state").string(),
                                  "--paths.log_dir",
                                  (dir_ / "log").string(),
                                  "--http.bind",
                                  "127.0.0.1:" + std::to_string(http_port_),
                                  "--seestar.enabled",
                                  "true",
                                  "--seestar.host",
                                  "127.0.0.1",
                                  "--seestar.port",
                                  std::to_string(sim_port_),
                                  "--seestar.heartbeat_interval",
                                  "1",
                                  "--seestar.retry_initial_delay",
                                  "0.2",
                                  "--seestar.retry_max_delay",
                                  "1",
                                  "--seestar.timeout",
                                  "2"};
    // Every flight source off (none may reach the internet) but one, pointed at the mock feed.
    for (const auto& spec : config::schema()) {
        if (spec.name.starts_with("sources.") && spec.name.ends_with(".enabled")) {
            args.push_back("--" + spec.name);
            args.push_back(feed_ && spec.name == "sources.adsb_lol.enabled" ? "true" : "false");
        }
    }
    if (feed_) {
        // A fixed query box: the corridor is empty (nothing polled) while the Sun and Moon
        // are low, and the soak must poll whatever the time of day.
        for (const char* a : {"--area.lat_lower_left", "51.0", "--area.lon_lower_left", "-0.5",
                              "--area.lat_upper_right", "52.0", "--area.lon_upper_right", "0.5"})
            args.push_back(a);
        for (const char* a : {"--sources.poll_idle_interval", "2", "--sources.poll_min_interval",
                              "1", "--sources.adsb_lol.base_url"})
            args.push_back(a);
        args.push_back(feed_->base_url());
    }
    if (::geteuid() == 0)
        args.push_back("--allow-root");
    test::Env env{{"PATH", "/usr/bin:/bin"},
                  {"HOME", dir_.path().string()},
                  {"XDG_RUNTIME_DIR", (dir_ / "run").string()},
                  {"XDG_STATE_HOME", (dir_ / "state").string()},
                  {"XDG_CONFIG_HOME", (dir_ / "cfg").string()}};
    for (const char* v : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"})
        if (const char* s = std::getenv(v))
            env[v] = s;
    daemon_ = std::make_unique<test::Child>(opt_.daemon, args, env, dir_ / "log");
    if (!test::wait_for_socket(socket_, std::chrono::seconds(30)))
        throw std::runtime_error("zipcatcherd did not start; stderr:\n" + daemon_->err());
}

json Soak::call(const std::string& command, const json& args) {
    protocol::ControlClient c(socket_);
    const auto r = c.call(command, args, std::chrono::seconds(10));
    return json{
        {"result", static_cast<int>(r.result)}, {"text", r.text}, {"arguments", r.arguments}};
}

bool Soak::call_ok(const std::string& command, const json& args, json* out) {
    try {
        auto r = call(command, args);
        if (out)
            *out = r;
        return r["result"] == 0;
    } catch (const std::exception& e) {
        if (out)
            *out = json{{"result", -1}, {"text", e.what()}};
        return false;
    }
}

/// Linked: "ready", or "degraded" (e.g. another client holds master until the next view).
bool Soak::wait_scope_ready(double seconds) {
    const auto t0 = Steady::now();
    while (seconds_since(t0) < seconds) {
        json r;
        if (call_ok("scope-status", json::object(), &r)) {
            scope_state_ = r["arguments"].value("state", "?") + ": " +
                           r["arguments"].value("reason", r["arguments"].value("detail", ""));
            const auto state = r["arguments"].value("state", "");
            if (state == "ready" || state == "degraded")
                return true;
        }
        std::this_thread::sleep_for(200ms);
    }
    return false;
}

/// A quiet moment for the figures: no fault pending, the scope linked, the disk free, every
/// transient connection of ours closed and given time to be noticed.
void Soak::quiesce(const char* why) {
    sim_->clear_faults();
    if (full_since_)
        disk_full_end();
    slow_->close_all();
    if (!wait_scope_ready(30))
        checks_.push_back({std::string("scope linked again at ") + why, false,
                           "not within 30 s; last state " + scope_state_});
    std::this_thread::sleep_for(3s);
}

void Soak::work_status() {
    const auto t0 = Steady::now();
    ++status_calls_;
    json r;
    if (!call_ok("status", json::object(), &r)) {
        ++status_failures_;
        std::fprintf(stderr, "zc-soak: status failed: %s\n", r.dump().c_str());
    }
    status_worst_ms_ = std::max(status_worst_ms_, seconds_since(t0) * 1000);
    tally_.did("status");
}

void Soak::work_upload() {
    const int n = static_cast<int>(uploads_.size()) + upload_failures_ + 1;
    std::string image = std::string("\x89PNG\r\n\x1a\n", 8);
    const auto size = static_cast<std::size_t>(uniform(100, 200000));
    std::uniform_int_distribution<int> byte(0, 255);
    while (image.size() < size)
        image += static_cast<char>(byte(rng_));
    const std::string boundary = "zcSoakBoundary" + std::to_string(rng_());
    const std::string body = "--" + boundary +
                             "\r\nContent-Disposition: form-data; name=\"file\"; "
                             "filename=\"soak-" +
                             std::to_string(n) + ".png\"\r\nContent-Type: image/png\r\n\r\n" +
                             image + "\r\n--" + boundary +
                             "\r\nContent-Disposition: form-data; name=\"flight_id\"\r\n\r\nSOAK" +
                             std::to_string(n) + "\r\n--" + boundary + "--\r\n";
    const auto r = http(http_port_, "POST", "/gallery/upload",
                        {"Authorization: Bearer " + std::string(kToken),
                         "Content-Type: multipart/form-data; boundary=" + boundary},
                        body);
    const auto j = json::parse(r.body, nullptr, false);
    if (r.status != 200 || !j.is_object() || !j.contains("path")) {
        ++upload_failures_;
        std::fprintf(stderr, "zc-soak: upload failed: %d %s %s\n", r.status, r.error.c_str(),
                     r.body.c_str());
        return;
    }
    uploads_.push_back({j["path"].get<std::string>(), sha256_hex(image), image.size()});
    tally_.did("upload");
    if (opt_.gallery_keep > 0 && uploads_.size() > opt_.gallery_keep)
        retire_oldest_upload();
}

void Soak::retire_oldest_upload() {
    const Upload u = uploads_.front();
    // Checked before it goes: the final check can no longer see it.
    const auto data =
        test::read_file(dir_ / "state" / "gallery" / u.path.substr(std::string("gallery/").size()));
    if (sha256_hex(data) != u.sha256) {
        ++corrupt_before_delete_;
        corrupt_detail_ += "\n    " + u.path + ": " + std::to_string(data.size()) + " of " +
                           std::to_string(u.bytes) + " bytes, sha256 differs (before delete)";
    }
    // `path` is the form delete takes (gallery/YYYY/MM/name), as the gallery page sends it.
    const auto r = http(http_port_, "DELETE", "/gallery/delete/" + u.path,
                        {"Authorization: Bearer " + std::string(kToken)}, "");
    if (r.status != 200)
        return;  // still in the gallery: verified again at the end
    uploads_.erase(uploads_.begin());
    ++uploads_deleted_;
    tally_.did("upload-deleted");
}

void Soak::work_probe() {
    // A unique path per probe, so the access log can be checked line by line.
    Probe p{"/gallery/2026/01/probe-" + std::to_string(++probe_n_) + ".png", Steady::now(), {}};
    const auto r = http(http_port_, "GET", p.path);
    p.answered = Steady::now();
    if (r.status == 404)
        probes_.push_back(p);
    tally_.did("probe");
}

void Soak::work_capture() {
    // Short Moon captures a few seconds ahead, never overlapping (they would merge).
    const auto at = std::chrono::system_clock::now() + 4s;
    const auto text = format_iso8601(std::chrono::time_point_cast<Duration>(at));
    json r;
    if (!call_ok("capture", {{"target", "moon"}, {"duration", 2}, {"at", text}}, &r)) {
        std::fprintf(stderr, "zc-soak: capture refused: %s\n", r.dump().c_str());
        checks_.push_back({"capture scheduled", false, r.dump()});
        return;
    }
    captures_.push_back(r["arguments"].value("id", ""));
    tally_.did("capture");
}

void Soak::disk_full_begin() {
    fill_disk(logfs_ / "filler");
    full_since_ = Steady::now();
    tally_.fault("disk-full");
}

void Soak::disk_full_end() {
    std::error_code ec;
    std::filesystem::remove(logfs_ / "filler", ec);
    full_windows_.push_back({*full_since_, Steady::now()});
    full_since_.reset();
}

void Soak::inject_fault() {
    using sim::FaultKind;
    // The simulator's connection and device faults (tests/sim/seestar_sim.h; the ones bound to
    // one method, e.g. storage-full to start_record_avi, wait for it). Not reboot: with clients
    // connected, the simulator's re-bind after it fails ("bind: Address already in use").
    // Authentication faults need a key pair and are the seestar tests' business; a Wi-Fi drop and a
    // phone app taking master at any moment are calls of their own, below.
    static const std::vector<std::pair<FaultKind, const char*>> kScope = {
        {FaultKind::kDrop, "scope-drop"},
        {FaultKind::kHalfReply, "scope-half-reply"},
        {FaultKind::kRst, "scope-rst"},
        {FaultKind::kDropAfter, "scope-drop-after"},
        {FaultKind::kStall, "scope-stall"},
        {FaultKind::kDelay, "scope-delay"},
        {FaultKind::kSilence, "scope-silence"},
        {FaultKind::kReorder, "scope-reorder"},
        {FaultKind::kFragment, "scope-fragment"},
        {FaultKind::kCoalesce, "scope-coalesce"},
        {FaultKind::kBigReply, "scope-big-reply"},
        {FaultKind::kBom, "scope-bom"},
        {FaultKind::kBareLf, "scope-bare-lf"},
        {FaultKind::kMalformed, "scope-malformed"},
        {FaultKind::kDuplicateId, "scope-duplicate-id"},
        {FaultKind::kError, "scope-error"},
        {FaultKind::kRefuseMaster, "scope-refuse-master"},
        {FaultKind::kStealMaster, "scope-steal-master-reply"},
        {FaultKind::kTrackError, "scope-track-error"},
        {FaultKind::kGotoFail, "scope-goto-fail"},
        {FaultKind::kRecordNoStart, "scope-record-no-start"},
        {FaultKind::kStorageFull, "scope-storage-full"},
    };
    switch (pick(10)) {
        case 0:
        case 1: {  // a Seestar fault on its next request
            const auto& [kind, name] =
                kScope[static_cast<std::size_t>(pick(static_cast<int>(kScope.size())))];
            sim::Fault f;
            f.kind = kind;
            f.seconds = uniform(0.5, 4);
            f.count = 1 + pick(4);
            sim_->add_fault(f);
            tally_.fault(name);
            break;
        }
        case 2:  // the Wi-Fi drops, or a phone app takes master control
            if (pick(3) == 0) {
                sim_->steal_master();
                tally_.fault("scope-steal-master");
            } else {
                sim_->drop_all();
                tally_.fault("scope-wifi-drop");
            }
            break;
        case 3: {  // the feed misbehaves
            if (!feed_)
                break;
            static const char* kinds[] = {"429",     "500",   "502",   "503",
                                          "garbage", "stall", "reset", "slow"};
            const char* k = kinds[pick(8)];
            if (feed_->inject(k))
                tally_.fault(std::string("feed-") + k);
            break;
        }
        case 4: {  // a control client vanishes mid-request
            auto s = connect_unix(socket_, 2s);
            switch (pick(4)) {
                case 0:
                    s.send_all(R"({"id":1,"command":"sta)");
                    tally_.fault("control-half-line");
                    break;
                case 1:
                    s.send_all(R"({"id":2,"command":"capture-list"})"
                               "\n");
                    tally_.fault("control-no-read");
                    break;
                case 2:
                    s.send_all(R"({"id":3,"command":"watch"})"
                               "\n");
                    std::this_thread::sleep_for(50ms);
                    tally_.fault("control-watch-vanish");
                    break;
                default:
                    s.send_all(std::string(70000, 'x'));
                    tally_.fault("control-oversize");
                    break;
            }
            if (pick(2))
                s.reset();
            break;
        }
        case 5:  // slow HTTP clients
            slow_->open(1 + pick(4));
            tally_.fault("http-slowloris");
            break;
        case 6: {  // an HTTP client that vanishes before the reply, or mid-upload
            auto s = connect_tcp(http_port_, 2s);
            if (pick(2)) {
                s.send_all("GET /gallery/list HTTP/1.1\r\nHost: x\r\n\r\n");
                tally_.fault("http-vanish");
            } else {
                s.send_all("POST /gallery/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                           std::string(kToken) +
                           "\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                           "Content-Length: 100000\r\n\r\n--b\r\nContent-Disposition: form-data; "
                           "name=\"file\"; filename=\"x.png\"\r\n\r\n\x89PNG");
                tally_.fault("http-upload-vanish");
            }
            s.reset();
            break;
        }
        case 7:  // SIGHUP, with a changed log level every other time
            level_ = level_ == "info" ? "warning" : "info";
            write_config(level_);
            daemon_->signal(SIGHUP);
            tally_.fault("sighup");
            break;
        case 8:  // the log disk fills up, for a few seconds
            if (disk_full_possible_ && !full_since_ &&
                (!last_full_ || seconds_since(*last_full_) > 20)) {
                disk_full_begin();
                last_full_ = Steady::now();
            }
            break;
        default:  // a burst of bad control lines on one connection
            try {
                protocol::ControlClient c(socket_);
                c.send_all("not json\n{\"command\":5}\n[]\n{\"id\":9,\"command\":\"nope\"}\n");
                for (int i = 0; i < 4; ++i)
                    c.read_line(std::chrono::milliseconds(2000));
            } catch (const std::exception&) {
            }
            tally_.fault("control-bad-lines");
            break;
    }
}

int Soak::run() {
    for (const char* d : {"run", "state", "cfg", "log"})
        std::filesystem::create_directories(dir_ / d);
    logfs_ = dir_ / "logfs";
    if (opt_.disk_full) {
        disk_full_possible_ = private_tmpfs(logfs_, 1u << 20, &disk_full_why_);
        if (!disk_full_possible_)
            std::printf(
                "zc-soak: SKIPPED the disk-full fault: %s (needs root for a private "
                "tmpfs; a file-size limit is not the same thing)\n",
                disk_full_why_.c_str());
    } else {
        std::filesystem::create_directories(logfs_);
        disk_full_why_ = "--no-disk-full";
    }

    sim::SimOptions so;
    so.slew_seconds = 0.2;
    so.open_seconds = 0.2;
    so.park_seconds = 0.2;
    sim_ = std::make_unique<sim::SeestarSim>(sim_io_, so);
    sim_port_ = sim_->listen("127.0.0.1", 0);
    sim_thread_ = std::thread([this] {
        try {
            sim_io_.run();
        } catch (const std::exception& e) {
            // Reported rather than std::terminate: the checks then fail with the reason.
            std::fprintf(stderr, "zc-soak: the Seestar simulator stopped: %s\n", e.what());
            std::lock_guard lock(sim_mu_);
            sim_failed_ = e.what();
        }
    });

    const auto sample =
        test::read_file(std::string(ZC_SAMPLES_DIR) + "/adsb-lol-v2-point-response-truncated.json");
    if (flights::parse_flights(sample).ok())
        feed_ = std::make_unique<Feed>(sample);

    write_config(level_);
    start_daemon();
    slow_ = std::make_unique<Slowloris>(http_port_);
    watch_ = std::make_unique<CaptureWatch>(socket_);
    if (!wait_scope_ready(30))
        throw std::runtime_error("the scope never became ready");

    const double warmup = opt_.warmup >= 0 ? opt_.warmup : std::min(120.0, opt_.duration / 3);
    std::printf("zc-soak: seed %u, %.0f s (warm-up %.0f s), daemon pid %d, disk-full %s\n",
                opt_.seed, opt_.duration, warmup, daemon_->pid(),
                disk_full_possible_ ? "on" : "off");
    std::fflush(stdout);

    const auto t0 = Steady::now();
    bool warmed = false;
    auto next_fault = t0, next_status = t0, next_upload = t0, next_probe = t0, next_capture = t0;
    while (seconds_since(t0) < opt_.duration) {
        const auto now = Steady::now();
        if (!warmed && seconds_since(t0) >= warmup) {
            quiesce("warm-up");
            fd_warm_ = fd_count(daemon_->pid());
            fds_warm_ = fd_targets(daemon_->pid());
            for (const auto& f : fds_warm_)
                feed_warm_ += feed_ && socket_peer(daemon_->pid(), f.substr(f.find(" -> ") + 4)) ==
                                           "tcp :" + std::to_string(feed_->port());
            rss_warm_ = rss_kib(daemon_->pid());
            warmed = true;
            std::printf("zc-soak: warm-up done at %.0f s: %zu fds, RSS %ld KiB\n",
                        seconds_since(t0), fd_warm_, rss_warm_);
            std::fflush(stdout);
        }
        if (full_since_ && seconds_since(*full_since_) > uniform(3, 8))
            disk_full_end();
        // The random choice may never pick a disk-full spell in a short run: then there is one
        // at half-time, so every run exercises it.
        if (disk_full_possible_ && full_windows_.empty() && !full_since_ &&
            seconds_since(t0) > opt_.duration / 2) {
            disk_full_begin();
            last_full_ = Steady::now();
        }
        if (now >= next_fault) {
            inject_fault();
            next_fault = now + std::chrono::milliseconds(static_cast<int>(uniform(300, 2500)));
        }
        if (now >= next_status) {
            work_status();
            next_status = now + 1s;
        }
        if (now >= next_probe) {
            work_probe();
            next_probe = now + std::chrono::milliseconds(static_cast<int>(uniform(100, 600)));
        }
        if (now >= next_upload) {
            work_upload();
            next_upload = now + std::chrono::milliseconds(static_cast<int>(uniform(2000, 8000)));
        }
        if (now >= next_capture && seconds_since(t0) < opt_.duration - 15) {
            work_capture();
            next_capture = now + std::chrono::milliseconds(static_cast<int>(uniform(9000, 15000)));
        }
        slow_->tick();
        if (!daemon_->running())
            break;
        std::this_thread::sleep_for(50ms);
    }
    final_checks();
    report();
    const bool ok =
        std::all_of(checks_.begin(), checks_.end(), [](const Check& c) { return c.ok; });
    std::printf("zc-soak: %s\n", ok ? "PASSED" : "FAILED");
    return ok ? 0 : 1;
}

void Soak::final_checks() {
    auto add = [&](std::string name, bool ok, std::string detail) {
        checks_.push_back({std::move(name), ok, std::move(detail)});
    };
    {
        std::lock_guard lock(sim_mu_);
        add("the Seestar simulator ran throughout", sim_failed_.empty(), sim_failed_);
    }
    const bool alive = daemon_->running();
    add("daemon alive", alive,
        alive ? ""
              : "exited with " + std::to_string(daemon_->wait(0ms).value_or(-1)) + "; stderr:\n" +
                    daemon_->err());
    if (!alive)
        return;
    quiesce("the end");
    // Every capture must be over: the last ones were scheduled >= 15 s before the end.
    for (int i = 0; i < 100; ++i) {
        json r;
        if (call_ok("capture-list", json::object(), &r) && r["arguments"]["scheduled"].empty())
            break;
        std::this_thread::sleep_for(200ms);
    }
    std::this_thread::sleep_for(2s);
    fd_end_ = fd_count(daemon_->pid());
    rss_end_ = rss_kib(daemon_->pid());

    // The feed's faults only mean something if the daemon polls it.
    if (feed_) {
        json sources;
        call_ok("sources", json::object(), &sources);
        add("flight feed polled", feed_->requests() > 0,
            std::to_string(feed_->requests()) + " requests" +
                (feed_->requests() > 0 ? std::string() : "; sources: " + sources.dump()));
    }
    add("daemon answers",
        status_failures_ == 0 && call_ok("status") &&
            http(http_port_, "GET", "/gallery/list").status == 200,
        std::to_string(status_failures_) + " of " + std::to_string(status_calls_) +
            " status calls failed");
    // A keep-alive connection to the feed may be open at one moment and not the other: it is
    // the HTTP client's pool (one per source), not a leak, so it is left out of both counts.
    const auto feed_conns = [&](const std::vector<std::string>& fds) {
        std::size_t n = 0;
        for (const auto& f : fds)
            n += feed_ && socket_peer(daemon_->pid(), f.substr(f.find(" -> ") + 4)) ==
                              "tcp :" + std::to_string(feed_->port());
        return n;
    };
    const auto fds_end = fd_targets(daemon_->pid());
    const auto warm = fd_warm_ - std::min<std::size_t>(1, feed_warm_);
    const auto end = fd_end_ - std::min<std::size_t>(1, feed_conns(fds_end));
    std::string fd_detail = std::to_string(fd_warm_) + " -> " + std::to_string(fd_end_) +
                            " (without a feed keep-alive connection: " + std::to_string(warm) +
                            " -> " + std::to_string(end) + ")";
    if (end > warm) {
        std::set<std::string> before(fds_warm_.begin(), fds_warm_.end());
        for (const auto& f : fds_end)
            if (!before.count(f))
                fd_detail += "\n    new: " + f + " " +
                             socket_peer(daemon_->pid(), f.substr(f.find(" -> ") + 4));
    }
    add("no descriptor growth", end <= warm, fd_detail);
#if defined(__SANITIZE_ADDRESS__)
    add("RSS growth <= 1 MiB (not judged under ASan: its quarantine holds freed memory)", true,
        std::to_string(rss_warm_) + " -> " + std::to_string(rss_end_) + " KiB");
#else
    add("RSS growth <= 1 MiB", rss_end_ - rss_warm_ <= 1024,
        std::to_string(rss_warm_) + " -> " + std::to_string(rss_end_) + " KiB (" +
            std::to_string(rss_end_ - rss_warm_) + ")");
#endif

    // Captures: recorded, or missed with a reason; the watch stream said the same.
    int recorded = 0, missed = 0, bad = 0;
    std::string capture_detail;
    const auto seen = watch_->last();
    for (const auto& id : captures_) {
        json r;
        call_ok("capture-get", {{"id", id}}, &r);
        const auto& a = r["arguments"];
        const auto state = a.is_object() ? a.value("state", "") : "";
        const auto reason = a.is_object() ? a.value("reason", "") : "";
        const auto it = seen.find(id);
        const auto streamed = it == seen.end() ? "" : it->second.value("state", "");
        if (state == "recorded" && streamed == "recorded") {
            ++recorded;
        } else if (state == "missed" && !reason.empty() && streamed == "missed") {
            ++missed;
            if (capture_detail.size() < 600)
                capture_detail += "\n    missed " + id + ": " + reason;
        } else {
            ++bad;
            capture_detail += "\n    " + id + ": state '" + state + "' (stream: '" + streamed +
                              "') reason '" + reason + "'";
        }
    }
    add("every capture recorded or missed with a reason", bad == 0 && !captures_.empty(),
        std::to_string(captures_.size()) + " scheduled, " + std::to_string(recorded) +
            " recorded, " + std::to_string(missed) + " missed" + capture_detail);

    // The access log: each probe answered outside a disk-full spell is there exactly once, and
    // every line is whole.
    daemon_->signal(SIGTERM);  // flushes the access log
    const auto code = daemon_->wait(std::chrono::seconds(15));
    add("clean stop on SIGTERM", code == 0,
        code ? "exit " + std::to_string(*code) : std::string("did not stop in 15 s"));
    const auto log = test::read_file(logfs_ / "access.log");
    static const std::regex line_re(
        R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \S+ ([A-Z]+ \S+|- -) \d{3} \d+ \d+\.\dms$)");
    std::map<std::string, int> logged;
    int lines = 0, torn = 0;
    std::string torn_example;
    std::istringstream in(log);
    std::string line;
    while (std::getline(in, line)) {
        ++lines;
        if (!std::regex_match(line, line_re)) {
            if (torn++ == 0)
                torn_example = line.substr(0, 120);
            continue;
        }
        std::istringstream f(line);
        std::string t, remote, method, path;
        f >> t >> remote >> method >> path;
        ++logged[path];
    }
    int expected = 0, lost = 0, excused = 0, doubled = 0;
    for (const auto& p : probes_) {
        // A line waits up to a second in the daemon's buffer and a failed write drops the
        // whole buffer, so a probe answered shortly before a spell may be lost with it: 5 s of
        // margin before (a loaded machine delays the flush timer), 2 s after.
        const bool in_spell = std::any_of(full_windows_.begin(), full_windows_.end(), [&](auto w) {
            return p.answered > w.first - 5s && p.sent < w.second + 2s;
        });
        const int n = logged.count(p.path) ? logged[p.path] : 0;
        doubled += n > 1;
        if (in_spell) {
            ++excused;
            continue;
        }
        ++expected;
        lost += n == 0;
    }
    add("no access-log line lost or torn", lost == 0 && torn == 0 && doubled == 0,
        std::to_string(lines) + " lines; " + std::to_string(expected) + " probes expected, " +
            std::to_string(lost) + " lost, " + std::to_string(doubled) + " logged twice, " +
            std::to_string(excused) + " during disk-full spells (not counted), " +
            std::to_string(torn) + " torn" + (torn ? " e.g. '" + torn_example + "'" : ""));

    // The gallery: every upload reads back from disk identical (the daemon is stopped now, so
    // from the store itself).
    int corrupt = corrupt_before_delete_;
    std::string gallery_detail = corrupt_detail_;
    for (const auto& u : uploads_) {
        const auto file =
            dir_ / "state" / "gallery" / u.path.substr(std::string("gallery/").size());
        const auto data = test::read_file(file);
        if (sha256_hex(data) != u.sha256) {
            ++corrupt;
            gallery_detail += "\n    " + u.path + ": " + std::to_string(data.size()) + " of " +
                              std::to_string(u.bytes) + " bytes, sha256 differs";
        }
    }
    add("no gallery file corrupted", corrupt == 0 && !uploads_.empty(),
        std::to_string(uploads_.size() + static_cast<std::size_t>(uploads_deleted_)) +
            " uploads verified by sha256 (" + std::to_string(uploads_deleted_) +
            " of them before their deletion), " + std::to_string(upload_failures_) +
            " uploads failed" + gallery_detail);
}

void Soak::report() {
    std::printf("\nzc-soak figures (seed %u, %.0f s):\n", opt_.seed, opt_.duration);
    std::printf("  work:  ");
    for (const auto& [k, n] : tally_.work)
        std::printf(" %s %d", k.c_str(), n);
    std::printf("\n  faults:");
    int total = 0;
    for (const auto& [k, n] : tally_.faults) {
        std::printf(" %s %d", k.c_str(), n);
        total += n;
    }
    std::printf("  (%d in all)\n", total);
    std::printf("  status: %d calls, %d failed, slowest %.0f ms\n", status_calls_, status_failures_,
                status_worst_ms_);
    std::printf("  slowloris connections cut off by the daemon: %d\n", slow_->cut_off());
    if (feed_)
        std::printf("  feed requests: %zu\n", feed_->requests());
    std::printf("  scope connections: %d\n", sim_->connections_accepted());
    std::printf("  capture events streamed: %zu\n", watch_->events());
    std::printf("  fds: %zu after warm-up, %zu at the end; RSS %ld -> %ld KiB\n", fd_warm_, fd_end_,
                rss_warm_, rss_end_);
    std::printf("  disk-full spells: %zu%s\n", full_windows_.size(),
                disk_full_possible_ ? "" : (" (skipped: " + disk_full_why_ + ")").c_str());
    for (const auto& c : checks_)
        std::printf("  [%s] %s: %s\n", c.ok ? "ok" : "FAIL", c.name.c_str(), c.detail.c_str());
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    po::options_description desc("zc-soak options");
    desc.add_options()("help,h", "this help")("daemon", po::value(&o.daemon)->required(),
                                              "the zipcatcherd binary")(
        "duration", po::value(&o.duration)->default_value(180), "seconds of faults and work")(
        "warmup", po::value(&o.warmup),
        "seconds before the reference figures (default: a third "
        "of the duration, at most 120)")("seed", po::value(&o.seed)->default_value(1),
                                         "RNG seed: the same seed, the same faults")(
        "no-disk-full", "skip the disk-full fault")(
        "gallery-keep", po::value(&o.gallery_keep)->default_value(0),
        "verify and delete uploads beyond this many, so the gallery stays the same size (0: keep "
        "all)");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        if (vm.count("help")) {
            std::cout << desc << "\n";
            return 0;
        }
        po::notify(vm);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "zc-soak: %s\n", e.what());
        return 2;
    }
    o.disk_full = vm.count("no-disk-full") == 0;
    ::signal(SIGPIPE, SIG_IGN);
    try {
        Soak soak(o);
        return soak.run();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "zc-soak: %s\n", e.what());
        return 1;
    }
}
