// Every validation message names the key, the bad value and where it came from.
#include <catch2/catch.hpp>

#include "config/config.h"
#include "config/did_you_mean.h"
#include "config/ini_reader.h"
#include "test_util.h"

using namespace zc::config;
using zc::config::test::isolated;
using zc::config::test::mentions;
using zc::config::test::TempDir;

namespace {

// Loads and expects failure with exactly the given error among the diagnostics.
void expect_error(const LoadOptions& o, const std::string& message) {
    const auto r = load(o);
    INFO(r.report());
    CHECK_FALSE(r.ok());
    bool found = false;
    for (const auto& d : r.diagnostics) {
        found = found || (d.severity == Severity::Error && d.message == message);
    }
    CHECK(found);
}

}  // namespace

TEST_CASE("latitude out of range in the config file") {
    TempDir dir;
    auto o = isolated(dir);
    o.config_file = dir.write("z.conf", "[observer]\nlongitude = 1\nlatitude = 95\n");
    expect_error(o, o.config_file->string() +
                        ":3: observer.latitude = \"95\": latitude must be between -90 and 90");
}

TEST_CASE("non-numeric port in the environment") {
    TempDir dir;
    auto o = isolated(dir);
    o.environment["SEESTAR_PORT"] = "abc";
    expect_error(o, "env SEESTAR_PORT = \"abc\": expected an integer");
}

TEST_CASE("port out of range in .env names the .env key and line") {
    TempDir dir;
    auto o = isolated(dir);
    o.env_file = dir.write(".env", "\nSEESTAR_PORT=70000\n");
    expect_error(
        o, o.env_file->string() + ":2: SEESTAR_PORT = \"70000\": port must be between 1 and 65535");
}

TEST_CASE("bad boolean on the command line") {
    TempDir dir;
    auto o = isolated(dir);
    o.command_line = {{"seestar.enabled", "maybe"}};
    expect_error(o,
                 "command line --seestar.enabled = \"maybe\": expected a boolean (true/false, "
                 "yes/no, on/off, 1/0)");
}

TEST_CASE("empty number in the config file is an error (unlike .env)") {
    TempDir dir;
    auto o = isolated(dir);
    o.config_file = dir.write("z.conf", "[seestar]\nport =\n");
    expect_error(
        o, o.config_file->string() + ":2: seestar.port = \"\": empty value, expected an integer");
}

TEST_CASE("timeouts must be positive, allowed values enforced") {
    TempDir dir;
    auto o = isolated(dir);
    o.config_file = dir.write("z.conf",
                              "[control]\nidle_timeout = 0\n[log]\nlevel = loud\n"
                              "[transit]\ntarget = mars\n");
    const auto r = load(o);
    CHECK_FALSE(r.ok());
    const auto f = o.config_file->string();
    CHECK(mentions(r, f + ":2: control.idle_timeout = \"0\": idle timeout must be greater than 0"));
    CHECK(mentions(r, f + ":4: log.level = \"loud\": expected one of: trace, debug, info, warn, "
                          "error, critical, off"));
    CHECK(mentions(r, f + ":6: transit.target = \"mars\": expected one of: sun, moon, auto"));
}

TEST_CASE("unknown key in the config file with did-you-mean") {
    TempDir dir;
    auto o = isolated(dir);
    o.config_file = dir.write("z.conf", "# site\n[observer]\nlatitude = 45\n\n\n\nlatitute = 46\n");
    expect_error(o, o.config_file->string() +
                        ":7: unknown option \"observer.latitute\" (did you mean "
                        "\"observer.latitude\"?)");
}

TEST_CASE("did-you-mean: typos, .env names, wrong section, nothing close") {
    CHECK(suggest_option("seestar.hots") == std::optional<std::string>("seestar.host"));
    CHECK(suggest_option("OBSERVER_LATITUDE") == std::optional<std::string>("observer.latitude"));
    CHECK(suggest_option("AEROAPI_KEY") == std::optional<std::string>("sources.aeroapi.api_key"));
    CHECK(suggest_option("observer.heartbeat_interval") ==
          std::optional<std::string>("seestar.heartbeat_interval"));
    CHECK_FALSE(suggest_option("completely.unrelated.thing").has_value());
    CHECK(levenshtein("kitten", "sitting") == 3);
    CHECK(levenshtein("", "abc") == 3);
    CHECK(levenshtein("same", "same") == 0);
}

TEST_CASE("an unknown option without a close match has no suggestion") {
    TempDir dir;
    auto o = isolated(dir);
    o.config_file = dir.write("z.conf", "[frobnicator]\nwidget_count = 3\n");
    expect_error(o, o.config_file->string() + ":2: unknown option \"frobnicator.widget_count\"");
}

