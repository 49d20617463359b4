#pragma once
// zipcatcherd's process: one io_context, the control API, signals, systemd notification and the
// current configuration. Services of later capabilities plug in through ServiceContext.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "config/config.h"
#include "control_server.h"
#include "event_bus.h"
#include "instance_guard.h"
#include "protocol/dispatcher.h"
#include "sd_notify.h"
#include "service.h"
#include "time/clock.h"

namespace zc::daemon {

struct DaemonOptions {
    config::LoadOptions load;                       // re-used as is by reload
    std::optional<std::string> log_level_override;  // --log-level wins over the config
    std::function<void()> on_ready;                 // after READY=1 (background start-up)
};

class Daemon {
  public:
    /// `initial` is the configuration main() already loaded and validated with `options.load`.
    Daemon(DaemonOptions options, config::Config initial, std::map<std::string, std::string> env);
    ~Daemon();

    /// Takes the socket, notifies READY=1 and runs until SIGTERM/SIGINT or `shutdown`.
    /// Returns the process exit code. Throws std::runtime_error when it cannot start.
    int run();

    /// Re-reads the configuration; on failure the running one stays. Returns the reply for the
    /// `reload` command (and is what SIGHUP does).
    protocol::Response reload();
    void request_stop(const std::string& reason);

  private:
    void register_commands();
    void wait_signals();
    void arm_watchdog();
    void stop_services(std::size_t index, std::function<void()> done);
    nlohmann::json status_json() const;
    std::string status_line() const;

    DaemonOptions options_;
    std::map<std::string, std::string> env_;
    std::shared_ptr<const config::Config> config_;

    boost::asio::io_context io_;
    SystemClock system_clock_;
    std::unique_ptr<Clock> demo_clock_;
    const Clock* clock_ = &system_clock_;
    EventBus bus_;
    PredictionHub predictions_;
    protocol::Dispatcher dispatcher_;
    std::unique_ptr<InstanceGuard> guard_;
    std::unique_ptr<ControlServer> control_;
    boost::asio::signal_set signals_;
    boost::asio::steady_timer watchdog_timer_;
    boost::asio::steady_timer stop_timer_;
    SdNotifier notifier_;
    ServiceContext context_;
    std::vector<std::unique_ptr<Service>> services_;

    UtcTime started_;
    std::chrono::steady_clock::time_point started_steady_;
    std::uint64_t reloads_ = 0;
    std::uint64_t reload_failures_ = 0;
    std::string last_reload_error_;
    bool stopping_ = false;
    int exit_code_ = 0;
};

}  // namespace zc::daemon
