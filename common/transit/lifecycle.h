#pragma once
// The life of one predicted transit, per (aircraft, target): candidate → alerted → imminent →
// captured | missed | cancelled (docs/lifecycle.md). Pure: it is fed prediction sets, capture
// outcomes and the time, and returns what to do (send an alert, write a log line, publish an
// event); the daemon's LifecycleService performs the actions. No clock, no I/O.
//
// Hysteresis: an alert goes out only when the level rises above the highest level already
// alerted, so a level that flickers between updates never re-alerts; the imminent alert goes
// out once. A candidate counts as gone only after it has been missing from every prediction set
// for `absent_grace` (the pipeline publishes on change, so this is time, not a count of sets).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "time/clock.h"
#include "transit/candidate.h"

namespace zc::transit {

enum class Stage { Candidate, Alerted, Imminent, Captured, Missed, Cancelled };
std::string_view to_string(Stage stage);
bool is_final(Stage stage);

/// What the capture scheduler last said about a prediction id (`capture` events).
enum class CaptureState { None, Scheduled, Recording, Recorded, Missed, Cancelled };
std::string_view to_string(CaptureState state);
/// A `capture` event's state (scheduled, retimed, preparing, started, recorded, missed,
/// cancelled); nullopt for states that say nothing about one prediction (reconciled).
std::optional<CaptureState> capture_state_from_event(std::string_view state);

/// "low", "medium", "high", any case (the schema spells them in lower case, the JSON of a
/// candidate in upper case); nullopt otherwise.
std::optional<Level> parse_level(std::string_view text);

/// The id shared with the capture scheduler: candidate key + ":" + sun|moon.
std::string prediction_id(const Candidate& c);

struct LifecycleOptions {
    Level alert_level = Level::Medium;                  // telegram.min_level
    Level track_level = Level::Low;                     // lower levels are not tracked (nor logged)
    Duration imminent_lead = std::chrono::seconds(60);  // transit.imminent_lead
    /// Missing from the prediction sets this long (without coming back) before it counts as
    /// gone: a missed poll or a one-fix wobble is not a turn.
    Duration absent_grace = std::chrono::seconds(10);
    /// Gone within this of its closest approach (or later): it passed, it did not turn.
    Duration passed_margin = std::chrono::seconds(5);
    /// After the closest approach, the outcome is settled this much later (captures pending
    /// wait for their outcome instead).
    Duration settle = std::chrono::seconds(5);
    /// A scheduled or running capture whose outcome has not arrived this long after its planned
    /// stop is counted as missed.
    Duration capture_timeout = std::chrono::seconds(60);
    /// The same id again with a closest approach this close to a finished one is the same event
    /// (ignored); farther away it starts a new lifecycle.
    Duration same_event = std::chrono::seconds(60);
    /// Finished entries are kept this long (lookups, late capture events).
    Duration keep_final = std::chrono::minutes(10);
    /// A shift of the closest-approach time that earns a log line.
    Duration retime_log = std::chrono::seconds(5);
};

/// One (aircraft, target) lifecycle.
struct Entry {
    std::string id;
    Candidate candidate;  // the latest prediction
    Stage stage = Stage::Candidate;
    Level max_level = Level::None;
    Level alerted_level = Level::None;  // highest level an alert went out for
    bool imminent_sent = false;
    CaptureState capture = CaptureState::None;
    std::string capture_reason;
    std::optional<UtcTime> capture_stop;  // the planned stop of its recording
    std::string reason;                   // why it ended, or why it changed last
    UtcTime first_seen{}, last_seen{};
    std::optional<UtcTime> ended;
    std::optional<UtcTime> missing_since;  // absent from the sets since then
    bool went_away = false;  // cancelled because it left the prediction set before its time

    // What the last log line said (to decide whether a change earns a new one).
    Level logged_level = Level::None;
    UtcTime logged_ca{};
    Stage logged_stage = Stage::Candidate;
    CaptureState logged_capture = CaptureState::None;
};

enum class ActionKind { Alert, Log, Publish };
enum class AlertKind { Level, Imminent };
enum class LogKind { First, Update, Final };
std::string_view to_string(AlertKind kind);
std::string_view to_string(LogKind kind);

struct Action {
    ActionKind kind = ActionKind::Publish;
    AlertKind alert = AlertKind::Level;  // kind == Alert
    LogKind log = LogKind::Update;       // kind == Log or Publish: what changed
    Entry entry;                         // a snapshot, after the change
};

class Lifecycle {
  public:
    explicit Lifecycle(LifecycleOptions options = {}) : options_(options) {}
    void set_options(const LifecycleOptions& options) { options_ = options; }
    const LifecycleOptions& options() const { return options_; }

    /// A new prediction set (every current candidate, all levels) computed at `now`.
    std::vector<Action> update(const std::vector<Candidate>& candidates, UtcTime now);
    /// A capture event for `id`; `planned_stop` from the event's `stop`.
    std::vector<Action> capture(const std::string& id, CaptureState state,
                                const std::string& reason, std::optional<UtcTime> planned_stop,
                                UtcTime now);
    /// Time-driven transitions (imminent, passed, capture timeouts, clean-up).
    std::vector<Action> tick(UtcTime now);
    /// When tick() next has something to do after `now` (call it right after an input or a
    /// tick at `now`); nullopt = nothing until the next input.
    std::optional<UtcTime> next_deadline(UtcTime now) const;

    const Entry* find(const std::string& id) const;
    const std::map<std::string, Entry>& entries() const { return entries_; }

  private:
    struct CaptureInfo {
        CaptureState state = CaptureState::None;
        std::string reason;
        std::optional<UtcTime> stop;
        UtcTime updated{};
    };
    void emit(std::vector<Action>& out, Entry& e, LogKind kind);
    /// Pushes the alerts due now (no log lines: the caller adds one when log_worthy()).
    void alerts(std::vector<Action>& out, Entry& e, UtcTime now);
    void resolve(std::vector<Action>& out, Entry& e, UtcTime now);
    void finish(std::vector<Action>& out, Entry& e, Stage stage, std::string reason, UtcTime now);
    void gone(std::vector<Action>& out, Entry& e, UtcTime now);
    bool log_worthy(const Entry& e) const;

    LifecycleOptions options_;
    std::map<std::string, Entry> entries_;
    std::map<std::string, CaptureInfo> captures_;  // may arrive before the entry exists
};

}  // namespace zc::transit
