#include "seestar_session.h"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "seestar/auth.h"
#include "seestar/error_codes.h"
#include "seestar/firmware.h"
#include "seestar_discovery.h"

namespace zc::daemon {

namespace asio = boost::asio;
using nlohmann::json;
using seestar::Target;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

namespace {
constexpr milliseconds kSettingTimeout{3000};  // set_setting
constexpr milliseconds kCheckEvery{250};       // dead-link check
constexpr milliseconds kSlotWindow{2000};      // closed this soon, silent: slots exhausted
}  // namespace

const char* to_string(LinkState s) {
    switch (s) {
        case LinkState::kDisconnected:
            return "disconnected";
        case LinkState::kConnecting:
            return "connecting";
        case LinkState::kReady:
            return "ready";
        case LinkState::kDegraded:
            return "degraded";
        case LinkState::kLost:
            return "lost";
    }
    return "lost";
}

SeestarSession::SeestarSession(asio::io_context& io, const Clock& clock, SessionOptions options,
                               Hooks hooks)
    : io_(io),
      clock_(clock),
      options_(std::move(options)),
      hooks_(std::move(hooks)),
      retry_timer_(io),
      heartbeat_timer_(io),
      backoff_(options_.retry_initial) {}

SeestarSession::~SeestarSession() {
    if (link_)
        link_->close("session destroyed");
}

void SeestarSession::start() {
    running_ = true;
    if (!link_ && !handshaking_)
        connect_once();
}

void SeestarSession::stop() {
    running_ = false;
    retry_timer_.cancel();
    heartbeat_timer_.cancel();
    ++generation_;
    handshaking_ = false;
    if (link_)
        link_->close("stopping");
    link_.reset();
    notify_waiters(false, "the session was stopped");
    set_state(LinkState::kDisconnected, "stopped");
}

void SeestarSession::disconnect(const std::string& why) {
    stop();
    set_state(LinkState::kDisconnected, why);
}

void SeestarSession::connect_now(int attempts, Done done) {
    if (usable()) {
        done(true, "already connected");
        return;
    }
    waiters_.push_back({std::max(1, attempts), std::move(done)});
    running_ = true;
    if (!link_ && !handshaking_) {
        retry_timer_.cancel();
        backoff_ = options_.retry_initial;
        connect_once();
    }
}

void SeestarSession::notify_waiters(bool ok, const std::string& text) {
    auto waiters = std::move(waiters_);
    waiters_.clear();
    for (auto& w : waiters)
        w.done(ok, text);
}

void SeestarSession::set_state(LinkState s, const std::string& reason) {
    if (s == state_ && reason == reason_)
        return;
    state_ = s;
    reason_ = reason;
    if (s == LinkState::kLost || s == LinkState::kDegraded)
        spdlog::warn("seestar: {}: {}", to_string(s), reason);
    else
        spdlog::info("seestar: {}{}{}", to_string(s), reason.empty() ? "" : ": ", reason);
    if (hooks_.on_state)
        hooks_.on_state(s, reason);
}

void SeestarSession::connect_once() {
    if (options_.host.empty()) {
        set_state(LinkState::kLost, "seestar.host is not set");
        notify_waiters(false, "seestar.host is not set");
        return;
    }
    const auto gen = ++generation_;
    handshaking_ = true;
    firmware_ = 0;
    authenticated_ = false;
    is_master_ = false;
    clock_set_ = false;
    heartbeat_missing_ = false;
    stopping_record_ = false;
    ++view_op_;  // nothing in flight survives a reconnect
    set_state(LinkState::kConnecting,
              "connecting to " + options_.host + ":" + std::to_string(options_.port));
    std::weak_ptr<SeestarSession> weak = weak_from_this();
    if (options_.udp_intro)
        probe_discovery(io_, options_.host, static_cast<std::uint16_t>(options_.discovery_port),
                        milliseconds(1500),
                        [weak](std::optional<seestar::ScanReply> r, const std::string& why) {
                            if (auto self = weak.lock()) {
                                if (r)
                                    self->discovery_ = std::move(r);
                                self->discovery_note_ = why;
                            }
                        });
    SeestarLink::Callbacks cb;
    cb.on_event = [weak](const seestar::Event& e) {
        if (auto self = weak.lock())
            self->handle_event(e);
    };
    cb.on_reply = [weak] {
        if (auto self = weak.lock()) {
            self->last_reply_ = steady::now();
            if (self->heartbeat_missing_) {
                self->heartbeat_missing_ = false;
                self->update_degraded();
            }
        }
    };
    cb.on_closed = [weak, gen](const std::string& why) {
        auto self = weak.lock();
        if (!self || self->generation_ != gen)
            return;
        // Accepted, then closed before a single byte: the device's client slots are taken
        // (reference §5.1; leaked sockets are not reclaimed, pitfall 12).
        if (self->handshaking_ && self->link_ && self->link_->bytes_received() == 0 &&
            steady::now() - self->connected_at_ < kSlotWindow) {
            std::string text =
                "the scope closed the connection at once: all its client slots are probably "
                "taken (the phone app, other tools, or leaked connections); close them or "
                "restart the scope";
            if (self->discovery_ && self->discovery_->tcp_client_num)
                text += " (it reports " + std::to_string(*self->discovery_->tcp_client_num) +
                        " TCP clients)";
            self->link_lost(text);
            return;
        }
        self->link_lost(why);
    };
    link_ = std::make_shared<SeestarLink>(io_, std::move(cb));
    link_->connect(options_.host, options_.port, options_.timeout,
                   [weak, gen](const std::string& err) {
                       auto self = weak.lock();
                       if (!self || self->generation_ != gen)
                           return;
                       if (!err.empty()) {
                           self->handshake_failed(err);
                           return;
                       }
                       self->connected_at_ = steady::now();
                       self->last_reply_ = steady::now();
                       self->last_beat_ = steady::now();
                       // The heartbeat runs from the start: liveness is judged on every reply,
                       // so one slow request (busy scope) never drops the link by itself.
                       self->arm_heartbeat(self->options_.heartbeat);
                       self->handshake();
                   });
}

void SeestarSession::call(const std::string& method, json params, milliseconds timeout,
                          SeestarLink::ReplyFn done) {
    if (!link_ || !link_->is_open()) {
        RpcResult r;
        r.closed = true;
        r.error = "the scope is not connected (" + reason_ + ")";
        asio::post(io_, [done = std::move(done), r] { done(r); });
        return;
    }
    link_->request(method, seestar::shape_params(firmware_, method, std::move(params)), timeout,
                   std::move(done));
}

// --- handshake: auth (when a key is configured) -> device state -> master -> time/location

void SeestarSession::handshake() {
    if (options_.auth_key_file.empty()) {
        after_auth();
        return;
    }
    request_challenge(steady::now());
}

void SeestarSession::request_challenge(steady::time_point since) {
    const auto gen = generation_;
    auto self = shared_from_this();
    call("get_verify_str", nullptr, options_.auth_timeout,
         [this, self, gen, since](const RpcResult& r) {
             if (gen != generation_)
                 return;
             if (r.code == 103) {  // firmware before 7.18: no challenge-response
                 after_auth();
                 return;
             }
             if (r.timed_out && steady::now() - since < options_.auth_busy_budget) {
                 // A busy scope ignores get_verify_str for a while; the link is alive (the
                 // heartbeat says so, or it would have been dropped), so ask again (ALP).
                 set_state(LinkState::kConnecting,
                           "the scope has not answered get_verify_str yet (busy?); asking again");
                 request_challenge(since);
                 return;
             }
             const json* str =
                 r.result.is_object() && r.result.contains("str") && r.result["str"].is_string()
                     ? &r.result["str"]
                     : nullptr;
             if (!r.ok || !str || str->get_ref<const std::string&>().empty()) {
                 handshake_failed(r.ok ? "get_verify_str: no challenge in the reply"
                                       : failure_text("get_verify_str", r));
                 return;
             }
             answer_challenge(str->get<std::string>());
         });
}

void SeestarSession::answer_challenge(const std::string& challenge) {
    const auto gen = generation_;
    auto self = shared_from_this();
    std::string sign;
    try {
        sign = seestar::sign_challenge(options_.auth_key_file, challenge);
    } catch (const seestar::AuthError& e) {
        handshake_failed(e.what());
        return;
    }
    // Matched by id in the one reader: events in between are not the reply (SP 0.5.0).
    call("verify_client", {{"sign", sign}, {"data", challenge}}, options_.auth_timeout,
         [this, self, gen](const RpcResult& v) {
             if (gen != generation_)
                 return;
             if (!v.ok) {
                 handshake_failed(v.timed_out || v.closed
                                      ? v.error
                                      : "authentication rejected by the scope (" +
                                            seestar::describe_code(v.code) +
                                            "): the key in seestar.auth_key_file does not match "
                                            "this firmware, or the challenge was stale");
                 return;
             }
             call("pi_is_verified", nullptr, options_.auth_timeout,
                  [this, self, gen](const RpcResult& p) {
                      if (gen != generation_)
                          return;
                      const bool verified =
                          p.ok &&
                          (p.result == true ||
                           (p.result.is_object() && p.result.value("is_verified", false) == true));
                      if (!verified) {
                          handshake_failed("pi_is_verified did not confirm authentication");
                          return;
                      }
                      authenticated_ = true;
                      after_auth();
                  });
         });
}

void SeestarSession::after_auth() {
    const auto gen = generation_;
    auto self = shared_from_this();
    auto answered = std::make_shared<bool>(false);
    call("get_device_state", {{"keys", {"device", "mount", "pi_status"}}}, options_.busy_timeout,
         [this, self, gen, answered](const RpcResult& r) {
             *answered = true;
             if (gen != generation_)
                 return;
             if (r.ok && r.result.is_object()) {
                 const auto& dev = r.result.value("device", json::object());
                 firmware_ = dev.value("firmware_ver_int", 0);
                 const auto& pi = r.result.value("pi_status", json::object());
                 if (pi.contains("temp") && pi["temp"].is_number())
                     temp_ = pi["temp"].get<double>();
                 if (pi.contains("battery_capacity") && pi["battery_capacity"].is_number())
                     battery_ = pi["battery_capacity"].get<double>();
                 const auto& mount = r.result.value("mount", json::object());
                 if (mount.contains("tracking") && mount["tracking"].is_boolean())
                     tracking_ = mount["tracking"].get<bool>();
                 after_device_state();
                 return;
             }
             handshake_failed(r.timed_out ? "get_device_state: no reply (scope busy or hung)"
                                          : failure_text("get_device_state", r));
         });
    // Unanswered after the usual timeout: on 7.18+ an unauthenticated client gets events but no
    // replies (pitfall 1), and pi_is_verified, answered unauthenticated, tells that apart from
    // a scope that is merely busy (pitfall 11), which is waited for.
    after(options_.timeout, [this, self, gen, answered] {
        if (*answered || gen != generation_)
            return;
        call("pi_is_verified", nullptr, options_.auth_timeout,
             [this, self, gen, answered](const RpcResult& p) {
                 if (*answered || gen != generation_)
                     return;
                 if (p.ok && p.result == false) {
                     handshake_failed(options_.auth_key_file.empty()
                                          ? "the scope does not answer: its firmware (>= 7.18) "
                                            "requires authentication and seestar.auth_key_file "
                                            "is not set"
                                          : "the scope does not answer and reports this client "
                                            "as not verified");
                     return;
                 }
                 set_state(LinkState::kConnecting,
                           "get_device_state is slow (the scope may be busy imaging); waiting");
             });
    });
}

void SeestarSession::after_device_state() {
    const auto gen = generation_;
    auto self = shared_from_this();
    if (seestar::needs_auth(firmware_) && !authenticated_)
        spdlog::warn(
            "seestar: firmware {} normally requires authentication; continuing since it "
            "answers",
            seestar::version_string(firmware_));
    call("set_setting", {{"master_cli", true}}, kSettingTimeout,
         [this, self, gen](const RpcResult& r) {
             if (gen != generation_)
                 return;
             // A Client event may already have said otherwise; a refusal leaves us degraded.
             if (r.ok)
                 is_master_ = true;
             else
                 spdlog::warn("seestar: master claim: {}", failure_text("set_setting", r));
             if (firmware_ == 0 || firmware_ > 2300)
                 call("set_setting", {{"cli_name", options_.cli_name}}, kSettingTimeout,
                      [](const RpcResult&) {});
             set_time_and_location();
         });
}

void SeestarSession::set_time_and_location() {
    const auto gen = generation_;
    auto self = shared_from_this();
    const auto now = clock_.now();
    const auto day = std::chrono::floor<std::chrono::days>(now);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::seconds>(now - day)};
    const json t = {{"year", static_cast<int>(ymd.year())},
                    {"mon", static_cast<unsigned>(ymd.month())},
                    {"day", static_cast<unsigned>(ymd.day())},
                    {"hour", hms.hours().count()},
                    {"min", hms.minutes().count()},
                    {"sec", hms.seconds().count()},
                    {"time_zone", "UTC"}};
    // Object params (7.75+ rejects lists with 107); older firmware that wants the one-element
    // list gets it on a 107.
    call("pi_set_time", t, options_.timeout, [this, self, gen, t](const RpcResult& r) {
        if (gen != generation_)
            return;
        auto location = [this, self, gen] {
            call("set_user_location",
                 {{"lat", options_.latitude}, {"lon", options_.longitude}, {"force", true}},
                 options_.timeout, [this, self, gen](const RpcResult& l) {
                     if (gen != generation_)
                         return;
                     if (!l.ok)
                         spdlog::warn("seestar: {}", failure_text("set_user_location", l));
                     refresh([this, self, gen](bool, const std::string&) {
                         if (gen == generation_)
                             handshake_done();
                     });
                 });
        };
        if (r.ok) {
            clock_set_ = true;
            location();
        } else if (r.code == 107 && !seestar::strict_params(firmware_)) {
            call("pi_set_time", json::array({t}), options_.timeout,
                 [this, self, gen, location](const RpcResult& r2) {
                     if (gen != generation_)
                         return;
                     clock_set_ = r2.ok;
                     location();
                 });
        } else if (r.timed_out || r.closed) {
            handshake_failed(r.error);
        } else {
            spdlog::warn("seestar: {}", failure_text("pi_set_time", r));
            location();
        }
    });
}

