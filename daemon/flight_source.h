#pragma once
// One flight-data source as the flight pipeline sees it. Each source turns a query area into
// fixes (normalised by common/flights parsers, fix time = time of the position), keeps its own
// rate limit, budget and backoff, and reports its state for `sources`. Pull sources are polled
// by the pipeline when next_allowed() says so; push sources (the SBS-1 feed) deliver fixes as
// they arrive. Everything runs on the daemon's io_context.
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "flights/fix.h"
#include "net/http_client.h"
#include "time/clock.h"

namespace zc::daemon {

/// A latitude/longitude box (degrees; lon_min > lon_max never: boxes crossing the
/// antimeridian are split by the pipeline).
struct QueryBox {
    double lat_min = 0, lat_max = 0, lon_min = 0, lon_max = 0;
};

/// Where the pipeline wants aircraft: boxes for box APIs (OpenSky, AeroAPI) and one circle
/// for point APIs (readsb-style: lat/lon/radius in nautical miles). Both describe the same
/// area (the circle encloses the boxes); each source caps it to what its API allows.
struct QueryArea {
    std::vector<QueryBox> boxes;
    double center_lat = 0, center_lon = 0;
    double radius_nm = 0;
};

/// The largest area a source's API accepts or is worth asking (0 = no limit): point APIs cap
/// the radius (250 nm for the readsb family, 100 nm for ADS-B Exchange), box APIs the box area
/// (OpenSky's credit cost grows with it). The pipeline can cap the area sensibly with these
/// (flights::cap_area) before polling; a source clamps anything larger itself, about the
/// centre.
struct AreaLimits {
    double max_radius_nm = 0;
    double max_box_deg2 = 0;
};

struct PollResult {
    bool ok = false;
    std::string error;  // when !ok: terse, names the source and the problem, no secrets
    std::vector<flights::Fix> fixes;
    UtcTime received{};  // when the reply arrived (never used as a fix time)
    std::size_t skipped = 0;  // records the parser rejected (logged per state change)
};

class FlightSource {
  public:
    using Done = std::function<void(PollResult)>;
    using Push = std::function<void(std::vector<flights::Fix>)>;
    virtual ~FlightSource() = default;

    /// Config name: aeroapi, opensky, adsb_lol, adsb_one, adsb_fi, adsbx, local, sbs, replay.
    virtual std::string name() const = 0;
    virtual bool is_push() const { return false; }
    /// Earliest instant a poll is allowed (rate limit, backoff); nullopt = not now and not
    /// until something changes (budget exhausted for the month, disabled).
    virtual std::optional<UtcTime> next_allowed(UtcTime now) const = 0;
    /// Pull sources: one request; `done` is called exactly once unless the source is
    /// destroyed first. Never called while a previous poll is still in flight.
    virtual void poll(const QueryArea& area, Done done) = 0;
    /// Push sources: start delivering; pull sources ignore it.
    virtual void start(Push /*on_fixes*/) {}
    virtual void stop() {}
    /// For `sources`: last_success, last_error, consecutive_failures, backoff_remaining_s,
    /// calls_this_minute, calls_this_month, data_age_s, state (ok|degraded|backoff|budget|idle).
    virtual nlohmann::json status(UtcTime now) const = 0;
    /// True when the last poll (or the push feed) is working.
    virtual bool healthy() const = 0;
    /// See AreaLimits; push sources have none.
    virtual AreaLimits area_limits() const { return {}; }
};

/// What a source needs from the daemon.
struct SourceContext {
    boost::asio::io_context& io;
    const Clock& clock;
    net::HttpClient& http;
    std::string state_dir;  // for persisted counters (AeroAPI monthly budget)
};

/// Every source enabled in `cfg` (sources.<name>.enabled), in a stable order.
/// Throws std::runtime_error naming the key when a source's configuration is unusable.
std::vector<std::unique_ptr<FlightSource>> make_flight_sources(SourceContext& ctx,
                                                               const config::Config& cfg);

}  // namespace zc::daemon
