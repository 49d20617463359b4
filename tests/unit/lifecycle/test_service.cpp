// LifecycleService in-process: predictions from the hub and capture events from the bus become
// log lines, `transit` and `alert` events and a lifecycle the `transits` command can look up.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <fstream>

#include "fixtures.h"
#include "lifecycle_service.h"
#include "temp_dir.h"
#include "txlog/reader.h"

using namespace zc;
using namespace zc::test;
using nlohmann::json;

namespace {

struct Events final : daemon::EventSink {
    void deliver(const std::shared_ptr<const std::string>& line) override {
        all.push_back(json::parse(*line));
    }
    std::vector<json> of(const std::string& name) const {
        std::vector<json> out;
        for (const auto& e : all)
            if (e["event"] == name)
                out.push_back(e);
        return out;
    }
    std::vector<json> all;
};

struct Responder final : protocol::Responder {
    void reply(protocol::Response r) override { response = std::move(r); }
    void subscribe(std::vector<std::string>) override {}
    std::optional<protocol::Response> response;
};

std::shared_ptr<const config::Config> make_config(const std::string& state_dir) {
    config::LoadOptions o;
    o.environment = {{"HOME", "/nonexistent"}};
    o.read_default_files = false;
    o.command_line = {{"observer.latitude", "51.4779"},
                      {"observer.longitude", "-0.0015"},
                      {"paths.state_dir", state_dir}};
    auto r = config::load(o);
    INFO(r.report());
    REQUIRE(r.config);
    return std::make_shared<const config::Config>(std::move(*r.config));
}

struct Rig {
    TempDir dir;
    boost::asio::io_context io;
    ManualClock clock{t0()};
    daemon::EventBus bus{clock};
    protocol::Dispatcher dispatcher;
    daemon::PredictionHub hub;
    std::shared_ptr<const config::Config> cfg = make_config(dir.path().string());
    daemon::ServiceContext ctx{io, clock, bus, dispatcher, hub, [this] { return cfg; }};
    std::shared_ptr<Events> events = std::make_shared<Events>();
    std::unique_ptr<daemon::LifecycleService> service;

    Rig() {
        bus.subscribe(events, {"transit", "alert"});
        service = std::make_unique<daemon::LifecycleService>(ctx);
        service->start();
    }
    ~Rig() {
        bool done = false;
        service->stop([&] { done = true; });
        run();
        CHECK(done);
        service.reset();
    }
    void run() {
        io.restart();
        io.run_for(std::chrono::milliseconds(5));
    }
    std::vector<json> records() const {
        return txlog::read_log(dir / "possible_transits.log", nullptr);
    }
    protocol::Response call(const std::string& command, json args) {
        auto r = std::make_shared<Responder>();
        dispatcher.dispatch(protocol::make_request(command, std::move(args)), r);
        run();
        REQUIRE(r->response);
        return *r->response;
    }
};

}  // namespace

TEST_CASE("the lifecycle service logs alerts publishes and takes capture outcomes") {
    Rig rig;
    const std::string id = "4ca7b1:sun";
    // The scheduler reports the capture before the lifecycle sees the prediction.
    rig.bus.publish(
        "capture",
        {{"id", id}, {"state", "scheduled"}, {"target", "sun"}, {"stop", format_iso8601(at(43))}});
    rig.hub.publish({candidate(transit::Level::High, at(40))}, rig.clock.now());
    rig.run();

    auto recs = rig.records();
    REQUIRE(recs.size() == 1);
    CHECK(recs[0]["line"] == "first");
    CHECK(recs[0]["state"] == "imminent");
    CHECK(recs[0]["capture"] == "scheduled");
    CHECK(recs[0]["lat"].is_number());
    auto transit = rig.events->of("transit");
    REQUIRE(transit.size() == 1);
    CHECK(transit[0]["id"] == id);
    CHECK(transit[0]["change"] == "first");
    auto alerts = rig.events->of("alert");
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0]["delivery"] == "log");
    CHECK_THAT(alerts[0]["text"].get<std::string>(), Catch::Contains("IMMINENT: HIGH Sun transit"));
    CHECK_THAT(alerts[0]["text"].get<std::string>(), Catch::Contains("Capture: scheduled"));
    // What `transits` can show for this candidate.
    auto state = rig.hub.lifecycle(id);
    CHECK(state["state"] == "imminent");
    CHECK(state["capture"] == "scheduled");
    CHECK(rig.hub.lifecycle("nope:sun").is_null());

    rig.clock.set(at(37));
    rig.bus.publish("capture", {{"id", id}, {"state", "started"}, {"target", "sun"}});
    rig.clock.set(at(43.1));
    rig.bus.publish("capture", {{"id", id}, {"state", "recorded"}, {"target", "sun"}});
    rig.run();
    recs = rig.records();
    REQUIRE(recs.size() == 3);
    CHECK(recs[1]["capture"] == "recording");
    CHECK(recs[1]["scope_mode"] == "sun");
    CHECK(recs[2]["line"] == "final");
    CHECK(recs[2]["state"] == "captured");
    CHECK(rig.events->of("transit").back()["state"] == "captured");
    CHECK(rig.events->of("alert").size() == 1);  // no further alert

    auto r = rig.call("transit-log", {{"limit", 2}});
    REQUIRE(r.result == protocol::Result::kSuccess);
    REQUIRE(r.arguments["records"].size() == 2);
    CHECK(r.arguments["records"][0]["line"] == "update");
    CHECK(r.arguments["records"][1]["line"] == "final");
    r = rig.call("transit-log", {{"since", "not a time"}});
    CHECK(r.result == protocol::Result::kError);

    const auto st = rig.service->status();
    CHECK(st.state == "running");
    CHECK(st.data["alerts"] == 1);
    CHECK(st.data["lines_written"] == 3);
}

TEST_CASE("the lifecycle service keeps records in memory while the log cannot be written") {
    Rig rig;
    // The state directory becomes a file: nothing can be created in it.
    std::filesystem::remove_all(rig.dir.path());
    { std::ofstream(rig.dir.path()) << "not a directory"; }
    rig.hub.publish({candidate(transit::Level::Low, at(300))}, rig.clock.now());
    rig.run();
    auto st = rig.service->status();
    CHECK(st.state == "degraded");
    CHECK(st.data["lines_pending"] == 1);
    // Writable again: the next record flushes the kept one first, in order.
    std::filesystem::remove(rig.dir.path());
    std::filesystem::create_directories(rig.dir.path());
    rig.hub.publish({candidate(transit::Level::Medium, at(300))}, rig.clock.now());
    rig.run();
    st = rig.service->status();
    CHECK(st.state == "running");
    const auto recs = rig.records();
    REQUIRE(recs.size() == 2);
    CHECK(recs[0]["level"] == "LOW");
    CHECK(recs[1]["level"] == "MEDIUM");
}