void SeestarSession::handshake_done() {
    handshaking_ = false;
    backoff_ = options_.retry_initial;
    connected_since_ = format_iso8601(clock_.now());
    spdlog::info("seestar: handshake done (firmware {}, {}, {})",
                 seestar::version_string(firmware_),
                 seestar::to_string(seestar::generation(firmware_)),
                 authenticated_ ? "authenticated" : "no authentication");
    update_degraded();
    notify_waiters(true, "connected");
    if (hooks_.on_ready)
        hooks_.on_ready();
}

void SeestarSession::update_degraded() {
    if (handshaking_ || !link_ || !link_->is_open())
        return;
    std::string why;
    if (heartbeat_missing_)
        why = "heartbeat replies missing";
    else if (!is_master_)
        why = "not master: another client (the phone app?) holds control; motion is ignored";
    else if (!clock_set_)
        why = "the scope clock could not be set; slews may fail";
    if (why.empty())
        set_state(LinkState::kReady, "firmware " + seestar::version_string(firmware_) +
                                         (authenticated_ ? ", authenticated" : ""));
    else
        set_state(LinkState::kDegraded, why);
}

void SeestarSession::handshake_failed(const std::string& why) {
    handshaking_ = false;
    if (link_)
        link_->close(why);
    link_.reset();
    ++generation_;
    heartbeat_timer_.cancel();
    for (auto& w : waiters_)
        --w.attempts_left;
    std::vector<Waiter> keep;
    for (auto& w : waiters_) {
        if (w.attempts_left <= 0)
            w.done(false, why);
        else
            keep.push_back(std::move(w));
    }
    waiters_ = std::move(keep);
    set_state(LinkState::kLost, why);
    schedule_reconnect();
}

