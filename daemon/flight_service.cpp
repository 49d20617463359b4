#include "flight_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "astro/refraction.h"
#include "geoid/egm96.h"
#include "geoid/site.h"
#include "transit/candidate_json.h"
#include "transit/config_options.h"

namespace zc::daemon {

using nlohmann::json;
using protocol::ArgSpec;
using protocol::ArgType;
using protocol::CommandSpec;
using protocol::Request;
using protocol::Responder;
using protocol::Response;
using ResponderPtr = std::shared_ptr<Responder>;
using Steady = std::chrono::steady_clock;

namespace {

// The Sun/Moon tracks are rebuilt (and every aircraft re-predicted) this often: a rebuild costs
// 5-10 ms (2 x 31 body_position calls, docs/performance.md), so 0.1 % of a core; in between,
// each new fix re-runs the predictor for its own aircraft only.
constexpr auto kTrackRefresh = std::chrono::seconds(10);
// The corridor follows the targets (0.25 deg/min); 14 body_position calls per refresh.
constexpr auto kAreaRefresh = std::chrono::seconds(60);
constexpr auto kMaxTick = std::chrono::milliseconds(1000);
// Moves smaller than these are not worth a new publish (the capture scheduler re-times on
// every change); the stored candidate is still the newest.
constexpr double kRetimeS = 0.02;
constexpr double kResepDeg = 0.001;

std::size_t target_index(transit::Target t) {
    return t == transit::Target::Sun ? 0 : 1;
}

bool better(const transit::Candidate& a, const transit::Candidate& b) {
    if (a.level != b.level)
        return a.level > b.level;
    return a.separation_deg < b.separation_deg;
}

bool same_value(const config::Value& a, const config::Value& b) {
    if (const auto* x = std::get_if<double>(&a))
        if (const auto* y = std::get_if<double>(&b))
            return *x == *y || (std::isnan(*x) && std::isnan(*y));
    return a == b;
}

bool prefix_changed(const config::Config& a, const config::Config& b, std::string_view prefix) {
    for (const auto& s : b.settings())
        if (s.name.starts_with(prefix) && !same_value(a.setting(s.name).value, s.value))
            return true;
    return false;
}

json opt_num(const std::optional<double>& v, int decimals) {
    if (!v)
        return nullptr;
    const double k = std::pow(10.0, decimals);
    return std::round(*v * k) / k;
}
double round_to(double v, int decimals) {
    const double k = std::pow(10.0, decimals);
    return std::round(v * k) / k;
}
json opt_time(const std::optional<UtcTime>& t) {
    return t ? json(format_iso8601(*t)) : json(nullptr);
}

std::optional<transit::Level> parse_level(const std::string& s) {
    if (s == "low")
        return transit::Level::Low;
    if (s == "medium")
        return transit::Level::Medium;
    if (s == "high")
        return transit::Level::High;
    return std::nullopt;
}

}  // namespace

PipelineSettings pipeline_settings(const config::Config& cfg) {
    PipelineSettings s;
    const bool have_observer =
        cfg.setting("observer.latitude").origin.source != config::Source::Default &&
        cfg.setting("observer.longitude").origin.source != config::Source::Default;
    if (!have_observer)
        s.idle_reason = "no observer: set observer.latitude and observer.longitude";
    const double elevation = cfg.get_double("observer.elevation");
    const auto& grid = cfg.get_string("observer.geoid_grid");
    const auto site = geoid::site_from_msl(cfg.get_double("observer.latitude"),
                                           cfg.get_double("observer.longitude"), elevation,
                                           cfg.get_optional_double("observer.geoid_height"), grid);
    s.observer.site = site.site;
    const auto pressure = cfg.get_optional_double("astro.pressure_hpa");
    s.observer.atmosphere = {
        pressure && *pressure >= 0 ? *pressure : astro::standard_pressure_hpa(elevation),
        cfg.get_double("astro.temperature_c"), 0.0};
    s.observer.eop.dut1_s = cfg.get_double("astro.dut1");
    s.options = transit::options_from_config(cfg);
    // Pressure altitudes are roughly above mean sea level: raise them by N, as the observer.
    if (const geoid::Grid* g = geoid::cached_grid(grid))
        s.options.geoid_undulation_m = [g](double lat, double lon) {
            return g->undulation_m(lat, lon);
        };

    s.cache.max_fix_age_s = cfg.get_double("sources.max_fix_age");
    s.intervals.idle_s = cfg.get_double("sources.poll_idle_interval");
    s.intervals.min_s = cfg.get_double("sources.poll_min_interval");
    s.corridor.horizon_s = s.options.horizon_s;

    const auto lat_ll = cfg.get_optional_double("area.lat_lower_left");
    const auto lon_ll = cfg.get_optional_double("area.lon_lower_left");
    const auto lat_ur = cfg.get_optional_double("area.lat_upper_right");
    const auto lon_ur = cfg.get_optional_double("area.lon_upper_right");
    if (lat_ll || lon_ll || lat_ur || lon_ur) {
        const double nan = std::nan("");
        std::string error;
        s.fixed_area = flights::box_area(lat_ll.value_or(nan), lon_ll.value_or(nan),
                                         lat_ur.value_or(nan), lon_ur.value_or(nan), &error);
        if (!s.fixed_area && s.idle_reason.empty())
            s.idle_reason = error;
    }

    const auto timeout = std::chrono::milliseconds(
        static_cast<long long>(cfg.get_double("sources.http_timeout") * 1000));
    s.http.connect_timeout = timeout;
    s.http.read_timeout = timeout;
    s.http.max_response_bytes = static_cast<std::size_t>(cfg.get_int("sources.max_response_bytes"));
    s.http.user_agent = std::string("zipcatcher/") + ZC_VERSION;
    // A capture records until post_buffer after the closest approach: its prediction must not
    // vanish before then (the scheduler would stop the recording).
    s.passed_grace_s = cfg.get_double("seestar.post_buffer") + 30;
    return s;
}

flights::AreaCaps area_caps(const std::string& source) {
    if (source == "adsb_lol" || source == "adsb_one" || source == "adsb_fi")
        return {250 * 1.852, 0};
    if (source == "adsbx")
        return {100 * 1.852, 0};
    if (source == "opensky")
        return {600, 100};  // 100 deg^2: 3 credits per call
    if (source == "aeroapi")
        return {400, 50};  // a result set holds 15 flights: a smaller box loses fewer
    return {};
}

QueryArea to_query_area(const flights::SearchArea& a) {
    QueryArea q;
    for (const auto& b : a.boxes)
        q.boxes.push_back({b.lat_min, b.lat_max, b.lon_min, b.lon_max});
    q.center_lat = a.center_lat;
    q.center_lon = a.center_lon;
    q.radius_nm = a.empty() ? 0 : a.radius_nm();
    return q;
}

FlightService::FlightService(ServiceContext& ctx, SourceMaker make_sources)
    : ctx_(ctx),
      make_sources_(std::move(make_sources)),
      config_(ctx.config()),
      settings_(pipeline_settings(*config_)),
      cache_(settings_.cache),
      timer_(ctx.io) {
    register_commands();
}

FlightService::~FlightService() {
    *alive_ = false;
    teardown_sources();
}

void FlightService::start() {
    started_ = true;
    healthy_since_ = ctx_.clock.now();
    if (!settings_.idle_reason.empty()) {
        spdlog::warn("flights: idle: {}", settings_.idle_reason);
        return;
    }
    build_sources();
    note_sources(ctx_.clock.now());
    schedule(std::chrono::milliseconds(0));
}

void FlightService::stop(std::function<void()> done) {
    stopping_ = true;
    timer_.cancel();
    for (auto& s : slots_)
        if (s.push)
            s.source->stop();
    if (http_)
        http_->cancel_all();
    done();
}

void FlightService::reconfigure(const config::Config& next) {
    const auto old = config_;
    config_ = std::make_shared<const config::Config>(next);
    settings_ = pipeline_settings(next);
    cache_.set_options(settings_.cache);
    if (!started_ || stopping_)
        return;
    const auto now = ctx_.clock.now();
    if (prefix_changed(*old, next, "sources.") || !settings_.idle_reason.empty())
        teardown_sources();
    predictor_.reset();  // observer, transit.* or area.* may have changed: rebuild all
    area_at_.reset();
    if (!settings_.idle_reason.empty()) {
        spdlog::warn("flights: idle: {}", settings_.idle_reason);
        for (auto& [key, slots] : held_)
            for (auto& h : slots)
                if (h) {
                    publish_event("gone", *h, h->c.level, settings_.idle_reason);
                    dirty_ = true;
                }
        held_.clear();
        publish_if_dirty(now);
        note_sources(now);
        return;
    }
    if (slots_.empty())
        build_sources();
    note_sources(now);
    schedule(std::chrono::milliseconds(0));
}

void FlightService::build_sources() {
    source_error_.clear();
    http_ = std::make_unique<net::HttpClient>(ctx_.io, settings_.http);
    source_ctx_ = std::make_unique<SourceContext>(
        SourceContext{ctx_.io, ctx_.clock, *http_, config_->get_string("paths.state_dir")});
    std::vector<std::unique_ptr<FlightSource>> made;
    try {
        made = make_sources_(*source_ctx_, *config_);
    } catch (const std::exception& e) {
        source_error_ = e.what();
        spdlog::error("flights: {}", source_error_);
    }
    ++generation_;
    for (auto& src : made) {
        Slot s;
        s.name = src->name();
        s.push = src->is_push();
        s.source = std::move(src);
        slots_.push_back(std::move(s));
    }
    if (slots_.empty() && source_error_.empty())
        spdlog::warn("flights: idle: no flight source enabled");
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        spdlog::info("flights: source {} ({})", slots_[i].name, slots_[i].push ? "push" : "poll");
        if (!slots_[i].push)
            continue;
        std::weak_ptr<bool> alive = alive_;
        const auto gen = generation_;
        slots_[i].source->start([this, alive, gen, i](std::vector<flights::Fix> fixes) {
            if (alive.expired() || stopping_ || gen != generation_)
                return;
            ingest(slots_[i].name, std::move(fixes));
            publish_if_dirty(ctx_.clock.now());
        });
    }
}

