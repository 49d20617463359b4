// The simulator's transport: the 4700 listener with its client slots, the per-connection reader
// and writer, the connection-level faults (drop, RST, fragmentation, coalescing, reordering,
// ...), events, the command log and reboots. Methods are in sim_methods.cpp, the device model
// in sim_mount.cpp, Alpaca and discovery in sim_alpaca.cpp.
#include <fmt/format.h>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <random>

#include "protocol/line_framer.h"
#include "seestar_sim.h"
#include "sim_conn.h"

namespace zc::sim {

namespace asio = boost::asio;
using asio::ip::tcp;
using nlohmann::json;

namespace {

struct KindName {
    FaultKind kind;
    const char* name;
};
constexpr KindName kKinds[] = {
    {FaultKind::kDrop, "drop"},
    {FaultKind::kHalfReply, "half-reply"},
    {FaultKind::kRst, "rst"},
    {FaultKind::kDropAfter, "drop-after"},
    {FaultKind::kStall, "stall"},
    {FaultKind::kDelay, "delay"},
    {FaultKind::kSilence, "silence"},
    {FaultKind::kReorder, "reorder"},
    {FaultKind::kFragment, "fragment"},
    {FaultKind::kCoalesce, "coalesce"},
    {FaultKind::kBigReply, "big-reply"},
    {FaultKind::kBom, "bom"},
    {FaultKind::kBareLf, "bare-lf"},
    {FaultKind::kMalformed, "malformed"},
    {FaultKind::kDuplicateId, "duplicate-id"},
    {FaultKind::kError, "error"},
    {FaultKind::kRefuseMaster, "refuse-master"},
    {FaultKind::kStealMaster, "steal-master"},
    {FaultKind::kTrackError, "track-error"},
    {FaultKind::kGotoFail, "goto-fail"},
    {FaultKind::kRecordNoStart, "record-no-start"},
    {FaultKind::kStorageFull, "storage-full"},
    {FaultKind::kReboot, "reboot"},
    {FaultKind::kBadChallenge, "bad-challenge"},
    {FaultKind::kStaleChallenge, "stale-challenge"},
    {FaultKind::kBusyAuth, "busy-auth"},
    {FaultKind::kAuthEvent, "auth-event"},
};

/// The method a fault is bound to when none is given: those that only make sense on one.
std::string default_method(FaultKind k) {
    switch (k) {
        case FaultKind::kRefuseMaster:
            return "set_setting";
        case FaultKind::kGotoFail:
            return "start_scan_planet";
        case FaultKind::kRecordNoStart:
        case FaultKind::kStorageFull:
            return "start_record_avi";
        case FaultKind::kBadChallenge:
        case FaultKind::kStaleChallenge:
        case FaultKind::kBusyAuth:
            return "get_verify_str";
        case FaultKind::kAuthEvent:
            return "verify_client";
        default:
            return "";
    }
}

std::chrono::steady_clock::duration secs(double s) {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(s));
}

}  // namespace

const char* to_string(FaultKind k) {
    for (const auto& n : kKinds)
        if (n.kind == k)
            return n.name;
    return "drop";
}

std::optional<FaultKind> parse_fault(const std::string& name) {
    for (const auto& n : kKinds)
        if (name == n.name)
            return n.kind;
    return std::nullopt;
}

std::vector<FaultKind> all_fault_kinds() {
    std::vector<FaultKind> out;
    for (const auto& n : kKinds)
        out.push_back(n.kind);
    return out;
}

