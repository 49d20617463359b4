#pragma once
// The flight service in-process: a real io_context, a ManualClock, the real event bus,
// dispatcher and prediction hub, and scripted FlightSource fakes in place of the network.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>
#include <deque>
#include <memory>

#include "../transit/synthetic.h"
#include "astro/body.h"
#include "event_bus.h"
#include "flight_service.h"
#include "prediction_hub.h"

namespace zc::test {

using daemon::FlightSource;
using daemon::PollResult;
using nlohmann::json;

/// A source whose answers the test scripts. Pull: each poll takes the next scripted result
/// (delivered asynchronously, as a real source would) or stays in flight until answer().
class FakeSource final : public FlightSource {
  public:
    FakeSource(boost::asio::io_context& io, const Clock& clock, std::string name, bool push)
        : io_(io), clock_(clock), name_(std::move(name)), push_(push) {}

    std::string name() const override { return name_; }
    bool is_push() const override { return push_; }
    std::optional<UtcTime> next_allowed(UtcTime now) const override {
        if (budget_spent)
            return std::nullopt;
        return allowed_from ? std::max(now, *allowed_from) : now;
    }
    void poll(const daemon::QueryArea& area, Done done) override {
        ++polls;
        poll_times.push_back(clock_.now());
        areas.push_back(area);
        pending_ = std::move(done);
        if (!script.empty()) {
            auto r = std::move(script.front());
            script.pop_front();
            boost::asio::post(io_, [this, r = std::move(r)]() mutable { answer(std::move(r)); });
        }
    }
    void start(Push on_fixes) override { push_fn_ = std::move(on_fixes); }
    void stop() override { push_fn_ = nullptr; }
    json status(UtcTime now) const override {
        json j = {{"state", state()},
                  {"last_error", last_error.empty() ? json(nullptr) : json(last_error)},
                  {"consecutive_failures", failures}};
        if (last_success)
            j["data_age_s"] = to_seconds(now - *last_success);
        return j;
    }
    bool healthy() const override { return ever_ok_ && failures == 0; }

    /// Completes the poll in flight.
    void answer(PollResult r) {
        r.received = clock_.now();
        if (r.ok) {
            failures = 0;
            ever_ok_ = true;
            last_success = clock_.now();
        } else {
            ++failures;
            last_error = r.error;
        }
        if (auto d = std::exchange(pending_, nullptr))
            d(std::move(r));
    }
    void push(std::vector<flights::Fix> fixes) {
        ever_ok_ = true;
        if (push_fn_)
            push_fn_(std::move(fixes));
    }
    bool in_flight() const { return pending_ != nullptr; }
    std::string state() const {
        if (budget_spent)
            return "budget";
        if (!ever_ok_ && failures == 0)
            return "idle";
        return failures ? "degraded" : "ok";
    }

    static PollResult ok(std::vector<flights::Fix> fixes) {
        PollResult r;
        r.ok = true;
        r.fixes = std::move(fixes);
        return r;
    }
    static PollResult fail(std::string why) {
        PollResult r;
        r.error = std::move(why);
        return r;
    }

    std::deque<PollResult> script;
    std::vector<daemon::QueryArea> areas;
    std::vector<UtcTime> poll_times;
    int polls = 0;
    int failures = 0;
    std::string last_error;
    std::optional<UtcTime> last_success;
    std::optional<UtcTime> allowed_from;
    bool budget_spent = false;

  private:
    boost::asio::io_context& io_;
    const Clock& clock_;
    std::string name_;
    bool push_;
    bool ever_ok_ = false;
    Done pending_;
    Push push_fn_;
};

class EventLog final : public daemon::EventSink {
  public:
    void deliver(const std::shared_ptr<const std::string>& line) override {
        events.push_back(json::parse(*line));
    }
    std::vector<json> named(const std::string& name) const {
        std::vector<json> out;
        for (const auto& e : events)
            if (e["event"] == name)
                out.push_back(e);
        return out;
    }
    std::vector<json> events;
};

struct Capture final : protocol::Responder {
    void reply(protocol::Response r) override { response = std::move(r); }
    void subscribe(std::vector<std::string>) override {}
    std::optional<protocol::Response> response;
};

/// A 2026 summer morning in Greenwich: the Sun at ~53 deg in the south-east.
inline UtcTime rig_start() {
    return *parse_iso8601("2026-06-21T10:00:00Z");
}

inline config::Config rig_config(std::vector<std::pair<std::string, std::string>> extra) {
    config::LoadOptions o;
    o.environment = {{"HOME", "/nonexistent"}};
    o.read_default_files = false;
    o.command_line = {{"observer.latitude", "51.4779"},
                      {"observer.longitude", "-0.0015"},
                      {"observer.elevation", "46"},
                      {"transit.target", "sun"},
                      {"paths.state_dir", "/tmp"}};
    for (auto& e : extra)
        o.command_line.push_back(std::move(e));
    auto r = config::load(o);
    INFO(r.report());
    REQUIRE(r.config);
    return std::move(*r.config);
}

struct ServiceRig {
    struct SourceSpec {
        std::string name;
        bool push = false;
    };

