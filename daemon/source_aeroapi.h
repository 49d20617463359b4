#pragma once
// FlightAware AeroAPI /flights/search with a -latlong box (flight-data-sources.md §4). Paid
// per result set, so two guards: a token bucket (sources.aeroapi.queries_per_minute, the
// Personal tier's 10) and a monthly budget persisted in the state directory
// (sources.aeroapi.monthly_budget) that refuses the call that would exceed it. Positions are
// pressure altitude in hundreds of feet, ground speed in knots, timed by
// last_position.timestamp.
#include <filesystem>

#include "flights/budget_guard.h"
#include "source_http.h"

namespace zc::daemon {

struct AeroApiOptions {
    std::string base_url = "https://aeroapi.flightaware.com/aeroapi";
    std::string api_key;  // secret
    int queries_per_minute = 10;
    std::int64_t monthly_budget = 250;  // 0 = no limit
    std::filesystem::path budget_file;  // empty: counted in memory only
    std::chrono::milliseconds timeout{10000};
};

class AeroApiSource final : public HttpPullSource {
  public:
    /// Largest box asked for, square degrees (one result set holds at most 15 flights, so a
    /// bigger box only truncates more).
    static constexpr double kMaxBoxDeg2 = 100;

    AeroApiSource(SourceContext& ctx, AeroApiOptions options);

    std::variant<net::HttpRequest, std::string> build_request(const QueryArea& area) override;
    AreaLimits area_limits() const override { return {0, kMaxBoxDeg2}; }

  protected:
    flights::ParseResult parse(std::string_view body) const override;
    std::string blocked(UtcTime now) const override;
    std::string charge(UtcTime now) override;
    std::string auth_hint() const override { return "check sources.aeroapi.api_key"; }
    void add_status(nlohmann::json& j, UtcTime now) const override;

  private:
    AeroApiOptions opt_;
    mutable flights::BudgetGuard budget_;
};

}  // namespace zc::daemon
