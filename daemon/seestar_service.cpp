#include "seestar_service.h"

#include <spdlog/spdlog.h>

namespace zc::daemon {

using nlohmann::json;
using protocol::ArgSpec;
using protocol::ArgType;
using protocol::CommandSpec;
using protocol::Request;
using protocol::Responder;
using protocol::Response;
using seestar::Target;
using std::chrono::milliseconds;
using ResponderPtr = std::shared_ptr<Responder>;

namespace {

milliseconds ms(double seconds) {
    return milliseconds(static_cast<long long>(seconds * 1000.0));
}

}  // namespace

SessionOptions session_options(const config::Config& cfg) {
    SessionOptions o;
    o.host = cfg.get_string("seestar.host");
    o.port = static_cast<int>(cfg.get_int("seestar.port"));
    o.timeout = ms(cfg.get_double("seestar.timeout"));
    o.retry_initial = ms(cfg.get_double("seestar.retry_initial_delay"));
    o.retry_max = std::max(o.retry_initial, ms(cfg.get_double("seestar.retry_max_delay")));
    o.heartbeat = ms(cfg.get_double("seestar.heartbeat_interval"));
    // Dead within 10 s of the last reply, whatever the heartbeat interval (3 missed beats at 3 s).
    o.dead_after = std::min(milliseconds(9000), 3 * o.heartbeat);
    o.auth_key_file = cfg.get_path("seestar.auth_key_file");
    o.latitude = cfg.get_double("observer.latitude");
    o.longitude = cfg.get_double("observer.longitude");
    return o;
}

CaptureOptions capture_options(const config::Config& cfg) {
    CaptureOptions o;
    seestar::parse_level(cfg.get_string("seestar.capture_level"), o.min_level);
    o.pre = from_seconds(cfg.get_double("seestar.pre_buffer"));
    o.post = from_seconds(cfg.get_double("seestar.post_buffer"));
    o.solar_filter_confirmed = cfg.get_bool("seestar.solar_filter_confirmed");
    return o;
}

std::vector<seestar::Prediction> capture_predictions(const PredictionSet& set) {
    std::vector<seestar::Prediction> out;
    for (const auto& c : set.candidates) {
        seestar::Prediction p;
        p.target =
            c.target == transit::Target::Moon ? seestar::Target::kMoon : seestar::Target::kSun;
        p.id = c.key + ":" + seestar::to_string(p.target);  // one per (aircraft, target)
        switch (c.level) {
            case transit::Level::High:
                p.level = seestar::Level::kHigh;
                break;
            case transit::Level::Medium:
                p.level = seestar::Level::kMedium;
                break;
            case transit::Level::Low:
                p.level = seestar::Level::kLow;
                break;
            case transit::Level::None:
                continue;
        }
        p.closest_approach = c.closest_approach;
        out.push_back(std::move(p));
    }
    return out;
}

SeestarService::SeestarService(ServiceContext& ctx) : ctx_(ctx) {
    const auto cfg = ctx_.config();
    enabled_ = cfg->get_bool("seestar.enabled");
    solar_filter_confirmed_ = cfg->get_bool("seestar.solar_filter_confirmed");
    retry_attempts_ = static_cast<int>(cfg->get_int("seestar.retry_attempts"));
    SeestarSession::Hooks hooks;
    hooks.on_state = [this](LinkState s, const std::string& reason) {
        ctx_.bus.publish("seestar", {{"state", to_string(s)},
                                     {"reason", reason},
                                     {"firmware_ver_int", session_ ? session_->firmware() : 0}});
        if (s == LinkState::kLost && scheduler_)
            scheduler_->on_scope_lost(reason);
    };
    hooks.on_ready = [this] {
        if (scheduler_)
            scheduler_->on_scope_ready();
    };
    hooks.on_record_ended = [this](const std::string& why) {
        if (scheduler_)
            scheduler_->on_recording_ended(why);
    };
    hooks.on_tracking_lost = [this](const std::string& why) {
        if (scheduler_)
            scheduler_->on_tracking_lost(why);
    };
    hooks.on_event = [this](const seestar::Event& e) {
        // Device events that matter to an operator watching a capture.
        if (e.name == "AviRecord" || e.name == "View" || e.name == "ScopeHome" ||
            e.name == "ScanSun" || e.name == "ScanMoon" || e.name == "Client" ||
            (e.name == "ScopeTrack" && e.fields.contains("code")) ||
            (e.name == "ScopeGoto" && e.fields.value("state", std::string()) == "fail")) {
            json f = e.fields;
            f.erase("Event");
            ctx_.bus.publish("seestar-device", {{"name", e.name}, {"fields", std::move(f)}});
        }
    };
    session_ = std::make_shared<SeestarSession>(ctx_.io, ctx_.clock, session_options(*cfg), hooks);
    scheduler_ = std::make_unique<CaptureScheduler>(
        ctx_.io, ctx_.clock, session_, capture_options(*cfg),
        [this](const json& fields) { ctx_.bus.publish("capture", fields); });
    // The flight pipeline's prediction set drives the automatic captures; each publish replaces
    // the list (so does the capture-predictions command, for external pipelines).
    ctx_.predictions.on_predictions([this](const PredictionSet& set) {
        scheduler_->set_predictions(capture_predictions(set));
    });
    register_commands();
    register_capture_commands();
}

SeestarService::~SeestarService() {
    scheduler_.reset();
    if (session_)
        session_->stop();
}

void SeestarService::start() {
    if (enabled_)
        session_->start();
}

void SeestarService::stop(std::function<void()> done) {
    scheduler_->shutdown([this, done] {
        session_->stop();
        done();
    });
}

void SeestarService::reconfigure(const config::Config& next) {
    const bool was = enabled_;
    enabled_ = next.get_bool("seestar.enabled");
    solar_filter_confirmed_ = next.get_bool("seestar.solar_filter_confirmed");
    retry_attempts_ = static_cast<int>(next.get_int("seestar.retry_attempts"));
    session_->set_options(session_options(next));  // used from the next (re)connect
    scheduler_->set_options(capture_options(next));
    if (enabled_ && !was)
        session_->start();
    else if (!enabled_ && was)
        session_->disconnect("seestar.enabled is false");
}

ComponentStatus SeestarService::status() const {
    if (!enabled_)
        return {"disabled", "seestar.enabled is false", session_->status()};
    return {to_string(session_->state()), session_->reason(), session_->status()};
}

std::string SeestarService::refuse_sun(bool solar_filter_on) const {
    if (solar_filter_confirmed_ || solar_filter_on)
        return "";
    return "sun mode refused: without a physical solar filter the Sun destroys the sensor (and "
           "eyes). Fit the filter, then set seestar.solar_filter_confirmed = true or pass "
           "--solar-filter-on";
}

void SeestarService::register_commands() {
    auto& d = ctx_.dispatcher;
    auto reply_done = [](ResponderPtr r) {
        return [r](bool ok, const std::string& text) {
            r->reply(ok ? Response::success(text) : Response::error(text));
        };
    };
    const ArgSpec target_arg{"target", ArgType::kString, true, "sun or moon", {"sun", "moon"}};
    const ArgSpec filter_arg{"solar_filter_on",
                             ArgType::kBoolean,
                             false,
                             "the operator confirms the physical solar filter is fitted",
                             {}};
    d.add(CommandSpec{"scope-status", "telescope link state, view, recording, health", {}},
          [this](const Request&, ResponderPtr r) {
              auto s = session_->status();
              s["enabled"] = enabled_;
              s["solar_filter_confirmed"] = solar_filter_confirmed_;
              s["capture"] = scheduler_->to_json()["recording"];
              r->reply(Response::success(
                  enabled_ ? std::string(to_string(session_->state())) + ": " + session_->reason()
                           : "disabled (seestar.enabled is false)",
                  std::move(s)));
          });
    d.add(
        CommandSpec{
            "scope-connect", "connect to the telescope now (seestar.retry_attempts attempts)", {}},
        [this](const Request&, ResponderPtr r) {
            if (!enabled_) {
                r->reply(Response::error("seestar.enabled is false"));
                return;
            }
            session_->connect_now(retry_attempts_, [this, r](bool ok, const std::string& t) {
                if (ok)
                    r->reply(Response::success(t, session_->status()));
                else
                    r->reply(Response::error("could not connect: " + t));
            });
        });
    d.add(CommandSpec{"scope-disconnect", "close the telescope link and stop reconnecting", {}},
          [this](const Request&, ResponderPtr r) {
              session_->disconnect("disconnected by the operator");
              r->reply(Response::success("disconnected"));
          });
    d.add(
        CommandSpec{
            "scope-view", "point at the Sun or the Moon and track it", {target_arg, filter_arg}},
        [this, reply_done](const Request& req, ResponderPtr r) {
            const auto target = *seestar::parse_target(req.arguments["target"].get<std::string>());
            if (target == Target::kSun) {
                auto why = refuse_sun(req.arguments.value("solar_filter_on", false));
                if (!why.empty()) {
                    r->reply(Response::error(why));
                    return;
                }
            }
            session_->start_view(target, reply_done(r));
        });
    d.add(
        CommandSpec{"scope-stop-view", "end the current view", {}},
        [this, reply_done](const Request&, ResponderPtr r) { session_->stop_view(reply_done(r)); });
    d.add(CommandSpec{"scope-record",
                      "start or stop recording video now",
                      {ArgSpec{
                          "action", ArgType::kString, true, "start or stop", {"start", "stop"}}}},
          [this, reply_done](const Request& req, ResponderPtr r) {
              if (req.arguments["action"] == "start")
                  session_->start_record(reply_done(r));
              else
                  session_->stop_record(reply_done(r));
          });
    d.add(CommandSpec{"scope-park", "stop the view and fold the arm", {}},
          [this, reply_done](const Request&, ResponderPtr r) { session_->park(reply_done(r)); });
}

}  // namespace zc::daemon
