#include "seestar_sim.h"

#include <fmt/format.h>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <random>

#include "protocol/line_framer.h"
#include "seestar/auth.h"
#include "seestar/error_codes.h"
#include "time/clock.h"

namespace zc::sim {

namespace asio = boost::asio;
using asio::ip::tcp;
using nlohmann::json;

struct SeestarSim::Conn {
    explicit Conn(tcp::socket s, int n) : socket(std::move(s)), id(n), framer(1 << 20) {}
    tcp::socket socket;
    int id;
    protocol::LineFramer framer;
    std::array<char, 8192> buf{};
    std::deque<std::string> out;
    bool writing = false;
    bool open = true;
    bool authenticated = false;
    bool silenced = false;
    std::string challenge;
    std::chrono::steady_clock::time_point stalled_until{};
};

const char* to_string(FaultKind k) {
    switch (k) {
        case FaultKind::kDrop:
            return "drop";
        case FaultKind::kHalfReply:
            return "half-reply";
        case FaultKind::kStall:
            return "stall";
        case FaultKind::kDelay:
            return "delay";
        case FaultKind::kError:
            return "error";
        case FaultKind::kMalformed:
            return "malformed";
        case FaultKind::kSilence:
            return "silence";
        case FaultKind::kRefuseMaster:
            return "refuse-master";
    }
    return "drop";
}

std::optional<FaultKind> parse_fault(const std::string& name) {
    for (auto k :
         {FaultKind::kDrop, FaultKind::kHalfReply, FaultKind::kStall, FaultKind::kDelay,
          FaultKind::kError, FaultKind::kMalformed, FaultKind::kSilence, FaultKind::kRefuseMaster})
        if (name == to_string(k))
            return k;
    return std::nullopt;
}

SeestarSim::SeestarSim(asio::io_context& io, SimOptions options)
    : io_(io),
      opt_(std::move(options)),
      acceptor_(io),
      pistatus_timer_(io),
      parked_(opt_.start_parked) {
    if (!opt_.log_path.empty())
        log_file_.open(opt_.log_path, std::ios::app);
}

SeestarSim::~SeestarSim() = default;

std::uint16_t SeestarSim::listen(const std::string& address, std::uint16_t port) {
    tcp::endpoint ep(asio::ip::make_address(address), port);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    accept_next();
    tick_pistatus();
    return acceptor_.local_endpoint().port();
}

void SeestarSim::stop() {
    asio::post(io_, [this] {
        boost::system::error_code ec;
        acceptor_.close(ec);
        pistatus_timer_.cancel();
        for (auto& w : conns_)
            if (auto c = w.lock())
                close_conn(c);
    });
}

void SeestarSim::add_fault(Fault f) {
    std::lock_guard lock(mu_);
    faults_.push_back(std::move(f));
}
void SeestarSim::clear_faults() {
    std::lock_guard lock(mu_);
    faults_.clear();
}
std::vector<LogEntry> SeestarSim::log() const {
    std::lock_guard lock(mu_);
    return log_;
}
std::vector<LogEntry> SeestarSim::log_of(const std::string& method) const {
    std::lock_guard lock(mu_);
    std::vector<LogEntry> out;
    for (const auto& e : log_)
        if (e.method == method)
            out.push_back(e);
    return out;
}
int SeestarSim::connections_accepted() const {
    std::lock_guard lock(mu_);
    return accepted_;
}
json SeestarSim::device() const {
    std::lock_guard lock(mu_);
    return {{"mode", mode_},
            {"recording", recording_},
            {"parked", parked_},
            {"tracking", tracking_},
            {"master", master_conn_},
            {"files", files_},
            {"clock_valid", clock_valid_},
            {"lat", lat_},
            {"lon", lon_}};
}
void SeestarSim::drop_all() {
    asio::post(io_, [this] {
        for (auto& w : conns_)
            if (auto c = w.lock())
                close_conn(c);
    });
}
void SeestarSim::steal_master() {
    asio::post(io_, [this] {
        int old;
        {
            std::lock_guard lock(mu_);
            old = master_conn_;
            master_conn_ = -1;
        }
        for (auto& w : conns_)
            if (auto c = w.lock(); c && c->id == old)
                write(c, json({{"Event", "Client"}, {"Timestamp", stamp()}, {"is_master", false}})
                                 .dump() +
                             "\r\n");
    });
}

std::string SeestarSim::stamp() const {
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - boot_).count() + 4000.0;
    return fmt::format("{:.9f}", s);
}

