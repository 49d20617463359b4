#pragma once
// Fires recordings on time: turns prediction updates and operator captures into windows
// (seestar/capture_plan.h), puts the scope in the right view early, starts recording at
// t_CA - pre_buffer and stops at t_CA + post_buffer, re-times and cancels as predictions change,
// and reports every outcome (recorded, missed and why, cancelled). Planned instants come from
// the injected Clock; the steady timer only measures the wait until them.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "seestar/capture_plan.h"
#include "seestar_session.h"
#include "time/clock.h"

namespace zc::daemon {

struct CaptureOptions {
    seestar::Level min_level = seestar::Level::kHigh;
    Duration pre = std::chrono::seconds(10);
    Duration post = std::chrono::seconds(10);
    Duration prepare_lead = std::chrono::seconds(90);  // view change + slew before the start
    // View state re-read and master re-claimed this long before the start, so that the start
    // itself sends start_record_avi at once.
    Duration precheck_lead = std::chrono::seconds(3);
    bool solar_filter_confirmed = false;
};

/// What happened to one capture request (a prediction id or an operator capture).
struct CaptureRecord {
    std::string id;
    seestar::Target target = seestar::Target::kSun;
    std::string state;  // scheduled | recording | recorded | missed | cancelled
    std::string reason;
    std::string window;  // the merged window it belongs to
    UtcTime planned_start, planned_stop;
    std::optional<UtcTime> started, stopped;
    bool interrupted = false;  // the link dropped while it recorded
    nlohmann::json to_json() const;
};

class CaptureScheduler {
  public:
    using Publish = std::function<void(const nlohmann::json& fields)>;  // a `capture` event

    CaptureScheduler(boost::asio::io_context& io, const Clock& clock,
                     std::shared_ptr<SeestarSession> session, CaptureOptions options,
                     Publish publish);
    ~CaptureScheduler();

    void set_options(CaptureOptions options);
    /// Replaces the predictions in force (the pipeline sends the whole current list).
    void set_predictions(std::vector<seestar::Prediction> predictions);
    /// An operator capture; returns its id. `solar_ok`: --solar-filter-on was given.
    std::string add_capture(seestar::Target target, UtcTime start, Duration duration,
                            bool solar_ok);
    bool cancel(const std::string& id);
    /// The session finished a handshake: reconcile recording state with what should be.
    void on_scope_ready();
    /// The link dropped.
    void on_scope_lost(const std::string& why);
    /// The device ended the recording itself (AviRecord fail/complete, view gone, target set).
    void on_recording_ended(const std::string& why);
    /// Tracking stopped with an error during the recording (the body drifts out of frame).
    void on_tracking_lost(const std::string& why);
    /// Stops a running recording (daemon shutdown); `done` afterwards.
    void shutdown(std::function<void()> done);

    const CaptureRecord* find(const std::string& id) const;
    nlohmann::json to_json() const;
    bool active() const { return active_.has_value(); }

  private:
    struct Wanted {
        seestar::Request request;
        bool manual = false;
        bool solar_ok = false;
    };
    void replan();
    void arm();
    void tick();
    void prepare(const seestar::Window& w);
    void precheck(const seestar::Window& w);
    void begin(const seestar::Window& w);
    void finish_active(const std::string& state, const std::string& reason);
    void end(const std::string& id, const std::string& state, const std::string& reason);
    void publish(const CaptureRecord& r, const std::string& state);
    bool solar_ok(const seestar::Window& w) const;

    boost::asio::io_context& io_;
    const Clock& clock_;
    std::shared_ptr<SeestarSession> session_;
    CaptureOptions options_;
    Publish publish_;
    boost::asio::steady_timer timer_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

    std::vector<seestar::Prediction> predictions_;
    std::map<std::string, Wanted> manual_;
    std::map<std::string, CaptureRecord> records_;  // scheduled and running
    std::deque<CaptureRecord> history_;             // finished, newest last
    std::set<std::string> finished_;                // never schedule these again
    seestar::Plan plan_;
    std::set<std::string> prepared_;    // window keys whose view was prepared
    std::set<std::string> prechecked_;  // window keys whose view state was re-read
    struct Active {
        seestar::Window window;
        bool started = false;  // AviRecord "working" confirmed
        std::optional<std::string> lost;
        std::optional<std::string> tracking_lost;
        bool device_ended = false;  // the scope stopped it: no stop_record_avi to send
    };
    std::optional<Active> active_;
    bool stray_recording_ = false;  // stop it when the link comes back
    int next_manual_ = 1;
};

}  // namespace zc::daemon