void SeestarSession::link_lost(const std::string& why) {
    recording_ = false;  // unknown until re-read after the reconnect
    handshake_failed(why);
}

void SeestarSession::schedule_reconnect() {
    if (!running_)
        return;
    const auto delay = backoff_;
    backoff_ = std::min(options_.retry_max, backoff_ * 2);
    retry_timer_.expires_after(delay);
    retry_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
        if (auto self = weak.lock(); self && !ec && self->running_ && !self->link_)
            self->connect_once();
    });
}

void SeestarSession::arm_heartbeat(steady::duration after_time) {
    heartbeat_timer_.expires_after(after_time);
    heartbeat_timer_.async_wait([weak = weak_from_this(), gen = generation_](auto ec) {
        if (auto self = weak.lock(); self && !ec && self->generation_ == gen)
            self->heartbeat_tick();
    });
}

void SeestarSession::heartbeat_tick() {
    // Checked more often than the heartbeat is sent, so that a dead link is noticed within
    // dead_after + one check (9.5 s at the defaults), wherever the last reply fell. Any reply
    // counts, so a request the scope is slow to answer (get_device_state while imaging) keeps
    // the link as long as the beats are answered.
    const auto now = steady::now();
    const auto silent = now - last_reply_;
    if (silent > options_.dead_after) {
        link_lost("no reply for " +
                  std::to_string(std::chrono::duration_cast<std::chrono::seconds>(silent).count()) +
                  " s (link dead or scope hung)");
        return;
    }
    if (silent > 2 * options_.heartbeat && !heartbeat_missing_) {
        heartbeat_missing_ = true;
        update_degraded();
    }
    if (now - last_beat_ >= options_.heartbeat - kCheckEvery / 2) {
        last_beat_ = now;
        // Until the handshake is done (unauthenticated on 7.18+), only pi_is_verified is
        // answered (FM's heartbeat); test_connection afterwards (the app's).
        call(handshaking_ ? "pi_is_verified" : "test_connection", nullptr, options_.dead_after,
             [](const RpcResult&) {});
    }
    arm_heartbeat(std::min<steady::duration>(kCheckEvery, options_.heartbeat));
}

