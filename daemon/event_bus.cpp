#include "event_bus.h"

#include <algorithm>

#include "protocol/message.h"

namespace zc::daemon {

void EventBus::subscribe(std::weak_ptr<EventSink> sink, std::vector<std::string> events) {
    subs_.push_back(Subscription{std::move(sink), std::move(events)});
}

void EventBus::publish(const std::string& event, nlohmann::json fields) {
    ++published_;
    // Subscribers that left are pruned here rather than on disconnect: no back-pointers needed.
    std::erase_if(subs_, [](const Subscription& s) { return s.sink.expired(); });
    if (subs_.empty())
        return;
    auto line = make_line(event, std::move(fields));
    // Copy first: a sink may subscribe or drop others while we deliver.
    auto subs = subs_;
    for (const auto& s : subs) {
        if (!s.events.empty() &&
            std::find(s.events.begin(), s.events.end(), event) == s.events.end())
            continue;
        if (auto sink = s.sink.lock())
            sink->deliver(line);
    }
}

std::shared_ptr<const std::string> EventBus::make_line(const std::string& event,
                                                       nlohmann::json fields) const {
    nlohmann::json j = nlohmann::json::object();
    j["event"] = event;
    j["time"] = format_iso8601(clock_.now());
    for (auto& [k, v] : fields.items())
        j[k] = std::move(v);
    return std::make_shared<const std::string>(protocol::to_line(j));
}

std::size_t EventBus::subscribers() const {
    return static_cast<std::size_t>(std::count_if(
        subs_.begin(), subs_.end(), [](const Subscription& s) { return !s.sink.expired(); }));
}

}  // namespace zc::daemon