TEST_CASE("unknown command-line option") {
    TempDir dir;
    auto o = isolated(dir);
    o.command_line = {{"seestar.prot", "1"}};
    expect_error(o,
                 "command line: unknown option \"--seestar.prot\" (did you mean "
                 "\"--seestar.port\"?)");
}

TEST_CASE("missing explicit files are errors, missing default files are not") {
    TempDir dir;
    auto o = isolated(dir);
    o.config_file = dir.path() / "nope.conf";
    expect_error(o, "cannot read config file " + (dir.path() / "nope.conf").string() +
                        ": No such file or directory");
    auto e = isolated(dir);
    e.env_file = dir.path() / "nope.env";
    expect_error(e, "cannot read .env file " + (dir.path() / "nope.env").string() +
                        ": No such file or directory");
    auto d = isolated(dir);
    d.config_file = dir.path();
    expect_error(d, "cannot read config file " + dir.path().string() + ": is a directory");
}

TEST_CASE("inverted query box") {
    TempDir dir;
    auto o = isolated(dir);
    o.env_file = dir.write(".env",
                           "LAT_LOWER_LEFT=24.803\nLONG_LOWER_LEFT=-105.22\n"
                           "LAT_UPPER_RIGHT=21.659\nLONG_UPPER_RIGHT=-102.194\n");
    const auto f = o.env_file->string();
    expect_error(o, "area.lat_lower_left = 24.803 (" + f +
                        ":1 (LAT_LOWER_LEFT)) must be less than area.lat_upper_right = 21.659 (" +
                        f + ":3 (LAT_UPPER_RIGHT))");
}

TEST_CASE("a partial query box is an error") {
    TempDir dir;
    auto o = isolated(dir);
    o.config_file = dir.write("z.conf", "[area]\nlat_lower_left = 10\n");
    const auto r = load(o);
    CHECK_FALSE(r.ok());
    CHECK(mentions(r, "needs all four area.* corners or none; only area.lat_lower_left = 10"));
}

TEST_CASE("cross-field rules") {
    TempDir dir;
    auto o = isolated(dir);
    SECTION("seestar enabled without host is a warning") {
        o.environment["ENABLE_SEESTAR"] = "true";
        const auto r = load(o);
        REQUIRE(r.ok());
        CHECK(mentions(r, "seestar.enabled = true (env ENABLE_SEESTAR) but seestar.host is empty"));
    }
    SECTION("TLS needs both files") {
        o.config_file = dir.write("z.conf", "[http]\ntls_cert = /etc/ssl/cert.pem\n");
        const auto r = load(o);
        CHECK_FALSE(r.ok());
        CHECK(mentions(r, "HTTPS needs both http.tls_cert and http.tls_key"));
    }
    SECTION("HIGH threshold above MEDIUM") {
        o.command_line = {{"transit.high_radii", "3"}};
        const auto r = load(o);
        CHECK_FALSE(r.ok());
        CHECK(mentions(r,
                       "transit.high_radii = 3 (command line --transit.high_radii) must not "
                       "exceed transit.medium_radii = 2 (default)"));
    }
}

TEST_CASE("config file syntax errors carry the line") {
    const auto raw = parse_ini("[observer\nlatitude 45\n= 3\n[ ]\nok = \"unterminated\n");
    REQUIRE(raw.errors.size() == 5);
    CHECK(raw.errors[0].line == 1);
    CHECK(raw.errors[0].problem == "section header must end with \"]\"");
    CHECK(raw.errors[1].line == 2);
    CHECK(raw.errors[1].problem == "expected \"key = value\" or \"[section]\"");
    CHECK(raw.errors[2].problem == "missing option name before \"=\"");
    CHECK(raw.errors[3].problem == "invalid section name");
    CHECK(raw.errors[4].problem == "unterminated quoted value");
}

TEST_CASE("a repeated option in the config file is an error") {
    TempDir dir;
    auto o = isolated(dir);
    o.config_file = dir.write("z.conf", "[seestar]\nport = 1\nport = 2\n");
    expect_error(o,
                 o.config_file->string() + ":3: option \"seestar.port\" is already set on line 2");
}

TEST_CASE("load never throws, whatever the input") {
    TempDir dir;
    auto o = isolated(dir);
    o.config_file = dir.write("z.conf", std::string("\0\xff\xfe[\x01]\n=\n", 9));
    o.env_file = dir.write(".env", "\"\n'\n${\n");
    o.environment["ZIPCATCHER_"] = "";
    o.command_line = {{"", ""}, {"observer.latitude", "1e400"}};
    LoadResult r;
    REQUIRE_NOTHROW(r = load(o));
    CHECK_FALSE(r.ok());
}
