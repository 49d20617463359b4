#include "source_opensky.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace zc::daemon {

namespace {

OpenSkySource::Auth auth_mode(const OpenSkyOptions& o) {
    if (!o.client_id.empty() && !o.client_secret.empty())
        return OpenSkySource::Auth::OAuth2;
    if (!o.username.empty() && !o.password.empty())
        return OpenSkySource::Auth::Basic;
    return OpenSkySource::Auth::Anonymous;
}

PullLimits opensky_limits(const OpenSkyOptions& o) {
    PullLimits l;
    l.calls_per_window = 1;
    l.window = auth_mode(o) == OpenSkySource::Auth::Anonymous ? std::chrono::seconds(12)
                                                              : std::chrono::seconds(6);
    l.backoff.rate_limited = std::chrono::seconds(300);
    l.timeout = o.timeout;
    return l;
}

std::string_view auth_name(OpenSkySource::Auth a) {
    switch (a) {
        case OpenSkySource::Auth::OAuth2:
            return "oauth2";
        case OpenSkySource::Auth::Basic:
            return "basic";
        case OpenSkySource::Auth::Anonymous:
            break;
    }
    return "anonymous";
}

double area_deg2(const QueryBox& b) {
    return (b.lat_max - b.lat_min) * (b.lon_max - b.lon_min);
}

}  // namespace

int OpenSkySource::credit_cost(double a) {
    // OpenSky REST API "Limitations": 0-25 square degrees 1 credit, up to 100: 2, up to 400: 3,
    // larger (or the whole world): 4.
    if (a <= 25)
        return 1;
    if (a <= 100)
        return 2;
    if (a <= 400)
        return 3;
    return 4;
}

OpenSkySource::OpenSkySource(SourceContext& ctx, OpenSkyOptions options)
    : HttpPullSource(ctx, "opensky", opensky_limits(options)),
      opt_(std::move(options)),
      auth_(auth_mode(opt_)),
      credits_(opt_.credits_file,
               opt_.daily_credits > 0 ? opt_.daily_credits : (auth_ == Auth::Anonymous ? 100 : 400),
               flights::BudgetPeriod::Day, "opensky: daily credits") {
    while (!opt_.base_url.empty() && opt_.base_url.back() == '/')
        opt_.base_url.pop_back();
    set_display_url(opt_.base_url);
    add_secret(opt_.client_secret);
    add_secret(url_encode(opt_.client_secret));  // as it travels in the token request body
    add_secret(opt_.password);
    if (auth_ == Auth::Basic)
        add_secret(base64(opt_.username + ":" + opt_.password));
}

std::variant<net::HttpRequest, std::string> OpenSkySource::build_request(const QueryArea& area) {
    const auto box = single_box(area, kMaxBoxDeg2);
    if (!box)
        return std::string("no query area");
    pending_cost_ = credit_cost(area_deg2(*box));
    net::HttpRequest r;
    r.url = fmt::format(
        "{}/states/all?lamin={:.4f}&lomin={:.4f}&lamax={:.4f}&lomax={:.4f}"
        "&extended=1",
        opt_.base_url, box->lat_min, box->lon_min, box->lat_max, box->lon_max);
    r.headers = {{"Accept", "application/json"}};
    if (auth_ == Auth::Basic)
        r.headers.emplace_back("Authorization",
                               "Basic " + base64(opt_.username + ":" + opt_.password));
    return r;  // the OAuth2 bearer token is added by send()
}

flights::ParseResult OpenSkySource::parse(std::string_view body) const {
    return flights::parse_opensky(body);
}

std::string OpenSkySource::blocked(UtcTime now) const {
    if (credits_.allows(now, pending_cost_))
        return {};
    return credits_.refusal(now, pending_cost_);
}

std::string OpenSkySource::charge(UtcTime now) {
    if (credits_.charge(now, pending_cost_))
        return {};
    return credits_.refusal(now, pending_cost_);
}

std::optional<std::string> OpenSkySource::retry_after(const net::HttpResponse& r) const {
    if (auto v = r.header("x-rate-limit-retry-after-seconds"))
        return v;
    return r.header("retry-after");
}

std::string OpenSkySource::auth_hint() const {
    switch (auth_) {
        case Auth::OAuth2:
            return "check sources.opensky.client_id and sources.opensky.client_secret";
        case Auth::Basic:
            return "check sources.opensky.username and sources.opensky.password";
        case Auth::Anonymous:
            break;
    }
    return {};
}

