#pragma once
// Fan-out of daemon events to `watch` subscribers. Each event is serialized once and shared by
// every subscriber; subscribers own their queues and their drop policy (see ControlSession), so
// a slow one never holds up publish(). Runs on the io_context thread only.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "time/clock.h"

namespace zc::daemon {

class EventSink {
  public:
    virtual ~EventSink() = default;
    virtual void deliver(const std::shared_ptr<const std::string>& line) = 0;
};

class EventBus {
  public:
    explicit EventBus(const Clock& clock) : clock_(clock) {}

    /// `events` empty = every event.
    void subscribe(std::weak_ptr<EventSink> sink, std::vector<std::string> events);
    /// Adds "event" and "time" to `fields` (an object) and delivers the line to subscribers.
    void publish(const std::string& event, nlohmann::json fields = nlohmann::json::object());

    /// The wire form of an event, for senders that bypass the bus (e.g. a session's own
    /// "dropped" notice).
    std::shared_ptr<const std::string> make_line(const std::string& event,
                                                 nlohmann::json fields) const;

    std::size_t subscribers() const;
    std::uint64_t published() const { return published_; }

  private:
    struct Subscription {
        std::weak_ptr<EventSink> sink;
        std::vector<std::string> events;
    };
    const Clock& clock_;
    std::vector<Subscription> subs_;
    std::uint64_t published_ = 0;
};

}  // namespace zc::daemon
