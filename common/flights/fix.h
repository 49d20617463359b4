#pragma once
// One aircraft position report, normalised to SI units and to the time of the position itself
// (never the time it was received or polled).
#include <optional>
#include <string>
#include <string_view>

#include "time/clock.h"

namespace zc::flights {

/// Which height the fix carries. Geometric is GNSS height above the WGS84 ellipsoid (readsb
/// alt_geom, OpenSky geo_altitude); barometric is pressure altitude, hundreds of metres off at
/// cruise, so the predictor gives it a much larger sigma.
enum class AltitudeKind { Geometric, Barometric };

/// How the position was obtained (readsb `type`, OpenSky position_source, FlightAware
/// update_type). Drives the default position accuracy when NACp is missing.
enum class SourceType {
    AdsbIcao,
    AdsbIcaoNt,
    Adsr,
    Tisb,
    Adsc,
    Mlat,
    ModeS,
    Flarm,
    Other,
    Unknown
};

/// The feed format the fix was parsed from.
enum class Feed { ReadsbLocal, ReadsbApi, AdsbFi, OpenSky, FlightAware };

struct Fix {
    std::string
        icao24;  // lower-case hex, a leading '~' kept (non-ICAO); empty if the feed has none
    std::string callsign;  // trimmed, may be empty
    UtcTime fix_time{};    // UTC instant of the position
    double lat_deg = 0;
    double lon_deg = 0;
    double altitude_m = 0;
    AltitudeKind altitude_kind = AltitudeKind::Geometric;
    std::optional<double> ground_speed_mps;
    std::optional<double> track_deg;
    double vertical_rate_mps = 0;
    std::optional<double> track_rate_dps;       // positive = turning right
    std::optional<double> selected_altitude_m;  // MCP/FMS, pressure altitude
    std::optional<int> nac_p;
    std::optional<int> nac_v;
    SourceType source_type = SourceType::Unknown;
    Feed feed = Feed::ReadsbLocal;
    bool on_ground = false;
    std::string registration;
    std::string aircraft_type;  // ICAO type designator, e.g. A320
    std::string flight_id;      // the feed's own flight key when it has no ICAO24 (FlightAware)

    /// Merge key: the ICAO24 address, else the feed's flight id.
    const std::string& key() const { return icao24.empty() ? flight_id : icao24; }
};

std::string_view to_string(AltitudeKind kind);
std::string_view to_string(SourceType type);
std::string_view to_string(Feed feed);
/// readsb `type` strings ("adsb_icao", "mlat", "tisb_trackfile", ...).
SourceType source_type_from_readsb(std::string_view type);

}  // namespace zc::flights
