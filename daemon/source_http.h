#pragma once
// The common machinery of every pull source (AeroAPI, OpenSky, the readsb-style APIs, the
// local aircraft.json): gates (rate limit, backoff, budget), one request per poll, HTTP status
// classification, parsing, per-source state and logging once per state change. A subclass
// says how to build its request and how to parse the reply; OpenSky also wraps the sending
// (OAuth2 token). Secrets a subclass registers are scrubbed from every text it reports.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "flight_source.h"
#include "flights/backoff.h"
#include "flights/parsers.h"
#include "flights/source_state.h"
#include "flights/token_bucket.h"

namespace zc::daemon {

/// Percent-encoding of one URL query/path component (RFC 3986 unreserved kept).
std::string url_encode(std::string_view text);
/// RFC 4648 base64 (HTTP basic auth).
std::string base64(std::string_view bytes);
/// `text` with every non-empty secret replaced by "(redacted)".
std::string redact(std::string text, const std::vector<std::string>& secrets);
/// "https://user:pw@host/x" -> "https://host/x", the cut "user:pw" in `userinfo`.
std::string strip_userinfo(const std::string& url, std::string* userinfo = nullptr);

/// One box that covers every box of the area (or, without boxes, the circle's bounding box),
/// shrunk about its centre to at most max_deg2 square degrees (0 = no cap). nullopt when the
/// area is empty. Boxes on both sides of the antimeridian: the largest one alone.
std::optional<QueryBox> single_box(const QueryArea& area, double max_deg2);
/// The circle of a point query: the area's circle, or one around its boxes when it has none,
/// with the radius capped at max_nm and rounded up to whole nautical miles (at least 1).
/// nullopt when the area is empty.
struct QueryCircle {
    double lat = 0, lon = 0;
    int radius_nm = 0;
};
std::optional<QueryCircle> single_circle(const QueryArea& area, double max_nm);

struct PullLimits {
    std::size_t calls_per_window = 1;
    Duration window = std::chrono::seconds(1);
    flights::BackoffPolicy backoff;
    std::chrono::milliseconds timeout{10000};  // sources.http_timeout
};

class HttpPullSource : public FlightSource {
  public:
    ~HttpPullSource() override;

    std::string name() const override { return name_; }
    std::optional<UtcTime> next_allowed(UtcTime now) const override;
    void poll(const QueryArea& area, Done done) override;
    nlohmann::json status(UtcTime now) const override;
    bool healthy() const override;

    /// The request one poll of `area` sends (for tests and `sources --verbose`); an error text
    /// when the area cannot be asked for.
    virtual std::variant<net::HttpRequest, std::string> build_request(const QueryArea& area) = 0;

  protected:
    HttpPullSource(SourceContext& ctx, std::string name, PullLimits limits);

    virtual flights::ParseResult parse(std::string_view body) const = 0;
    /// Why no poll may happen until something changes (the budget is spent until the period
    /// ends, its counter is unusable); empty when polls may happen. next_allowed() says
    /// nullopt and status() says "budget" while it is non-empty.
    virtual std::string blocked(UtcTime /*now*/) const { return {}; }
    /// This poll is going ahead: count it against a persisted budget before the request goes
    /// out. Non-empty = refused after all (the counter could not be written, or another
    /// instance spent the rest).
    virtual std::string charge(UtcTime /*now*/) { return {}; }
    /// What came back from send(): the HTTP result, or a failure of the source's own making
    /// around it (`error` non-empty, e.g. the OAuth2 token could not be had).
    struct Sent {
        net::HttpResult result;
        std::string error;  // names the source; no secrets
        std::string kind;   // stable class of `error` for change detection
    };
    /// Sends the request; OpenSky overrides it to add the OAuth2 token. `done` runs on the
    /// io_context (or never, after the source is gone).
    virtual void send(net::HttpRequest request, std::function<void(Sent)> done);
    /// The plain request through the HTTP client, guarded by alive().
    void http(net::HttpRequest request, std::function<void(net::HttpResult)> done);
    /// The 429 wait the server asked for: Retry-After by default.
    virtual std::optional<std::string> retry_after(const net::HttpResponse& response) const;
    /// A sentence for 401/403 naming the keys to check ("check sources.adsbx.api_key").
    virtual std::string auth_hint() const { return {}; }
    /// Extra fields for status() (auth mode, budget...).
    virtual void add_status(nlohmann::json& /*j*/, UtcTime /*now*/) const {}
    /// Keeps only the fixes the source wants (the local receiver filters to the area).
    virtual void filter(std::vector<flights::Fix>& /*fixes*/, const QueryArea& /*area*/) {}

    void add_secret(std::string s) {
        if (!s.empty())
            secrets_.push_back(std::move(s));
    }
    void forget_secret(const std::string& s) { std::erase(secrets_, s); }
    std::string scrub(std::string text) const { return redact(std::move(text), secrets_); }
    /// Logs a state change (warn/info) at most once per change.
    void log(const std::optional<flights::StateChange>& change) const;
    /// Guards callbacks against the source being destroyed while a request is out.
    std::weak_ptr<bool> alive() const { return alive_; }

    SourceContext& ctx_;
    std::chrono::milliseconds timeout_;
    /// The URL shown in status(): any user:password@ part is cut out (and kept secret).
    void set_display_url(const std::string& url);

  private:
    PollResult finish(const Sent& sent, const QueryArea& area, UtcTime received);
    PollResult refuse(std::string why) const;
    std::string state_name(UtcTime now) const;

    std::string name_;
    std::string display_url_;
    flights::TokenBucket bucket_;
    flights::Backoff backoff_;
    flights::SourceState state_;
    std::vector<std::string> secrets_;
    bool in_flight_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace zc::daemon
