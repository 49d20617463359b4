#include "capture_scheduler.h"

#include <spdlog/spdlog.h>
#include <algorithm>

namespace zc::daemon {

using nlohmann::json;
using seestar::Target;
using seestar::Window;

namespace {
// A timer may fire a hair early relative to the Clock; within this it counts as due.
constexpr Duration kSlack = std::chrono::milliseconds(3);
constexpr std::size_t kHistory = 500;

CaptureRecord make_record(const std::string& id, Target target, const std::string& window,
                          UtcTime start, UtcTime stop) {
    CaptureRecord r;
    r.id = id;
    r.target = target;
    r.state = "scheduled";
    r.window = window;
    r.planned_start = start;
    r.planned_stop = stop;
    return r;
}
}  // namespace

json CaptureRecord::to_json() const {
    json j = {{"id", id},
              {"target", seestar::to_string(target)},
              {"state", state},
              {"window", window},
              {"start", format_iso8601(planned_start)},
              {"stop", format_iso8601(planned_stop)}};
    if (!reason.empty())
        j["reason"] = reason;
    if (started)
        j["started"] = format_iso8601(*started);
    if (stopped)
        j["stopped"] = format_iso8601(*stopped);
    if (interrupted)
        j["interrupted"] = true;
    return j;
}

CaptureScheduler::CaptureScheduler(boost::asio::io_context& io, const Clock& clock,
                                   std::shared_ptr<SeestarSession> session, CaptureOptions options,
                                   Publish publish)
    : io_(io),
      clock_(clock),
      session_(std::move(session)),
      options_(options),
      publish_(std::move(publish)),
      timer_(io) {}

CaptureScheduler::~CaptureScheduler() {
    *alive_ = false;
    timer_.cancel();
}

void CaptureScheduler::set_options(CaptureOptions options) {
    options_ = options;
    replan();
}

void CaptureScheduler::set_predictions(std::vector<seestar::Prediction> predictions) {
    predictions_ = std::move(predictions);
    replan();
}

std::string CaptureScheduler::add_capture(Target target, UtcTime start, Duration duration,
                                          bool solar_ok) {
    const std::string id = "capture-" + std::to_string(next_manual_++);
    manual_[id] = Wanted{{id, target, start, start + duration}, true, solar_ok};
    replan();
    return id;
}

bool CaptureScheduler::cancel(const std::string& id) {
    if (!records_.count(id))
        return false;
    manual_.erase(id);
    predictions_.erase(std::remove_if(predictions_.begin(), predictions_.end(),
                                      [&](const auto& p) { return p.id == id; }),
                       predictions_.end());
    replan();
    return true;
}

const CaptureRecord* CaptureScheduler::find(const std::string& id) const {
    if (auto it = records_.find(id); it != records_.end())
        return &it->second;
    for (auto it = history_.rbegin(); it != history_.rend(); ++it)
        if (it->id == id)
            return &*it;
    return nullptr;
}

void CaptureScheduler::publish(const CaptureRecord& r, const std::string& state) {
    json j = r.to_json();
    j["state"] = state;
    if (publish_)
        publish_(j);
}

void CaptureScheduler::end(const std::string& id, const std::string& state,
                           const std::string& reason) {
    auto it = records_.find(id);
    if (it == records_.end())
        return;
    CaptureRecord r = std::move(it->second);
    records_.erase(it);
    r.state = state;
    if (!reason.empty())
        r.reason = reason;
    finished_.insert(id);
    manual_.erase(id);
    if (state == "missed")
        spdlog::warn("capture {}: missed: {}", id, r.reason);
    else
        spdlog::info("capture {}: {}{}{}", id, state, r.reason.empty() ? "" : ": ", r.reason);
    publish(r, state);
    history_.push_back(std::move(r));
    while (history_.size() > kHistory)
        history_.pop_front();
}

void CaptureScheduler::replan() {
    const auto now = clock_.now();
    std::vector<seestar::Request> wanted;
    for (const auto& r :
         seestar::requests_from(predictions_, options_.min_level, options_.pre, options_.post))
        if (!finished_.count(r.id) && !manual_.count(r.id))
            wanted.push_back(r);
    for (const auto& [id, w] : manual_)
        if (!finished_.count(id))
            wanted.push_back(w.request);

    // Requests that went away: cancelled (unless they belong to the running recording, handled
    // below).
    std::set<std::string> present;
    for (const auto& r : wanted)
        present.insert(r.id);
    std::vector<std::string> gone;
    for (const auto& [id, rec] : records_)
        if (!present.count(id) && !finished_.count(id))  // finished: outcome on its way
            gone.push_back(id);
    for (const auto& id : gone) {
        if (active_ && std::count(active_->window.ids.begin(), active_->window.ids.end(), id))
            continue;
        end(id, "cancelled", "the prediction went away or was cancelled");
    }

    // Windows entirely in the past that never started are not worth reporting.
    wanted.erase(std::remove_if(wanted.begin(), wanted.end(),
                                [&](const seestar::Request& r) {
                                    return r.stop <= now && !records_.count(r.id);
                                }),
                 wanted.end());

    plan_ = seestar::make_plan(wanted);
    for (const auto& c : plan_.conflicts) {
        if (!records_.count(c.id)) {
            const auto& r = *std::find_if(wanted.begin(), wanted.end(),
                                          [&](const auto& x) { return x.id == c.id; });
            records_[c.id] = make_record(c.id, r.target, "", r.start, r.stop);
        }
        end(c.id, "missed", c.reason);
    }
    for (const auto& w : plan_.windows) {
        for (const auto& id : w.ids) {
            const auto& r = *std::find_if(wanted.begin(), wanted.end(),
                                          [&](const auto& x) { return x.id == id; });
            auto it = records_.find(id);
            if (it == records_.end()) {
                CaptureRecord rec = make_record(id, r.target, w.key(), r.start, r.stop);
                records_[id] = rec;
                publish(rec, "scheduled");
            } else if (it->second.planned_start != r.start || it->second.planned_stop != r.stop ||
                       it->second.window != w.key()) {
                it->second.planned_start = r.start;
                it->second.planned_stop = r.stop;
                it->second.window = w.key();
                publish(it->second, "retimed");
            }
        }
    }

    if (active_) {
        // The running window follows the plan window that shares an id with it.
        const Window* follow = nullptr;
        for (const auto& w : plan_.windows)
            for (const auto& id : w.ids)
                if (std::count(active_->window.ids.begin(), active_->window.ids.end(), id))
                    follow = &w;
        if (!follow) {
            finish_active("cancelled", "the prediction went away during the recording");
            return;
        }
        for (const auto& id : follow->ids)
            if (!std::count(active_->window.ids.begin(), active_->window.ids.end(), id)) {
                active_->window.ids.push_back(id);
                if (auto it = records_.find(id); it != records_.end())
                    it->second.state = "recording";
            }
        active_->window.stop = std::max(follow->stop, now);
    }
    arm();
}

void CaptureScheduler::arm() {
    timer_.cancel();
    const auto now = clock_.now();
    std::optional<UtcTime> next;
    if (active_) {
        next = active_->window.stop;
    } else {
        for (const auto& w : plan_.windows) {
            if (w.stop <= now)
                continue;
            next = w.start;
            // The earliest step still to come: prepare the view, re-read it, start.
            const auto check = w.start - options_.precheck_lead;
            if (!prechecked_.count(w.key()) && check > now)
                next = check;
            const auto prep = w.start - options_.prepare_lead;
            if (!prepared_.count(w.key()) && prep > now)
                next = std::min(*next, prep);
            break;
        }
    }
    if (!next)
        return;
    const auto wait = std::max(Duration::zero(), *next - now);
    timer_.expires_after(wait);
    timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
        if (!ec && *alive)
            tick();
    });
}

