#pragma once
// The readsb-API family: point + radius queries answered in the readsb JSON shape
// (flight-data-sources.md §3). One class, four providers:
//   adsb_lol   {base}/point/{lat}/{lon}/{nm}              base https://api.adsb.lol/v2
//   adsb_one   {base}/point/{lat}/{lon}/{nm}              base https://api.adsb.one/v2
//              (airplanes.live serves the same API at https://api.airplanes.live/v2)
//   adsb_fi    {base}/lat/{lat}/lon/{lon}/dist/{nm}       base https://opendata.adsb.fi/api/v3
//   adsbx      {base}/lat/{lat}/lon/{lon}/dist/{nm}/      base
//   https://adsbexchange.com/api/aircraft
//              with the api-auth header (sources.adsbx.api_key)
// Radius at most 250 nm (100 nm for ADS-B Exchange), one request per second, a 429 waits
// Retry-After or 60 s (300 s for adsb.fi). Fix time = the reply's `now` (s or ms, decided by
// magnitude) minus seen_pos.
#include "source_http.h"

namespace zc::daemon {

struct ReadsbApi {
    std::string name;  // adsb_lol, adsb_one, adsb_fi, adsbx
    enum class Path { Point, LatLonDist } path = Path::Point;
    bool trailing_slash = false;
    double max_radius_nm = 250;
    std::string auth_header;  // "api-auth" for ADS-B Exchange
    std::string auth_key;     // config key of the secret, for hints
    Duration rate_limited = std::chrono::seconds(60);

    static ReadsbApi adsb_lol();
    static ReadsbApi adsb_one();
    static ReadsbApi adsb_fi();
    static ReadsbApi adsbx();
};

struct ReadsbOptions {
    std::string base_url;
    std::string api_key;  // secret; only for APIs with an auth header
    std::chrono::milliseconds timeout{10000};
};

class ReadsbSource final : public HttpPullSource {
  public:
    ReadsbSource(SourceContext& ctx, ReadsbApi api, ReadsbOptions options);

    std::variant<net::HttpRequest, std::string> build_request(const QueryArea& area) override;
    AreaLimits area_limits() const override { return {api_.max_radius_nm, 0}; }

  protected:
    flights::ParseResult parse(std::string_view body) const override;
    std::string auth_hint() const override;
    void add_status(nlohmann::json& j, UtcTime now) const override;

  private:
    ReadsbApi api_;
    ReadsbOptions opt_;
};

}  // namespace zc::daemon
