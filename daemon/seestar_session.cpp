#include "seestar_session.h"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "seestar/auth.h"
#include "seestar/error_codes.h"
#include "seestar/firmware.h"

namespace zc::daemon {

namespace asio = boost::asio;
using nlohmann::json;
using seestar::Target;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

namespace {
constexpr milliseconds kAuthTimeout{10000};    // each auth step (the scope can be busy ~10 s)
constexpr milliseconds kSettingTimeout{3000};  // set_setting
constexpr milliseconds kFireTimeout{5000};     // mode changes: confirmed by state, not reply
constexpr milliseconds kPollEvery{400};
constexpr milliseconds kCheckEvery{250};  // dead-link check

std::string failure_text(const std::string& method, const RpcResult& r) {
    if (r.timed_out || r.closed)
        return r.error;
    return method + " refused: " + seestar::describe_code(r.code) +
           (r.error.empty() || r.error == "error" ? "" : " \"" + r.error + "\"");
}
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
    set_state(LinkState::kConnecting,
              "connecting to " + options_.host + ":" + std::to_string(options_.port));
    std::weak_ptr<SeestarSession> weak = weak_from_this();
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
        if (auto self = weak.lock(); self && self->generation_ == gen)
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
                       self->last_reply_ = steady::now();
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
    const auto gen = generation_;
    auto self = shared_from_this();
    if (options_.auth_key_file.empty()) {
        after_auth();
        return;
    }
    call("get_verify_str", nullptr, kAuthTimeout, [this, self, gen](const RpcResult& r) {
        if (gen != generation_)
            return;
        if (r.code == 103) {  // firmware before 7.18: no challenge-response
            after_auth();
            return;
        }
        const json* str =
            r.result.is_object() && r.result.contains("str") && r.result["str"].is_string()
                ? &r.result["str"]
                : nullptr;
        if (!r.ok || !str) {
            handshake_failed(r.ok ? "get_verify_str: no challenge in the reply"
                                  : failure_text("get_verify_str", r));
            return;
        }
        const std::string challenge = str->get<std::string>();
        std::string sign;
        try {
            sign = seestar::sign_challenge(options_.auth_key_file, challenge);
        } catch (const seestar::AuthError& e) {
            handshake_failed(e.what());
            return;
        }
        call("verify_client", {{"sign", sign}, {"data", challenge}}, kAuthTimeout,
             [this, self, gen](const RpcResult& v) {
                 if (gen != generation_)
                     return;
                 if (!v.ok) {
                     handshake_failed(
                         v.timed_out || v.closed
                             ? v.error
                             : "authentication rejected by the scope (" +
                                   seestar::describe_code(v.code) +
                                   "): the key in seestar.auth_key_file does not match this "
                                   "firmware");
                     return;
                 }
                 call("pi_is_verified", nullptr, kAuthTimeout,
                      [this, self, gen](const RpcResult& p) {
                          if (gen != generation_)
                              return;
                          const bool verified =
                              p.ok &&
                              (p.result == true || (p.result.is_object() &&
                                                    p.result.value("is_verified", false) == true));
                          if (!verified) {
                              handshake_failed("pi_is_verified did not confirm authentication");
                              return;
                          }
                          authenticated_ = true;
                          after_auth();
                      });
             });
    });
}

void SeestarSession::after_auth() {
    const auto gen = generation_;
    auto self = shared_from_this();
    call("get_device_state", {{"keys", {"device", "mount", "pi_status"}}}, options_.timeout,
         [this, self, gen](const RpcResult& r) {
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
             if (!r.timed_out) {
                 handshake_failed(failure_text("get_device_state", r));
                 return;
             }
             // Unanswered: on 7.18+ an unauthenticated client gets events but no replies
             // (pitfall 1). pi_is_verified is answered unauthenticated and tells them apart.
             call("pi_is_verified", nullptr, kAuthTimeout, [this, self, gen](const RpcResult& p) {
                 if (gen != generation_)
                     return;
                 if (p.ok && p.result == false)
                     handshake_failed(
                         options_.auth_key_file.empty()
                             ? "the scope does not answer: its firmware (>= 7.18) requires "
                               "authentication and seestar.auth_key_file is not set"
                             : "the scope does not answer and reports this client as not "
                               "verified");
                 else
                     handshake_failed("get_device_state: no reply (scope busy or hung)");
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
    last_reply_ = steady::now();
    last_beat_ = steady::now();
    spdlog::info("seestar: handshake done (firmware {}, {}, {})",
                 seestar::version_string(firmware_),
                 seestar::to_string(seestar::generation(firmware_)),
                 authenticated_ ? "authenticated" : "no authentication");
    update_degraded();
    notify_waiters(true, "connected");
    heartbeat_timer_.expires_after(options_.heartbeat);
    heartbeat_timer_.async_wait([weak = weak_from_this(), gen = generation_](auto ec) {
        if (auto self = weak.lock(); self && !ec && self->generation_ == gen)
            self->heartbeat_tick();
    });
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

void SeestarSession::heartbeat_tick() {
    // Checked more often than the heartbeat is sent, so that a dead link is noticed within
    // dead_after + one check (9.5 s at the defaults), wherever the last reply fell.
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
        call("test_connection", nullptr, options_.dead_after, [](const RpcResult&) {});
    }
    heartbeat_timer_.expires_after(std::min<steady::duration>(kCheckEvery, options_.heartbeat));
    heartbeat_timer_.async_wait([weak = weak_from_this(), gen = generation_](auto ec) {
        if (auto self = weak.lock(); self && !ec && self->generation_ == gen)
            self->heartbeat_tick();
    });
}

// --- events

void SeestarSession::handle_event(const seestar::Event& e) {
    const auto& f = e.fields;
    if (e.name == "View") {
        apply_view(f);
    } else if (e.name == "AviRecord") {
        const auto st = f.value("state", std::string());
        if (!st.empty())
            recording_ = st == "working" || st == "start";
    } else if (e.name == "PiStatus") {
        if (f.contains("temp") && f["temp"].is_number())
            temp_ = f["temp"].get<double>();
        if (f.contains("battery_capacity") && f["battery_capacity"].is_number())
            battery_ = f["battery_capacity"].get<double>();
    } else if (e.name == "ScopeTrack") {
        if (f.contains("tracking") && f["tracking"].is_boolean())
            tracking_ = f["tracking"].get<bool>();
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

void SeestarSession::apply_view(const json& v) {
    if (!v.is_object())
        return;
    const auto st = v.value("state", std::string());
    const auto mode = v.value("mode", std::string());
    if (st == "cancel" || st == "fail" || mode == "none" || (st.empty() && mode.empty())) {
        view_target_.reset();
        view_mode_ = "none";
    } else if (!mode.empty()) {
        view_mode_ = mode;
        view_target_ = seestar::target_of_view_mode(mode);
    }
    if (v.contains("AviRecord") && v["AviRecord"].is_object()) {
        recording_ = v["AviRecord"].value("state", std::string()) == "working";
    } else if (v.empty() || st == "cancel" || mode == "none") {
        recording_ = false;
    }
}

// --- operations

void SeestarSession::refresh(Done done) {
    auto self = shared_from_this();
    call("get_view_state", nullptr, options_.timeout,
         [this, self, done = std::move(done)](const RpcResult& r) {
             if (!r.ok) {
                 done(false, failure_text("get_view_state", r));
                 return;
             }
             const json view =
                 r.result.is_object() ? r.result.value("View", json::object()) : json::object();
             if (view.empty()) {
                 view_target_.reset();
                 view_mode_ = "none";
                 recording_ = false;
             } else {
                 apply_view(view);
                 if (!view.contains("AviRecord"))
                     recording_ = false;
             }
             done(true, "view " + view_mode_);
         });
}

void SeestarSession::start_view(Target target, Done done) {
    if (!usable()) {
        done(false, "the scope is not connected (" + reason_ + ")");
        return;
    }
    auto self = shared_from_this();
    const std::string name = target == Target::kSun ? "Sun" : "Moon";
    // Re-claim master before every mode command: the phone app takes it silently (pitfall 2).
    call("set_setting", {{"master_cli", true}}, kSettingTimeout, [](const RpcResult&) {});
    // Mode commands are fire-and-forget; the effect is confirmed through get_view_state.
    call("iscope_start_view", {{"mode", seestar::to_string(target)}, {"target_name", name}},
         kFireTimeout, [this, self, target, done](const RpcResult& r) {
             if (!r.ok && !r.timed_out) {
                 done(false, failure_text("iscope_start_view", r));
                 return;
             }
             call("start_scan_planet", nullptr, kFireTimeout, [](const RpcResult&) {});
             confirm_view(target, steady::now() + options_.confirm_timeout, done);
         });
}

void SeestarSession::confirm_view(Target target, steady::time_point until, Done done) {
    auto self = shared_from_this();
    refresh([this, self, target, until, done](bool ok, const std::string&) {
        if (ok && view_target_ == target) {
            done(true, std::string("viewing the ") + seestar::to_string(target) + " (mode " +
                           view_mode_ + ")");
            return;
        }
        if (steady::now() >= until || !usable()) {
            done(false, std::string("the scope did not confirm the ") + seestar::to_string(target) +
                            " view (mode " + view_mode_ + ")" +
                            (is_master_ ? "" : "; another client holds master control"));
            return;
        }
        auto t = std::make_shared<asio::steady_timer>(io_, kPollEvery);
        t->async_wait([this, self, t, target, until, done](auto ec) {
            if (!ec)
                confirm_view(target, until, done);
        });
    });
}

void SeestarSession::stop_view(Done done) {
    auto self = shared_from_this();
    call("iscope_stop_view", nullptr, kFireTimeout, [this, self, done](const RpcResult& r) {
        if (!r.ok && !r.timed_out) {
            done(false, failure_text("iscope_stop_view", r));
            return;
        }
        refresh([done](bool, const std::string& text) { done(true, "view stopped; " + text); });
    });
}

void SeestarSession::start_record(Done done) {
    if (!usable()) {
        done(false, "the scope is not connected (" + reason_ + ")");
        return;
    }
    if (!view_target_) {
        // Recording outside sun/moon view started star mode on some firmware (pitfall 16).
        done(false,
             "not recording: the scope is not in sun or moon view (mode " + view_mode_ + ")");
        return;
    }
    auto self = shared_from_this();
    call("start_record_avi", {{"raw", false}}, options_.timeout,
         [this, self, done](const RpcResult& r) {
             if (!r.ok) {
                 done(false, failure_text("start_record_avi", r));
                 return;
             }
             recording_ = true;
             done(true, "recording");
         });
}

void SeestarSession::stop_record(Done done) {
    auto self = shared_from_this();
    call("stop_record_avi", nullptr, options_.timeout, [this, self, done](const RpcResult& r) {
        if (!r.ok) {
            done(false, failure_text("stop_record_avi", r));
            return;
        }
        recording_ = false;
        done(true, "recording stopped");
    });
}

void SeestarSession::park(Done done) {
    if (!usable()) {
        done(false, "the scope is not connected (" + reason_ + ")");
        return;
    }
    auto self = shared_from_this();
    call("set_setting", {{"master_cli", true}}, kSettingTimeout, [](const RpcResult&) {});
    call("scope_park", nullptr, options_.timeout, [this, self, done](const RpcResult& r) {
        if (!r.ok) {
            done(false, failure_text("scope_park", r));
            return;
        }
        view_target_.reset();
        view_mode_ = "none";
        recording_ = false;
        done(true, "parking");
    });
}

json SeestarSession::status() const {
    json j = {{"state", to_string(state_)},
              {"reason", reason_},
              {"host", options_.host},
              {"port", options_.port},
              {"firmware_ver_int", firmware_},
              {"firmware", firmware_ ? seestar::version_string(firmware_) : ""},
              {"generation", seestar::to_string(seestar::generation(firmware_))},
              {"authenticated", authenticated_},
              {"master", is_master_},
              {"view_mode", view_mode_},
              {"view_target", view_target_ ? seestar::to_string(*view_target_) : "none"},
              {"recording", recording_},
              {"tracking", tracking_ ? json(*tracking_) : json(nullptr)},
              {"temperature_c", temp_ ? json(*temp_) : json(nullptr)},
              {"battery_percent", battery_ ? json(*battery_) : json(nullptr)},
              {"connected_since", connected_since_},
              {"malformed_lines", link_ ? link_->malformed_lines() : 0}};
    return j;
}

}  // namespace zc::daemon
