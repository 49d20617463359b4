#pragma once
// One prediction run: the observer, "now", the options and the Sun/Moon tracks for the window
// [now, now + horizon], shared by every aircraft. `now` is an argument, never the system clock.
#include <optional>
#include <utility>
#include <vector>

#include "flights/fix.h"
#include "geo/local_frame.h"
#include "time/clock.h"
#include "transit/aircraft_sky.h"
#include "transit/candidate.h"
#include "transit/closest_approach.h"
#include "transit/observer.h"
#include "transit/options.h"
#include "transit/target_track.h"

namespace zc::transit {

/// Why a fix was not propagated.
enum class Skip { None, OnGround, NoVelocity, TooOld };

/// Immutable after construction: predict() may run concurrently from several threads.
class Predictor {
  public:
    /// Builds the tracks of the selected targets with astro::body_position.
    Predictor(const Observer& observer, UtcTime now, const Options& options);
    /// With prepared tracks (synthetic bodies in tests; they must start at `now`).
    Predictor(const Observer& observer, UtcTime now, const Options& options,
              std::vector<TargetTrack> tracks);

    Predictor(const Predictor&) = delete;  // AircraftSky keeps a pointer to frame_
    Predictor& operator=(const Predictor&) = delete;

    UtcTime now() const { return now_; }
    const Options& options() const { return options_; }
    const geo::LocalFrame& frame() const { return frame_; }
    const std::vector<TargetTrack>& tracks() const { return tracks_; }
    /// Intervals (s since now) where track i is above the lowest minimum altitude.
    const std::vector<std::pair<double, double>>& searchable(std::size_t i) const {
        return searchable_[i];
    }

    Skip check(const flights::Fix& fix) const;
    /// The fix's sky path; nullopt when check() rejects it.
    std::optional<AircraftSky> sky_for(const flights::Fix& fix) const;

    /// All reported minima for one fix (both targets when selected), in time order.
    std::vector<Candidate> predict(const flights::Fix& fix, SearchStats* stats = nullptr) const;
    /// All fixes, sorted by closest-approach time.
    std::vector<Candidate> predict(const std::vector<flights::Fix>& fixes) const;

    SearchParams search_params() const;

  private:
    std::optional<Candidate> candidate(const flights::Fix& fix, const AircraftSky& sky,
                                       const TargetTrack& track, const Minimum& m) const;

    Observer observer_;
    UtcTime now_;
    Options options_;
    geo::LocalFrame frame_;
    std::vector<TargetTrack> tracks_;
    std::vector<std::vector<std::pair<double, double>>> searchable_;
};

/// Convenience: one run over a batch of fixes.
std::vector<Candidate> predict(const std::vector<flights::Fix>& fixes, const Observer& observer,
                               UtcTime now, const Options& options);

}  // namespace zc::transit