void SeestarSim::accept_next() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket s) {
        if (ec)
            return;
        boost::system::error_code ignored;
        s.set_option(tcp::no_delay(true), ignored);
        auto c = std::make_shared<Conn>(std::move(s), next_conn_++);
        {
            std::lock_guard lock(mu_);
            ++accepted_;
        }
        conns_.erase(
            std::remove_if(conns_.begin(), conns_.end(), [](const auto& w) { return w.expired(); }),
            conns_.end());
        conns_.push_back(c);
        if (opt_.emit_version_event)
            write(
                c,
                json({{"Event", "Version"},
                      {"Timestamp", stamp()},
                      {"name", "ASI AIR imager"},
                      {"firmware_ver_int", opt_.firmware},
                      {"firmware_ver_string", fmt::format("{}.{:02}", (opt_.firmware - 2000) / 100,
                                                          (opt_.firmware - 2000) % 100)}})
                        .dump() +
                    "\r\n");
        // The reader keeps the connection alive through the handler's captures.
        auto read = std::make_shared<std::function<void()>>();
        *read = [this, c, read] {
            c->socket.async_read_some(
                asio::buffer(c->buf),
                [this, c, read](const boost::system::error_code& e, std::size_t n) {
                    if (e || !c->open) {
                        close_conn(c);
                        *read = nullptr;  // break the cycle
                        return;
                    }
                    c->framer.feed(std::string_view(c->buf.data(), n));
                    while (auto line = c->framer.next()) {
                        on_line(c, *line);
                        if (!c->open)
                            break;
                    }
                    if (c->open)
                        (*read)();
                    else
                        *read = nullptr;
                });
        };
        (*read)();
        accept_next();
    });
}

void SeestarSim::close_conn(const std::shared_ptr<Conn>& c) {
    if (!c->open)
        return;
    c->open = false;
    boost::system::error_code ec;
    c->socket.shutdown(tcp::socket::shutdown_both, ec);
    c->socket.close(ec);
}

void SeestarSim::write(const std::shared_ptr<Conn>& c, std::string bytes) {
    if (!c->open)
        return;
    c->out.push_back(std::move(bytes));
    if (c->writing)
        return;
    auto next = std::make_shared<std::function<void()>>();
    *next = [this, c, next] {
        if (c->out.empty() || !c->open) {
            c->writing = false;
            *next = nullptr;
            return;
        }
        c->writing = true;
        asio::async_write(c->socket, asio::buffer(c->out.front()),
                          [this, c, next](const boost::system::error_code& ec, std::size_t) {
                              if (ec) {
                                  c->writing = false;
                                  close_conn(c);
                                  *next = nullptr;
                                  return;
                              }
                              c->out.pop_front();
                              (*next)();
                          });
    };
    (*next)();
}

void SeestarSim::event(json e) {
    json full = {{"Event", e["Event"]}, {"Timestamp", stamp()}};
    for (auto& [k, v] : e.items())
        full[k] = v;
    const auto line = full.dump() + "\r\n";
    for (auto& w : conns_)
        if (auto c = w.lock())
            write(c, line);
}

void SeestarSim::later(double seconds, std::function<void()> fn) {
    auto t = std::make_shared<asio::steady_timer>(
        io_, std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                 std::chrono::duration<double>(seconds)));
    t->async_wait([t, fn = std::move(fn)](const boost::system::error_code& ec) {
        if (!ec)
            fn();
    });
}

void SeestarSim::tick_pistatus() {
    pistatus_timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(opt_.pistatus_seconds)));
    pistatus_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec)
            return;
        event({{"Event", "PiStatus"}, {"temp", 41.5}, {"battery_capacity", 87}});
        tick_pistatus();
    });
}

std::optional<Fault> SeestarSim::take_fault(const std::string& method) {
    std::lock_guard lock(mu_);
    if (faults_.empty())
        return std::nullopt;
    const auto& f = faults_.front();
    if (!f.method.empty() && f.method != method)
        return std::nullopt;
    Fault out = f;
    faults_.pop_front();
    return out;
}

void SeestarSim::on_line(const std::shared_ptr<Conn>& c, const std::string& line) {
    json req = json::parse(line, nullptr, false);
    if (req.is_discarded() || !req.is_object() || !req.contains("method") ||
        !req["method"].is_string())
        return;  // the device ignores what it cannot read
    LogEntry e{std::chrono::system_clock::now(), c->id, req["method"].get<std::string>(),
               req.value("params", json())};
    {
        std::lock_guard lock(mu_);
        log_.push_back(e);
        if (log_file_) {
            log_file_ << json({{"time",
                                format_iso8601(std::chrono::time_point_cast<Duration>(e.time))},
                               {"connection", e.connection},
                               {"method", e.method},
                               {"params", e.params}})
                             .dump()
                      << '\n';
            log_file_.flush();
        }
    }
    handle(c, req);
}