void FlightService::teardown_sources() {
    for (auto& s : slots_)
        if (s.push && s.source)
            s.source->stop();
    slots_.clear();  // a source destroyed never calls back
    source_ctx_.reset();
    http_.reset();
    ++generation_;
}

void FlightService::rebuild_predictor(UtcTime now) {
    const auto t0 = Steady::now();
    predictor_ = std::make_unique<transit::Predictor>(settings_.observer, now, settings_.options);
    track_build_ms_ = std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
    for (const auto* ac : cache_.current(now))
        repredict(ac->fix.key(), now);
}

void FlightService::refresh_area(UtcTime now) {
    const bool was_empty = area_.empty() && area_at_.has_value();
    if (settings_.fixed_area) {
        area_ = *settings_.fixed_area;
    } else {
        area_ = flights::corridor_area(
            settings_.observer.geodetic(),
            flights::target_sights(settings_.observer, now, settings_.options, settings_.corridor),
            settings_.corridor);
    }
    if (!area_at_ || was_empty != area_.empty()) {
        if (area_.empty())
            spdlog::info("flights: no target above its minimum altitude within {} s: not polling",
                         settings_.options.horizon_s);
        else
            spdlog::info("flights: query area {} around {:.3f}, {:.3f}, radius {:.0f} km",
                         area_.fixed ? "box" : "corridor", area_.center_lat, area_.center_lon,
                         area_.radius_km);
    }
    area_at_ = now;
}

