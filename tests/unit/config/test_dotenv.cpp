// python-dotenv syntax and every key of the original's .env.
#include <catch2/catch.hpp>
#include <cmath>

#include "config/config.h"
#include "config/dotenv.h"
#include "config/schema.h"
#include "test_util.h"

using namespace zc::config;
using zc::config::test::isolated;
using zc::config::test::mentions;
using zc::config::test::TempDir;

namespace {

std::map<std::string, std::string> parse(const std::string& text,
                                         const std::map<std::string, std::string>& env = {}) {
    std::map<std::string, std::string> out;
    for (const auto& e : parse_dotenv(text, env).entries) {
        out[e.key] = e.value;
    }
    return out;
}

}  // namespace

TEST_CASE("dotenv syntax of python-dotenv") {
    const auto v = parse(
        "# comment\n"
        "\n"
        "PLAIN=value\n"
        "export EXPORTED=yes\n"
        "SPACED = spaced value  \n"
        "SINGLE='single # not a comment'\n"
        "DOUBLE=\"double \\\"quoted\\\"\\nnext\"\n"
        "INLINE=abc # trailing comment\n"
        "HASH=abc#def\n"
        "EMPTY=\n"
        "EMPTY_QUOTED=\"\"\n"
        "QUOTED_COMMENT='x' # comment\n"
        "MULTI=\"line1\nline2\"\n"
        "CRLF=windows\r\n"
        "NOVALUE\n"
        "LAST=last\n");
    CHECK(v.at("PLAIN") == "value");
    CHECK(v.at("EXPORTED") == "yes");
    CHECK(v.at("SPACED") == "spaced value");
    CHECK(v.at("SINGLE") == "single # not a comment");
    CHECK(v.at("DOUBLE") == "double \"quoted\"\nnext");
    CHECK(v.at("INLINE") == "abc");
    CHECK(v.at("HASH") == "abc#def");
    CHECK(v.at("EMPTY").empty());
    CHECK(v.at("EMPTY_QUOTED").empty());
    CHECK(v.at("QUOTED_COMMENT") == "x");
    CHECK(v.at("MULTI") == "line1\nline2");
    CHECK(v.at("CRLF") == "windows");
    CHECK(v.count("NOVALUE") == 0);
    CHECK(v.at("LAST") == "last");
}

TEST_CASE("dotenv line numbers follow multi-line values") {
    const auto raw = parse_dotenv("A=\"x\ny\"\nB=2\n", {});
    REQUIRE(raw.entries.size() == 2);
    CHECK(raw.entries[0].line == 1);
    CHECK(raw.entries[1].line == 3);
}

TEST_CASE("dotenv expands ${VAR} from the environment, then the file") {
    const auto v = parse("BASE=/srv\nP=${BASE}/x\nQ=${HOME}/y\nR=${MISSING:-dflt}\nS='${BASE}'\n",
                         {{"HOME", "/home/u"}});
    CHECK(v.at("P") == "/srv/x");
    CHECK(v.at("Q") == "/home/u/y");
    CHECK(v.at("R") == "dflt");
    CHECK(v.at("S") == "${BASE}");  // single quotes are literal
}

TEST_CASE("dotenv lines that cannot be parsed are reported with their line") {
    const auto raw = parse_dotenv("GOOD=1\nthis is not a setting\nBAD='open\n", {});
    REQUIRE(raw.errors.size() == 2);
    CHECK(raw.errors[0].line == 2);
    CHECK(raw.errors[1].line == 3);
    CHECK(raw.errors[1].problem == "unterminated quoted value");
    REQUIRE(raw.entries.size() == 1);
}

