#pragma once
// The daemon's store of aircraft fixes from every source, merged by ICAO24 (Fix::key()), never
// by callsign. Per aircraft the newest position wins; a fix seen before (same key and fix time,
// or older than the one held) is reported as such so that it is never fed to the predictor
// twice. A short history of earlier fixes fills in ground speed, track, vertical rate and turn
// rate when the source gave none (the estimator is described in docs/flight-pipeline.md).
// Aircraft on the ground and fixes older than max_fix_age (by fix time, against the caller's
// clock) are dropped. Pure data structure: no clock, no I/O, no threads.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "flights/fix.h"
#include "time/clock.h"

namespace zc::flights {

struct CacheOptions {
    double max_fix_age_s = 30;  // sources.max_fix_age
    /// A fix this far ahead of "now" is clock skew, not a position (flight-data-sources §6).
    double max_future_s = 5;
    std::size_t history_points = 8;  // kept per aircraft (2..64), history_spacing_s apart
    double history_span_s = 120;     // older history is forgotten
    /// Consecutive history points closer in time than this are thinned out: at 2 Hz (SBS)
    /// the position noise would dominate the velocity from two points 0.5 s apart.
    double history_spacing_s = 1.0;
    /// An MLAT/TIS-B position less than this much newer than a held ADS-B one does not replace
    /// it (multilateration is ~10x less accurate; pitfall 9 of flight-data-sources.md §7).
    double mlat_hold_s = 1.0;
    /// A fix this close in time to the one held is the same report relayed by another
    /// aggregator (their clocks round differently), not new information.
    double same_fix_s = 0.05;
};

/// What happened to one incoming fix.
enum class Ingest {
    New,        // stored: the newest position of this aircraft; re-run the predictor
    Duplicate,  // same key and fix time as the one held
    Older,      // older than the one held (or an MLAT fix just after an ADS-B one)
    OnGround,   // dropped, and the aircraft forgotten
    TooOld,     // fix time older than max_fix_age
    Future,     // fix time more than max_future_s ahead
    NoKey,      // neither ICAO24 nor a flight id
};
std::string_view to_string(Ingest result);

/// Which fields of TrackedAircraft::fix the history estimator filled in.
struct Estimated {
    bool ground_speed = false, track = false, vertical_rate = false, track_rate = false;
    bool any() const { return ground_speed || track || vertical_rate || track_rate; }
};

struct HistoryPoint {
    UtcTime time{};
    double lat_deg = 0, lon_deg = 0, altitude_m = 0;
    AltitudeKind altitude_kind = AltitudeKind::Geometric;
    std::optional<double> track_deg;  // as the source gave it (never an estimate)
};

struct TrackedAircraft {
    Fix fix;  // the newest position, identity merged from earlier fixes, estimates filled in
    Estimated estimated;
    std::string source;  // the source of `fix`
    /// Every source that reported this aircraft, with the newest fix time it gave.
    std::map<std::string, UtcTime, std::less<>> sources;
    std::vector<HistoryPoint> history;  // oldest first, the newest fix last
    UtcTime first_seen{};               // caller's clock
    std::uint64_t updates = 0;          // New fixes taken
};

class FlightCache {
  public:
    explicit FlightCache(CacheOptions options = {}) : options_(options) {}

    const CacheOptions& options() const { return options_; }
    void set_options(const CacheOptions& options) { options_ = options; }

    /// Merges one fix reported by `source` at `now`. Only a New result changes the fix held.
    Ingest add(Fix fix, std::string_view source, UtcTime now);

    /// Aircraft whose newest fix is within max_fix_age at `now`, or nullptr.
    const TrackedAircraft* find(std::string_view key, UtcTime now) const;
    /// Including aircraft that are no longer current (kept for their history).
    const TrackedAircraft* find_any(std::string_view key) const;

    /// Forgets aircraft whose newest fix is older than max_fix_age at `now` and returns their
    /// keys. Their history is kept (not listed, not current) for history_span_s so that the
    /// next fix of the same aircraft still gets a velocity estimate.
    std::vector<std::string> expire(UtcTime now);

    /// Current aircraft (newest fix within max_fix_age at `now`), in key order.
    std::vector<const TrackedAircraft*> current(UtcTime now) const;
    std::size_t size() const { return aircraft_.size(); }  // including not current ones
    void clear() { aircraft_.clear(); }

  private:
    struct Entry {
        TrackedAircraft ac;
        bool current = true;  // not yet reported by expire()
    };
    bool is_fresh(const Fix& f, UtcTime now) const;
    void remember(Entry& e, const Fix& f);
    void estimate(TrackedAircraft& ac) const;

    CacheOptions options_;
    std::unordered_map<std::string, Entry> aircraft_;
};

/// The estimator on its own (tests, docs): fills the missing motion fields of `fix` from
/// `history` (oldest first; its last point may be `fix` itself) and says which it filled.
Estimated estimate_motion(Fix& fix, const std::vector<HistoryPoint>& history);

}  // namespace zc::flights
