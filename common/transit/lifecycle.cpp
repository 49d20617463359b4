#include "transit/lifecycle.h"

#include <algorithm>
#include <cctype>

namespace zc::transit {

std::string_view to_string(Stage stage) {
    switch (stage) {
        case Stage::Candidate:
            return "candidate";
        case Stage::Alerted:
            return "alerted";
        case Stage::Imminent:
            return "imminent";
        case Stage::Captured:
            return "captured";
        case Stage::Missed:
            return "missed";
        case Stage::Cancelled:
            return "cancelled";
    }
    return "candidate";
}

bool is_final(Stage stage) {
    return stage == Stage::Captured || stage == Stage::Missed || stage == Stage::Cancelled;
}

std::string_view to_string(CaptureState state) {
    switch (state) {
        case CaptureState::None:
            return "none";
        case CaptureState::Scheduled:
            return "scheduled";
        case CaptureState::Recording:
            return "recording";
        case CaptureState::Recorded:
            return "recorded";
        case CaptureState::Missed:
            return "missed";
        case CaptureState::Cancelled:
            return "cancelled";
    }
    return "none";
}

std::optional<CaptureState> capture_state_from_event(std::string_view state) {
    if (state == "scheduled" || state == "retimed" || state == "preparing")
        return CaptureState::Scheduled;
    if (state == "started")
        return CaptureState::Recording;
    if (state == "recorded")
        return CaptureState::Recorded;
    if (state == "missed")
        return CaptureState::Missed;
    if (state == "cancelled")
        return CaptureState::Cancelled;
    return std::nullopt;
}

std::optional<Level> parse_level(std::string_view text) {
    std::string t(text);
    for (auto& ch : t)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (t == "low")
        return Level::Low;
    if (t == "medium")
        return Level::Medium;
    if (t == "high")
        return Level::High;
    return std::nullopt;
}

std::string_view to_string(AlertKind kind) {
    return kind == AlertKind::Imminent ? "imminent" : "level";
}

std::string_view to_string(LogKind kind) {
    switch (kind) {
        case LogKind::First:
            return "first";
        case LogKind::Update:
            return "update";
        case LogKind::Final:
            return "final";
    }
    return "update";
}

std::string prediction_id(const Candidate& c) {
    return c.key + ":" + std::string(to_string(c.target));
}

namespace {
bool capture_pending(CaptureState s) {
    return s == CaptureState::Scheduled || s == CaptureState::Recording;
}
Duration abs_duration(Duration d) {
    return d < Duration::zero() ? -d : d;
}
}  // namespace

bool Lifecycle::log_worthy(const Entry& e) const {
    return e.candidate.level != e.logged_level || e.stage != e.logged_stage ||
           e.capture != e.logged_capture ||
           abs_duration(e.candidate.closest_approach - e.logged_ca) >= options_.retime_log;
}

void Lifecycle::emit(std::vector<Action>& out, Entry& e, LogKind kind) {
    e.logged_level = e.candidate.level;
    e.logged_ca = e.candidate.closest_approach;
    e.logged_stage = e.stage;
    e.logged_capture = e.capture;
    Action a;
    a.kind = ActionKind::Log;
    a.log = kind;
    a.entry = e;
    out.push_back(a);
    a.kind = ActionKind::Publish;
    out.push_back(std::move(a));
}

void Lifecycle::alerts(std::vector<Action>& out, Entry& e, UtcTime now) {
    const auto ca = e.candidate.closest_approach;
    const Level level = e.candidate.level;
    if (is_final(e.stage) || now >= ca)
        return;  // an alert after the event is of no use
    const bool in_lead = now + options_.imminent_lead >= ca;
    std::optional<AlertKind> kind;
    if (level >= options_.alert_level && level > e.alerted_level) {
        // A rise above anything alerted so far. Within the lead it doubles as the imminent
        // alert, so that one event never sends two messages at once.
        e.alerted_level = level;
        kind = AlertKind::Level;
        if (in_lead && !e.imminent_sent) {
            e.imminent_sent = true;
            kind = AlertKind::Imminent;
        }
    } else if (in_lead && !e.imminent_sent && e.alerted_level >= options_.alert_level &&
               level >= options_.alert_level) {
        e.imminent_sent = true;
        kind = AlertKind::Imminent;
    }
    if (!kind)
        return;
    e.stage = e.imminent_sent ? Stage::Imminent : Stage::Alerted;
    Action a;
    a.kind = ActionKind::Alert;
    a.alert = *kind;
    a.entry = e;
    out.push_back(std::move(a));
}

void Lifecycle::finish(std::vector<Action>& out, Entry& e, Stage stage, std::string reason,
                       UtcTime now) {
    e.stage = stage;
    e.reason = std::move(reason);
    e.ended = now;
    emit(out, e, LogKind::Final);
}

void Lifecycle::resolve(std::vector<Action>& out, Entry& e, UtcTime now) {
    switch (e.capture) {
        case CaptureState::Recorded:
            finish(out, e, Stage::Captured,
                   e.capture_reason.empty() ? "recorded" : "recorded: " + e.capture_reason, now);
            return;
        case CaptureState::Missed:
            finish(out, e, Stage::Missed, "capture missed: " + e.capture_reason, now);
            return;
        case CaptureState::Scheduled:
        case CaptureState::Recording: {
            const auto stop = e.capture_stop.value_or(e.candidate.closest_approach);
            if (now >= stop + options_.capture_timeout)
                finish(out, e, Stage::Missed, "no capture outcome arrived", now);
            return;  // else: the outcome is on its way
        }
        case CaptureState::Cancelled:
            finish(out, e, Stage::Cancelled,
                   "closest approach passed; its capture was cancelled: " + e.capture_reason, now);
            return;
        case CaptureState::None:
            finish(out, e, Stage::Cancelled, "closest approach passed; no capture was scheduled",
                   now);
            return;
    }
}

void Lifecycle::gone(std::vector<Action>& out, Entry& e, UtcTime now) {
    if (e.capture == CaptureState::Recording)
        return;  // its recording decides
    if (now + options_.passed_margin >= e.candidate.closest_approach) {
        resolve(out, e, now);
        return;
    }
    e.went_away = true;
    finish(out, e, Stage::Cancelled,
           "the prediction went away (the aircraft changed course, speed or height)", now);
}

std::vector<Action> Lifecycle::update(const std::vector<Candidate>& candidates, UtcTime now) {
    std::vector<Action> out;
    // One candidate per id: the earliest tracked minimum.
    std::map<std::string, const Candidate*> seen;
    for (const auto& c : candidates) {
        if (c.level < options_.track_level || c.level == Level::None)
            continue;
        auto [it, inserted] = seen.emplace(prediction_id(c), &c);
        if (!inserted && c.closest_approach < it->second->closest_approach)
            it->second = &c;
    }
    for (const auto& [id, c] : seen) {
        auto it = entries_.find(id);
        if (it != entries_.end() && is_final(it->second.stage)) {
            Entry& old = it->second;
            const bool same = abs_duration(c->closest_approach - old.candidate.closest_approach) <=
                              options_.same_event;
            if (!same) {
                entries_.erase(it);  // another event of the same aircraft: a new lifecycle
                it = entries_.end();
            } else if (old.went_away && now < c->closest_approach) {
                // Back after a gap longer than the hysteresis: the same event, with its alert
                // history (so it does not alert again for a level already sent).
                old.candidate = *c;
                old.max_level = std::max(old.max_level, c->level);
                old.stage = old.imminent_sent                           ? Stage::Imminent
                            : old.alerted_level >= options_.alert_level ? Stage::Alerted
                                                                        : Stage::Candidate;
                old.went_away = false;
                old.ended.reset();
                old.missing_since.reset();
                old.last_seen = now;
                old.reason = "it reappeared";
                alerts(out, old, now);
                emit(out, old, LogKind::Update);
                continue;
            } else {
                continue;  // that event is over
            }
        }
        if (it == entries_.end()) {
            Entry e;
            e.id = id;
            e.candidate = *c;
            e.max_level = c->level;
            e.first_seen = e.last_seen = now;
            if (auto ci = captures_.find(id); ci != captures_.end()) {
                e.capture = ci->second.state;
                e.capture_reason = ci->second.reason;
                e.capture_stop = ci->second.stop;
            }
            auto& stored = entries_.emplace(id, std::move(e)).first->second;
            alerts(out, stored, now);
            emit(out, stored, LogKind::First);
            continue;
        }
        Entry& e = it->second;
        e.candidate = *c;
        e.max_level = std::max(e.max_level, c->level);
        e.last_seen = now;
        e.missing_since.reset();
        alerts(out, e, now);
        if (log_worthy(e))
            emit(out, e, LogKind::Update);
    }
    for (auto& [id, e] : entries_)
        if (!is_final(e.stage) && !seen.count(id) && !e.missing_since)
            e.missing_since = now;
    auto more = tick(now);
    out.insert(out.end(), std::make_move_iterator(more.begin()),
               std::make_move_iterator(more.end()));
    return out;
}

std::vector<Action> Lifecycle::capture(const std::string& id, CaptureState state,
                                       const std::string& reason,
                                       std::optional<UtcTime> planned_stop, UtcTime now) {
    std::vector<Action> out;
    auto& info = captures_[id];
    info.state = state;
    info.reason = reason;
    if (planned_stop)
        info.stop = planned_stop;
    info.updated = now;
    auto it = entries_.find(id);
    if (it == entries_.end() || is_final(it->second.stage))
        return out;
    Entry& e = it->second;
    e.capture = state;
    e.capture_reason = reason;
    if (planned_stop)
        e.capture_stop = planned_stop;
    if (state == CaptureState::Recorded) {
        resolve(out, e, now);  // the recording is done: nothing can change the outcome
        return out;
    }
    // A missed capture before the event keeps the entry open: the imminent alert (which says
    // so) is still worth sending, and the outcome is settled after the closest approach.
    if (log_worthy(e))
        emit(out, e, LogKind::Update);
    auto more = tick(now);
    out.insert(out.end(), std::make_move_iterator(more.begin()),
               std::make_move_iterator(more.end()));
    return out;
}

std::vector<Action> Lifecycle::tick(UtcTime now) {
    std::vector<Action> out;
    for (auto& [id, e] : entries_) {
        if (is_final(e.stage))
            continue;
        alerts(out, e, now);
        if (e.missing_since && now >= *e.missing_since + options_.absent_grace)
            gone(out, e, now);
        if (!is_final(e.stage) && now >= e.candidate.closest_approach + options_.settle)
            resolve(out, e, now);
        if (!is_final(e.stage) && log_worthy(e))
            emit(out, e, LogKind::Update);
    }
    std::erase_if(entries_, [&](const auto& kv) {
        return kv.second.ended && *kv.second.ended + options_.keep_final <= now;
    });
    std::erase_if(captures_, [&](const auto& kv) {
        const auto e = entries_.find(kv.first);
        const bool open = e != entries_.end() && !is_final(e->second.stage);
        return !open && kv.second.updated + options_.keep_final <= now;
    });
    return out;
}

std::optional<UtcTime> Lifecycle::next_deadline(UtcTime now) const {
    // Every input ends with tick(now), so whatever was due by now has been done: only later
    // instants count (a past one would be a busy loop, e.g. a gone entry waiting for its
    // capture's outcome).
    std::optional<UtcTime> next;
    auto consider = [&](UtcTime t) {
        if (t > now && (!next || t < *next))
            next = t;
    };
    for (const auto& [id, e] : entries_) {
        if (e.ended) {
            consider(*e.ended + options_.keep_final);
            continue;
        }
        const auto ca = e.candidate.closest_approach;
        if (!e.imminent_sent && now < ca && e.alerted_level >= options_.alert_level &&
            e.candidate.level >= options_.alert_level)
            consider(ca - options_.imminent_lead);
        if (e.missing_since)
            consider(*e.missing_since + options_.absent_grace);
        auto settle = ca + options_.settle;
        if (capture_pending(e.capture))
            settle = std::max(settle, e.capture_stop.value_or(ca) + options_.capture_timeout);
        consider(settle);
    }
    for (const auto& [id, c] : captures_) {
        const auto e = entries_.find(id);
        if (e == entries_.end() || is_final(e->second.stage))
            consider(c.updated + options_.keep_final);  // kept while its entry is open
    }
    return next;
}

const Entry* Lifecycle::find(const std::string& id) const {
    auto it = entries_.find(id);
    return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace zc::transit