void SeestarSim::send_reply(const std::shared_ptr<Conn>& c, json msg, std::optional<Fault> f) {
    std::string line = msg.dump() + "\r\n";
    if (c->silenced)
        return;
    if (f) {
        switch (f->kind) {
            case FaultKind::kDrop:
                close_conn(c);
                return;
            case FaultKind::kHalfReply:
                write(c, line.substr(0, line.size() / 2));
                later(0.05, [this, c] { close_conn(c); });
                return;
            case FaultKind::kSilence:
                c->silenced = true;
                return;
            case FaultKind::kMalformed:
                write(c, "this is not json\r\n");
                write(c, "{\"jsonrpc\":\"2.0\",\"Timestamp\":\"1.0\",\"method\":\r\n");
                write(c,
                      "\xEF\xBB\xBF" + json({{"Event", "PiStatus"}, {"temp", 40.1}}).dump() + "\n");
                write(c, "[1,2,3]\r\n");
                break;
            case FaultKind::kStall:
                c->stalled_until = std::chrono::steady_clock::now() +
                                   std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                       std::chrono::duration<double>(f->seconds));
                break;
            case FaultKind::kDelay:
                later(f->seconds, [this, c, line] { write(c, line); });
                return;
            default:
                break;
        }
    }
    const auto now = std::chrono::steady_clock::now();
    if (c->stalled_until > now) {
        later(std::chrono::duration<double>(c->stalled_until - now).count(),
              [this, c, line] { write(c, line); });
        return;
    }
    write(c, line);
}

void SeestarSim::reply(const std::shared_ptr<Conn>& c, const json& req, json result,
                       std::optional<Fault> f) {
    json msg = {{"jsonrpc", "2.0"},
                {"Timestamp", stamp()},
                {"method", req["method"]},
                {"result", std::move(result)},
                {"code", 0},
                {"id", req.value("id", json())}};
    send_reply(c, std::move(msg), f);
}

void SeestarSim::reply_error(const std::shared_ptr<Conn>& c, const json& req, int code,
                             const std::string& text, std::optional<Fault> f) {
    json msg = {{"jsonrpc", "2.0"}, {"Timestamp", stamp()}, {"method", req["method"]},
                {"error", text},    {"code", code},         {"id", req.value("id", json())}};
    send_reply(c, std::move(msg), f);
}

bool SeestarSim::motion_allowed(const std::shared_ptr<Conn>& c) const {
    return !opt_.require_master || master_conn_ == c->id;
}

json SeestarSim::view_state() const {
    if (mode_ == "none")
        return json::object();
    json v = {{"state", "working"},
              {"lapse_ms", 1000},
              {"mode", mode_ == "sun" ? opt_.sun_mode_name : mode_},
              {"target_type", mode_},
              {"target_name", mode_ == "sun" ? "Sun" : "Moon"},
              {"cam_id", 0},
              {"lp_filter", false},
              {"planet_correction", true},
              {"stage", "RTSP"},
              {"RTSP", {{"state", "working"}, {"roi_index", 0}, {"port", 4554}}}};
    if (recording_)
        v["AviRecord"] = {
            {"state", "working"}, {"note", "mp4 record"}, {"raw", false}, {"file_saved", false}};
    return v;
}

json SeestarSim::device_state(const json& params) const {
    json all = {
        {"device",
         {{"name", "Seestar S50"},
          {"firmware_ver_int", opt_.firmware},
          {"firmware_ver_string",
           fmt::format("{}.{:02}", (opt_.firmware - 2000) / 100, (opt_.firmware - 2000) % 100)},
          {"product_model", "Seestar S50"},
          {"sn", "SIM0001"}}},
        {"mount",
         {{"move_type", "none"}, {"close", parked_}, {"tracking", tracking_}, {"equ_mode", false}}},
        {"pi_status", {{"temp", 41.5}, {"battery_capacity", 87}}},
        {"location_lon_lat", {lon_, lat_}}};
    if (params.is_object() && params.contains("keys") && params["keys"].is_array()) {
        json out = json::object();
        for (const auto& k : params["keys"])
            if (k.is_string() && all.contains(k.get<std::string>()))
                out[k.get<std::string>()] = all[k.get<std::string>()];
        return out;
    }
    return all;
}

void SeestarSim::stop_recording_locked() {
    if (!recording_)
        return;
    recording_ = false;
    ++files_;
    event({{"Event", "AviRecord"}, {"state", "complete"}, {"file_saved", true}});
}