std::optional<Fault> parse_fault_spec(const std::string& spec, double default_seconds,
                                      std::string* why) {
    auto fail = [&](const std::string& text) -> std::optional<Fault> {
        if (why)
            *why = text;
        return std::nullopt;
    };
    Fault f;
    f.seconds = default_seconds;
    std::string rest = spec;
    if (const auto at = rest.find('@'); at != std::string::npos) {
        f.method = rest.substr(at + 1);
        rest = rest.substr(0, at);
    }
    std::string value;
    if (const auto eq = rest.find('='); eq != std::string::npos) {
        value = rest.substr(eq + 1);
        rest = rest.substr(0, eq);
    }
    auto kind = parse_fault(rest);
    if (!kind)
        return fail("unknown fault \"" + rest + "\"");
    f.kind = *kind;
    if (!value.empty()) {
        try {
            std::size_t used = 0;
            const double v = std::stod(value, &used);
            if (used != value.size() || v < 0)
                throw std::invalid_argument(value);
            switch (f.kind) {
                case FaultKind::kError:
                case FaultKind::kTrackError:
                case FaultKind::kGotoFail:
                    f.code = static_cast<int>(v);
                    break;
                case FaultKind::kDropAfter:
                case FaultKind::kFragment:
                case FaultKind::kCoalesce:
                    f.count = static_cast<int>(v);
                    break;
                default:
                    f.seconds = v;
            }
        } catch (const std::exception&) {
            return fail("fault " + rest + ": \"" + value + "\" is not a number >= 0");
        }
    }
    return f;
}

SeestarSim::SeestarSim(asio::io_context& io, SimOptions options)
    : io_(io),
      opt_(std::move(options)),
      acceptor_(io),
      http_acceptor_(io),
      discovery_socket_(io),
      alpaca_discovery_socket_(io),
      pistatus_timer_(io),
      sky_timer_(io),
      parked_(opt_.start_parked),
      clock_valid_(!opt_.invalid_clock_at_boot),
      lat_(opt_.site_lat_deg),
      lon_(opt_.site_lon_deg),
      storage_free_mb_(opt_.storage_free_mb) {
    if (!opt_.log_path.empty())
        log_file_.open(opt_.log_path, std::ios::app);
    fixed_[seestar::Target::kSun] = {opt_.sun_az_deg, opt_.sun_alt_deg};
    fixed_[seestar::Target::kMoon] = {opt_.moon_az_deg, opt_.moon_alt_deg};
    settings_ = {{"auto_power_off", true}, {"manual_exp", false},  {"isp_exp_ms", -999000.0},
                 {"isp_gain", -9990.0},    {"ae_bri_percent", 50}, {"rtsp_roi_index", 0},
                 {"guest_mode", false}};
}

SeestarSim::~SeestarSim() {
    *alive_ = false;
}

void SeestarSim::open_acceptor() {
    tcp::endpoint ep(address_, port_);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accept_next();
}

std::uint16_t SeestarSim::listen(const std::string& address, std::uint16_t port) {
    Lock lock(mu_);
    address_ = asio::ip::make_address(address);
    port_ = port;
    open_acceptor();
    last_sky_tick_ = std::chrono::steady_clock::now();
    tick_pistatus();
    sky_tick();
    return port_;
}

void SeestarSim::stop() {
    asio::post(io_, [this, alive = alive_] {
        if (!*alive)
            return;
        Lock lock(mu_);
        stopped_ = true;
        boost::system::error_code ec;
        acceptor_.close(ec);
        http_acceptor_.close(ec);
        discovery_socket_.close(ec);
        alpaca_discovery_socket_.close(ec);
        pistatus_timer_.cancel();
        sky_timer_.cancel();
        for (auto& w : conns_)
            if (auto c = w.lock())
                close_conn(c);
        for (auto& w : http_conns_)
            if (auto h = w.lock())
                h->socket.close(ec);
    });
}

