#pragma once
// The daemon's current transit prediction set and the health of its flight sources, shared
// between services in-process: the flight pipeline publishes, the capture scheduler and the
// transit lifecycle listen. Runs on the io_context thread only; listeners are called
// synchronously, in registration order, after the set has been replaced.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "time/clock.h"
#include "transit/candidate.h"

namespace zc::daemon {

struct PredictionSet {
    std::uint64_t generation = 0;  // increases with every publish
    UtcTime computed_at{};         // the clock's "now" the predictions were made for
    /// Every current candidate (all levels), sorted by closest-approach time.
    std::vector<transit::Candidate> candidates;
};

struct SourcesHealth {
    int enabled = 0;  // sources configured and enabled
    int healthy = 0;  // of those, how many answered their last poll
    UtcTime since{};  // when `healthy` last changed between zero and non-zero
};

class PredictionHub {
  public:
    using PredictionListener = std::function<void(const PredictionSet&)>;
    using HealthListener = std::function<void(const SourcesHealth&)>;

    /// Replaces the current set (its generation is assigned here) and notifies listeners.
    void publish(std::vector<transit::Candidate> candidates, UtcTime computed_at);
    const PredictionSet& current() const { return current_; }
    void on_predictions(PredictionListener listener);

    void publish_health(const SourcesHealth& health);
    const SourcesHealth& health() const { return health_; }
    void on_health(HealthListener listener);

    /// The transit lifecycle of one prediction id (candidate key + ":" + sun|moon), for the
    /// `transits` command: set by the lifecycle service (LifecycleService::state_json); null
    /// when the id is unknown or no lifecycle runs.
    using LifecycleLookup = std::function<nlohmann::json(const std::string& id)>;
    void set_lifecycle_lookup(LifecycleLookup lookup) { lifecycle_lookup_ = std::move(lookup); }
    nlohmann::json lifecycle(const std::string& id) const {
        return lifecycle_lookup_ ? lifecycle_lookup_(id) : nlohmann::json();
    }

  private:
    PredictionSet current_;
    SourcesHealth health_;
    std::vector<PredictionListener> prediction_listeners_;
    std::vector<HealthListener> health_listeners_;
    LifecycleLookup lifecycle_lookup_;
};

}  // namespace zc::daemon
