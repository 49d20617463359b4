#include "config/schema.h"

#include <algorithm>
#include <cctype>

#include "config/value_parse.h"
#include "time/clock.h"

namespace zc::config {

namespace {

std::string check_mode(std::string_view v) {
    return parse_file_mode(v) ? "" : "expected octal permission bits such as 0660";
}
std::string check_host_port(std::string_view v) {
    return parse_host_port(v) ? "" : "expected host:port (IPv6 as [addr]:port), port 1..65535";
}
bool is_http_url(std::string_view v) {
    return (v.starts_with("http://") && v.size() > 7) ||
           (v.starts_with("https://") && v.size() > 8);
}
std::string check_url(std::string_view v) {
    return is_http_url(v) ? "" : "expected an http:// or https:// URL";
}
// The local receiver can be polled over HTTP or read from a file that readsb keeps current.
std::string check_url_or_path(std::string_view v) {
    return is_http_url(v) || v.starts_with("file://") || v.starts_with('/')
               ? ""
               : "expected an http(s):// URL or an absolute file path";
}
std::string check_iso8601(std::string_view v) {
    return parse_iso8601(v) ? "" : "expected an ISO 8601 time such as 2026-06-21T12:00:00Z";
}

OptionSpec opt(std::string name, Type type, std::string def, std::string description) {
    OptionSpec s;
    s.name = std::move(name);
    s.type = type;
    s.default_text = std::move(def);
    s.description = std::move(description);
    return s;
}

constexpr auto B = Type::Bool;
constexpr auto I = Type::Int;
constexpr auto D = Type::Double;
constexpr auto S = Type::String;
constexpr auto P = Type::Path;

std::vector<OptionSpec> build() {
    const std::vector<std::string> levels = {"low", "medium", "high"};
    return {
        // ---- observer
        opt("observer.latitude", D, "0", "Geodetic latitude of the observer, degrees north")
            .range(-90, 90)
            .env({"OBSERVER_LATITUDE"}),
        opt("observer.longitude", D, "0", "Geodetic longitude of the observer, degrees east")
            .range(-180, 180)
            .env({"OBSERVER_LONGITUDE"}),
        opt("observer.elevation", D, "0", "Observer height above mean sea level, metres")
            .range(-500, 9000)
            .env({"OBSERVER_ELEVATION"}),
        opt("observer.geoid_height", D, "",
            "Geoid height (ellipsoid minus MSL) in metres; empty = interpolate the EGM96 grid")
            .range(-150, 150)
            .may_be_unset(),
        opt("observer.geoid_grid", P, ZC_EGM96_GRID,
            "EGM96 geoid grid file (proj-data); a missing grid is a warning, geoid height 0"),
        // ---- astronomy
        opt("astro.dut1", D, "0", "UT1 - UTC in seconds (IERS Bulletin A)").range(-0.9, 0.9),
        opt("astro.pressure_hpa", D, "",
            "Air pressure for refraction, hPa; empty or -1 = standard atmosphere at the "
            "observer's height; 0 = no refraction")
            .range(0, 1200)
            .may_be_unset(-1),
        opt("astro.temperature_c", D, "10", "Air temperature for refraction, degrees Celsius")
            .range(-90, 60),
        // ---- paths (empty = computed from the systemd/XDG environment, see docs)
        opt("paths.config_dir", P, "",
            "Directory of zipcatcher.conf and .env; only the command line and the environment "
            "can set it")
            .computed(),
        opt("paths.state_dir", P, "", "Persistent state (gallery, transit log, counters)")
            .computed(),
        opt("paths.runtime_dir", P, "", "Runtime files (control socket)").computed(),
        opt("paths.log_dir", P, "", "Log files (HTTP access log, rotated transit logs)").computed(),
        // ---- control socket
        opt("control.socket", P, "",
            "Control socket path; empty = control.sock in paths.runtime_dir")
            .computed(),
        opt("control.socket_group", S, "",
            "Group owning the control socket; empty = the daemon's primary group"),
        opt("control.socket_mode", S, "0660", "Permission bits of the control socket (octal)")
            .checked(check_mode),
        opt("control.max_clients", I, "64", "Concurrent control connections").range(1, 4096),
        opt("control.max_request_bytes", I, "65536", "Longest accepted request line, bytes")
            .range(1024, 16777216),
        opt("control.idle_timeout", D, "600", "Seconds before an idle control connection closes")
            .positive(),
        opt("control.watch_queue", I, "1024",
            "Events queued per watch subscriber before events are dropped")
            .range(1, 1000000),
        // ---- logging, clock
        opt("log.level", S, "info", "Daemon log level")
            .one_of({"trace", "debug", "info", "warn", "error", "critical", "off"}),
        opt("clock.start", S, "",
            "Start the daemon's clock at this ISO 8601 instant (demo/replay); empty = real time")
            .checked(check_iso8601),
        // ---- HTTP gallery
        opt("http.enabled", B, "true", "Serve the gallery over HTTP"),
        opt("http.bind", S, "0.0.0.0:8000",
            "Address:port of the gallery; 127.0.0.1:8000 = this machine only")
            .checked(check_host_port),
        opt("http.tls_cert", P, "", "PEM certificate chain; set with http.tls_key to serve HTTPS"),
        opt("http.tls_key", P, "", "PEM private key for http.tls_cert"),
        opt("http.max_connections", I, "128", "Concurrent HTTP connections").range(1, 65536),
        opt("http.access_log", P, "", "Access log file; empty = the daemon log"),
        opt("gallery.auth_token", S, "",
            "Bearer token for gallery writes; empty = read-only gallery")
            .is_secret()
            .env({"GALLERY_AUTH_TOKEN"}),
        // ---- Telegram
        opt("telegram.bot_token", S, "", "Telegram bot token; empty = no Telegram alerts")
            .is_secret()
            .env({"TELEGRAM_BOT_TOKEN"}),
        opt("telegram.chat_id", S, "", "Telegram chat id (number or @channel)")
            .env({"TELEGRAM_CHAT_ID"}),
        opt("telegram.api_base", S, "https://api.telegram.org", "Telegram Bot API base URL")
            .checked(check_url),
        opt("telegram.min_level", S, "medium", "Lowest prediction level that sends an alert")
            .one_of(levels),
        // ---- Seestar
        opt("seestar.enabled", B, "false", "Drive a Seestar telescope").env({"ENABLE_SEESTAR"}),
        opt("seestar.host", S, "", "Seestar host name or IP address").env({"SEESTAR_HOST"}),
        opt("seestar.port", I, "4700", "Seestar JSON-RPC TCP port")
            .range(1, 65535)
            .env({"SEESTAR_PORT"}),
        opt("seestar.timeout", D, "10", "Per-request timeout, seconds")
            .positive(600)
            .env({"SEESTAR_TIMEOUT"}),
        opt("seestar.retry_attempts", I, "3",
            "Connect attempts for CLI-initiated connects (the service retries forever)")
            .range(0, 1000)
            .env({"SEESTAR_RETRY_ATTEMPTS"}),
        opt("seestar.retry_initial_delay", D, "1", "First reconnect delay, seconds (doubles)")
            .positive(3600)
            .env({"SEESTAR_RETRY_INITIAL_DELAY"}),
        opt("seestar.retry_max_delay", D, "60", "Longest reconnect delay, seconds")
            .positive(86400)
            .env({"SEESTAR_RECONNECT_MAX_BACKOFF_SEC"}),
        opt("seestar.pre_buffer", D, "10", "Recording starts this many seconds before the transit")
            .range(0, 600)
            .env({"SEESTAR_PRE_BUFFER"}),
        opt("seestar.post_buffer", D, "10", "Recording stops this many seconds after the transit")
            .range(0, 600)
            .env({"SEESTAR_POST_BUFFER"}),
        opt("seestar.heartbeat_interval", D, "3", "Seconds between heartbeats")
            .positive(60)
            .env({"SEESTAR_HEARTBEAT_INTERVAL"}),
        opt("seestar.auth_key_file", P, "",
            "Private key for the firmware >= 7.18 challenge-response; never logged"),
        opt("seestar.solar_filter_confirmed", B, "false",
            "The physical solar filter is fitted: allows sun mode"),
        opt("seestar.capture_level", S, "high", "Lowest prediction level that is recorded")
            .one_of(levels),
        // ---- fixed query box (optional)
        opt("area.lat_lower_left", D, "", "Query box south edge, degrees; empty = dynamic corridor")
            .range(-90, 90)
            .may_be_unset()
            .env({"LAT_LOWER_LEFT"}),
        opt("area.lon_lower_left", D, "", "Query box west edge, degrees")
            .range(-180, 180)
            .may_be_unset()
            .env({"LONG_LOWER_LEFT"}),
        opt("area.lat_upper_right", D, "", "Query box north edge, degrees")
            .range(-90, 90)
            .may_be_unset()
            .env({"LAT_UPPER_RIGHT"}),
        opt("area.lon_upper_right", D, "", "Query box east edge, degrees")
            .range(-180, 180)
            .may_be_unset()
            .env({"LONG_UPPER_RIGHT"}),
        // ---- flight sources
        opt("sources.max_fix_age", D, "30", "Fixes older than this many seconds are dropped")
            .positive(3600),
        opt("sources.poll_idle_interval", D, "120",
            "Poll interval when no transit is near, seconds")
            .positive(3600),
        opt("sources.poll_min_interval", D, "5",
            "Shortest poll interval as a transit approaches, seconds")
            .positive(3600),
        opt("sources.http_timeout", D, "10", "Connect/read timeout of source requests, seconds")
            .positive(300),
        opt("sources.max_response_bytes", I, "8388608", "Largest accepted source response, bytes")
            .range(1024, 1073741824),
        opt("sources.aeroapi.enabled", B, "true", "Use FlightAware AeroAPI (when a key is set)"),
        opt("sources.aeroapi.api_key", S, "", "FlightAware AeroAPI key")
            .is_secret()
            .env({"AEROAPI_API_KEY", "AEROAPI_KEY", "FLIGHTAWARE_API_KEY"}),
        opt("sources.aeroapi.base_url", S, "https://aeroapi.flightaware.com/aeroapi",
            "AeroAPI base URL")
            .checked(check_url),
        opt("sources.aeroapi.queries_per_minute", I, "10",
            "AeroAPI rate limit (10 = Personal tier)")
            .range(1, 10000),
        opt("sources.aeroapi.monthly_budget", I, "250",
            "AeroAPI calls per calendar month (UTC); 0 = no limit")
            .range(0, 100000000),
        opt("sources.opensky.enabled", B, "true", "Use OpenSky (anonymous without credentials)"),
        opt("sources.opensky.client_id", S, "", "OpenSky OAuth2 client id")
            .env({"OPENSKY_CLIENT_ID"}),
        opt("sources.opensky.client_secret", S, "", "OpenSky OAuth2 client secret")
            .is_secret()
            .env({"OPENSKY_CLIENT_SECRET"}),
        opt("sources.opensky.username", S, "", "OpenSky legacy basic-auth user")
            .env({"OPENSKY_USERNAME"}),
        opt("sources.opensky.password", S, "", "OpenSky legacy basic-auth password")
            .is_secret()
            .env({"OPENSKY_PASSWORD"}),
        opt("sources.opensky.base_url", S, "https://opensky-network.org/api",
            "OpenSky API base URL")
            .checked(check_url),
        opt("sources.opensky.token_url", S,
            "https://auth.opensky-network.org/auth/realms/opensky-network/protocol/"
            "openid-connect/token",
            "OpenSky OAuth2 token endpoint")
            .checked(check_url),
        opt("sources.opensky.daily_credits", I, "0",
            "OpenSky API credits per UTC day; 0 = 100 anonymous, 400 with an account")
            .range(0, 100000000),
        opt("sources.adsb_one.enabled", B, "true", "Use ADSB-One (airplanes.live)")
            .env({"ADSB_ONE_ENABLED"}),
        opt("sources.adsb_one.base_url", S, "https://api.adsb.one/v2", "ADSB-One API base URL")
            .checked(check_url),
        opt("sources.adsb_lol.enabled", B, "true", "Use adsb.lol").env({"ADSB_LOL_ENABLED"}),
        opt("sources.adsb_lol.base_url", S, "https://api.adsb.lol/v2", "adsb.lol API base URL")
            .checked(check_url),
        opt("sources.adsb_fi.enabled", B, "true", "Use adsb.fi open data").env({"ADSB_FI_ENABLED"}),
        opt("sources.adsb_fi.base_url", S, "https://opendata.adsb.fi/api/v3",
            "adsb.fi open-data base URL")
            .checked(check_url),
        opt("sources.adsbx.enabled", B, "true", "Use ADS-B Exchange (when a key is set)")
            .env({"ADSBX_ENABLED"}),
        opt("sources.adsbx.api_key", S, "", "ADS-B Exchange api-auth key")
            .is_secret()
            .env({"ADSBX_API_KEY"}),
        opt("sources.adsbx.base_url", S, "https://adsbexchange.com/api/aircraft",
            "ADS-B Exchange API base URL")
            .checked(check_url),
        opt("sources.local.enabled", B, "true", "Use the local receiver (when a URL is set)")
            .env({"ADSB_LOCAL_ENABLED"}),
        opt("sources.local.url", S, "",
            "Local readsb/dump1090 aircraft.json: http(s) URL or absolute file path")
            .checked(check_url_or_path)
            .env({"ADSB_LOCAL_URL"}),
        opt("sources.local.sbs", S, "", "SBS-1 BaseStation feed host:port (e.g. 127.0.0.1:30003)")
            .checked(check_host_port),
        opt("sources.replay.file", P, "",
            "Replay fixes from this JSON Lines file (demo, end-to-end tests); empty = off"),
        // ---- transit prediction
        opt("transit.target", S, "auto", "Bodies to predict: sun, moon or auto (both)")
            .one_of({"sun", "moon", "auto"})
            .env({"MONITOR_TARGET"}),
        opt("transit.horizon", D, "900", "Prediction window, seconds").positive(86400),
        opt("transit.min_altitude_n", D, "15", "Minimum target altitude towards the north, degrees")
            .range(-5, 90),
        opt("transit.min_altitude_e", D, "15", "Minimum target altitude towards the east, degrees")
            .range(-5, 90),
        opt("transit.min_altitude_s", D, "15", "Minimum target altitude towards the south, degrees")
            .range(-5, 90),
        opt("transit.min_altitude_w", D, "15", "Minimum target altitude towards the west, degrees")
            .range(-5, 90),
        opt("transit.low_threshold_deg", D, "2.0",
            "LOW: closest approach within this angle, degrees")
            .positive(30),
        opt("transit.high_radii", D, "1", "HIGH: separation within this many body radii")
            .positive(10),
        opt("transit.medium_radii", D, "2", "MEDIUM: separation within this many body radii")
            .positive(100),
        opt("transit.medium_sigmas", D, "2", "MEDIUM also when the disc is within this many sigma")
            .range(0, 10),
        opt("transit.imminent_lead", D, "60",
            "Seconds before closest approach of the imminent alert")
            .range(0, 3600),
        // ---- possible-transits log
        opt("transit_log.rotate", S, "size", "Rotate possible_transits.log by size or daily")
            .one_of({"size", "daily"}),
        opt("transit_log.max_bytes", I, "10485760", "Size that triggers rotation (rotate = size)")
            .range(4096, 1099511627776),
        opt("transit_log.retention", I, "10", "Rotated transit logs kept").range(1, 10000),
    };
}

}  // namespace

std::string_view type_name(Type type) {
    switch (type) {
        case Type::Bool:
            return "bool";
        case Type::Int:
            return "integer";
        case Type::Double:
            return "number";
        case Type::String:
            return "string";
        case Type::Path:
            return "path";
    }
    return "?";
}

const std::vector<OptionSpec>& schema() {
    static const std::vector<OptionSpec> table = build();
    return table;
}

int option_index(std::string_view name) {
    const auto& t = schema();
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i].name == name) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