void FlightService::schedule(std::chrono::milliseconds delay) {
    if (stopping_)
        return;
    timer_.expires_after(delay);
    std::weak_ptr<bool> alive = alive_;
    timer_.async_wait([this, alive](const boost::system::error_code& ec) {
        if (ec || alive.expired())
            return;
        tick();
    });
}

void FlightService::wake() {
    schedule(std::chrono::milliseconds(0));
}

double FlightService::interval_now(UtcTime now) const {
    std::vector<transit::Candidate> near;
    for (const auto& [key, slots] : held_)
        for (const auto& h : slots)
            if (h)
                near.push_back(h->c);
    return flights::poll_interval_s(flights::nearest_lead_s(near, now), settings_.intervals);
}

std::optional<UtcTime> FlightService::next_poll(const Slot& s, UtcTime now) const {
    return flights::next_poll_at(s.last_poll, interval_now(now), s.source->next_allowed(now), now);
}

void FlightService::tick() {
    if (stopping_ || !started_ || !settings_.idle_reason.empty() || slots_.empty())
        return;
    const UtcTime now = ctx_.clock.now();
    if (!predictor_ || now - predictor_->now() >= kTrackRefresh || now < predictor_->now())
        rebuild_predictor(now);
    for (const auto& key : cache_.expire(now))
        drop(key, now, "fix older than sources.max_fix_age");
    prune_passed(now);
    if (!area_at_ || now - *area_at_ >= kAreaRefresh || now < *area_at_)
        refresh_area(now);

    auto next = now + kMaxTick;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        if (slots_[i].push || slots_[i].in_flight || area_.empty())
            continue;
        const auto at = next_poll(slots_[i], now);
        if (at && *at <= now) {
            start_poll(i, now);
        } else if (at) {
            next = std::min(next, *at);
        }
    }
    note_sources(now);
    publish_if_dirty(now);
    next = std::min(next, predictor_->now() + kTrackRefresh);
    const auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(next - now);
    schedule(std::clamp(delay, std::chrono::milliseconds(5), std::chrono::milliseconds(kMaxTick)));
}