void CaptureScheduler::tick() {
    const auto now = clock_.now();
    if (active_) {
        if (now + kSlack >= active_->window.stop)
            finish_active("recorded", "");
        else
            arm();
        return;
    }
    for (const auto& w : plan_.windows) {
        if (w.stop <= now)
            continue;
        if (now + kSlack >= w.start) {
            begin(w);
            return;
        }
        if (now + kSlack >= w.start - options_.prepare_lead && !prepared_.count(w.key()))
            prepare(w);
        if (now + kSlack >= w.start - options_.precheck_lead && !prechecked_.count(w.key()))
            precheck(w);
        break;
    }
    arm();
}

bool CaptureScheduler::solar_ok(const Window& w) const {
    if (w.target != Target::kSun || options_.solar_filter_confirmed)
        return true;
    // An operator capture with --solar-filter-on vouches for its own window.
    for (const auto& id : w.ids)
        if (auto it = manual_.find(id); it == manual_.end() || !it->second.solar_ok)
            return false;
    return true;
}

void CaptureScheduler::prepare(const Window& w) {
    prepared_.insert(w.key());
    if (!solar_ok(w) || !session_->usable() || session_->recording() ||
        session_->view_target() == w.target)
        return;
    spdlog::info("capture {}: putting the scope in {} view", w.key(), seestar::to_string(w.target));
    for (const auto& id : w.ids)
        if (auto it = records_.find(id); it != records_.end())
            publish(it->second, "preparing");
    session_->start_view(w.target, [key = w.key()](bool ok, const std::string& text) {
        if (!ok)
            spdlog::warn("capture {}: preparing the view: {}", key, text);
    });
}

