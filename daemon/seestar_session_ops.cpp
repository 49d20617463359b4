// SeestarSession's operations: views, recording, park, status. Mode commands are
// fire-and-forget (reference §6.5): their replies can lag, so the effect is confirmed through
// events and get_view_state, and a lagging reply never holds up the next step. Master is
// re-claimed before mode and motion commands (pitfall 2), and recording is confirmed by
// AviRecord "working" (pitfall 16).
#include <spdlog/spdlog.h>

#include "seestar/firmware.h"
#include "seestar_session.h"

namespace zc::daemon {

namespace asio = boost::asio;
using nlohmann::json;
using seestar::Target;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

namespace {
constexpr milliseconds kSettingTimeout{3000};  // set_setting
constexpr milliseconds kFireTimeout{5000};     // mode changes: confirmed by state, not reply
constexpr milliseconds kPollEvery{400};        // get_view_state while confirming a view
constexpr milliseconds kRecordPoll{500};       // get_view_state while confirming a recording
constexpr milliseconds kCheck{50};             // flags set by events, checked this often

std::string seconds_text(milliseconds d) {
    const double s = std::chrono::duration<double>(d).count();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", s);
    return buf;
}
}  // namespace

bool SeestarSession::superseded(std::uint64_t op, const Done& done) const {
    if (op == view_op_)
        return false;
    done(false, "superseded by a newer view command (or a reconnect)");
    return true;
}

void SeestarSession::claim_master(bool always, std::function<void()> then) {
    if (is_master_ && !always) {
        then();
        return;
    }
    auto self = shared_from_this();
    call("set_setting", {{"master_cli", true}}, kSettingTimeout,
         [this, self, then = std::move(then)](const RpcResult& r) {
             // A Client event may say otherwise afterwards (the phone app keeps it); the
             // command goes out anyway and its effect is checked.
             if (r.ok)
                 is_master_ = true;
             else
                 spdlog::warn("seestar: master claim: {}", failure_text("set_setting", r));
             update_degraded();
             then();
         });
}

void SeestarSession::refresh(Done done) {
    auto self = shared_from_this();
    call("get_view_state", nullptr, options_.timeout,
         [this, self, done = std::move(done)](const RpcResult& r) {
             if (!r.ok) {
                 done(false, failure_text("get_view_state", r));
                 return;
             }
             view_checked_ = steady::now();
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
                 else if (recording_)
                     avi_working_ = true;
             }
             done(true, "view " + view_mode_);
         });
}

// --- views

void SeestarSession::start_view(Target target, Done user_done) {
    if (!usable()) {
        user_done(false, "the scope is not connected (" + reason_ + ")");
        return;
    }
    const auto op = ++view_op_;
    auto self = shared_from_this();
    ++views_pending_;
    Done done = [this, self, user_done = std::move(user_done)](bool ok, const std::string& text) {
        --views_pending_;
        user_done(ok, text);
    };
    claim_master(true, [this, self, op, target, done] {
        if (superseded(op, done))
            return;
        motion_error_.reset();
        const std::string name = target == Target::kSun ? "Sun" : "Moon";
        call("iscope_start_view", {{"mode", seestar::to_string(target)}, {"target_name", name}},
             kFireTimeout, [this, self, op](const RpcResult& r) {
                 // Not waited for; a refusal is picked up by the confirmation loop.
                 if (op == view_op_ && !r.ok && !r.timed_out && !r.closed)
                     motion_error_ = failure_text("iscope_start_view", r);
             });
        confirm_view(op, target, steady::now() + options_.confirm_timeout, done);
    });
}

void SeestarSession::confirm_view(std::uint64_t op, Target target, steady::time_point until,
                                  Done done) {
    // View events keep view_target_ current; get_view_state is polled as well, in case an
    // event is missed or never sent.
    confirm_view_step(op, target, until, steady::time_point{}, done);
}

