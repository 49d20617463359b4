#include "source_http.h"

#include <spdlog/spdlog.h>

#include <fmt/format.h>
#include <algorithm>
#include <boost/asio/post.hpp>
#include <cmath>

namespace zc::daemon {

using flights::StateChange;

std::string url_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() * 3);
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    return out;
}

std::string base64(std::string_view bytes) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                           static_cast<unsigned char>(bytes[i + 1]) << 8 |
                           static_cast<unsigned char>(bytes[i + 2]);
        out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63],
                kAlphabet[v & 63]};
    }
    if (i + 1 == bytes.size()) {
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == bytes.size()) {
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                           static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
    }
    return out;
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
    for (const auto& s : secrets) {
        if (s.empty())
            continue;
        for (std::size_t at = text.find(s); at != std::string::npos; at = text.find(s, at))
            text.replace(at, s.size(), "(redacted)");
    }
    return text;
}

std::string strip_userinfo(const std::string& url, std::string* userinfo) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos)
        return url;
    const auto start = scheme + 3;
    const auto end = url.find_first_of("/?#", start);
    const auto at = url.rfind('@', end == std::string::npos ? url.size() : end);
    if (at == std::string::npos || at < start)
        return url;
    if (userinfo)
        *userinfo = url.substr(start, at - start);
    return url.substr(0, start) + url.substr(at + 1);
}

namespace {

constexpr double kKmPerNm = 1.852;
constexpr double kKmPerDegLat = 111.32;

QueryBox circle_box(double lat, double lon, double radius_nm) {
    const double dlat = radius_nm * kKmPerNm / kKmPerDegLat;
    const double c = std::max(std::cos(lat * M_PI / 180.0), 0.01);
    const double dlon = std::min(180.0, dlat / c);
    QueryBox b;
    b.lat_min = std::max(-90.0, lat - dlat);
    b.lat_max = std::min(90.0, lat + dlat);
    b.lon_min = std::max(-180.0, lon - dlon);
    b.lon_max = std::min(180.0, lon + dlon);
    return b;
}

double haversine_km(double lat1, double lon1, double lat2, double lon2) {
    constexpr double kR = 6371.0088;
    const double p1 = lat1 * M_PI / 180, p2 = lat2 * M_PI / 180;
    const double dp = p2 - p1, dl = (lon2 - lon1) * M_PI / 180;
    const double a = std::sin(dp / 2) * std::sin(dp / 2) +
                     std::cos(p1) * std::cos(p2) * std::sin(dl / 2) * std::sin(dl / 2);
    return 2 * kR * std::asin(std::min(1.0, std::sqrt(a)));
}

double box_area(const QueryBox& b) {
    return (b.lat_max - b.lat_min) * (b.lon_max - b.lon_min);
}

}  // namespace

std::optional<QueryBox> single_box(const QueryArea& area, double max_deg2) {
    std::optional<QueryBox> out;
    if (!area.boxes.empty()) {
        QueryBox u = area.boxes.front();
        for (const auto& b : area.boxes) {
            u.lat_min = std::min(u.lat_min, b.lat_min);
            u.lat_max = std::max(u.lat_max, b.lat_max);
            u.lon_min = std::min(u.lon_min, b.lon_min);
            u.lon_max = std::max(u.lon_max, b.lon_max);
        }
        if (u.lon_max - u.lon_min > 180) {
            // Split at the antimeridian: the union would span the globe the wrong way round.
            u = *std::max_element(
                area.boxes.begin(), area.boxes.end(),
                [](const QueryBox& a, const QueryBox& b) { return box_area(a) < box_area(b); });
        }
        out = u;
    } else if (area.radius_nm > 0) {
        out = circle_box(area.center_lat, area.center_lon, area.radius_nm);
    }
    if (!out || out->lat_max <= out->lat_min || out->lon_max <= out->lon_min)
        return std::nullopt;
    const double a = box_area(*out);
    if (max_deg2 > 0 && a > max_deg2) {
        const double k = std::sqrt(max_deg2 / a);
        const double clat = (out->lat_min + out->lat_max) / 2;
        const double clon = (out->lon_min + out->lon_max) / 2;
        const double hlat = (out->lat_max - out->lat_min) / 2 * k;
        const double hlon = (out->lon_max - out->lon_min) / 2 * k;
        *out = QueryBox{clat - hlat, clat + hlat, clon - hlon, clon + hlon};
    }
    return out;
}