void CaptureScheduler::precheck(const Window& w) {
    prechecked_.insert(w.key());
    if (!solar_ok(w) || !session_->usable())
        return;
    // Fresh view state for the assertion at the start, and master back if the phone app took
    // it, so that start_record_avi goes out on time.
    session_->refresh([this, alive = alive_, w](bool, const std::string&) {
        if (!*alive || active_ || !session_->usable())
            return;
        session_->ensure_master([] {});
        if (session_->view_target() != w.target && !session_->recording() &&
            !session_->view_pending()) {
            spdlog::warn(
                "capture {}: not in {} view {} s before the start; switching now", w.key(),
                seestar::to_string(w.target),
                std::chrono::duration_cast<std::chrono::seconds>(options_.precheck_lead).count());
            session_->start_view(w.target, [key = w.key()](bool ok, const std::string& text) {
                if (!ok)
                    spdlog::warn("capture {}: switching the view: {}", key, text);
            });
        }
    });
}

void CaptureScheduler::begin(const Window& w) {
    const Window win = w;
    if (!solar_ok(win)) {
        for (const auto& id : win.ids)
            end(id, "missed",
                "sun mode refused: the solar filter is not confirmed "
                "(seestar.solar_filter_confirmed, or capture --solar-filter-on)");
        replan();
        return;
    }
    if (!session_->usable()) {
        for (const auto& id : win.ids)
            end(id, "missed", "the scope was not ready at the start: " + session_->reason());
        replan();
        return;
    }
    active_ = Active{win, false, std::nullopt, std::nullopt, false};
    for (const auto& id : win.ids)
        if (auto it = records_.find(id); it != records_.end())
            it->second.state = "recording";
    auto record = [this, alive = alive_, key = win.key(), target = win.target] {
        session_->start_record(target, [this, alive, key](bool ok, const std::string& text) {
            if (!*alive)
                return;
            if (!active_ || active_->window.key().rfind(key, 0) != 0) {
                // The window ended while the start was being confirmed: a recording that
                // started late and that no window wants is stopped, never left running.
                if (ok && !active_)
                    session_->stop_record([](bool stopped, const std::string& why) {
                        if (!stopped)
                            spdlog::warn("capture: stopping a late recording: {}", why);
                    });
                return;
            }
            if (!ok) {
                // The session's text says "recording did not start: <why>"; it has already
                // stopped whatever the scope half-started.
                finish_active("missed", text);
                return;
            }
            active_->started = true;
            const auto t = clock_.now();
            for (const auto& id : active_->window.ids)
                if (auto it = records_.find(id); it != records_.end()) {
                    if (!it->second.started)
                        it->second.started = t;
                    publish(it->second, "started");
                }
        });
    };
    if (session_->view_target() == win.target && session_->tracking() != false) {
        record();
    } else {
        // Late: the view was not ready, or the scope stopped tracking (scope busy, just
        // reconnected, or the target was refused).
        spdlog::warn("capture {}: not in {} view and tracking at the start; switching first",
                     win.key(), seestar::to_string(win.target));
        session_->start_view(win.target, [this, alive = alive_, record, key = win.key()](
                                             bool ok, const std::string& text) {
            if (!*alive || !active_ || active_->window.key().rfind(key, 0) != 0)
                return;
            if (!ok) {
                finish_active("missed", "the view could not be set: " + text);
                return;
            }
            record();
        });
    }
    arm();
}

