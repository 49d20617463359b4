#include "lifecycle_service.h"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <cmath>

#include "alerts/telegram_message.h"
#include "txlog/reader.h"

namespace zc::daemon {

using nlohmann::json;
using protocol::ArgSpec;
using protocol::ArgType;
using protocol::CommandSpec;
using protocol::Request;
using protocol::Responder;
using protocol::Response;
using transit::Action;
using transit::ActionKind;
using ResponderPtr = std::shared_ptr<Responder>;

namespace {

constexpr std::size_t kMaxPendingLines = 10000;
constexpr auto kLogRetry = std::chrono::seconds(30);

geo::Geodetic observer_of(const config::Config& cfg) {
    // The MSL elevation stands in for the ellipsoidal height: the aircraft's latitude and
    // longitude move by millimetres for tens of metres of observer height.
    return {cfg.get_double("observer.latitude"), cfg.get_double("observer.longitude"),
            cfg.get_double("observer.elevation")};
}

net::HttpClientOptions http_options() {
    net::HttpClientOptions o;
    o.connect_timeout = std::chrono::milliseconds(10000);
    o.read_timeout = std::chrono::milliseconds(20000);
    o.max_response_bytes = 1u << 20;
    o.max_idle_per_origin = 1;
    return o;
}

json event_fields(const transit::Entry& e, transit::LogKind kind, UtcTime now) {
    const auto& c = e.candidate;
    json j = {{"id", e.id},
              {"state", transit::to_string(e.stage)},
              {"change", transit::to_string(kind)},
              {"target", transit::to_string(c.target)},
              {"level", transit::to_string(c.level)},
              {"max_level", transit::to_string(e.max_level)},
              {"icao24", c.icao24},
              {"callsign", c.callsign},
              {"aircraft_type", c.aircraft_type},
              {"closest_approach", format_iso8601(c.closest_approach)},
              {"seconds_to_ca", std::round(to_seconds(c.closest_approach - now) * 10.0) / 10.0},
              {"separation_deg", std::round(c.separation_deg * 1e4) / 1e4},
              {"separation_radii", std::round(c.separation_radii * 1e3) / 1e3},
              {"probability", std::round(c.probability * 1e3) / 1e3},
              {"alerted_level", transit::to_string(e.alerted_level)},
              {"imminent_sent", e.imminent_sent},
              {"capture", transit::to_string(e.capture)}};
    if (!e.reason.empty())
        j["reason"] = e.reason;
    if (!e.capture_reason.empty())
        j["capture_reason"] = e.capture_reason;
    return j;
}

}  // namespace

transit::LifecycleOptions lifecycle_options(const config::Config& cfg) {
    transit::LifecycleOptions o;
    if (auto l = transit::parse_level(cfg.get_string("telegram.min_level")))
        o.alert_level = *l;
    o.imminent_lead = from_seconds(cfg.get_double("transit.imminent_lead"));
    return o;
}

TelegramOptions telegram_options(const config::Config& cfg) {
    TelegramOptions o;
    o.bot_token = cfg.get_string("telegram.bot_token");
    o.chat_id = cfg.get_string("telegram.chat_id");
    o.api_base = cfg.get_string("telegram.api_base");
    return o;
}

txlog::WriterOptions writer_options(const config::Config& cfg) {
    txlog::WriterOptions o;
    o.rotate = cfg.get_string("transit_log.rotate") == "daily" ? txlog::Rotation::Daily
                                                               : txlog::Rotation::Size;
    o.max_bytes = static_cast<std::uint64_t>(cfg.get_int("transit_log.max_bytes"));
    o.retention = static_cast<int>(cfg.get_int("transit_log.retention"));
    return o;
}

/// `capture` and `seestar` events, taken from the bus in-process: the capture scheduler
/// reports outcomes there, and nothing else needs to know about the lifecycle.
class LifecycleService::CaptureSink : public EventSink {
  public:
    explicit CaptureSink(LifecycleService& s) : s_(s) {}
    void deliver(const std::shared_ptr<const std::string>& line) override {
        s_.on_event_line(*line);
    }