void FlightService::start_poll(std::size_t index, UtcTime now) {
    Slot& s = slots_[index];
    s.in_flight = true;
    s.last_poll = now;
    s.polls += 1;
    const QueryArea q =
        to_query_area(flights::cap_area(area_, settings_.observer.geodetic(), area_caps(s.name)));
    std::weak_ptr<bool> alive = alive_;
    const auto gen = generation_;
    s.source->poll(q, [this, alive, gen, index](PollResult r) {
        if (alive.expired())
            return;
        on_poll_result(index, gen, std::move(r));
    });
}

void FlightService::on_poll_result(std::size_t index, std::uint64_t generation, PollResult r) {
    if (stopping_ || generation != generation_ || index >= slots_.size())
        return;
    Slot& s = slots_[index];
    s.in_flight = false;
    s.skipped += r.skipped;
    // Transitions (working <-> failing) are logged once by note_sources() from the source's
    // status; other changes (a different failure) by the source itself. Per poll: debug only.
    spdlog::debug("flights: {}: {} fixes, {} rejected{}", s.name, r.fixes.size(), r.skipped,
                  r.ok ? "" : ": " + r.error);
    if (r.ok)
        ingest(s.name, std::move(r.fixes));
    const auto now = ctx_.clock.now();
    note_sources(now);
    publish_if_dirty(now);
}

void FlightService::ingest(const std::string& source, std::vector<flights::Fix> fixes) {
    if (!settings_.idle_reason.empty())
        return;
    const UtcTime now = ctx_.clock.now();
    if (!predictor_)
        rebuild_predictor(now);
    Slot* slot = nullptr;
    for (auto& s : slots_)
        if (s.name == source)
            slot = &s;
    std::size_t fresh = 0;
    for (auto& f : fixes) {
        std::string key = f.key();
        if (cache_.add(std::move(f), source, now) == flights::Ingest::New) {
            ++fresh;
            repredict(key, now);
        }
    }
    if (slot) {
        slot->fixes += fixes.size();
        slot->new_fixes += fresh;
    }
}

