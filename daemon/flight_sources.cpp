// make_flight_sources: the configured sources, in a stable order (flight_source.h).
#include <fmt/format.h>
#include <filesystem>
#include <stdexcept>

#include "config/value_parse.h"
#include "flight_source.h"
#include "source_aeroapi.h"
#include "source_local.h"
#include "source_opensky.h"
#include "source_readsb.h"
#include "source_replay.h"
#include "source_sbs.h"

namespace zc::daemon {

namespace {

std::filesystem::path state_file(const SourceContext& ctx, const char* name) {
    if (ctx.state_dir.empty())
        return {};
    return std::filesystem::path(ctx.state_dir) / name;
}

}  // namespace

std::vector<std::unique_ptr<FlightSource>> make_flight_sources(SourceContext& ctx,
                                                               const config::Config& cfg) {
    std::vector<std::unique_ptr<FlightSource>> out;
    const auto timeout = std::chrono::milliseconds(
        static_cast<std::int64_t>(cfg.get_double("sources.http_timeout") * 1000));
    const auto on = [&](const char* key) { return cfg.get_bool(key); };
    const auto str = [&](const char* key) -> const std::string& { return cfg.get_string(key); };

    if (on("sources.aeroapi.enabled") && !str("sources.aeroapi.api_key").empty()) {
        AeroApiOptions o;
        o.base_url = str("sources.aeroapi.base_url");
        o.api_key = str("sources.aeroapi.api_key");
        o.queries_per_minute = static_cast<int>(cfg.get_int("sources.aeroapi.queries_per_minute"));
        o.monthly_budget = cfg.get_int("sources.aeroapi.monthly_budget");
        o.budget_file = state_file(ctx, "aeroapi-budget.json");
        o.timeout = timeout;
        out.push_back(std::make_unique<AeroApiSource>(ctx, std::move(o)));
    }
    if (on("sources.opensky.enabled")) {
        OpenSkyOptions o;
        o.base_url = str("sources.opensky.base_url");
        o.token_url = str("sources.opensky.token_url");
        o.client_id = str("sources.opensky.client_id");
        o.client_secret = str("sources.opensky.client_secret");
        o.username = str("sources.opensky.username");
        o.password = str("sources.opensky.password");
        o.daily_credits = cfg.get_int("sources.opensky.daily_credits");
        o.credits_file = state_file(ctx, "opensky-credits.json");
        o.timeout = timeout;
        out.push_back(std::make_unique<OpenSkySource>(ctx, std::move(o)));
    }
    const struct {
        const char* enabled;
        const char* base;
        const char* key;  // nullptr: no key needed
        ReadsbApi (*api)();
    } readsb[] = {
        {"sources.adsb_lol.enabled", "sources.adsb_lol.base_url", nullptr, &ReadsbApi::adsb_lol},
        {"sources.adsb_one.enabled", "sources.adsb_one.base_url", nullptr, &ReadsbApi::adsb_one},
        {"sources.adsb_fi.enabled", "sources.adsb_fi.base_url", nullptr, &ReadsbApi::adsb_fi},
        {"sources.adsbx.enabled", "sources.adsbx.base_url", "sources.adsbx.api_key",
         &ReadsbApi::adsbx},
    };
    for (const auto& r : readsb) {
        if (!on(r.enabled) || (r.key && str(r.key).empty()))
            continue;
        ReadsbOptions o;
        o.base_url = str(r.base);
        o.api_key = r.key ? str(r.key) : std::string();
        o.timeout = timeout;
        out.push_back(std::make_unique<ReadsbSource>(ctx, r.api(), std::move(o)));
    }
    if (on("sources.local.enabled") && !str("sources.local.url").empty()) {
        LocalOptions o;
        o.url = str("sources.local.url");
        o.max_bytes = static_cast<std::size_t>(cfg.get_int("sources.max_response_bytes"));
        o.timeout = timeout;
        out.push_back(std::make_unique<LocalSource>(ctx, std::move(o)));
    }
    if (on("sources.local.enabled") && !str("sources.local.sbs").empty()) {
        const auto hp = config::parse_host_port(str("sources.local.sbs"));
        if (!hp) {
            throw std::runtime_error(fmt::format(
                "sources.local.sbs: expected host:port, got \"{}\"", str("sources.local.sbs")));
        }
        SbsOptions o;
        o.host = hp->host;
        o.port = hp->port;
        o.connect_timeout = timeout;
        out.push_back(std::make_unique<SbsSource>(ctx, std::move(o)));
    }
    if (!str("sources.replay.file").empty())
        out.push_back(std::make_unique<ReplaySource>(ctx, str("sources.replay.file")));
    return out;
}

}  // namespace zc::daemon