TEST_CASE("every .env key of the original maps to its option") {
    TempDir dir;
    const std::string env =
        "AEROAPI_API_KEY=aero-key\n"
        "GALLERY_AUTH_TOKEN=gallery-token-0123456789\n"
        "OBSERVER_LATITUDE=22.5\n"
        "OBSERVER_LONGITUDE=-103.1\n"
        "OBSERVER_ELEVATION=2400\n"
        "LAT_LOWER_LEFT=21.659\n"
        "LONG_LOWER_LEFT=-105.22\n"
        "LAT_UPPER_RIGHT=24.803\n"
        "LONG_UPPER_RIGHT=-102.194\n"
        "TELEGRAM_BOT_TOKEN=123:bot\n"
        "TELEGRAM_CHAT_ID=-100200\n"
        "ENABLE_SEESTAR=true\n"
        "SEESTAR_HOST=192.168.1.50\n"
        "SEESTAR_PORT=4701\n"
        "SEESTAR_TIMEOUT=30\n"
        "SEESTAR_RETRY_ATTEMPTS=5\n"
        "SEESTAR_RETRY_INITIAL_DELAY=2\n"
        "SEESTAR_RECONNECT_MAX_BACKOFF_SEC=300\n"
        "SEESTAR_HEARTBEAT_INTERVAL=4\n"
        "SEESTAR_PRE_BUFFER=12\n"
        "SEESTAR_POST_BUFFER=8\n"
        "OPENSKY_CLIENT_ID=my-client\n"
        "OPENSKY_CLIENT_SECRET=os-secret\n"
        "OPENSKY_USERNAME=me\n"
        "OPENSKY_PASSWORD=os-pass\n"
        "ADSB_ONE_ENABLED=false\n"
        "ADSB_LOL_ENABLED=False\n"
        "ADSB_FI_ENABLED=0\n"
        "ADSBX_API_KEY=adsbx-key\n"
        "ADSBX_ENABLED=no\n"
        "ADSB_LOCAL_URL=http://127.0.0.1:8080/data/aircraft.json\n"
        "ADSB_LOCAL_ENABLED=off\n"
        "MONITOR_TARGET=moon\n";
    auto o = isolated(dir);
    o.env_file = dir.write(".env", env);
    const auto r = load(o);
    INFO(r.report());
    REQUIRE(r.ok());
    const auto& c = *r.config;
    CHECK(c.get_string("sources.aeroapi.api_key") == "aero-key");
    CHECK(c.get_string("gallery.auth_token") == "gallery-token-0123456789");
    CHECK(c.get_double("observer.latitude") == 22.5);
    CHECK(c.get_double("observer.longitude") == -103.1);
    CHECK(c.get_double("observer.elevation") == 2400.0);
    CHECK(c.get_double("area.lat_lower_left") == 21.659);
    CHECK(c.get_double("area.lon_lower_left") == -105.22);
    CHECK(c.get_double("area.lat_upper_right") == 24.803);
    CHECK(c.get_double("area.lon_upper_right") == -102.194);
    CHECK(c.get_string("telegram.bot_token") == "123:bot");
    CHECK(c.get_string("telegram.chat_id") == "-100200");
    CHECK(c.get_bool("seestar.enabled"));
    CHECK(c.get_string("seestar.host") == "192.168.1.50");
    CHECK(c.get_int("seestar.port") == 4701);
    CHECK(c.get_double("seestar.timeout") == 30.0);
    CHECK(c.get_int("seestar.retry_attempts") == 5);
    CHECK(c.get_double("seestar.retry_initial_delay") == 2.0);
    CHECK(c.get_double("seestar.retry_max_delay") == 300.0);
    CHECK(c.get_double("seestar.heartbeat_interval") == 4.0);
    CHECK(c.get_double("seestar.pre_buffer") == 12.0);
    CHECK(c.get_double("seestar.post_buffer") == 8.0);
    CHECK(c.get_string("sources.opensky.client_id") == "my-client");
    CHECK(c.get_string("sources.opensky.client_secret") == "os-secret");
    CHECK(c.get_string("sources.opensky.username") == "me");
    CHECK(c.get_string("sources.opensky.password") == "os-pass");
    CHECK_FALSE(c.get_bool("sources.adsb_one.enabled"));
    CHECK_FALSE(c.get_bool("sources.adsb_lol.enabled"));
    CHECK_FALSE(c.get_bool("sources.adsb_fi.enabled"));
    CHECK(c.get_string("sources.adsbx.api_key") == "adsbx-key");
    CHECK_FALSE(c.get_bool("sources.adsbx.enabled"));
    CHECK(c.get_string("sources.local.url") == "http://127.0.0.1:8080/data/aircraft.json");
    CHECK_FALSE(c.get_bool("sources.local.enabled"));
    CHECK(c.get_string("transit.target") == "moon");

    // Every alias in the schema is exercised above (this list must grow with the schema).
    for (const auto& spec : schema()) {
        for (const auto& alias : spec.env_aliases) {
            const bool tested = env.find(alias + "=") != std::string::npos ||
                                alias == "AEROAPI_KEY" || alias == "FLIGHTAWARE_API_KEY";
            CHECK(tested);
            if (!tested) {
                WARN("alias not covered: " << alias);
            }
        }
    }
}

TEST_CASE("the AeroAPI key aliases are tried in the original's order") {
    TempDir dir;
    auto o = isolated(dir);
    SECTION("FLIGHTAWARE_API_KEY alone") {
        o.env_file = dir.write(".env", "FLIGHTAWARE_API_KEY=fa\n");
        CHECK(load(o).config->get_string("sources.aeroapi.api_key") == "fa");
    }
    SECTION("AEROAPI_KEY beats FLIGHTAWARE_API_KEY regardless of line order") {
        o.env_file = dir.write(".env", "AEROAPI_KEY=ak\nFLIGHTAWARE_API_KEY=fa\n");
        const auto r = load(o);
        CHECK(r.config->get_string("sources.aeroapi.api_key") == "ak");
        CHECK(r.config->setting("sources.aeroapi.api_key").origin.key == "AEROAPI_KEY");
    }
    SECTION("AEROAPI_API_KEY beats both") {
        o.env_file =
            dir.write(".env", "FLIGHTAWARE_API_KEY=fa\nAEROAPI_API_KEY=aa\nAEROAPI_KEY=ak\n");
        CHECK(load(o).config->get_string("sources.aeroapi.api_key") == "aa");
    }
    SECTION("an empty preferred key falls through, like `getenv(a) or getenv(b)`") {
        o.env_file = dir.write(".env", "AEROAPI_API_KEY=\nAEROAPI_KEY=ak\n");
        CHECK(load(o).config->get_string("sources.aeroapi.api_key") == "ak");
    }
    SECTION("in the environment too") {
        o.environment["FLIGHTAWARE_API_KEY"] = "fa";
        o.environment["AEROAPI_KEY"] = "ak";
        CHECK(load(o).config->get_string("sources.aeroapi.api_key") == "ak");
    }
}

