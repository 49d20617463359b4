#pragma once
// The transit lifecycle in the daemon (docs/lifecycle.md): listens to the PredictionHub and to
// the capture scheduler's `capture` events, runs transit::Lifecycle, writes
// possible_transits.log, sends alerts (Telegram, or the daemon log when Telegram is not
// configured) and publishes `transit` and `alert` events. Control command: `transit-log`.
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "net/http_client.h"
#include "service.h"
#include "telegram_sender.h"
#include "transit/lifecycle.h"
#include "txlog/record.h"
#include "txlog/writer.h"

namespace zc::daemon {

transit::LifecycleOptions lifecycle_options(const config::Config& cfg);
TelegramOptions telegram_options(const config::Config& cfg);
txlog::WriterOptions writer_options(const config::Config& cfg);

class LifecycleService : public Service {
  public:
    explicit LifecycleService(ServiceContext& ctx);
    ~LifecycleService() override;

    std::string name() const override { return "lifecycle"; }
    void start() override;
    void stop(std::function<void()> done) override;
    void reconfigure(const config::Config& next) override;
    ComponentStatus status() const override;

    /// The lifecycle of one prediction id (candidate key + ":" + sun|moon), for `transits`:
    /// {state, level, max_level, alerted_level, imminent_sent, capture, capture_reason,
    /// reason, first_seen}; null when the id is unknown.
    nlohmann::json state_json(const std::string& id) const;

  private:
    class CaptureSink;
    void on_predictions(const PredictionSet& set);
    void on_event_line(const std::string& line);
    void perform(std::vector<transit::Action> actions);
    void write_log(const transit::Action& a);
    void flush_log();
    void arm();
    void register_commands();

    ServiceContext& ctx_;
    transit::Lifecycle lifecycle_;
    txlog::LogWriter writer_;
    txlog::RecordContext record_ctx_;
    bool seestar_enabled_ = false;
    net::HttpClient http_;
    TelegramSender telegram_;
    std::shared_ptr<CaptureSink> sink_;
    boost::asio::steady_timer timer_, log_retry_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    bool stopping_ = false;

    std::deque<std::pair<std::string, UtcTime>> pending_lines_;  // not yet on disk
    std::string log_error_;
    std::uint64_t lines_written_ = 0, alerts_ = 0;
};

}  // namespace zc::daemon