void SeestarSim::add_fault(Fault f) {
    Lock lock(mu_);
    if (f.method.empty())
        f.method = default_method(f.kind);
    faults_.push_back(std::move(f));
}
void SeestarSim::clear_faults() {
    Lock lock(mu_);
    faults_.clear();
}
std::vector<LogEntry> SeestarSim::log() const {
    Lock lock(mu_);
    return log_;
}
std::vector<LogEntry> SeestarSim::log_of(const std::string& method) const {
    Lock lock(mu_);
    std::vector<LogEntry> out;
    for (const auto& e : log_)
        if (e.method == method)
            out.push_back(e);
    return out;
}
int SeestarSim::connections_accepted() const {
    Lock lock(mu_);
    return accepted_;
}
int SeestarSim::connections_rejected() const {
    Lock lock(mu_);
    return rejected_;
}
int SeestarSim::connections_open() const {
    Lock lock(mu_);
    int n = 0;
    for (const auto& w : conns_)
        if (auto c = w.lock(); c && c->open)
            ++n;
    return n;
}
bool SeestarSim::rebooting() const {
    Lock lock(mu_);
    return down_;
}
void SeestarSim::drop_all() {
    asio::post(io_, [this, alive = alive_] {
        if (!*alive)
            return;
        Lock lock(mu_);
        for (auto& w : conns_)
            if (auto c = w.lock())
                close_conn(c);
    });
}
void SeestarSim::reboot(double seconds) {
    asio::post(io_, [this, seconds, alive = alive_] {
        if (!*alive)
            return;
        Lock lock(mu_);
        do_reboot(seconds);
    });
}
void SeestarSim::steal_master() {
    asio::post(io_, [this, alive = alive_] {
        if (!*alive)
            return;
        Lock lock(mu_);
        const int old = master_conn_;
        master_conn_ = -1;
        for (auto& w : conns_)
            if (auto c = w.lock(); c && c->id == old)
                event_to(c, {{"Event", "Client"}, {"is_master", false}});
    });
}

void SeestarSim::do_reboot(double seconds) {
    if (down_ || stopped_)
        return;
    down_ = true;
    boost::system::error_code ec;
    acceptor_.close(ec);
    const bool http = http_acceptor_.is_open();
    http_acceptor_.close(ec);
    for (auto& w : conns_)
        if (auto c = w.lock())
            close_conn(c);
    for (auto& w : http_conns_)
        if (auto h = w.lock())
            h->socket.close(ec);
    // The device restarts: the view, the recording (lost, no file) and the slew are gone.
    ++epoch_;
    mode_ = "none";
    rtsp_ready_ = false;
    recording_ = false;
    slew_.reset();
    axis_rate_[0] = axis_rate_[1] = 0;
    freeze_pointing();
    tracking_ = false;
    track_radec_.reset();
    master_conn_ = 0;
    if (opt_.invalid_clock_at_boot)
        clock_valid_ = false;
    later(seconds, [this, http] {
        if (stopped_)
            return;
        down_ = false;
        boot_ = std::chrono::steady_clock::now();
        open_acceptor();
        if (http)
            open_http_acceptor();
    });
}

std::string SeestarSim::stamp(double offset) const {
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - boot_).count() + 4000.0 +
        offset;
    return fmt::format("{:.9f}", s);
}

void SeestarSim::accept_next() {
    acceptor_.async_accept([this, alive = alive_](const boost::system::error_code& ec,
                                                  tcp::socket s) {
        if (ec || !*alive)
            return;
        Lock lock(mu_);
        boost::system::error_code ignored;
        s.set_option(tcp::no_delay(true), ignored);
        conns_.erase(std::remove_if(conns_.begin(), conns_.end(),
                                    [](const auto& w) { return w.expired() || !w.lock()->open; }),
                     conns_.end());
        if (static_cast<int>(conns_.size()) >= opt_.max_clients) {
            // Slots exhausted: accepted and closed at once (reference §5.1 [U]).
            ++rejected_;
            s.shutdown(tcp::socket::shutdown_both, ignored);
            s.close(ignored);
            accept_next();
            return;
        }
        auto c = std::make_shared<Conn>(std::move(s), next_conn_++);
        ++accepted_;
        conns_.push_back(c);
        if (opt_.emit_version_event)
            event_to(c,
                     {{"Event", "Version"},
                      {"name", "ASI AIR imager"},
                      {"svr_ver_string", "5.50"},
                      {"firmware_ver_int", opt_.firmware},
                      {"firmware_ver_string", fmt::format("{}.{:02}", (opt_.firmware - 2000) / 100,
                                                          (opt_.firmware - 2000) % 100)},
                      {"is_verified", false}});
        read_next(c);
        accept_next();
    });
}

