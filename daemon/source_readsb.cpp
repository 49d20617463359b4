#include "source_readsb.h"

#include <fmt/format.h>

namespace zc::daemon {

ReadsbApi ReadsbApi::adsb_lol() {
    ReadsbApi a;
    a.name = "adsb_lol";
    return a;
}

ReadsbApi ReadsbApi::adsb_one() {
    ReadsbApi a;
    a.name = "adsb_one";
    return a;
}

ReadsbApi ReadsbApi::adsb_fi() {
    ReadsbApi a;
    a.name = "adsb_fi";
    a.path = Path::LatLonDist;
    a.rate_limited = std::chrono::seconds(300);
    return a;
}

ReadsbApi ReadsbApi::adsbx() {
    ReadsbApi a;
    a.name = "adsbx";
    a.path = Path::LatLonDist;
    a.trailing_slash = true;
    a.max_radius_nm = 100;
    a.auth_header = "api-auth";
    a.auth_key = "sources.adsbx.api_key";
    return a;
}

namespace {

PullLimits readsb_limits(const ReadsbApi& api, const ReadsbOptions& o) {
    PullLimits l;
    l.calls_per_window = 1;
    l.window = std::chrono::seconds(1);  // "about one request per second" for the free APIs
    l.backoff.rate_limited = api.rate_limited;
    l.timeout = o.timeout;
    return l;
}

}  // namespace

ReadsbSource::ReadsbSource(SourceContext& ctx, ReadsbApi api, ReadsbOptions options)
    : HttpPullSource(ctx, api.name, readsb_limits(api, options)),
      api_(std::move(api)),
      opt_(std::move(options)) {
    while (!opt_.base_url.empty() && opt_.base_url.back() == '/')
        opt_.base_url.pop_back();
    set_display_url(opt_.base_url);
    add_secret(opt_.api_key);
}

std::variant<net::HttpRequest, std::string> ReadsbSource::build_request(const QueryArea& area) {
    const auto c = single_circle(area, api_.max_radius_nm);
    if (!c)
        return std::string("no query area");
    net::HttpRequest r;
    if (api_.path == ReadsbApi::Path::Point) {
        r.url =
            fmt::format("{}/point/{:.4f}/{:.4f}/{}", opt_.base_url, c->lat, c->lon, c->radius_nm);
    } else {
        r.url = fmt::format("{}/lat/{:.4f}/lon/{:.4f}/dist/{}{}", opt_.base_url, c->lat, c->lon,
                            c->radius_nm, api_.trailing_slash ? "/" : "");
    }
    r.headers = {{"Accept", "application/json"}};
    if (!api_.auth_header.empty())
        r.headers.emplace_back(api_.auth_header, opt_.api_key);
    return r;
}

flights::ParseResult ReadsbSource::parse(std::string_view body) const {
    return flights::parse_readsb(body);
}

std::string ReadsbSource::auth_hint() const {
    return api_.auth_key.empty() ? std::string() : "check " + api_.auth_key;
}

void ReadsbSource::add_status(nlohmann::json& j, UtcTime) const {
    j["auth"] = api_.auth_header.empty() ? "none" : "api-key";
    j["max_radius_nm"] = api_.max_radius_nm;
}

}  // namespace zc::daemon