void SeestarSession::confirm_view_step(std::uint64_t op, Target target, steady::time_point until,
                                       steady::time_point next_poll, Done done) {
    if (superseded(op, done))
        return;
    auto self = shared_from_this();
    if (view_target_ == target) {
        // Seen in an event or a poll: read get_view_state once more (its `mode` is the
        // device's own word, e.g. solar_sys), then centre.
        refresh([this, self, op, target, done](bool, const std::string&) {
            if (!superseded(op, done))
                scan(op, target, done);
        });
        return;
    }
    if (motion_error_) {
        done(false, *motion_error_);
        return;
    }
    const auto now = steady::now();
    if (now >= until || !usable()) {
        done(false, std::string("the scope did not confirm the ") + seestar::to_string(target) +
                        " view (mode " + view_mode_ + ")" +
                        (is_master_ ? "" : "; another client holds master control"));
        return;
    }
    if (now >= next_poll) {
        next_poll = now + kPollEvery;
        refresh([](bool, const std::string&) {});
    }
    after(kCheck, [this, self, op, target, until, next_poll, done] {
        confirm_view_step(op, target, until, next_poll, done);
    });
}

void SeestarSession::scan(std::uint64_t op, Target target, Done done) {
    // Centre the body and track it (reference §3.2): ScanSun/ScanMoon complete and ScopeTrack
    // on, or a failure event (501 goto failed, 270 below the horizon, 502 sync failed).
    motion_error_.reset();
    scan_complete_ = false;
    track_on_seen_ = false;
    auto self = shared_from_this();
    call("start_scan_planet", nullptr, kFireTimeout, [this, self, op](const RpcResult& r) {
        if (op == view_op_ && !r.ok && !r.timed_out && !r.closed)
            motion_error_ = failure_text("start_scan_planet", r);
    });
    wait_centred(op, target, steady::now() + options_.scan_timeout, false, done);
}

void SeestarSession::wait_centred(std::uint64_t op, Target target, steady::time_point until,
                                  bool asked_tracking, Done done) {
    if (superseded(op, done))
        return;
    const std::string what = seestar::to_string(target);
    if (motion_error_) {
        done(false, "the scope could not centre the " + what + ": " + *motion_error_);
        return;
    }
    if ((scan_complete_ || track_on_seen_) && tracking_ == true) {
        done(true, "viewing and tracking the " + what + " (mode " + view_mode_ + ")");
        return;
    }
    if (!usable()) {
        done(false, "the link was lost while centring the " + what + " (" + reason_ + ")");
        return;
    }
    if (scan_complete_ && !asked_tracking) {
        // Centred but not tracking: turn it on, as the app does after ScanSun.
        asked_tracking = true;
        call("scope_set_track_state", true, kFireTimeout, [](const RpcResult&) {});
    }
    if (steady::now() >= until) {
        // The view is up; the centring was never confirmed (the Moon's scan event name is not
        // known for certain). Recording still makes sense, so this is not a failure.
        done(true, "viewing the " + what + " (mode " + view_mode_ +
                       "); centring not confirmed within " + seconds_text(options_.scan_timeout));
        return;
    }
    auto self = shared_from_this();
    after(kCheck, [this, self, op, target, until, asked_tracking, done] {
        wait_centred(op, target, until, asked_tracking, done);
    });
}

void SeestarSession::stop_view(Done done) {
    if (!usable()) {
        done(false, "the scope is not connected (" + reason_ + ")");
        return;
    }
    const auto op = ++view_op_;
    auto self = shared_from_this();
    claim_master(true, [this, self, op, done] {
        if (superseded(op, done))
            return;
        motion_error_.reset();
        if (recording_)
            stopping_record_ = true;  // the recording ends with the view: our doing
        call("iscope_stop_view", nullptr, kFireTimeout, [this, self, op](const RpcResult& r) {
            if (op == view_op_ && !r.ok && !r.timed_out && !r.closed)
                motion_error_ = failure_text("iscope_stop_view", r);
        });
        confirm_stopped(op, steady::now() + options_.confirm_timeout, done);
    });
}

void SeestarSession::confirm_stopped(std::uint64_t op, steady::time_point until, Done done) {
    if (superseded(op, done))
        return;
    auto self = shared_from_this();
    refresh([this, self, op, until, done](bool ok, const std::string&) {
        if (superseded(op, done))
            return;
        if (ok && !view_target_ && view_mode_ == "none") {
            done(true, "view stopped");
            return;
        }
        if (motion_error_) {
            done(false, *motion_error_);
            return;
        }
        if (steady::now() >= until || !usable()) {
            done(false, "the scope did not confirm the end of the view (mode " + view_mode_ + ")" +
                            (is_master_ ? "" : "; another client holds master control"));
            return;
        }
        after(kPollEvery, [this, self, op, until, done] { confirm_stopped(op, until, done); });
    });
}