std::optional<QueryCircle> single_circle(const QueryArea& area, double max_nm) {
    QueryCircle c;
    double radius_nm = 0;
    if (area.radius_nm > 0) {
        c.lat = area.center_lat;
        c.lon = area.center_lon;
        radius_nm = area.radius_nm;
    } else if (const auto b = single_box(area, 0)) {
        // Zipcatcher's rule: centre of the box, distance to its corner plus 10 %.
        c.lat = (b->lat_min + b->lat_max) / 2;
        c.lon = (b->lon_min + b->lon_max) / 2;
        radius_nm = haversine_km(c.lat, c.lon, b->lat_max, b->lon_max) / kKmPerNm * 1.1;
    } else {
        return std::nullopt;
    }
    if (max_nm > 0)
        radius_nm = std::min(radius_nm, max_nm);
    c.radius_nm = std::max(1, static_cast<int>(std::ceil(radius_nm - 1e-9)));
    return c;
}

HttpPullSource::HttpPullSource(SourceContext& ctx, std::string name, PullLimits limits)
    : ctx_(ctx),
      timeout_(limits.timeout),
      name_(name),
      bucket_(limits.calls_per_window, limits.window),
      backoff_(limits.backoff),
      state_(std::move(name)) {}

HttpPullSource::~HttpPullSource() {
    *alive_ = false;
}

void HttpPullSource::set_display_url(const std::string& url) {
    std::string userinfo;
    display_url_ = strip_userinfo(url, &userinfo);
    add_secret(userinfo);
    if (const auto colon = userinfo.find(':'); colon != std::string::npos)
        add_secret(userinfo.substr(colon + 1));
}

std::optional<UtcTime> HttpPullSource::next_allowed(UtcTime now) const {
    if (!blocked(now).empty())
        return std::nullopt;
    UtcTime t = bucket_.next_allowed(now);
    if (const auto until = backoff_.until(now))
        t = std::max(t, *until);
    return t;
}

void HttpPullSource::log(const std::optional<StateChange>& change) const {
    if (!change)
        return;
    const std::string text = scrub(change->message);
    if (change->transition)
        spdlog::debug("flight source {}", text);  // the flight service logs the transition
    else if (change->level == StateChange::Level::Warn)
        spdlog::warn("flight source {}", text);
    else
        spdlog::info("flight source {}", text);
}

PollResult HttpPullSource::refuse(std::string why) const {
    PollResult r;
    r.ok = false;
    r.error = scrub(std::move(why));
    r.received = ctx_.clock.now();
    return r;
}

void HttpPullSource::poll(const QueryArea& area, Done done) {
    const UtcTime now = ctx_.clock.now();
    const auto later = [this, &done](PollResult r) {
        boost::asio::post(ctx_.io, [d = std::move(done), r = std::move(r), a = alive()]() {
            if (!a.expired())
                d(r);
        });
    };
    if (in_flight_)
        return later(refuse(name_ + ": not polled: the previous poll is still running"));
    if (const auto until = backoff_.until(now)) {
        return later(refuse(fmt::format("{}: not polled: backing off for {:.0f} s after: {}", name_,
                                        to_seconds(*until - now), state_.last_error())));
    }
    if (bucket_.next_allowed(now) > now) {
        return later(refuse(fmt::format("{}: not polled: rate limit of {} per {:.0f} s", name_,
                                        bucket_.capacity(), to_seconds(bucket_.window()))));
    }
    if (std::string why = blocked(now); !why.empty())
        return later(refuse(std::move(why)));
    auto built = build_request(area);
    if (auto* err = std::get_if<std::string>(&built)) {
        const std::string msg = scrub(name_ + ": " + *err);
        log(state_.record_failure(now, "request", msg));
        return later(refuse(msg));
    }
    // Count the call before it goes out: a budget must hold even if the daemon dies mid-call.
    if (std::string why = charge(now); !why.empty()) {
        // Not a spent budget (blocked() said yes a moment ago): the counter cannot be kept.
        PollResult r = refuse(std::move(why));
        log(state_.record_failure(now, "budget", r.error));
        return later(std::move(r));
    }
    bucket_.try_acquire(now);
    state_.note_call(now);
    auto req = std::move(std::get<net::HttpRequest>(built));
    req.timeout = timeout_;
    in_flight_ = true;
    send(std::move(req), [this, area, done = std::move(done), a = alive()](Sent sent) {
        if (a.expired())
            return;
        in_flight_ = false;
        done(finish(sent, area, ctx_.clock.now()));
    });
}

void HttpPullSource::http(net::HttpRequest request, std::function<void(net::HttpResult)> done) {
    ctx_.http.request(std::move(request), [done = std::move(done), a = alive()](net::HttpResult r) {
        if (!a.expired())
            done(std::move(r));
    });
}

void HttpPullSource::send(net::HttpRequest request, std::function<void(Sent)> done) {
    http(std::move(request), [done = std::move(done)](net::HttpResult r) {
        done(Sent{std::move(r), {}, {}});
    });
}

std::optional<std::string> HttpPullSource::retry_after(const net::HttpResponse& response) const {
    return response.header("retry-after");
}