const OptionSpec* find_option(std::string_view name) {
    const int i = option_index(name);
    return i < 0 ? nullptr : &schema()[static_cast<std::size_t>(i)];
}

std::string env_name(const OptionSpec& spec) {
    std::string out = "ZIPCATCHER_";
    for (char c : spec.name) {
        out += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

std::optional<EnvKey> find_env_key(std::string_view key) {
    for (const auto& spec : schema()) {
        if (env_name(spec) == key) {
            return EnvKey{&spec, 0};
        }
        for (std::size_t i = 0; i < spec.env_aliases.size(); ++i) {
            if (spec.env_aliases[i] == key) {
                return EnvKey{&spec, static_cast<int>(i) + 1};
            }
        }
    }
    return std::nullopt;
}

const std::vector<std::string>& dead_original_keys() {
    // From the original's .env documentation: features zipcatcher does not have (RTSP, Alpaca,
    // the browser UI, timelapse, the image detector, Pushbullet...). Listed so that an old .env
    // loads cleanly and the user learns once that these settings do nothing here.
    static const std::vector<std::string> keys = {
        "OPENWEATHER_API_KEY",
        "OPENAIP_API_KEY",
        "PUSH_BULLET_API_KEY",
        "SECRET_KEY",
        "PORT",
        "FFMPEG_PATH",
        "MOCK_TELESCOPE",
        "SEESTAR_RTSP_PORT",
        "SEESTAR_RTSP_PATH",
        "SEESTAR_RTSP_TRY_ROOT",
        "SEESTAR_RECONNECT_INITIAL_BACKOFF_SEC",
        "SEESTAR_RECONNECT_BACKOFF_MULT",
        "SEESTAR_RECONNECT_MAX_FAILURES",
        "SEESTAR_FOCUS_TIMEOUT",
        "SEESTAR_ALPACA_PORT",
        "SEESTAR_ALPACA_TIMEOUT",
        "SEESTAR_ALPACA_POLL_INTERVAL",
        "SEESTAR_AUTO_CENTER",
        "SEESTAR_FOV_DEG_X",
        "SEESTAR_FOV_DEG_Y",
        "ZIP_ALTAZ_LEGACY",
        "MIN_TARGET_ALTITUDE",
        "ALT_THRESHOLD",
        "AZ_THRESHOLD",
        "MONITOR_INTERVAL",
        "AUTO_REFRESH_INTERVAL_MINUTES",
        "FLYMOON_BROWSER",
        "FLYMOON_NO_BROWSER",
        "FLYMOON_AGENT_DEBUG_LOG",
        "FLYMOON_AGENT_DEBUG_SESSION",
        "FLYMOON_REVISION",
        "FLYMOON_ENV_PATH",
        "SOLAR_TIMELAPSE_AUTO_RESUME",
        "SOLAR_TIMELAPSE_INTERVAL",
        "SOLAR_TIMELAPSE_STABILIZE",
        "SOLAR_TIMELAPSE_STABILIZE_MAX_SHIFT",
        "SOLAR_TIMELAPSE_STABILIZE_SMOOTHING",
        "SOLAR_TIMELAPSE_MAX_SHIFT",
        "SOLAR_TIMELAPSE_SMOOTHING",
        "DETECTION_PRE_BUFFER",
        "DETECTION_POST_BUFFER",
        "DETECTION_COOLDOWN",
        "CONSEC_FRAMES_REQUIRED",
        "CENTRE_EDGE_RATIO_MIN",
        "DETECTOR_DISK_MARGIN",
        "DETECTOR_SPIKE_MULT",
        "DETECTOR_STABILIZE",
        "DETECTOR_STABILIZE_MAX_SHIFT",
        "DETECTOR_STABILIZE_SMOOTHING",
        "DETECTOR_MAX_SHIFT",
        "DETECTOR_SMOOTHING",
        "DETECTOR_TRACK_MIN_MAG",
        "DETECTOR_TRACK_MIN_AGREE",
        "DISC_LOST_THRESHOLD",
        "CNN_GATE_THRESHOLD",
    };
    return keys;
}

bool is_dead_original_key(std::string_view key) {
    const auto& k = dead_original_keys();
    return std::find(k.begin(), k.end(), key) != k.end();
}

}  // namespace zc::config