void OpenSkySource::with_token(std::function<void(std::string)> then) {
    const UtcTime now = ctx_.clock.now();
    if (!token_.empty() && now < token_expires_)
        return then({});
    if (!token_.empty()) {
        forget_secret(token_);
        token_.clear();
    }
    net::HttpRequest req;
    req.method = "POST";
    req.url = opt_.token_url;
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"Accept", "application/json"}};
    req.body = "grant_type=client_credentials&client_id=" + url_encode(opt_.client_id) +
               "&client_secret=" + url_encode(opt_.client_secret);
    req.timeout = timeout_;
    http(std::move(req), [this, then = std::move(then)](net::HttpResult r) {
        const auto failed = [&](const std::string& what) {
            then(scrub("opensky: OAuth2 token request failed: " + what));
        };
        if (!r.ok())
            return failed(std::string(net::to_string(r.error)) +
                          (r.message.empty() ? "" : ": " + r.message));
        if (r.response.status != 200) {
            std::string what = fmt::format("HTTP {}", r.response.status);
            if (r.response.status == 400 || r.response.status == 401)
                what += " (" + auth_hint() + ")";
            return failed(what);
        }
        const auto doc = nlohmann::json::parse(r.response.body, nullptr, false);
        if (doc.is_discarded() || !doc.is_object())
            return failed("reply is not a JSON object");
        const auto tok = doc.find("access_token");
        if (tok == doc.end() || !tok->is_string() || tok->get_ref<const std::string&>().empty())
            return failed("access_token: expected a non-empty string");
        double expires_in = 3600;  // the documented default when the field is absent
        if (const auto e = doc.find("expires_in"); e != doc.end() && !e->is_null()) {
            if (!e->is_number() || e->get<double>() <= 0)
                return failed("expires_in: expected a positive number");
            expires_in = e->get<double>();
        }
        const Duration life = from_seconds(expires_in);
        const Duration margin =
            life > 2 * Duration(kTokenMargin) ? Duration(kTokenMargin) : life / 2;
        token_ = tok->get<std::string>();
        add_secret(token_);
        token_expires_ = ctx_.clock.now() + life - margin;
        ++tokens_fetched_;
        then({});
    });
}

void OpenSkySource::send_authorized(net::HttpRequest request, bool may_refresh,
                                    std::function<void(Sent)> done) {
    with_token([this, request = std::move(request), may_refresh,
                done = std::move(done)](std::string error) mutable {
        if (!error.empty())
            return done(Sent{{}, std::move(error), "oauth2 token"});
        net::HttpRequest authorized = request;
        authorized.headers.emplace_back("Authorization", "Bearer " + token_);
        http(std::move(authorized), [this, request = std::move(request), may_refresh,
                                     done = std::move(done)](net::HttpResult r) mutable {
            if (r.ok() && r.response.status == 401 && may_refresh) {
                // The token was revoked or expired early: fetch a new one, once.
                forget_secret(token_);
                token_.clear();
                return send_authorized(std::move(request), false, std::move(done));
            }
            if (r.ok())
                reported_remaining_ = r.response.header("x-rate-limit-remaining");
            done(Sent{std::move(r), {}, {}});
        });
    });
}

void OpenSkySource::send(net::HttpRequest request, std::function<void(Sent)> done) {
    if (auth_ == Auth::OAuth2)
        return send_authorized(std::move(request), true, std::move(done));
    http(std::move(request), [this, done = std::move(done)](net::HttpResult r) {
        if (r.ok())
            reported_remaining_ = r.response.header("x-rate-limit-remaining");
        done(Sent{std::move(r), {}, {}});
    });
}

void OpenSkySource::add_status(nlohmann::json& j, UtcTime now) const {
    j["auth"] = auth_name(auth_);
    nlohmann::json c;
    c["limit"] = credits_.limit();
    c["used"] = credits_.used(now);
    c["remaining"] = credits_.remaining(now).value_or(0);
    c["cost_per_call"] = pending_cost_;
    c["period"] = flights::period_key(flights::BudgetPeriod::Day, now);
    c["resets"] = format_iso8601(flights::period_end(flights::BudgetPeriod::Day, now));
    c["persisted"] = credits_.persisted();
    if (reported_remaining_)
        c["reported_remaining"] = *reported_remaining_;
    if (!credits_.error().empty())
        c["error"] = credits_.error();
    j["credits"] = c;
    if (auth_ == Auth::OAuth2) {
        j["token"] = {{"held", !token_.empty() && now < token_expires_},
                      {"expires", token_.empty() ? nlohmann::json(nullptr)
                                                 : nlohmann::json(format_iso8601(token_expires_))},
                      {"fetched", tokens_fetched_}};
    }
}

}  // namespace zc::daemon