  private:
    LifecycleService& s_;
};

LifecycleService::LifecycleService(ServiceContext& ctx)
    : ctx_(ctx),
      lifecycle_(lifecycle_options(*ctx.config())),
      writer_(ctx.config()->get_path("paths.state_dir"), writer_options(*ctx.config())),
      http_(ctx.io, http_options()),
      telegram_(ctx.io, ctx.clock, http_, telegram_options(*ctx.config())),
      timer_(ctx.io),
      log_retry_(ctx.io) {
    const auto cfg = ctx_.config();
    record_ctx_.observer = observer_of(*cfg);
    seestar_enabled_ = cfg->get_bool("seestar.enabled");
    if (seestar_enabled_)
        record_ctx_.scope_connected = false;
    telegram_.set_observer([this](const std::string& what, const std::string& html) {
        ctx_.bus.publish("alert", {{"what", what},
                                   {"delivery", telegram_.configured() ? "telegram" : "log"},
                                   {"text", alerts::html_to_text(html)}});
    });
    sink_ = std::make_shared<CaptureSink>(*this);
    ctx_.bus.subscribe(sink_, {"capture", "seestar"});
    // The hub outlives the services and has no way to remove a listener: each checks that the
    // service still exists (a pipeline stopping after us may still publish).
    ctx_.predictions.on_predictions([this, alive = alive_](const PredictionSet& set) {
        if (*alive)
            on_predictions(set);
    });
    ctx_.predictions.on_health([this, alive = alive_](const SourcesHealth& h) {
        if (*alive && !stopping_)
            telegram_.on_health(h);
    });
    ctx_.predictions.set_lifecycle_lookup([this](const std::string& id) { return state_json(id); });
    register_commands();
}

LifecycleService::~LifecycleService() {
    ctx_.predictions.set_lifecycle_lookup(nullptr);
    *alive_ = false;
    timer_.cancel();
    log_retry_.cancel();
}

void LifecycleService::start() {
    spdlog::info("lifecycle: possible transits logged to {}; alerts {}", writer_.path().string(),
                 telegram_.configured() ? "to Telegram" : "to this log (Telegram not configured)");
}

void LifecycleService::stop(std::function<void()> done) {
    stopping_ = true;
    timer_.cancel();
    flush_log();
    for (const auto& [line, t] : pending_lines_)
        spdlog::error("lifecycle: a log record could not be written ({}): {}", log_error_, line);
    pending_lines_.clear();
    telegram_.stop(std::chrono::seconds(3), std::move(done));
}

void LifecycleService::reconfigure(const config::Config& next) {
    lifecycle_.set_options(lifecycle_options(next));
    writer_.set_options(writer_options(next));
    telegram_.set_options(telegram_options(next));
    record_ctx_.observer = observer_of(next);
    seestar_enabled_ = next.get_bool("seestar.enabled");
    if (!seestar_enabled_)
        record_ctx_.scope_connected.reset();
    else if (!record_ctx_.scope_connected)
        record_ctx_.scope_connected = false;
    perform(lifecycle_.tick(ctx_.clock.now()));
}

ComponentStatus LifecycleService::status() const {
    std::size_t open = 0;
    for (const auto& [id, e] : lifecycle_.entries())
        if (!transit::is_final(e.stage))
            ++open;
    json data = {{"open", open},
                 {"tracked", lifecycle_.entries().size()},
                 {"alerts", alerts_},
                 {"log_file", writer_.path().string()},
                 {"lines_written", lines_written_},
                 {"lines_pending", pending_lines_.size()},
                 {"telegram", telegram_.status()}};
    std::string detail = std::to_string(open) + " open, " + std::to_string(alerts_) +
                         " alert(s), alerts " +
                         (telegram_.configured() ? "to Telegram" : "to the log");
    if (!log_error_.empty()) {
        data["log_error"] = log_error_;
        return {"degraded", "transit log: " + log_error_, std::move(data)};
    }
    return {"running", detail, std::move(data)};
}

json LifecycleService::state_json(const std::string& id) const {
    const auto* e = lifecycle_.find(id);
    if (!e)
        return nullptr;
    json j = {{"state", transit::to_string(e->stage)},
              {"level", transit::to_string(e->candidate.level)},
              {"max_level", transit::to_string(e->max_level)},
              {"alerted_level", transit::to_string(e->alerted_level)},
              {"imminent_sent", e->imminent_sent},
              {"capture", transit::to_string(e->capture)},
              {"first_seen", format_iso8601(e->first_seen)}};
    j["capture_reason"] = e->capture_reason.empty() ? json(nullptr) : json(e->capture_reason);
    j["reason"] = e->reason.empty() ? json(nullptr) : json(e->reason);
    return j;
}

void LifecycleService::on_predictions(const PredictionSet& set) {
    if (stopping_)
        return;
    perform(lifecycle_.update(set.candidates, ctx_.clock.now()));
}

void LifecycleService::on_event_line(const std::string& line) {
    if (stopping_)
        return;
    const json e = json::parse(line, nullptr, false);
    if (!e.is_object())
        return;
    const auto event = e.value("event", std::string());
    const auto state = e.value("state", std::string());
    if (event == "seestar") {
        if (seestar_enabled_)
            record_ctx_.scope_connected = state == "ready" || state == "degraded";
        if (state == "lost" || state == "disconnected")
            record_ctx_.scope_mode.clear();
        return;
    }
    // A capture event. Its target tells which view the scope is in once it prepares or records.
    if (state == "preparing" || state == "started")
        record_ctx_.scope_mode = e.value("target", std::string());
    const auto cs = transit::capture_state_from_event(state);
    const auto id = e.value("id", std::string());
    if (!cs || id.empty())
        return;
    std::optional<UtcTime> stop;
    if (e.contains("stop") && e["stop"].is_string())
        stop = parse_iso8601(e["stop"].get<std::string>());
    perform(lifecycle_.capture(id, *cs, e.value("reason", std::string()), stop, ctx_.clock.now()));
}

void LifecycleService::perform(std::vector<Action> actions) {
    const auto now = ctx_.clock.now();
    for (const auto& a : actions) {
        switch (a.kind) {
            case ActionKind::Alert: {
                ++alerts_;
                const auto what =
                    std::string(a.alert == transit::AlertKind::Imminent ? "imminent alert "
                                                                        : "alert ") +
                    std::string(transit::to_string(a.entry.candidate.level)) + " " + a.entry.id;
                telegram_.send(alerts::alert_html(a.entry, a.alert, now), what);
                break;
            }
            case ActionKind::Log:
                write_log(a);
                break;
            case ActionKind::Publish:
                ctx_.bus.publish("transit", event_fields(a.entry, a.log, now));
                break;
        }
    }
    arm();
}

void LifecycleService::write_log(const Action& a) {
    const auto now = ctx_.clock.now();
    const auto record = txlog::make_record(a.entry, a.log, now, record_ctx_);
    auto text = record.dump(-1, ' ', false, json::error_handler_t::replace);
    if (a.log == transit::LogKind::Final || a.log == transit::LogKind::First)
        spdlog::info("possible transit {} {}: {} {} {} closest approach {}, {:.2f} radii{}",
                     a.entry.id, transit::to_string(a.log),
                     transit::to_string(a.entry.candidate.level), transit::to_string(a.entry.stage),
                     a.entry.candidate.callsign.empty() ? a.entry.candidate.icao24
                                                        : a.entry.candidate.callsign,
                     format_iso8601(a.entry.candidate.closest_approach),
                     a.entry.candidate.separation_radii,
                     a.entry.reason.empty() ? "" : " (" + a.entry.reason + ")");
    if (pending_lines_.size() >= kMaxPendingLines) {
        spdlog::error("lifecycle: dropping an unwritten log record ({}): {}", log_error_,
                      pending_lines_.front().first);
        pending_lines_.pop_front();
    }
    pending_lines_.emplace_back(std::move(text), now);
    flush_log();
}

void LifecycleService::flush_log() {
    while (!pending_lines_.empty()) {
        const auto& [line, t] = pending_lines_.front();
        auto err = writer_.append(line, t);
        if (!err.empty()) {
            if (err != log_error_)
                spdlog::error("lifecycle: {}; {} record(s) kept in memory, retrying", err,
                              pending_lines_.size());
            log_error_ = err;
            log_retry_.expires_after(kLogRetry);
            log_retry_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
                if (!ec && *alive)
                    flush_log();
            });
            return;
        }
        ++lines_written_;
        pending_lines_.pop_front();
    }
    if (!log_error_.empty())
        spdlog::info("lifecycle: the transit log is writable again");
    log_error_.clear();
}