void SeestarSim::read_next(const std::shared_ptr<Conn>& c) {
    c->socket.async_read_some(
        asio::buffer(c->buf),
        [this, c, alive = alive_](const boost::system::error_code& e, std::size_t n) {
            if (!*alive)
                return;
            Lock lock(mu_);
            if (e || !c->open) {
                close_conn(c);
                return;
            }
            c->framer.feed(std::string_view(c->buf.data(), n));
            while (auto line = c->framer.next()) {
                on_line(c, *line);
                if (!c->open)
                    return;
            }
            read_next(c);
        });
}

void SeestarSim::close_conn(const std::shared_ptr<Conn>& c, bool rst) {
    if (!c->open)
        return;
    c->open = false;
    boost::system::error_code ec;
    if (rst)
        c->socket.set_option(tcp::socket::linger(true, 0), ec);  // close() now sends RST
    else
        c->socket.shutdown(tcp::socket::shutdown_both, ec);
    c->socket.close(ec);
    if (master_conn_ == c->id)
        master_conn_ = 0;
}

void SeestarSim::record(int connection, const std::string& method, const json& params) {
    LogEntry e{std::chrono::system_clock::now(), connection, method, params};
    log_.push_back(e);
    if (log_file_) {
        log_file_ << json({{"time", format_iso8601(std::chrono::time_point_cast<Duration>(e.time))},
                           {"connection", e.connection},
                           {"method", e.method},
                           {"params", e.params}})
                         .dump(-1, ' ', false, json::error_handler_t::replace)
                  << '\n';
        log_file_.flush();
    }
}

void SeestarSim::on_line(const std::shared_ptr<Conn>& c, const std::string& line) {
    json req = json::parse(line, nullptr, false);
    if (req.is_discarded() || !req.is_object() || !req.contains("method") ||
        !req["method"].is_string())
        return;  // the device ignores what it cannot read
    record(c->id, req["method"].get<std::string>(), req.value("params", json()));
    handle(c, req);
}

// --- writing: every message goes through send_line, where the per-connection faults act

void SeestarSim::enqueue(const std::shared_ptr<Conn>& c, std::string bytes, double delay,
                         int close) {
    c->out.push_back({std::move(bytes), delay, close});
    pump(c);
}

void SeestarSim::pump(const std::shared_ptr<Conn>& c) {
    if (c->writing || c->out.empty() || !c->open)
        return;
    c->writing = true;
    auto write = [this, c, alive = alive_] {
        if (!*alive)
            return;
        Lock lock(mu_);
        if (!c->open || c->out.empty()) {
            c->writing = false;
            return;
        }
        asio::async_write(c->socket, asio::buffer(c->out.front().bytes),
                          [this, c, alive](const boost::system::error_code& ec, std::size_t) {
                              if (!*alive)
                                  return;
                              Lock l(mu_);
                              c->writing = false;
                              if (ec) {
                                  close_conn(c);
                                  return;
                              }
                              const int close = c->out.front().close;
                              c->out.pop_front();
                              if (close) {
                                  close_conn(c, close == 2);
                                  return;
                              }
                              pump(c);
                          });
    };
    if (c->out.front().delay > 0)
        later(c->out.front().delay, write);
    else
        write();
}

void SeestarSim::flush_coalesced(const std::shared_ptr<Conn>& c) {
    if (c->coalesced.empty())
        return;
    enqueue(c, std::exchange(c->coalesced, std::string()));
}