TEST_CASE("the original's .env.mock loads with warnings only") {
    TempDir dir;
    auto o = isolated(dir);
    o.env_file = dir.write(".env",
                           "AEROAPI_API_KEY=\n"
                           "GALLERY_AUTH_TOKEN=\n"
                           "OBSERVER_LATITUDE=\n"
                           "OBSERVER_LONGITUDE=\n"
                           "OBSERVER_ELEVATION=0\n"
                           "OPENWEATHER_API_KEY=\n"
                           "LAT_LOWER_LEFT=21.659\nLONG_LOWER_LEFT=-105.22\n"
                           "LAT_UPPER_RIGHT=24.803\nLONG_UPPER_RIGHT=-102.194\n"
                           "ENABLE_SEESTAR=false\nSEESTAR_HOST=\nSEESTAR_PORT=4700\n"
                           "SEESTAR_RTSP_PORT=4554\nSEESTAR_TIMEOUT=30\n"
                           "SOLAR_TIMELAPSE_STABILIZE_SMOOTHING=0.35\n"
                           "OPENSKY_CLIENT_ID=your_opensky_client_id_here\n"
                           "OPENSKY_CLIENT_SECRET=your_opensky_client_secret_here\n"
                           "MOCK_TELESCOPE=false\nFLYMOON_NO_BROWSER=\n"
                           "ADSB_ONE_ENABLED=true\n");
    const auto r = load(o);
    INFO(r.report());
    REQUIRE(r.ok());
    CHECK_FALSE(r.has_errors());
    // Placeholders are unset, not credentials.
    CHECK(r.config->get_string("sources.opensky.client_id").empty());
    CHECK(r.config->get_string("sources.opensky.client_secret").empty());
    CHECK(mentions(r, "OPENSKY_CLIENT_ID holds a placeholder"));
    // One warning lists every dead key with its line.
    int dead = 0;
    for (const auto& d : r.diagnostics) {
        if (d.message.find("does not use") != std::string::npos) {
            ++dead;
            CHECK(d.severity == Severity::Warning);
            CHECK(d.message.find("OPENWEATHER_API_KEY (line 6)") != std::string::npos);
            CHECK(d.message.find("SEESTAR_RTSP_PORT (line 14)") != std::string::npos);
            CHECK(d.message.find("MOCK_TELESCOPE") != std::string::npos);
            CHECK(d.message.find("FLYMOON_NO_BROWSER") != std::string::npos);
        }
    }
    CHECK(dead == 1);
    CHECK(r.config->get_double("seestar.timeout") == 30.0);
}

TEST_CASE("unknown keys in .env and environment are ignored, ZIPCATCHER_ typos warned") {
    TempDir dir;
    auto o = isolated(dir);
    o.env_file = dir.write(".env", "SOMETHING_ELSE=1\nZIPCATCHER_SEESTAR_HOTS=x\n");
    o.environment["PATH"] = "/usr/bin";
    o.environment["ZIPCATCHER_OBSERVER_LATITUTE"] = "5";
    const auto r = load(o);
    REQUIRE(r.ok());
    CHECK(mentions(r,
                   ".env:2: unknown variable ZIPCATCHER_SEESTAR_HOTS ignored (did you mean "
                   "ZIPCATCHER_SEESTAR_HOST?)"));
    CHECK(mentions(r,
                   "environment: unknown variable ZIPCATCHER_OBSERVER_LATITUTE ignored (did "
                   "you mean ZIPCATCHER_OBSERVER_LATITUDE?)"));
    CHECK_FALSE(mentions(r, "SOMETHING_ELSE"));
    CHECK_FALSE(mentions(r, "PATH"));
}

TEST_CASE("a 0,0,0,0 box from the original means no box") {
    TempDir dir;
    auto o = isolated(dir);
    o.env_file = dir.write(
        ".env", "LAT_LOWER_LEFT=0\nLONG_LOWER_LEFT=0\nLAT_UPPER_RIGHT=0\nLONG_UPPER_RIGHT=0\n");
    const auto r = load(o);
    REQUIRE(r.ok());
    CHECK_FALSE(r.config->get_optional_double("area.lat_lower_left").has_value());
    CHECK(mentions(r, "0,0,0,0"));
}
