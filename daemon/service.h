#pragma once
// How a capability plugs into zipcatcherd: a Service is created once at start-up with the
// daemon's shared pieces, registers its control commands, publishes events on the bus, and
// reports its state for `status`. Everything runs on the daemon's single io_context.
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config.h"
#include "event_bus.h"
#include "prediction_hub.h"
#include "protocol/dispatcher.h"
#include "time/clock.h"

namespace zc::daemon {

struct ServiceContext {
    boost::asio::io_context& io;
    const Clock& clock;
    EventBus& bus;
    protocol::Dispatcher& dispatcher;  // add commands in the constructor, not later
    PredictionHub& predictions;        // the flight pipeline publishes, others listen
    /// The configuration in force now (it changes on reload; keep a copy where a stable view
    /// is needed).
    std::function<std::shared_ptr<const config::Config>()> config;
};

/// One line of `status` components.
struct ComponentStatus {
    std::string state;                               // e.g. running, degraded, disabled
    std::string detail;                              // terse, for humans
    nlohmann::json data = nlohmann::json::object();  // machine-readable extras
};

class Service {
  public:
    virtual ~Service() = default;
    virtual std::string name() const = 0;
    /// After the control socket listens, before READY=1. Throwing aborts start-up.
    virtual void start() = 0;
    /// Graceful stop; call `done` once finished (the daemon waits for every service).
    virtual void stop(std::function<void()> done) = 0;
    /// After a reload was accepted.
    virtual void reconfigure(const config::Config& /*next*/) {}
    virtual ComponentStatus status() const = 0;
};

using ServiceFactory = std::function<std::unique_ptr<Service>(ServiceContext&)>;

/// The services zipcatcherd runs, in start order (services.cpp: one line per capability).
std::vector<ServiceFactory> service_factories();

}  // namespace zc::daemon
