#pragma once
// A recorded or constructed flight, replayed as a push source (the demo and the end-to-end
// tests): sources.replay.file is JSON Lines, one fix per line with `t` in seconds after the
// start (format: flights/replay_file.h, docs/flight-sources.md). start() takes the daemon
// clock's now as t = 0 - under the demo's clock.start that is the configured instant - and
// pushes each fix once the clock has reached start + t, stamped fix_time = start + t. The clock
// is re-read on a short timer, so a ManualClock moved by a test drives it as well as real time.
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <memory>

#include "flight_source.h"
#include "flights/replay_file.h"
#include "flights/source_state.h"

namespace zc::daemon {

class ReplaySource final : public FlightSource {
  public:
    /// Longest wait between clock readings.
    static constexpr auto kTick = std::chrono::milliseconds(20);

    /// Loads the file; throws std::runtime_error "sources.replay.file: <file>:<line>: ...".
    ReplaySource(SourceContext& ctx, const std::filesystem::path& file);
    ~ReplaySource() override;

    std::string name() const override { return "replay"; }
    bool is_push() const override { return true; }
    std::optional<UtcTime> next_allowed(UtcTime) const override { return std::nullopt; }
    void poll(const QueryArea& area, Done done) override;
    void start(Push on_fixes) override;
    void stop() override;
    nlohmann::json status(UtcTime now) const override;
    bool healthy() const override { return true; }

    /// Pushes every fix that is due at the clock's now; returns how many. (The timer calls
    /// it; tests may too.)
    std::size_t pump();
    std::size_t total() const { return entries_.size(); }
    std::size_t delivered() const { return next_; }
    std::optional<UtcTime> start_time() const { return start_; }

  private:
    void arm();

    SourceContext& ctx_;
    std::string file_;
    std::vector<flights::ReplayEntry> entries_;
    std::size_t next_ = 0;
    std::optional<UtcTime> start_;
    Push push_;
    bool running_ = false;
    boost::asio::steady_timer timer_;
    flights::SourceState state_{"replay"};
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace zc::daemon