void FlightService::repredict(const std::string& key, UtcTime now) {
    const flights::TrackedAircraft* ac = cache_.find(key, now);
    if (!ac || !predictor_)
        return;
    apply(key, predictor_->predict(ac->fix), now, "no longer predicted");
}

void FlightService::apply(const std::string& key, std::vector<transit::Candidate> fresh,
                          UtcTime now, const std::string& why_gone) {
    std::array<std::optional<transit::Candidate>, 2> best;
    for (auto& c : fresh) {
        if (c.level == transit::Level::None)
            continue;
        auto& b = best[target_index(c.target)];
        if (!b || better(c, *b))
            b = std::move(c);
    }
    auto it = held_.find(key);
    if (it == held_.end()) {
        if (!best[0] && !best[1])
            return;
        it = held_.emplace(key, std::array<std::optional<Held>, 2>{}).first;
    }
    const auto* ac = cache_.find_any(key);
    const UtcTime fix_time = ac ? ac->fix.fix_time : now;
    for (std::size_t i = 0; i < 2; ++i) {
        auto& h = it->second[i];
        if (best[i]) {
            Held n{std::move(*best[i]), fix_time};
            if (!h) {
                dirty_ = true;
                publish_event("new", n, transit::Level::None, "");
            } else {
                if (h->c.level != n.c.level)
                    publish_event("level", n, h->c.level, "");
                if (h->c.level != n.c.level ||
                    std::abs(to_seconds(h->c.closest_approach - n.c.closest_approach)) >=
                        kRetimeS ||
                    std::abs(h->c.separation_deg - n.c.separation_deg) >= kResepDeg)
                    dirty_ = true;
            }
            h = std::move(n);
        } else if (h) {
            const double since = to_seconds(now - h->c.closest_approach);
            if (since >= 0 && since <= settings_.passed_grace_s)
                continue;  // passed: kept until the recording's post-buffer is over
            publish_event("gone", *h, h->c.level, why_gone);
            h.reset();
            dirty_ = true;
        }
    }
    if (!it->second[0] && !it->second[1])
        held_.erase(it);
}

void FlightService::drop(const std::string& key, UtcTime now, const std::string& why) {
    apply(key, {}, now, why);
}

void FlightService::prune_passed(UtcTime now) {
    for (auto it = held_.begin(); it != held_.end();) {
        for (auto& h : it->second) {
            if (h && to_seconds(now - h->c.closest_approach) > settings_.passed_grace_s) {
                publish_event("gone", *h, h->c.level, "passed");
                h.reset();
                dirty_ = true;
            }
        }
        if (!it->second[0] && !it->second[1])
            it = held_.erase(it);
        else
            ++it;
    }
}

void FlightService::publish_event(const std::string& change, const Held& h, transit::Level previous,
                                  const std::string& reason) {
    const auto& c = h.c;
    const auto now = ctx_.clock.now();
    json e = {{"change", change},
              {"key", c.key},
              {"callsign", c.callsign},
              {"target", transit::to_string(c.target)},
              {"level", transit::to_string(c.level)},
              {"closest_approach", format_iso8601(c.closest_approach)},
              {"separation_deg", round_to(c.separation_deg, 4)},
              {"lead_s", round_to(to_seconds(c.closest_approach - now), 1)}};
    if (change == "level")
        e["previous_level"] = transit::to_string(previous);
    if (!reason.empty())
        e["reason"] = reason;
    transit::Candidate now_c = c;
    now_c.lead_time_s = to_seconds(c.closest_approach - now);
    now_c.fix_age_s = to_seconds(now - h.fix_time);
    e["candidate"] = transit::to_json(now_c);
    ctx_.bus.publish("prediction", std::move(e));
    if (change != "gone" && (c.level == transit::Level::High || c.level == transit::Level::Medium))
        spdlog::info("flights: {} {} {} {} at {} ({:.4f} deg, in {:.0f} s)", change,
                     transit::to_string(c.level), c.callsign.empty() ? c.key : c.callsign,
                     transit::to_string(c.target), format_iso8601(c.closest_approach),
                     c.separation_deg, now_c.lead_time_s);
}