void CaptureScheduler::finish_active(const std::string& state, const std::string& reason) {
    if (!active_)
        return;
    Active a = std::move(*active_);
    active_.reset();
    timer_.cancel();
    const auto now = clock_.now();
    std::string final_state = state;
    std::string why = reason;
    if (state == "recorded" && !a.started) {
        final_state = "missed";
        why = a.lost ? "the link was lost: " + *a.lost
                     : "recording did not start before the window ended";
    } else if (state == "recorded" && a.tracking_lost) {
        why = "tracking was lost during the recording: " + *a.tracking_lost;
    }
    for (const auto& id : a.window.ids) {
        if (auto it = records_.find(id); it != records_.end()) {
            it->second.stopped = now;
            it->second.interrupted = a.lost.has_value();
            if (a.lost && final_state == "recorded")
                it->second.reason = "the link dropped during the recording: " + *a.lost;
        }
        finished_.insert(id);  // never planned again, even before the outcome is out
    }
    auto report = [this, ids = a.window.ids, final_state, why] {
        for (const auto& id : ids)
            end(id, final_state, why);
    };
    if (a.device_ended) {
        report();  // the scope already closed the file
    } else if ((a.started || session_->recording()) && session_->usable()) {
        // The outcome goes out once the device has closed the file.
        session_->stop_record([this, alive = alive_, report](bool ok, const std::string& text) {
            if (!*alive)
                return;
            if (!ok) {
                spdlog::warn("capture: stop_record_avi: {}", text);
                stray_recording_ = true;
            }
            report();
        });
    } else {
        if (a.started || session_->recording())
            stray_recording_ = true;  // stopped when the link is back (on_scope_ready)
        report();
    }
    replan();
}

void CaptureScheduler::on_scope_lost(const std::string& why) {
    if (active_)
        active_->lost = why;
}

void CaptureScheduler::on_recording_ended(const std::string& why) {
    if (!active_ || !active_->started)
        return;
    const auto left = active_->window.stop - clock_.now();
    if (left <= kSlack)
        return;  // the planned stop is due anyway
    active_->device_ended = true;
    finish_active(
        "missed",
        "the scope stopped the recording " +
            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(left).count()) +
            " s before the planned end: " + why + " (a partial file may exist)");
}

void CaptureScheduler::on_tracking_lost(const std::string& why) {
    if (active_ && active_->started)
        active_->tracking_lost = why;
}

void CaptureScheduler::on_scope_ready() {
    if (active_) {
        if (!session_->recording()) {
            // Resume: the window is still open and the recording ended with the link.
            auto key = active_->window.key();
            spdlog::info("capture {}: link back during the window; recording again", key);
            const Window w = active_->window;
            const auto lost = active_->lost;
            active_.reset();
            begin(w);
            if (active_)
                active_->lost = lost;  // still an interrupted recording
        }
        return;
    }
    if (session_->recording() || stray_recording_) {
        spdlog::info("capture: a recording is running that no capture wants; stopping it");
        stray_recording_ = false;
        if (publish_)
            publish_({{"state", "reconciled"}, {"reason", "stopped a recording left running"}});
        session_->stop_record([](bool ok, const std::string& text) {
            if (!ok)
                spdlog::warn("capture: stopping the stray recording: {}", text);
        });
    }
    arm();
}

void CaptureScheduler::shutdown(std::function<void()> done) {
    timer_.cancel();
    if (active_ && session_->usable()) {
        active_.reset();
        session_->stop_record([done](bool, const std::string&) { done(); });
        return;
    }
    done();
}

json CaptureScheduler::to_json() const {
    json scheduled = json::array();
    for (const auto& [id, r] : records_)
        scheduled.push_back(r.to_json());
    json outcomes = json::array();
    for (const auto& r : history_)
        outcomes.push_back(r.to_json());
    return {{"scheduled", std::move(scheduled)},
            {"outcomes", std::move(outcomes)},
            {"recording", active_ ? json(active_->window.key()) : json(nullptr)}};
}

}  // namespace zc::daemon
