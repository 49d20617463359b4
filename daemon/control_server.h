#pragma once
// The Unix-socket control API: accepts clients up to a limit and hands each to a ControlSession.
#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <list>
#include <memory>
#include <optional>

#include "control_limits.h"
#include "control_session.h"
#include "event_bus.h"
#include "protocol/dispatcher.h"

namespace zc::daemon {

class ControlServer {
  public:
    ControlServer(boost::asio::io_context& io, const protocol::Dispatcher& dispatcher,
                  EventBus& bus, ControlLimits limits);
    ~ControlServer();

    /// Binds and listens at `path` (which must not exist: see InstanceGuard), then applies the
    /// mode and, when given, the group. Throws std::system_error naming the path.
    void listen(const std::filesystem::path& path, mode_t mode, std::optional<gid_t> group);

    /// Stops accepting, lets every session flush what it has queued (up to `grace`), closes them,
    /// removes the socket file, then calls `done`.
    void stop(std::chrono::milliseconds grace, std::function<void()> done);

    /// New limits apply to clients that connect from now on.
    void set_limits(const ControlLimits& limits) { limits_ = limits; }

    const ControlStats& stats() const { return *stats_; }
    const std::filesystem::path& path() const { return path_; }

  private:
    void do_accept();
    void prune();
    void check_stopped();

    boost::asio::io_context& io_;
    const protocol::Dispatcher& dispatcher_;
    EventBus& bus_;
    ControlLimits limits_;
    std::shared_ptr<ControlStats> stats_ = std::make_shared<ControlStats>();
    boost::asio::local::stream_protocol::acceptor acceptor_;
    std::filesystem::path path_;
    std::list<std::weak_ptr<ControlSession>> sessions_;
    bool stopping_ = false;
    std::unique_ptr<boost::asio::steady_timer> stop_timer_;
    std::chrono::steady_clock::time_point stop_deadline_;
    std::function<void()> stop_done_;
};

}  // namespace zc::daemon