std::vector<transit::Candidate> FlightService::current_set(UtcTime now) const {
    std::vector<transit::Candidate> out;
    for (const auto& [key, slots] : held_) {
        for (const auto& h : slots) {
            if (!h)
                continue;
            transit::Candidate c = h->c;
            c.lead_time_s = to_seconds(c.closest_approach - now);
            c.fix_age_s = to_seconds(now - h->fix_time);
            out.push_back(std::move(c));
        }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return a.closest_approach != b.closest_approach ? a.closest_approach < b.closest_approach
                                                        : a.key < b.key;
    });
    return out;
}

std::vector<transit::Candidate> FlightService::candidates() const {
    return current_set(ctx_.clock.now());
}

void FlightService::publish_if_dirty(UtcTime now) {
    if (!dirty_)
        return;
    dirty_ = false;
    ++published_;
    ctx_.predictions.publish(current_set(now), now);
}

void FlightService::note_sources(UtcTime now) {
    int healthy = 0;
    for (auto& s : slots_) {
        const bool h = s.source->healthy();
        const json st = s.source->status(now);
        const std::string state = st.contains("state") && st["state"].is_string()
                                      ? st["state"].get<std::string>()
                                      : (h ? "ok" : "degraded");
        healthy += h ? 1 : 0;
        if (state == s.reported_state && h == s.reported_healthy)
            continue;
        json e = {{"source", s.name}, {"state", state}, {"healthy", h}};
        if (st.contains("last_error") && st["last_error"].is_string())
            e["error"] = st["last_error"];
        if (!s.reported_state.empty()) {
            if (h)
                spdlog::info("flights: source {} is {}", s.name, state);
            else
                spdlog::warn("flights: source {} is {}{}", s.name, state,
                             e.contains("error") ? ": " + e["error"].get<std::string>() : "");
            e["previous_state"] = s.reported_state;
        }
        s.reported_state = state;
        s.reported_healthy = h;
        ctx_.bus.publish("source", std::move(e));
    }
    const int enabled = static_cast<int>(slots_.size());
    if (healthy != reported_healthy_ || enabled != reported_enabled_) {
        if (reported_healthy_ < 0 || (healthy > 0) != (reported_healthy_ > 0))
            healthy_since_ = now;
        reported_healthy_ = healthy;
        reported_enabled_ = enabled;
        ctx_.predictions.publish_health({enabled, healthy, healthy_since_});
    }
}

ComponentStatus FlightService::status() const {
    const auto now = ctx_.clock.now();
    int healthy = 0;
    for (const auto& s : slots_)
        healthy += s.source->healthy() ? 1 : 0;
    int high = 0, medium = 0, total = 0;
    for (const auto& [key, slots] : held_)
        for (const auto& h : slots)
            if (h) {
                ++total;
                high += h->c.level == transit::Level::High;
                medium += h->c.level == transit::Level::Medium;
            }
    const auto aircraft = cache_.current(now).size();
    json data = {{"aircraft", aircraft},
                 {"candidates", total},
                 {"high", high},
                 {"medium", medium},
                 {"sources_enabled", slots_.size()},
                 {"sources_healthy", healthy},
                 {"published", published_},
                 {"track_build_ms", round_to(track_build_ms_, 2)},
                 {"poll_interval_s", round_to(interval_now(now), 1)}};
    if (!area_.empty())
        data["area"] = {{"kind", area_.fixed ? "box" : "corridor"},
                        {"center_lat", round_to(area_.center_lat, 4)},
                        {"center_lon", round_to(area_.center_lon, 4)},
                        {"radius_km", round_to(area_.radius_km, 1)},
                        {"boxes", area_.boxes.size()}};
    if (!settings_.idle_reason.empty())
        return {"idle", settings_.idle_reason, data};
    if (!source_error_.empty())
        return {"error", source_error_, data};
    if (slots_.empty())
        return {"idle", "no flight source enabled (sources.<name>.enabled)", data};
    const std::string area = area_.fixed     ? "fixed box"
                             : area_.empty() ? "no target up"
                                             : fmt::format("corridor {:.0f} km", area_.radius_km);
    std::string detail = fmt::format(
        "{} aircraft, {} candidate(s) ({} high), {}/{} source(s) "
        "healthy, {}",
        aircraft, total, high, healthy, slots_.size(), area);
    return {healthy == static_cast<int>(slots_.size()) ? "running" : "degraded", detail, data};
}

