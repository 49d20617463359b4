#pragma once
// OpenSky Network /states/all for one box (flight-data-sources.md §2): anonymous, legacy basic
// auth, or OAuth2 client credentials (token cached until expires_in minus 30 s, fetched again
// once when the API answers 401). Its limits: one call per 12 s anonymously and 6 s with an
// account (what the original throttled to), and a daily credit budget (sources.opensky.
// daily_credits; 0 = the reference's 100 anonymous / 400 registered), charged by box area as
// OpenSky does and persisted in the state directory. A 429 waits X-Rate-Limit-Retry-After-
// Seconds (OpenSky's header) or Retry-After, else 300 s. Fix time is time_position; geometric
// altitude is preferred (flights::parse_opensky).
#include <filesystem>

#include "flights/budget_guard.h"
#include "source_http.h"

namespace zc::daemon {

struct OpenSkyOptions {
    std::string base_url = "https://opensky-network.org/api";
    std::string token_url =
        "https://auth.opensky-network.org/auth/realms/opensky-network/protocol/"
        "openid-connect/token";
    std::string client_id, client_secret;  // OAuth2 (the secret is secret)
    std::string username, password;        // legacy basic auth (the password is secret)
    std::int64_t daily_credits = 0;        // 0 = by auth mode
    std::filesystem::path credits_file;    // empty: counted in memory only
    std::chrono::milliseconds timeout{10000};
};

class OpenSkySource final : public HttpPullSource {
  public:
    enum class Auth { Anonymous, Basic, OAuth2 };
    /// Largest box asked for: 100 square degrees costs 2 credits a call.
    static constexpr double kMaxBoxDeg2 = 100;
    /// Token lifetime kept in hand before expiry (the original used 30 s).
    static constexpr auto kTokenMargin = std::chrono::seconds(30);

    OpenSkySource(SourceContext& ctx, OpenSkyOptions options);

    std::variant<net::HttpRequest, std::string> build_request(const QueryArea& area) override;
    AreaLimits area_limits() const override { return {0, kMaxBoxDeg2}; }
    Auth auth() const { return auth_; }
    /// OpenSky's credit cost of one /states/all call for a box of this many square degrees.
    static int credit_cost(double area_deg2);

  protected:
    flights::ParseResult parse(std::string_view body) const override;
    std::string blocked(UtcTime now) const override;
    std::string charge(UtcTime now) override;
    void send(net::HttpRequest request, std::function<void(Sent)> done) override;
    std::optional<std::string> retry_after(const net::HttpResponse& response) const override;
    std::string auth_hint() const override;
    void add_status(nlohmann::json& j, UtcTime now) const override;

  private:
    void with_token(std::function<void(std::string error)> then);
    void send_authorized(net::HttpRequest request, bool may_refresh,
                         std::function<void(Sent)> done);

    OpenSkyOptions opt_;
    Auth auth_;
    mutable flights::BudgetGuard credits_;
    int pending_cost_ = 1;
    std::string token_;
    UtcTime token_expires_{};
    int tokens_fetched_ = 0;
    std::optional<std::string> reported_remaining_;  // X-Rate-Limit-Remaining
};

}  // namespace zc::daemon