void SeestarSim::send_line(const std::shared_ptr<Conn>& c, std::string line) {
    if (!c->open)
        return;
    int close = 0;
    if (c->drop_after > 0 && --c->drop_after == 0)
        close = 1;
    if (c->coalesce_left > 0) {
        // Several messages in one write, as the fw 2.25 capture shows.
        c->coalesced += line;
        if (--c->coalesce_left == 0 || close) {
            flush_coalesced(c);
        } else if (c->coalesced.size() == line.size()) {
            later(0.05, [this, c] { flush_coalesced(c); });  // do not hold them forever
        }
        if (close)
            enqueue(c, "", 0, close);
        return;
    }
    if (c->fragment_left > 0) {
        --c->fragment_left;
        std::uniform_int_distribution<std::size_t> cut(1,
                                                       std::max<std::size_t>(1, line.size() - 1));
        std::vector<std::size_t> cuts = {cut(c->rng), cut(c->rng), cut(c->rng)};
        std::sort(cuts.begin(), cuts.end());
        cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
        std::size_t from = 0;
        for (auto at : cuts) {
            enqueue(c, line.substr(from, at - from), from ? 0.003 : 0);
            from = at;
        }
        enqueue(c, line.substr(from), 0.003, close);
        return;
    }
    enqueue(c, std::move(line), 0, close);
}

void SeestarSim::event(json e) {
    for (auto& w : conns_)
        if (auto c = w.lock(); c && c->open)
            event_to(c, e);
}

void SeestarSim::event_to(const std::shared_ptr<Conn>& c, json e) {
    json full = {{"Event", e["Event"]}, {"Timestamp", stamp()}};
    for (auto& [k, v] : e.items())
        full[k] = v;
    send_line(c, full.dump() + "\r\n");
}

void SeestarSim::later(double seconds, std::function<void()> fn) {
    auto t = std::make_shared<asio::steady_timer>(io_, secs(seconds));
    t->async_wait(
        [this, t, fn = std::move(fn), alive = alive_](const boost::system::error_code& ec) {
            if (ec || !*alive)
                return;
            Lock lock(mu_);
            fn();
        });
}

void SeestarSim::tick_pistatus() {
    pistatus_timer_.expires_after(secs(opt_.pistatus_seconds));
    pistatus_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
        if (ec || !*alive)
            return;
        Lock lock(mu_);
        if (!down_)
            event({{"Event", "PiStatus"}, {"temp", 41.5}, {"battery_capacity", 87}});
        tick_pistatus();
    });
}

std::optional<Fault> SeestarSim::take_fault(const std::string& method) {
    if (faults_.empty())
        return std::nullopt;
    const auto& f = faults_.front();
    if (!f.method.empty() && f.method != method)
        return std::nullopt;
    Fault out = f;
    faults_.pop_front();
    return out;
}

void SeestarSim::deliver(const std::shared_ptr<Conn>& c, std::string line, double delay) {
    const auto now = std::chrono::steady_clock::now();
    if (c->stalled_until > now)
        delay = std::max(delay, std::chrono::duration<double>(c->stalled_until - now).count());
    auto send = [this, c, line = std::move(line)] {
        if (c->silenced)
            return;
        send_line(c, line);
        if (c->held) {
            // Reordered: the held reply (id n) goes after this one (n+1), then an event whose
            // Timestamp is earlier than this reply's, as captured.
            send_line(c, std::exchange(c->held, std::nullopt).value());
            event_to(c, {{"Event", "PiStatus"}, {"Timestamp", stamp(-0.3)}, {"temp", 41.2}});
        }
    };
    if (delay > 0)
        later(delay, send);
    else
        send();
}