    explicit ServiceRig(std::vector<SourceSpec> specs = {{"fake_a", false}},
                        std::vector<std::pair<std::string, std::string>> cfg_extra = {})
        : ServiceRig(std::move(specs),
                     std::make_shared<const config::Config>(rig_config(std::move(cfg_extra)))) {}

    ServiceRig(std::vector<SourceSpec> specs, std::shared_ptr<const config::Config> config)
        : clock(rig_start()),
          bus(clock),
          cfg(std::move(config)),
          ctx{io, clock, bus, dispatcher, hub, [this] { return cfg; }},
          specs_(std::move(specs)) {
        bus.subscribe(log, {});
        hub.on_predictions([this](const daemon::PredictionSet& s) { sets.push_back(s); });
        hub.on_health([this](const daemon::SourcesHealth& h) { health.push_back(h); });
        service = std::make_unique<daemon::FlightService>(
            ctx, [this](daemon::SourceContext& sc, const config::Config&) {
                ++made;
                std::vector<std::unique_ptr<FlightSource>> out;
                sources.clear();
                for (const auto& s : specs_) {
                    auto f = std::make_unique<FakeSource>(sc.io, sc.clock, s.name, s.push);
                    sources.push_back(f.get());
                    out.push_back(std::move(f));
                }
                return out;
            });
    }
    ~ServiceRig() {
        service.reset();
        io.run_for(std::chrono::milliseconds(5));
    }

    void start() {
        service->start();
        run();
    }
    /// Lets posted work and due timers run.
    void run(int ms = 20) {
        io.restart();
        io.run_for(std::chrono::milliseconds(ms));
    }
    /// Moves the clock and lets the service notice.
    void advance(double seconds) {
        clock.advance(from_seconds(seconds));
        service->wake();
        run();
    }
    protocol::Response call(const std::string& command, json args = json::object()) {
        auto c = std::make_shared<Capture>();
        dispatcher.dispatch(protocol::make_request(command, std::move(args)), c);
        run(5);
        REQUIRE(c->response);
        return *c->response;
    }
    FakeSource& source(std::size_t i = 0) { return *sources.at(i); }

    boost::asio::io_context io;
    ManualClock clock;
    daemon::EventBus bus;
    protocol::Dispatcher dispatcher;
    daemon::PredictionHub hub;
    std::shared_ptr<const config::Config> cfg;
    daemon::ServiceContext ctx;
    std::shared_ptr<EventLog> log = std::make_shared<EventLog>();
    std::vector<daemon::PredictionSet> sets;
    std::vector<daemon::SourcesHealth> health;
    std::vector<FakeSource*> sources;
    int made = 0;
    std::unique_ptr<daemon::FlightService> service;

  private:
    std::vector<SourceSpec> specs_;
};

/// A fix `fix_age_s` before `now` for an aircraft at 10 km that the predictor's own geometry
/// carries through the centre of the Sun at `t0` (as seen from the configured observer), or
/// `miss_deg` above it.
inline flights::Fix transit_fix(const config::Config& cfg, UtcTime now, UtcTime t0,
                                const std::string& hex, double fix_age_s = 1.0,
                                double track_offset_deg = 90, double miss_deg = 0) {
    const auto settings = daemon::pipeline_settings(cfg);
    const auto& obs = settings.observer;
    const auto sun = astro::body_position(astro::Body::Sun, t0, obs.site, obs.atmosphere, obs.eop);
    const geo::LocalFrame frame(obs.geodetic());
    const auto p = place_apparent(obs, frame, sun.az_deg, sun.alt_deg + miss_deg, 10000);
    Flight fl;
    fl.speed_mps = 230;
    fl.track_deg = geo::wrap_360(sun.az_deg + track_offset_deg);
    const double lead = to_seconds(t0 - now) + fix_age_s;
    auto f = fix_reaching(p, t0, lead, fl);
    f.icao24 = hex;
    f.callsign = "T" + hex.substr(0, 5);
    return f;
}

}  // namespace zc::test
