#pragma once
// The Seestar capability of zipcatcherd: owns the session and the capture scheduler, registers
// the scope-* and capture* control commands, and publishes `seestar` and `capture` events.
#include <memory>
#include <vector>

#include "capture_scheduler.h"
#include "seestar_session.h"
#include "service.h"

namespace zc::daemon {

SessionOptions session_options(const config::Config& cfg);
CaptureOptions capture_options(const config::Config& cfg);
/// The candidates of a prediction set as capture requests (level None left out).
std::vector<seestar::Prediction> capture_predictions(const PredictionSet& set);

class SeestarService final : public Service {
  public:
    explicit SeestarService(ServiceContext& ctx);
    ~SeestarService() override;

    std::string name() const override { return "seestar"; }
    void start() override;
    void stop(std::function<void()> done) override;
    void reconfigure(const config::Config& next) override;
    ComponentStatus status() const override;

    SeestarSession& session() { return *session_; }
    CaptureScheduler& scheduler() { return *scheduler_; }

  private:
    void register_commands();
    void register_capture_commands();
    /// Empty when allowed, else why not.
    std::string refuse_sun(bool solar_filter_on) const;

    ServiceContext& ctx_;
    bool enabled_ = false;
    bool solar_filter_confirmed_ = false;
    int retry_attempts_ = 3;
    std::shared_ptr<SeestarSession> session_;
    std::unique_ptr<CaptureScheduler> scheduler_;
};

}  // namespace zc::daemon
