// The capture* control commands of SeestarService: operator (cron) captures, the prediction
// feed, listing and cancelling.
#include "seestar_service.h"

namespace zc::daemon {

using nlohmann::json;
using protocol::ArgSpec;
using protocol::ArgType;
using protocol::CommandSpec;
using protocol::Request;
using protocol::Responder;
using protocol::Response;
using seestar::Target;
using ResponderPtr = std::shared_ptr<Responder>;

namespace {

/// Parses one prediction; an error text naming the field, or empty.
std::string parse_prediction(const json& p, seestar::Prediction& out) {
    if (!p.is_object() || !p.contains("id") || !p["id"].is_string())
        return "predictions: each needs a string \"id\"";
    out.id = p["id"].get<std::string>();
    const auto where = "predictions[" + out.id + "].";
    auto target = seestar::parse_target(p.value("target", std::string()));
    if (!target)
        return where + "target: expected sun or moon";
    out.target = *target;
    if (!seestar::parse_level(p.value("level", std::string("high")), out.level))
        return where + "level: expected low, medium or high";
    auto t = parse_iso8601(p.value("closest_approach", std::string()));
    if (!t)
        return where + "closest_approach: expected an ISO 8601 UTC time";
    out.closest_approach = *t;
    return "";
}

}  // namespace

void SeestarService::register_capture_commands() {
    auto& d = ctx_.dispatcher;
    d.add(
        CommandSpec{
            "capture",
            "record the Sun or Moon now or at a time; follow it with `capture` events",
            {ArgSpec{"target", ArgType::kString, true, "sun or moon", {"sun", "moon"}},
             ArgSpec{"duration", ArgType::kNumber, true, "seconds to record", {}},
             ArgSpec{"at", ArgType::kString, false, "start time, ISO 8601 (default: now)", {}},
             ArgSpec{"solar_filter_on",
                     ArgType::kBoolean,
                     false,
                     "the operator confirms the physical solar filter is fitted",
                     {}}}},
        [this](const Request& req, ResponderPtr r) {
            const auto target = *seestar::parse_target(req.arguments["target"].get<std::string>());
            const double duration = req.arguments["duration"].get<double>();
            if (!(duration > 0 && duration <= 3600)) {
                r->reply(Response::error("duration must be between 0 and 3600 seconds"));
                return;
            }
            UtcTime start = ctx_.clock.now();
            if (req.arguments.contains("at")) {
                const auto text = req.arguments["at"].get<std::string>();
                auto t = parse_iso8601(text);
                if (!t) {
                    r->reply(Response::error("at: not an ISO 8601 time: " + text));
                    return;
                }
                start = std::max(*t, start);
            }
            const bool filter = req.arguments.value("solar_filter_on", false);
            if (target == Target::kSun) {
                auto why = refuse_sun(filter);
                if (!why.empty()) {
                    r->reply(Response::error(why));
                    return;
                }
            }
            if (!enabled_) {
                r->reply(Response::error("seestar.enabled is false"));
                return;
            }
            const auto id = scheduler_->add_capture(target, start, from_seconds(duration), filter);
            const auto* rec = scheduler_->find(id);
            json a = rec ? rec->to_json() : json{{"id", id}};
            a["id"] = id;
            r->reply(Response::success("capture " + id + " scheduled", std::move(a)));
        });
    d.add(CommandSpec{"capture-list", "scheduled captures and recent outcomes", {}},
          [this](const Request&, ResponderPtr r) {
              r->reply(Response::success("captures", scheduler_->to_json()));
          });
    d.add(CommandSpec{"capture-get",
                      "one capture's record",
                      {ArgSpec{"id", ArgType::kString, true, "capture or prediction id", {}}}},
          [this](const Request& req, ResponderPtr r) {
              const auto* rec = scheduler_->find(req.arguments["id"].get<std::string>());
              if (!rec)
                  r->reply(Response::empty("no such capture"));
              else
                  r->reply(Response::success(rec->state, rec->to_json()));
          });
    d.add(CommandSpec{"capture-cancel",
                      "cancel a scheduled capture",
                      {ArgSpec{"id", ArgType::kString, true, "capture or prediction id", {}}}},
          [this](const Request& req, ResponderPtr r) {
              if (scheduler_->cancel(req.arguments["id"].get<std::string>()))
                  r->reply(Response::success("cancelled"));
              else
                  r->reply(Response::empty("no such scheduled capture"));
          });
    d.add(CommandSpec{"capture-predictions",
                      "replace the transit predictions that drive automatic captures",
                      {ArgSpec{"predictions",
                               ArgType::kArray,
                               true,
                               "[{id, target, level, closest_approach}]",
                               {}}}},
          [this](const Request& req, ResponderPtr r) {
              std::vector<seestar::Prediction> list;
              for (const auto& p : req.arguments["predictions"]) {
                  seestar::Prediction pr;
                  if (auto err = parse_prediction(p, pr); !err.empty()) {
                      r->reply(Response::error(err));
                      return;
                  }
                  list.push_back(std::move(pr));
              }
              const auto n = list.size();
              scheduler_->set_predictions(std::move(list));
              r->reply(
                  Response::success(std::to_string(n) + " prediction(s)", scheduler_->to_json()));
          });
}

}  // namespace zc::daemon