void LifecycleService::arm() {
    if (stopping_)
        return;
    const auto now = ctx_.clock.now();
    const auto next = lifecycle_.next_deadline(now);
    timer_.cancel();
    if (!next)
        return;
    timer_.expires_after(std::max(Duration::zero(), *next - now));
    timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
        if (ec || !*alive || stopping_)
            return;
        perform(lifecycle_.tick(ctx_.clock.now()));
    });
}

void LifecycleService::register_commands() {
    ctx_.dispatcher.add(
        CommandSpec{
            "transit-log",
            "the newest possible-transits log records (the file, read back)",
            {ArgSpec{"limit", ArgType::kInteger, false, "at most this many (default 20)", {}},
             ArgSpec{"since", ArgType::kString, false, "only records logged since, ISO 8601", {}}}},
        [this](const Request& req, ResponderPtr r) {
            const auto limit = static_cast<std::size_t>(
                std::clamp<std::int64_t>(req.arguments.value("limit", std::int64_t{20}), 1, 10000));
            std::optional<UtcTime> since;
            if (req.arguments.contains("since")) {
                since = parse_iso8601(req.arguments["since"].get<std::string>());
                if (!since) {
                    r->reply(Response::error("since: expected an ISO 8601 time"));
                    return;
                }
            }
            // Newest files first, until enough records are in hand.
            txlog::ReadStats stats;
            std::vector<json> newest;
            auto files = txlog::log_files(writer_.path());
            for (auto f = files.rbegin(); f != files.rend() && newest.size() < limit; ++f) {
                auto recs = txlog::read_file(*f, &stats);
                for (auto it = recs.rbegin(); it != recs.rend() && newest.size() < limit; ++it) {
                    const auto t = parse_iso8601(it->value("logged", std::string()));
                    if (since && (!t || *t < *since))
                        continue;
                    newest.push_back(std::move(*it));
                }
            }
            std::reverse(newest.begin(), newest.end());
            const auto n = newest.size();
            r->reply(
                Response::success(std::to_string(n) + " record(s) from " + writer_.path().string(),
                                  {{"file", writer_.path().string()},
                                   {"records", std::move(newest)},
                                   {"torn", stats.torn},
                                   {"bad", stats.bad}}));
        });
}

}  // namespace zc::daemon
