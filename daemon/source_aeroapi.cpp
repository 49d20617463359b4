#include "source_aeroapi.h"

#include <fmt/format.h>

namespace zc::daemon {

namespace {

PullLimits aeroapi_limits(const AeroApiOptions& o) {
    PullLimits l;
    l.calls_per_window = static_cast<std::size_t>(std::max(1, o.queries_per_minute));
    l.window = std::chrono::minutes(1);
    l.backoff.rate_limited = std::chrono::seconds(300);  // what the original waited after a 429
    l.timeout = o.timeout;
    return l;
}

}  // namespace

AeroApiSource::AeroApiSource(SourceContext& ctx, AeroApiOptions options)
    : HttpPullSource(ctx, "aeroapi", aeroapi_limits(options)),
      opt_(std::move(options)),
      budget_(opt_.budget_file, opt_.monthly_budget, flights::BudgetPeriod::Month,
              "aeroapi: monthly budget") {
    while (!opt_.base_url.empty() && opt_.base_url.back() == '/')
        opt_.base_url.pop_back();
    set_display_url(opt_.base_url);
    add_secret(opt_.api_key);
}

std::variant<net::HttpRequest, std::string> AeroApiSource::build_request(const QueryArea& area) {
    const auto box = single_box(area, kMaxBoxDeg2);
    if (!box)
        return std::string("no query area");
    // query=-latlong "lat_ll lon_ll lat_ur lon_ur", spaces as '+', quotes as %22 (reference
    // §4), one page (at most 15 flights, one result set).
    net::HttpRequest r;
    r.url = fmt::format(
        "{}/flights/search?query=-latlong+%22{:.4f}+{:.4f}+{:.4f}+{:.4f}%22&max_pages=1",
        opt_.base_url, box->lat_min, box->lon_min, box->lat_max, box->lon_max);
    r.headers = {{"Accept", "application/json; charset=UTF-8"}, {"x-apikey", opt_.api_key}};
    return r;
}

flights::ParseResult AeroApiSource::parse(std::string_view body) const {
    return flights::parse_flightaware(body);
}

std::string AeroApiSource::blocked(UtcTime now) const {
    if (budget_.allows(now))
        return {};
    return budget_.refusal(now);
}

std::string AeroApiSource::charge(UtcTime now) {
    if (budget_.charge(now))
        return {};
    return budget_.refusal(now);
}

void AeroApiSource::add_status(nlohmann::json& j, UtcTime now) const {
    j["auth"] = "api-key";
    nlohmann::json b;
    b["limit"] = budget_.limit() == 0 ? nlohmann::json(nullptr) : nlohmann::json(budget_.limit());
    b["used"] = budget_.used(now);
    const auto rem = budget_.remaining(now);
    b["remaining"] = rem ? nlohmann::json(*rem) : nlohmann::json(nullptr);
    b["period"] = flights::period_key(flights::BudgetPeriod::Month, now);
    b["resets"] = format_iso8601(flights::period_end(flights::BudgetPeriod::Month, now));
    b["persisted"] = budget_.persisted();
    if (!budget_.error().empty())
        b["error"] = budget_.error();
    j["budget"] = b;
    // The month figure that counts is the persisted one (all instances, all restarts).
    j["calls_this_month"] = budget_.used(now);
}

}  // namespace zc::daemon
