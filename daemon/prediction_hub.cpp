#include "prediction_hub.h"

#include <utility>

namespace zc::daemon {

void PredictionHub::publish(std::vector<transit::Candidate> candidates, UtcTime computed_at) {
    current_.generation += 1;
    current_.computed_at = computed_at;
    current_.candidates = std::move(candidates);
    for (const auto& listener : prediction_listeners_)
        listener(current_);
}

void PredictionHub::on_predictions(PredictionListener listener) {
    prediction_listeners_.push_back(std::move(listener));
}

void PredictionHub::publish_health(const SourcesHealth& health) {
    health_ = health;
    for (const auto& listener : health_listeners_)
        listener(health_);
}

void PredictionHub::on_health(HealthListener listener) {
    health_listeners_.push_back(std::move(listener));
}

}  // namespace zc::daemon