void SeestarSim::handle(const std::shared_ptr<Conn>& c, const json& req) {
    const std::string m = req["method"].get<std::string>();
    const json params = req.value("params", json());
    auto fault = take_fault(m);
    const bool auth_required = opt_.auth_mode == "required" && opt_.firmware >= 2718;

    if (fault && fault->kind == FaultKind::kError) {
        reply_error(c, req, fault->code, seestar::describe_code(fault->code), std::nullopt);
        return;
    }
    // Authentication exchange.
    if (m == "get_verify_str") {
        if (opt_.auth_mode == "none" && opt_.firmware < 2718) {
            reply_error(c, req, 103, "method not found", fault);
            return;
        }
        static const char kChars[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        std::random_device rd;
        c->challenge.clear();
        for (int i = 0; i < 32; ++i)
            c->challenge += kChars[rd() % (sizeof(kChars) - 1)];
        reply(c, req, {{"str", c->challenge}}, fault);
        return;
    }
    if (m == "verify_client") {
        const bool ok = params.is_object() && !c->challenge.empty() &&
                        params.value("data", std::string()) == c->challenge &&
                        seestar::verify_signature(opt_.public_key_pem, c->challenge,
                                                  params.value("sign", std::string()));
        c->challenge.clear();
        if (!ok) {
            reply_error(c, req, 1, "verify failed", fault);
            return;
        }
        c->authenticated = true;
        reply(c, req, 0, fault);
        return;
    }
    if (m == "pi_is_verified") {
        reply(c, req, c->authenticated || !auth_required, fault);
        return;
    }
    if (auth_required && !c->authenticated)
        return;  // #759: events flow, nothing is answered

    // Parameter strictness per firmware.
    if (opt_.firmware >= 2706 && params.is_object() && params.contains("verify")) {
        reply_error(c, req, 109, "unexpected param", fault);
        return;
    }
    if (opt_.firmware >= 2775 && params.is_array())
        for (const auto& p : params)
            if (p.is_array()) {
                reply_error(c, req, 107, "expected object param", fault);
                return;
            }

    std::unique_lock lock(mu_);
    if (m == "test_connection") {
        lock.unlock();
        reply(c, req, "ok", fault);
    } else if (m == "get_device_state") {
        auto r = device_state(params);
        lock.unlock();
        reply(c, req, std::move(r), fault);
    } else if (m == "set_setting") {
        bool refused = false;
        if (params.is_object() && params.value("master_cli", false)) {
            if (fault && fault->kind == FaultKind::kRefuseMaster) {
                refused = true;
            } else {
                const int old = master_conn_;
                master_conn_ = c->id;
                lock.unlock();
                for (auto& w : conns_)
                    if (auto o = w.lock(); o && o->id == old && old != c->id)
                        write(o, json({{"Event", "Client"},
                                       {"Timestamp", stamp()},
                                       {"is_master", false}})
                                         .dump() +
                                     "\r\n");
                write(c, json({{"Event", "Client"}, {"Timestamp", stamp()}, {"is_master", true}})
                                 .dump() +
                             "\r\n");
            }
        }
        if (lock.owns_lock())
            lock.unlock();
        reply(c, req, 0, refused ? std::nullopt : fault);
        if (refused)
            write(c,
                  json({{"Event", "Client"}, {"Timestamp", stamp()}, {"is_master", false}}).dump() +
                      "\r\n");
    } else if (m == "pi_set_time") {
        const bool obj = params.is_object();
        const bool list = params.is_array() && params.size() == 1 && params[0].is_object() &&
                          opt_.firmware < 2775;
        if (obj || list) {
            clock_valid_ = true;
            lock.unlock();
            reply(c, req, 0, fault);
        } else {
            lock.unlock();
            reply_error(c, req, 107, "expected object param", fault);
        }
    } else if (m == "set_user_location") {
        if (params.is_object()) {
            lat_ = params.value("lat", 0.0);
            lon_ = params.value("lon", 0.0);
        }
        lock.unlock();
        reply(c, req, 0, fault);
    } else if (m == "get_view_state" || m == "iscope_get_app_state") {
        json v = {{"View", view_state()}};
        lock.unlock();
        reply(c, req, std::move(v), fault);
    } else if (m == "iscope_start_view") {
        const std::string mode =
            params.is_object() ? params.value("mode", std::string()) : std::string();
        if (!motion_allowed(c) || (mode != "sun" && mode != "moon")) {
            lock.unlock();
            reply(c, req, 0, fault);  // acknowledged, ignored (non-master or other modes)
            return;
        }
        const auto epoch = ++epoch_;
        const std::string old = mode_;
        const bool was_parked = parked_;
        stop_recording_locked();
        lock.unlock();
        reply(c, req, 0, fault);
        if (old != "none")
            event({{"Event", "View"}, {"state", "cancel"}, {"mode", old}});
        auto enter = [this, mode, epoch] {
            std::lock_guard l(mu_);
            if (epoch != epoch_)
                return;
            parked_ = false;
            mode_ = mode;
            tracking_ = false;
            event({{"Event", "View"},
                   {"state", "working"},
                   {"mode", mode},
                   {"tracking", false},
                   {"target_name", mode == "sun" ? "Sun" : "Moon"}});
        };
        if (was_parked) {
            event({{"Event", "ScopeMoveToHorizon"}, {"state", "working"}});
            later(opt_.open_seconds, [this, enter] {
                event({{"Event", "ScopeMoveToHorizon"}, {"state", "complete"}, {"close", false}});
                enter();
            });
        } else {
            enter();
        }
    } else if (m == "start_scan_planet") {
        if (mode_ == "none" || !motion_allowed(c)) {
            lock.unlock();
            // The view may still be opening; the scan starts once it is up.
            reply(c, req, 0, fault);
            return;
        }
        const auto epoch = epoch_;
        const std::string scan = mode_ == "sun" ? "ScanSun" : "ScanMoon";
        slewing_ = true;
        tracking_ = false;
        lock.unlock();
        reply(c, req, 0, fault);
        event({{"Event", scan}, {"state", "working"}, {"route", {"View"}}});
        event({{"Event", "ScopeTrack"}, {"state", "off"}, {"tracking", false}});
        later(opt_.slew_seconds, [this, epoch, scan] {
            std::lock_guard l(mu_);
            if (epoch != epoch_)
                return;
            slewing_ = false;
            tracking_ = true;
            event({{"Event", "ScopeGoto"}, {"state", "complete"}});
            event({{"Event", scan}, {"state", "complete"}, {"route", {"View"}}});
            event({{"Event", "ScopeTrack"}, {"state", "on"}, {"tracking", true}});
        });
    } else if (m == "start_record_avi") {
        if (mode_ == "none") {
            lock.unlock();
            reply_error(c, req, 207, "fail to operate", fault);
            return;
        }
        if (!recording_ && motion_allowed(c)) {
            recording_ = true;
            event({{"Event", "AviRecord"},
                   {"state", "working"},
                   {"lapse_ms", 0},
                   {"note", "mp4 record"},
                   {"raw", false},
                   {"file_saved", false}});
        }
        lock.unlock();
        reply(c, req, 0, fault);
    } else if (m == "stop_record_avi") {
        stop_recording_locked();
        lock.unlock();
        reply(c, req, 0, fault);
    } else if (m == "iscope_stop_view") {
        ++epoch_;
        stop_recording_locked();
        const std::string old = mode_;
        mode_ = "none";
        tracking_ = false;
        lock.unlock();
        reply(c, req, 0, fault);
        if (old != "none") {
            event({{"Event", "View"}, {"state", "cancel"}, {"mode", old}});
            event({{"Event", "View"}, {"state", "cancel"}, {"mode", "none"}});
        }
    } else if (m == "scope_park") {
        if (!motion_allowed(c)) {
            lock.unlock();
            reply(c, req, 0, fault);
            return;
        }
        const auto epoch = ++epoch_;
        stop_recording_locked();
        mode_ = "none";
        tracking_ = false;
        lock.unlock();
        reply(c, req, 0, fault);
        event({{"Event", "ScopeHome"}, {"state", "working"}});
        later(opt_.park_seconds, [this, epoch] {
            std::lock_guard l(mu_);
            if (epoch != epoch_)
                return;
            parked_ = true;
            event({{"Event", "ScopeHome"}, {"state", "complete"}, {"close", true}});
        });
    } else if (m == "get_albums") {
        json files = json::array();
        for (int i = 0; i < files_; ++i)
            files.push_back({{"name", fmt::format("rec_{:04}.mp4", i + 1)}, {"type", "mp4"}});
        lock.unlock();
        reply(c, req,
              {{"path", "MyWorks"}, {"list", {{{"group_name", "Solar"}, {"files", files}}}}},
              fault);
    } else if (m == "clear_app_state" || m == "scope_move_to_horizon" ||
               m == "scope_set_track_state") {
        lock.unlock();
        reply(c, req, 0, fault);
    } else {
        lock.unlock();
        reply_error(c, req, 103, "method not found", fault);
    }
}

}  // namespace zc::sim
