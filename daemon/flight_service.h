#pragma once
// The flight pipeline of zipcatcherd: polls the enabled sources over one HTTPS client as the
// adaptive planner says (flights/poll_planner.h), takes push feeds as they arrive, merges every
// fix into the cache (flights/flight_cache.h), re-runs the predictor for each aircraft that got
// a new fix, and publishes the current candidate set on the prediction hub (the capture
// scheduler listens) and `prediction` / `source` events on the bus. Control commands:
// flights, sources, transits, poll. Design and rules: docs/flight-pipeline.md.
#include <array>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flight_source.h"
#include "flights/flight_cache.h"
#include "flights/poll_planner.h"
#include "flights/query_corridor.h"
#include "service.h"
#include "transit/predictor.h"

namespace zc::daemon {

/// Builds the sources (make_flight_sources in the daemon; fakes in tests).
using SourceMaker = std::function<std::vector<std::unique_ptr<FlightSource>>(
    SourceContext&, const config::Config&)>;

/// Everything the pipeline reads from the configuration, resolved once per (re)load.
struct PipelineSettings {
    std::string idle_reason;  // non-empty: the pipeline cannot run (no observer, bad area)
    transit::Observer observer;
    transit::Options options;
    flights::CacheOptions cache;
    flights::PollIntervals intervals;
    flights::CorridorOptions corridor;
    std::optional<flights::SearchArea> fixed_area;  // area.* when set
    net::HttpClientOptions http;
    double passed_grace_s = 40;  // a passed candidate stays this long (recording post-buffer)
};
PipelineSettings pipeline_settings(const config::Config& cfg);

/// Query-area caps by source name (docs/flight-pipeline.md): readsb family 250 nm, ADS-B
/// Exchange 100 nm, OpenSky and AeroAPI a box size; push and local sources none.
flights::AreaCaps area_caps(const std::string& source);
QueryArea to_query_area(const flights::SearchArea& area);

class FlightService final : public Service {
  public:
    explicit FlightService(ServiceContext& ctx, SourceMaker make_sources = make_flight_sources);
    ~FlightService() override;

    std::string name() const override { return "flights"; }
    void start() override;
    void stop(std::function<void()> done) override;
    void reconfigure(const config::Config& next) override;
    ComponentStatus status() const override;

    /// Re-plans at once (after the clock moved, e.g. a ManualClock in tests).
    void wake();
    const flights::FlightCache& cache() const { return cache_; }
    /// The current candidates (all levels), sorted by closest approach, times relative to now.
    std::vector<transit::Candidate> candidates() const;
    const flights::SearchArea& area() const { return area_; }
    /// Milliseconds the last Sun/Moon track rebuild took.
    double track_build_ms() const { return track_build_ms_; }

  private:
    struct Slot {
        std::unique_ptr<FlightSource> source;
        std::string name;
        bool push = false;
        bool in_flight = false;
        std::optional<UtcTime> last_poll;
        // What was last reported, so that logs and events go out once per change.
        std::string reported_state;
        bool reported_healthy = false;
        // Counters for `sources`.
        std::uint64_t polls = 0, fixes = 0, new_fixes = 0, skipped = 0;
    };
    struct Held {
        transit::Candidate c;
        UtcTime fix_time{};
    };

    void build_sources();
    void teardown_sources();
    void rebuild_predictor(UtcTime now);
    void refresh_area(UtcTime now);
    void schedule(std::chrono::milliseconds delay);
    void tick();
    void start_poll(std::size_t index, UtcTime now);
    void on_poll_result(std::size_t index, std::uint64_t generation, PollResult result);
    void ingest(const std::string& source, std::vector<flights::Fix> fixes);
    void repredict(const std::string& key, UtcTime now);
    void apply(const std::string& key, std::vector<transit::Candidate> fresh, UtcTime now,
               const std::string& why_gone);
    void drop(const std::string& key, UtcTime now, const std::string& why);
    void prune_passed(UtcTime now);
    void publish_if_dirty(UtcTime now);
    void note_sources(UtcTime now);
    void publish_event(const std::string& change, const Held& h, transit::Level previous,
                       const std::string& reason);
    std::vector<transit::Candidate> current_set(UtcTime now) const;
    double interval_now(UtcTime now) const;
    std::optional<UtcTime> next_poll(const Slot& s, UtcTime now) const;
    void register_commands();
    nlohmann::json sources_json(UtcTime now) const;
    nlohmann::json flights_json(UtcTime now) const;
    nlohmann::json poll_now();
    nlohmann::json idle_reason() const;  // why the pipeline does nothing, or null

    ServiceContext& ctx_;
    SourceMaker make_sources_;
    std::shared_ptr<const config::Config> config_;
    PipelineSettings settings_;
    std::string source_error_;  // make_flight_sources threw

    std::unique_ptr<net::HttpClient> http_;
    std::unique_ptr<SourceContext> source_ctx_;
    std::vector<Slot> slots_;       // destroyed before http_ (they hold a reference to it)
    std::uint64_t generation_ = 0;  // bumps when the sources are rebuilt

    flights::FlightCache cache_;
    std::unique_ptr<transit::Predictor> predictor_;
    double track_build_ms_ = 0;
    flights::SearchArea area_;
    std::optional<UtcTime> area_at_;
    std::map<std::string, std::array<std::optional<Held>, 2>> held_;  // [Sun, Moon]
    bool dirty_ = false;
    std::uint64_t published_ = 0;
    int reported_healthy_ = -1;
    int reported_enabled_ = -1;
    UtcTime healthy_since_{};

    boost::asio::steady_timer timer_;
    bool started_ = false;
    bool stopping_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace zc::daemon