void SeestarSim::send_reply(const std::shared_ptr<Conn>& c, json msg, std::optional<Fault> f) {
    if (c->silenced || !c->open)
        return;
    const std::string method = msg.value("method", std::string());
    double delay = 0;
    if (auto it = opt_.latency.find(method); it != opt_.latency.end())
        delay = it->second;
    std::string term = "\r\n";
    std::string prefix;
    if (f) {
        switch (f->kind) {
            case FaultKind::kDrop:
                close_conn(c);
                return;
            case FaultKind::kRst:
                close_conn(c, true);
                return;
            case FaultKind::kHalfReply: {
                const auto line = msg.dump() + term;
                enqueue(c, line.substr(0, line.size() / 2));
                enqueue(c, "", 0.05, 1);
                return;
            }
            case FaultKind::kSilence:
                c->silenced = true;
                return;
            case FaultKind::kDropAfter:
                c->drop_after = std::max(1, f->count);
                break;
            case FaultKind::kFragment:
                c->fragment_left = std::max(1, f->count);
                break;
            case FaultKind::kCoalesce:
                c->coalesce_left = std::max(2, f->count);
                break;
            case FaultKind::kMalformed:
                send_line(c, "this is not json\r\n");
                send_line(c, "{\"jsonrpc\":\"2.0\",\"Timestamp\":\"1.0\",\"method\":\r\n");
                send_line(c,
                          "\xEF\xBB\xBF" +
                              json({{"Event", "PiStatus"}, {"Timestamp", stamp()}, {"temp", 40.1}})
                                  .dump() +
                              "\n");
                send_line(c, "[1,2,3]\r\n");
                break;
            case FaultKind::kBigReply:
                // Replies over 50 kB occur (plan data); the extra field is outside `result`.
                msg["plan_data"] = std::string(100 * 1024, 'x');
                break;
            case FaultKind::kBom:
                prefix = "\xEF\xBB\xBF";
                break;
            case FaultKind::kBareLf:
                term = "\n";
                break;
            case FaultKind::kDuplicateId: {
                json other = msg;
                other["method"] = "scope_get_equ_coord";
                other.erase("error");
                other["code"] = 0;
                other["result"] = {{"ra", 1.5}, {"dec", -20.0}};
                send_line(c, other.dump() + "\r\n");
                json unknown = other;
                unknown["id"] = msg["id"].is_number_integer()
                                    ? json(msg["id"].get<std::int64_t>() + 777777)
                                    : json("foreign-420");
                send_line(c, unknown.dump() + "\r\n");
                deliver(c, msg.dump() + term, delay);
                deliver(c, msg.dump() + term, delay + 0.01);  // the same id once more
                return;
            }
            case FaultKind::kStall:
                c->stalled_until = std::chrono::steady_clock::now() + secs(f->seconds);
                break;
            case FaultKind::kDelay:
                delay += f->seconds;
                break;
            case FaultKind::kReorder:
                c->held = prefix + msg.dump() + term;
                later(1.0, [this, c] {
                    if (c->held)
                        send_line(c, std::exchange(c->held, std::nullopt).value());
                });
                return;
            default:
                break;
        }
    }
    deliver(c, prefix + msg.dump() + term, delay);
}

void SeestarSim::reply(const std::shared_ptr<Conn>& c, const json& req, json result,
                       std::optional<Fault> f) {
    json msg = {{"jsonrpc", "2.0"},
                {"Timestamp", stamp()},
                {"method", req["method"]},
                {"result", std::move(result)},
                {"code", 0},
                {"id", req.value("id", json())}};  // echoed as received, strings included
    send_reply(c, std::move(msg), f);
}

void SeestarSim::reply_error(const std::shared_ptr<Conn>& c, const json& req, int code,
                             const std::string& text, std::optional<Fault> f) {
    json msg = {{"jsonrpc", "2.0"}, {"Timestamp", stamp()}, {"method", req["method"]},
                {"error", text},    {"code", code},         {"id", req.value("id", json())}};
    send_reply(c, std::move(msg), f);
}

}  // namespace zc::sim
