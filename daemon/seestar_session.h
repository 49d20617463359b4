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

#include "seestar/discovery.h"
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
    // get_device_state during the handshake: a busy (imaging) scope stalls it ~10 s; the
    // heartbeat, not this, decides whether the link is alive (reference §1.6, §6.11).
    std::chrono::milliseconds busy_timeout{30000};
    std::chrono::milliseconds auth_timeout{10000};  // each step of the challenge-response
    // get_verify_str is asked again on the same connection while the link answers, this long.
    std::chrono::milliseconds auth_busy_budget{60000};
    std::chrono::milliseconds record_confirm{3000};  // AviRecord "working" after the start
    std::chrono::milliseconds scan_timeout{120000};  // centring after start_scan_planet
    // A view state older than this is re-read before start_record_avi (pitfall 16).
    std::chrono::milliseconds view_fresh{10000};
    bool udp_intro = true;  // scan_iscope to <host>:discovery_port before each connect
    int discovery_port = 4720;
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
        // The device ended a recording that this session did not stop (AviRecord fail or
        // complete, the view cancelled, the target set below the horizon).
        std::function<void(const std::string& why)> on_record_ended;
        // Tracking went off with an error code (ScopeTrack 270/502/...).
        std::function<void(const std::string& why)> on_tracking_lost;
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
    std::optional<bool> tracking() const { return tracking_; }
    bool is_master() const { return is_master_; }
    /// A start_view is still confirming or centring.
    bool view_pending() const { return views_pending_ > 0; }
    int firmware() const { return firmware_; }
    nlohmann::json status() const;

    /// Claims master, enters the view (fire-and-forget: confirmed through get_view_state and
    /// events, never by waiting on the reply), starts the scan and waits until the scope tracks
    /// the target; false with the device's reason (270 below horizon, 501 goto failed, ...).
    void start_view(seestar::Target target, Done done);
    void stop_view(Done done);
    /// Asserts the view (`expected`, or any sun/moon view) first, re-claims master if it was
    /// lost, sends start_record_avi and confirms AviRecord "working" within record_confirm;
    /// otherwise stops/reconciles and fails with a text starting "recording did not start".
    void start_record(std::optional<seestar::Target> expected, Done done);
    void start_record(Done done) { start_record(std::nullopt, std::move(done)); }
    void stop_record(Done done);
    void park(Done done);
    /// Re-reads get_view_state (view mode, recording).
    void refresh(Done done);
    /// Re-claims master when a Client event took it away (then() runs in any case).
    void ensure_master(std::function<void()> then) { claim_master(false, std::move(then)); }

  private:
    void connect_once();
    void handshake();
    void request_challenge(std::chrono::steady_clock::time_point since);
    void answer_challenge(const std::string& challenge);
    void after_auth();
    void after_device_state();
    void set_time_and_location();
    void handshake_done();
    void handshake_failed(const std::string& why);
    void link_lost(const std::string& why);
    void schedule_reconnect();
    void heartbeat_tick();
    void arm_heartbeat(std::chrono::steady_clock::duration after);
    void set_state(LinkState s, const std::string& reason);
    void update_degraded();
    void handle_event(const seestar::Event& e);
    void apply_view(const nlohmann::json& view, bool from_event = false);
    void call(const std::string& method, nlohmann::json params, std::chrono::milliseconds timeout,
              SeestarLink::ReplyFn done);
    void claim_master(bool always, std::function<void()> then);
    void confirm_view(std::uint64_t op, seestar::Target target,
                      std::chrono::steady_clock::time_point until, Done done);
    void confirm_view_step(std::uint64_t op, seestar::Target target,
                           std::chrono::steady_clock::time_point until,
                           std::chrono::steady_clock::time_point next_poll, Done done);
    void scan(std::uint64_t op, seestar::Target target, Done done);
    void wait_centred(std::uint64_t op, seestar::Target target,
                      std::chrono::steady_clock::time_point until, bool asked_tracking, Done done);
    void confirm_stopped(std::uint64_t op, std::chrono::steady_clock::time_point until, Done done);
    void confirm_record(std::chrono::steady_clock::time_point until,
                        std::chrono::steady_clock::time_point next_poll, Done done);
    void after(std::chrono::milliseconds delay, std::function<void()> fn);
    bool superseded(std::uint64_t op, const Done& done) const;
    void recording_ended(const std::string& why);
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
    std::chrono::steady_clock::time_point connected_at_{};
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
    std::optional<seestar::ScanReply> discovery_;  // the last scan_iscope reply, if any
    std::string discovery_note_;

    // Operations in flight. A newer view/stop/park supersedes an older one.
    std::uint64_t view_op_ = 0;
    int views_pending_ = 0;
    std::optional<std::string> motion_error_;  // refused, or a slew/track failure event
    bool scan_complete_ = false;
    bool track_on_seen_ = false;  // ScopeTrack tracking:true since the scan started
    std::chrono::steady_clock::time_point view_checked_{};  // last get_view_state or View
    bool avi_working_ = false;               // AviRecord "working" since the last start
    std::optional<std::string> avi_failed_;  // AviRecord fail, or start_record_avi refused
    bool stopping_record_ = false;           // we asked for the stop: not the device's doing
    std::string record_ended_;               // why the scope last ended a recording
    std::string last_track_error_;
};

}  // namespace zc::daemon