json FlightService::idle_reason() const {
    if (!settings_.idle_reason.empty())
        return settings_.idle_reason;
    if (!source_error_.empty())
        return source_error_;
    if (slots_.empty())
        return "no flight source enabled";
    return nullptr;
}

json FlightService::flights_json(UtcTime now) const {
    json list = json::array();
    for (const auto* ac : cache_.current(now)) {
        const auto& f = ac->fix;
        json sources = json::array();
        for (const auto& [name, t] : ac->sources)
            sources.push_back(name);
        json est = json::array();
        if (ac->estimated.ground_speed)
            est.push_back("ground_speed");
        if (ac->estimated.track)
            est.push_back("track");
        if (ac->estimated.vertical_rate)
            est.push_back("vertical_rate");
        if (ac->estimated.track_rate)
            est.push_back("track_rate");
        list.push_back(
            {{"key", f.key()},
             {"icao24", f.icao24.empty() ? json(nullptr) : json(f.icao24)},
             {"callsign", f.callsign.empty() ? json(nullptr) : json(f.callsign)},
             {"lat", round_to(f.lat_deg, 5)},
             {"lon", round_to(f.lon_deg, 5)},
             {"altitude_m", round_to(f.altitude_m, 1)},
             {"altitude_kind", flights::to_string(f.altitude_kind)},
             {"ground_speed_mps", opt_num(f.ground_speed_mps, 1)},
             {"track_deg", opt_num(f.track_deg, 1)},
             {"vertical_rate_mps", round_to(f.vertical_rate_mps, 2)},
             {"track_rate_dps", opt_num(f.track_rate_dps, 2)},
             {"fix_time", format_iso8601(f.fix_time)},
             {"fix_age_s", round_to(to_seconds(now - f.fix_time), 1)},
             {"source", ac->source},
             {"sources", std::move(sources)},
             {"estimated", std::move(est)},
             {"source_type", flights::to_string(f.source_type)},
             {"aircraft_type", f.aircraft_type.empty() ? json(nullptr) : json(f.aircraft_type)}});
    }
    return list;
}

json FlightService::sources_json(UtcTime now) const {
    json list = json::array();
    for (const auto& s : slots_) {
        json j = s.source->status(now);
        if (!j.is_object())
            j = json::object();
        j["name"] = s.name;
        j["push"] = s.push;
        j["healthy"] = s.source->healthy();
        j["in_flight"] = s.in_flight;
        j["last_poll"] = opt_time(s.last_poll);
        j["next_poll"] = s.push || area_.empty() ? json(nullptr) : opt_time(next_poll(s, now));
        j["polls"] = s.polls;
        j["fixes"] = s.fixes;
        j["new_fixes"] = s.new_fixes;
        j["rejected"] = s.skipped;
        list.push_back(std::move(j));
    }
    return list;
}