PollResult HttpPullSource::finish(const Sent& sent, const QueryArea& area, UtcTime received) {
    const net::HttpResult& res = sent.result;
    PollResult out;
    out.received = received;
    const auto fail = [&](const std::string& kind, std::string msg) {
        out.ok = false;
        out.error = scrub(std::move(msg));
        log(state_.record_failure(received, kind, out.error));
        return out;
    };
    if (!sent.error.empty()) {
        backoff_.on_failure(received);
        return fail(sent.kind, sent.error);
    }
    if (!res.ok()) {
        backoff_.on_failure(received);
        const std::string_view kind = net::to_string(res.error);
        std::string what;
        switch (res.error) {
            case net::HttpError::kTimeout:
                what = fmt::format("timeout (sources.http_timeout = {:g} s)",
                                   std::chrono::duration<double>(timeout_).count());
                break;
            case net::HttpError::kTooLarge:
                what = "reply too large (sources.max_response_bytes)";
                break;
            default:
                what = std::string(kind);
                break;
        }
        if (!res.message.empty())
            what += ": " + res.message;
        return fail(std::string(kind), fmt::format("{}: {}", name_, what));
    }
    const int status = res.response.status;
    if (status == 429) {
        const auto header = retry_after(res.response);
        const Duration wait = backoff_.on_rate_limited(
            received, header ? std::optional<std::string_view>(*header) : std::nullopt);
        return fail("http 429", fmt::format("{}: HTTP 429 rate limited; waiting {:.0f} s{}", name_,
                                            to_seconds(wait), header ? " (Retry-After)" : ""));
    }
    if (status != 200) {
        const auto header = res.response.header("retry-after");
        backoff_.on_failure(received, status == 503 && header
                                          ? std::optional<std::string_view>(*header)
                                          : std::nullopt);
        std::string msg = fmt::format("{}: HTTP {}", name_, status);
        if ((status == 401 || status == 403) && !auth_hint().empty())
            msg += " (authentication failed; " + auth_hint() + ")";
        return fail(fmt::format("http {}", status), std::move(msg));
    }
    flights::ParseResult parsed = parse(res.response.body);
    if (!parsed.ok()) {
        backoff_.on_failure(received);
        return fail("bad reply: " + flights::problem_class(parsed.error),
                    fmt::format("{}: bad reply: {}", name_, parsed.error));
    }
    if (parsed.fixes.empty() && !parsed.problems.empty() &&
        parsed.problems.size() + parsed.without_position >= parsed.entries) {
        // Every record that had a position was unusable: the feed changed shape, not one
        // aircraft with a garbled field.
        backoff_.on_failure(received);
        const std::string first = parsed.problems.front().text();
        return fail("bad reply: " + flights::problem_class(first),
                    fmt::format("{}: bad reply: all {} records rejected, e.g. {}", name_,
                                parsed.problems.size(), first));
    }
    backoff_.on_success();
    filter(parsed.fixes, area);
    std::optional<UtcTime> newest;
    for (const auto& f : parsed.fixes)
        if (!newest || f.fix_time > *newest)
            newest = f.fix_time;
    out.ok = true;
    out.skipped = parsed.problems.size();
    const std::string example = parsed.problems.empty() ? "" : parsed.problems.front().text();
    log(state_.record_success(received, parsed.fixes.size(), newest, out.skipped, scrub(example)));
    out.fixes = std::move(parsed.fixes);
    return out;
}

std::string HttpPullSource::state_name(UtcTime now) const {
    if (!blocked(now).empty())
        return "budget";
    if (backoff_.until(now))
        return "backoff";
    if (state_.failing())
        return "degraded";
    if (!state_.ever_polled())
        return "idle";
    return "ok";
}

nlohmann::json HttpPullSource::status(UtcTime now) const {
    nlohmann::json j = state_.to_json(now);
    j["state"] = state_name(now);
    j["kind"] = "pull";
    j["backoff_remaining_s"] = to_seconds(backoff_.remaining(now));
    j["rate_limit"] = {{"calls", bucket_.capacity()},
                       {"per_s", to_seconds(bucket_.window())},
                       {"used", bucket_.used(now)}};
    if (const std::string why = blocked(now); !why.empty())
        j["refusal"] = scrub(why);
    if (!display_url_.empty())
        j["url"] = display_url_;
    if (const auto n = next_allowed(now))
        j["next_allowed"] = format_iso8601(*n);
    else
        j["next_allowed"] = nullptr;
    add_status(j, now);
    if (j["last_error"].is_string())
        j["last_error"] = scrub(j["last_error"].get<std::string>());
    return j;
}

bool HttpPullSource::healthy() const {
    return !state_.failing();
}

}  // namespace zc::daemon