void SeestarSession::park(Done done) {
    if (!usable()) {
        done(false, "the scope is not connected (" + reason_ + ")");
        return;
    }
    const auto op = ++view_op_;
    auto self = shared_from_this();
    claim_master(true, [this, self, op, done] {
        if (superseded(op, done))
            return;
        if (recording_)
            stopping_record_ = true;
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
    });
}

// --- recording

void SeestarSession::start_record(std::optional<Target> expected, Done done) {
    if (!usable()) {
        done(false, "recording did not start: the scope is not connected (" + reason_ + ")");
        return;
    }
    auto self = shared_from_this();
    auto go = [this, self, expected, done] {
        // Assert the view first: recording outside sun/moon view started star mode on some
        // firmware (pitfall 16).
        if (!view_target_ || (expected && view_target_ != expected)) {
            done(false, std::string("recording did not start: the scope is in ") +
                            (view_mode_ == "none" ? "no" : view_mode_) + " view, not " +
                            (expected ? seestar::to_string(*expected) : "sun or moon"));
            return;
        }
        if (recording_) {
            done(true, "already recording");
            return;
        }
        claim_master(false, [this, self, done] {
            avi_working_ = false;
            avi_failed_.reset();
            record_ended_.clear();
            call("start_record_avi", {{"raw", false}}, options_.timeout,
                 [this, self](const RpcResult& r) {
                     if (!r.ok && !r.timed_out && !r.closed && !avi_working_)
                         avi_failed_ = failure_text("start_record_avi", r);
                 });
            const auto now = steady::now();
            confirm_record(now + options_.record_confirm, now + kRecordPoll, done);
        });
    };
    // The view state is kept current by View events; re-read it when it is old (the capture
    // scheduler reads it a few seconds before a start, so the start itself is not delayed).
    if (steady::now() - view_checked_ > options_.view_fresh)
        refresh([go](bool, const std::string&) { go(); });
    else
        go();
}

void SeestarSession::confirm_record(steady::time_point until, steady::time_point next_poll,
                                    Done done) {
    if (avi_working_ && !recording_ && !record_ended_.empty()) {
        // Working, then ended by the scope before this check saw it.
        done(false, "recording did not start: the scope ended it at once: " + record_ended_);
        return;
    }
    if (avi_working_) {
        recording_ = true;
        done(true, "recording (AviRecord working)");
        return;
    }
    auto self = shared_from_this();
    auto give_up = [this, self, done](const std::string& why) {
        // Reconcile: whatever the scope half-started is stopped, so nothing is left running.
        if (usable()) {
            stopping_record_ = true;
            call("stop_record_avi", nullptr, options_.timeout,
                 [this, self](const RpcResult&) { stopping_record_ = false; });
        }
        recording_ = false;
        done(false, "recording did not start: " + why);
    };
    if (avi_failed_) {
        give_up(*avi_failed_);
        return;
    }
    if (!usable()) {
        done(false, "recording did not start: the link was lost (" + reason_ + ")");
        return;
    }
    const auto now = steady::now();
    if (now >= until) {
        give_up("AviRecord did not reach \"working\" within " +
                seconds_text(options_.record_confirm) +
                " of start_record_avi (stop_record_avi "
                "sent to reconcile)");
        return;
    }
    if (now >= next_poll) {
        next_poll = now + kRecordPoll;
        refresh([](bool, const std::string&) {});
    }
    after(kCheck, [this, self, until, next_poll, done] { confirm_record(until, next_poll, done); });
}

void SeestarSession::stop_record(Done done) {
    auto self = shared_from_this();
    stopping_record_ = true;
    call("stop_record_avi", nullptr, options_.timeout, [this, self, done](const RpcResult& r) {
        stopping_record_ = false;
        if (!r.ok) {
            done(false, failure_text("stop_record_avi", r));
            return;
        }
        recording_ = false;
        done(true, "recording stopped");
    });
}

json SeestarSession::status() const {
    json j = {
        {"state", to_string(state_)},
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
        {"tracking_error", last_track_error_.empty() ? json(nullptr) : json(last_track_error_)},
        {"temperature_c", temp_ ? json(*temp_) : json(nullptr)},
        {"battery_percent", battery_ ? json(*battery_) : json(nullptr)},
        {"connected_since", connected_since_},
        {"malformed_lines", link_ ? link_->malformed_lines() : 0},
        {"foreign_replies", link_ ? link_->foreign_replies() : 0},
        {"discovery", discovery_ ? discovery_->to_json() : json(nullptr)}};
    return j;
}

}  // namespace zc::daemon