json FlightService::poll_now() {
    const auto now = ctx_.clock.now();
    json polled = json::array(), refused = json::array();
    auto refuse = [&](const std::string& name, const std::string& why) {
        refused.push_back({{"source", name}, {"reason", why}});
    };
    if (!area_at_ || now - *area_at_ >= kAreaRefresh)
        refresh_area(now);
    if (!predictor_)
        rebuild_predictor(now);
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        const Slot& s = slots_[i];
        if (s.push) {
            refuse(s.name, "push feed: fixes arrive as they come");
            continue;
        }
        if (s.in_flight) {
            refuse(s.name, "a poll is already in flight");
            continue;
        }
        const auto allowed = s.source->next_allowed(now);
        if (!allowed) {
            const json st = s.source->status(now);
            std::string why = "not allowed now";
            if (st.contains("state") && st["state"].is_string())
                why += " (" + st["state"].get<std::string>() + ")";
            if (st.contains("last_error") && st["last_error"].is_string())
                why += ": " + st["last_error"].get<std::string>();
            refuse(s.name, why);
            continue;
        }
        if (*allowed > now) {
            refuse(s.name, fmt::format("rate limit or backoff: next poll allowed in {:.1f} s",
                                       to_seconds(*allowed - now)));
            continue;
        }
        if (area_.empty()) {
            refuse(s.name, "no query area: no target above its minimum altitude");
            continue;
        }
        start_poll(i, now);
        polled.push_back(s.name);
    }
    return {{"polled", std::move(polled)}, {"refused", std::move(refused)}};
}

void FlightService::register_commands() {
    auto& d = ctx_.dispatcher;
    d.add(
        CommandSpec{"flights", "tracked aircraft: position, altitude, speed, fix age, sources", {}},
        [this](const Request&, ResponderPtr r) {
            auto list = flights_json(ctx_.clock.now());
            const auto n = list.size();
            r->reply(Response::success(fmt::format("{} aircraft", n),
                                       {{"aircraft", std::move(list)}, {"count", n}}));
        });
    d.add(CommandSpec{"sources", "per-source state: health, errors, backoff, calls, data age", {}},
          [this](const Request&, ResponderPtr r) {
              const auto now = ctx_.clock.now();
              auto list = sources_json(now);
              int healthy = 0;
              for (const auto& s : list)
                  healthy += s.value("healthy", false) ? 1 : 0;
              std::string text = fmt::format("{} source(s), {} healthy", list.size(), healthy);
              if (!settings_.idle_reason.empty())
                  text = "idle: " + settings_.idle_reason;
              else if (!source_error_.empty())
                  text = source_error_;
              r->reply(Response::success(text, {{"sources", std::move(list)},
                                                {"enabled", slots_.size()},
                                                {"healthy", healthy},
                                                {"idle", idle_reason()}}));
          });
    d.add(CommandSpec{"transits",
                      "current transit candidates sorted by time",
                      {ArgSpec{"level",
                               ArgType::kString,
                               false,
                               "only candidates at or above this level",
                               {"low", "medium", "high"}}}},
          [this](const Request& req, ResponderPtr r) {
              const auto now = ctx_.clock.now();
              auto min = transit::Level::Low;
              if (req.arguments.contains("level"))
                  min = *parse_level(req.arguments["level"].get<std::string>());
              std::vector<transit::Candidate> list;
              for (auto& c : current_set(now))
                  if (c.level >= min)
                      list.push_back(std::move(c));
              std::string text = fmt::format("{} candidate(s)", list.size());
              if (!settings_.idle_reason.empty())
                  text += " (idle: " + settings_.idle_reason + ")";
              r->reply(
                  Response::success(text, {{"candidates", transit::to_json(list)},
                                           {"count", list.size()},
                                           {"time", format_iso8601(now)},
                                           {"generation", ctx_.predictions.current().generation},
                                           {"sources_healthy", ctx_.predictions.health().healthy},
                                           {"sources_enabled", ctx_.predictions.health().enabled},
                                           {"idle", idle_reason()}}));
          });
    d.add(
        CommandSpec{"poll", "poll every source now, within its rate limit, budget and backoff", {}},
        [this](const Request&, ResponderPtr r) {
            if (!settings_.idle_reason.empty()) {
                r->reply(Response::error("idle: " + settings_.idle_reason));
                return;
            }
            if (slots_.empty()) {
                r->reply(Response::error(source_error_.empty() ? "no flight source enabled"
                                                               : source_error_));
                return;
            }
            json a = poll_now();
            const auto text =
                fmt::format("polled {}, refused {}", a["polled"].size(), a["refused"].size());
            r->reply(Response::success(text, std::move(a)));
            wake();
        });
}

}  // namespace zc::daemon