void SeestarSession::after(milliseconds delay, std::function<void()> fn) {
    auto t = std::make_shared<asio::steady_timer>(io_, delay);
    t->async_wait([t, fn = std::move(fn), weak = weak_from_this()](auto ec) {
        if (!ec && weak.lock())
            fn();
    });
}

// --- events

namespace {
/// "mount goto failed (501) \"...\"" from an event's code and error text.
std::string event_error(const json& f) {
    const int code = f.contains("code") && f["code"].is_number_integer() ? f["code"].get<int>() : 0;
    const std::string text = f.contains("error") && f["error"].is_string()
                                 ? f["error"].get<std::string>()
                                 : std::string();
    if (!code)
        return text.empty() ? "failed" : text;
    return seestar::describe_code(code) + (text.empty() ? "" : " \"" + text + "\"");
}
bool has_error_code(const json& f) {
    return f.contains("code") && f["code"].is_number_integer() && f["code"].get<int>() != 0;
}
}  // namespace

void SeestarSession::handle_event(const seestar::Event& e) {
    const auto& f = e.fields;
    const auto st = f.contains("state") && f["state"].is_string() ? f["state"].get<std::string>()
                                                                  : std::string();
    if (e.name == "View") {
        const bool was_recording = recording_;
        apply_view(f, true);
        view_checked_ = steady::now();
        if (was_recording && !recording_)
            recording_ended("the view ended (" + view_mode_ + ")");
    } else if (e.name == "AviRecord") {
        if (st == "working") {
            recording_ = true;
            avi_working_ = true;
        } else if (st == "fail") {
            avi_failed_ = "AviRecord fail: " + event_error(f);
            if (recording_)
                recording_ended(*avi_failed_);
            recording_ = false;
        } else if (!st.empty() && st != "start") {
            // complete / stopped / cancel: the file is closed.
            if (recording_)
                recording_ended(last_track_error_.empty() ? "AviRecord " + st : last_track_error_);
            recording_ = false;
        }
    } else if (e.name == "PiStatus") {
        if (f.contains("temp") && f["temp"].is_number())
            temp_ = f["temp"].get<double>();
        if (f.contains("battery_capacity") && f["battery_capacity"].is_number())
            battery_ = f["battery_capacity"].get<double>();
    } else if (e.name == "ScopeTrack") {
        const bool was = tracking_.value_or(false);
        if (f.contains("tracking") && f["tracking"].is_boolean())
            tracking_ = f["tracking"].get<bool>();
        else if (st == "on" || st == "off")
            tracking_ = st == "on";
        if (tracking_ == true) {
            track_on_seen_ = true;
            last_track_error_.clear();
        }
        if (has_error_code(f)) {
            tracking_ = false;
            last_track_error_ = "tracking stopped: " + event_error(f);
            motion_error_ = last_track_error_;
            if (was && hooks_.on_tracking_lost)
                hooks_.on_tracking_lost(last_track_error_);
        }
    } else if (e.name.rfind("Scan", 0) == 0) {  // ScanSun, ScanMoon (assumed name)
        if (st == "complete")
            scan_complete_ = true;
        else if (st == "fail" || has_error_code(f))
            motion_error_ = e.name + " failed: " + event_error(f);
    } else if (e.name == "ScopeGoto" || e.name == "AutoGoto") {
        if (st == "fail" || has_error_code(f))
            motion_error_ = e.name + " failed: " + event_error(f);
    } else if (e.name == "Client") {
        if (f.contains("is_master") && f["is_master"].is_boolean()) {
            is_master_ = f["is_master"].get<bool>();
            update_degraded();
        }
    } else if (e.name == "Version") {
        if (f.contains("firmware_ver_int") && f["firmware_ver_int"].is_number_integer())
            firmware_ = f["firmware_ver_int"].get<int>();
    }
    if (hooks_.on_event)
        hooks_.on_event(e);
}

void SeestarSession::recording_ended(const std::string& why) {
    recording_ = false;
    record_ended_ = why;
    if (std::exchange(stopping_record_, false))
        return;  // the stop this session asked for
    spdlog::warn("seestar: the scope ended the recording: {}", why);
    if (hooks_.on_record_ended)
        hooks_.on_record_ended(why);
}

void SeestarSession::apply_view(const json& v, bool from_event) {
    if (!v.is_object())
        return;
    const auto st = v.value("state", std::string());
    const auto mode = v.value("mode", std::string());
    if (st == "cancel" || st == "fail" || mode == "none") {
        view_target_.reset();
        view_mode_ = "none";
    } else if (!mode.empty()) {
        const auto target = seestar::target_of_view_mode(mode);
        // Events say "sun" where get_view_state says "solar_sys": keep the latter's word.
        if (!from_event || target != view_target_ || !view_target_)
            view_mode_ = mode;
        view_target_ = target;
    }
    if (v.contains("AviRecord") && v["AviRecord"].is_object()) {
        recording_ = v["AviRecord"].value("state", std::string()) == "working";
    } else if (v.empty() || st == "cancel" || mode == "none") {
        recording_ = false;
    }
}

}  // namespace zc::daemon
