#pragma once
// The daemon's one session with the telescope: connect, the per-firmware handshake
// (authentication, master claim, clock, location), a heartbeat that notices a dead link within
// 10 s, reconnection with exponential backoff, and the Sun/Moon/record/park operations. State
// changes go to a hook (the service publishes them on the bus). Runs on the daemon's io_context.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "seestar/target.h"
#include "seestar_link.h"
#include "time/clock.h"

namespace zc::daemon {

struct SessionOptions {
    std::string host;
    int port = 4700;
    std::chrono::milliseconds timeout{10000};  // per request
    std::chrono::milliseconds retry_initial{1000};
    std::chrono::milliseconds retry_max{60000};
    std::chrono::milliseconds heartbeat{3000};
    std::chrono::milliseconds dead_after{9000};        // no reply at all this long: link lost
    std::chrono::milliseconds confirm_timeout{15000};  // view change seen in get_view_state
    std::filesystem::path auth_key_file;
    double latitude = 0;
    double longitude = 0;
    std::string cli_name = "zipcatcherd";
};

/// connecting | ready | degraded | lost | disconnected
enum class LinkState { kDisconnected, kConnecting, kReady, kDegraded, kLost };
const char* to_string(LinkState s);

class SeestarSession : public std::enable_shared_from_this<SeestarSession> {
  public:
    using Done = std::function<void(bool ok, const std::string& text)>;
    struct Hooks {
        std::function<void(LinkState, const std::string& reason)> on_state;
        std::function<void()> on_ready;  // after every successful handshake
        std::function<void(const seestar::Event&)> on_event;
    };

    SeestarSession(boost::asio::io_context& io, const Clock& clock, SessionOptions options,
                   Hooks hooks);
    ~SeestarSession();

    /// Connects and keeps reconnecting until stop() or disconnect().
    void start();
    void stop();
    /// Closes the link and stops reconnecting (operator's `scope disconnect`).
    void disconnect(const std::string& why);
    /// Connects now; `done` after the handshake, or false after `attempts` failed attempts.
    /// Reconnecting stays on afterwards.
    void connect_now(int attempts, Done done);
    void set_options(SessionOptions options) { options_ = std::move(options); }

    LinkState state() const { return state_; }
    const std::string& reason() const { return reason_; }
    bool usable() const { return state_ == LinkState::kReady || state_ == LinkState::kDegraded; }
    std::optional<seestar::Target> view_target() const { return view_target_; }
    bool recording() const { return recording_; }
    int firmware() const { return firmware_; }
    nlohmann::json status() const;

    void start_view(seestar::Target target, Done done);
    void stop_view(Done done);
    void start_record(Done done);
    void stop_record(Done done);
    void park(Done done);
    /// Re-reads get_view_state (view mode, recording).
    void refresh(Done done);

  private:
    void connect_once();
    void handshake();
    void after_auth();
    void after_device_state();
    void set_time_and_location();
    void handshake_done();
    void handshake_failed(const std::string& why);
    void link_lost(const std::string& why);
    void schedule_reconnect();
    void heartbeat_tick();
    void set_state(LinkState s, const std::string& reason);
    void update_degraded();
    void handle_event(const seestar::Event& e);
    void apply_view(const nlohmann::json& view);
    void call(const std::string& method, nlohmann::json params, std::chrono::milliseconds timeout,
              SeestarLink::ReplyFn done);
    void confirm_view(seestar::Target target, std::chrono::steady_clock::time_point until,
                      Done done);
    void notify_waiters(bool ok, const std::string& text);

    boost::asio::io_context& io_;
    const Clock& clock_;
    SessionOptions options_;
    Hooks hooks_;
    std::shared_ptr<SeestarLink> link_;
    boost::asio::steady_timer retry_timer_;
    boost::asio::steady_timer heartbeat_timer_;
    std::chrono::milliseconds backoff_;
    bool running_ = false;  // reconnect when the link drops
    bool handshaking_ = false;
    std::uint64_t generation_ = 0;  // bumps per connection; stale callbacks compare it
    LinkState state_ = LinkState::kDisconnected;
    std::string reason_ = "not started";
    std::chrono::steady_clock::time_point last_reply_{};
    std::chrono::steady_clock::time_point last_beat_{};
    struct Waiter {
        int attempts_left;
        Done done;
    };
    std::vector<Waiter> waiters_;

    // What the device told us (per connection, re-read after every reconnect).
    int firmware_ = 0;
    bool authenticated_ = false;
    bool is_master_ = false;
    bool clock_set_ = false;
    bool heartbeat_missing_ = false;
    std::optional<seestar::Target> view_target_;
    std::string view_mode_ = "none";
    bool recording_ = false;
    std::optional<bool> tracking_;
    std::optional<double> temp_;
    std::optional<double> battery_;
    std::string connected_since_;
    std::uint64_t reconnects_ = 0;
};

}  // namespace zc::daemon
