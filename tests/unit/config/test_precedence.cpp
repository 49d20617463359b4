// command line > environment > config file > .env > defaults, with the origin of each value.
#include <catch2/catch.hpp>

#include "config/config.h"
#include "test_util.h"

using namespace zc::config;
using zc::config::test::isolated;
using zc::config::test::TempDir;

namespace {

struct Fixture {
    TempDir dir;
    std::filesystem::path env_file =
        dir.write("old/.env",
                  "# the original's file\nOBSERVER_LATITUDE=10\nSEESTAR_PORT=4701\n"
                  "OBSERVER_LONGITUDE=1\nOBSERVER_ELEVATION=100\n");
    std::filesystem::path conf = dir.write("etc/zipcatcher.conf",
                                           "# site\n[observer]\nlatitude = 20\nlongitude = 2\n"
                                           "\n[seestar]\nhost = scope.lan\n");
    LoadOptions options() const {
        auto o = isolated(dir);
        o.env_file = env_file;
        o.config_file = conf;
        return o;
    }
};

}  // namespace

TEST_CASE("defaults apply when nothing is configured") {
    TempDir dir;
    const auto r = load(isolated(dir));
    REQUIRE(r.ok());
    const auto& c = *r.config;
    CHECK(c.get_double("observer.latitude") == 0.0);
    CHECK(c.get_int("seestar.port") == 4700);
    CHECK(c.get_int("control.max_clients") == 64);
    CHECK(c.get_string("log.level") == "info");
    CHECK(c.setting("seestar.port").origin.source == Source::Default);
    CHECK(describe(c.setting("seestar.port").origin) == "default");
    CHECK(c.files_read().empty());
}

TEST_CASE("each layer overrides the one below and reports its origin") {
    Fixture f;

    SECTION(".env over defaults") {
        auto o = f.options();
        o.config_file = f.dir.write("empty.conf", "");
        const auto r = load(o);
        REQUIRE(r.ok());
        const auto& s = r.config->setting("observer.latitude");
        CHECK(std::get<double>(s.value) == 10.0);
        CHECK(s.origin.source == Source::DotEnv);
        CHECK(s.origin.line == 2);
        CHECK(s.origin.key == "OBSERVER_LATITUDE");
        CHECK(describe(s.origin) == f.env_file.string() + ":2 (OBSERVER_LATITUDE)");
        CHECK(r.config->get_int("seestar.port") == 4701);
    }

    SECTION("config file over .env") {
        const auto r = load(f.options());
        REQUIRE(r.ok());
        const auto& s = r.config->setting("observer.latitude");
        CHECK(std::get<double>(s.value) == 20.0);
        CHECK(s.origin.source == Source::File);
        CHECK(s.origin.line == 3);
        CHECK(describe(s.origin) == f.conf.string() + ":3");
        CHECK(describe(r.config->setting("observer.longitude").origin) == f.conf.string() + ":4");
        CHECK(r.config->get_string("seestar.host") == "scope.lan");
        // Not in the config file: the .env value shows through.
        CHECK(r.config->get_double("observer.elevation") == 100.0);
        CHECK(r.config->setting("observer.elevation").origin.source == Source::DotEnv);
        CHECK(r.config->files_read() == std::vector<std::filesystem::path>{f.env_file, f.conf});
    }

    SECTION("environment over config file, both spellings") {
        auto o = f.options();
        o.environment["ZIPCATCHER_OBSERVER_LATITUDE"] = "30";
        o.environment["OBSERVER_LONGITUDE"] = "3";
        const auto r = load(o);
        REQUIRE(r.ok());
        CHECK(r.config->get_double("observer.latitude") == 30.0);
        CHECK(describe(r.config->setting("observer.latitude").origin) ==
              "env ZIPCATCHER_OBSERVER_LATITUDE");
        CHECK(r.config->get_double("observer.longitude") == 3.0);
        CHECK(describe(r.config->setting("observer.longitude").origin) == "env OBSERVER_LONGITUDE");
    }

    SECTION("command line over environment") {
        auto o = f.options();
        o.environment["ZIPCATCHER_OBSERVER_LATITUDE"] = "30";
        o.command_line = {{"observer.latitude", "40"}};
        const auto r = load(o);
        REQUIRE(r.ok());
        CHECK(r.config->get_double("observer.latitude") == 40.0);
        const auto& origin = r.config->setting("observer.latitude").origin;
        CHECK(origin.source == Source::CommandLine);
        CHECK(describe(origin) == "command line --observer.latitude");
        // Lower layers still show through for everything else.
        CHECK(r.config->get_double("observer.longitude") == 2.0);
        CHECK(r.config->get_int("seestar.port") == 4701);
    }
}

TEST_CASE("within one layer the ZIPCATCHER_ name beats the original's name") {
    TempDir dir;
    auto o = isolated(dir);
    o.environment["OBSERVER_LATITUDE"] = "11";
    o.environment["ZIPCATCHER_OBSERVER_LATITUDE"] = "12";
    const auto r = load(o);
    REQUIRE(r.ok());
    CHECK(r.config->get_double("observer.latitude") == 12.0);
}

TEST_CASE("the last of repeated command-line values wins") {
    TempDir dir;
    auto o = isolated(dir);
    o.command_line = {{"seestar.port", "1"}, {"seestar.port", "2"}};
    const auto r = load(o);
    REQUIRE(r.ok());
    CHECK(r.config->get_int("seestar.port") == 2);
}

TEST_CASE("empty numbers in .env and environment keep the lower layer") {
    TempDir dir;
    auto o = isolated(dir);
    // The original's .env.mock: OBSERVER_LATITUDE is empty.
    o.env_file = dir.write(".env", "OBSERVER_LATITUDE=\nOBSERVER_LONGITUDE=\nSEESTAR_HOST=\n");
    o.config_file = dir.write("c.conf", "[seestar]\nhost = scope\n[observer]\nlongitude = 7\n");
    o.environment["OBSERVER_LONGITUDE"] = "";
    o.environment["SEESTAR_HOST"] = "";  // an empty string IS a value for a string option
    const auto r = load(o);
    REQUIRE(r.ok());
    CHECK(r.config->get_double("observer.latitude") == 0.0);
    CHECK(r.config->setting("observer.latitude").origin.source == Source::Default);
    CHECK(r.config->get_double("observer.longitude") == 7.0);
    CHECK(r.config->get_string("seestar.host").empty());
    CHECK(describe(r.config->setting("seestar.host").origin) == "env SEESTAR_HOST");
}

TEST_CASE("the default files are found in the config directory") {
    TempDir dir;
    auto o = isolated(dir);
    o.read_default_files = true;
    o.environment["CONFIGURATION_DIRECTORY"] = (dir.path() / "cfg").string();
    dir.write("cfg/zipcatcher.conf", "[seestar]\nport = 4800\n");
    dir.write("cfg/.env", "SEESTAR_HOST=10.0.0.5\n");
    const auto r = load(o);
    REQUIRE(r.ok());
    CHECK(r.config->get_int("seestar.port") == 4800);
    CHECK(r.config->get_string("seestar.host") == "10.0.0.5");
    CHECK(r.config->get_string("paths.config_dir") == (dir.path() / "cfg").string());
    CHECK(describe(r.config->setting("paths.config_dir").origin) == "env CONFIGURATION_DIRECTORY");

    SECTION("--paths.config_dir selects another directory") {
        dir.write("other/zipcatcher.conf", "[seestar]\nport = 4900\n");
        o.command_line = {{"paths.config_dir", (dir.path() / "other").string()}};
        const auto r2 = load(o);
        REQUIRE(r2.ok());
        CHECK(r2.config->get_int("seestar.port") == 4900);
        CHECK(r2.config->get_string("seestar.host").empty());  // no .env there
    }
    SECTION("missing default files are fine") {
        o.environment["CONFIGURATION_DIRECTORY"] = (dir.path() / "nowhere").string();
        const auto r3 = load(o);
        REQUIRE(r3.ok());
        CHECK(r3.config->files_read().empty());
    }
}

TEST_CASE("relative paths are resolved against the file that sets them") {
    TempDir dir;
    auto o = isolated(dir);
    o.config_file = dir.write("etc/z.conf", "[seestar]\nauth_key_file = keys/seestar.pem\n");
    const auto r = load(o);
    REQUIRE(r.ok());
    CHECK(r.config->get_string("seestar.auth_key_file") ==
          (dir.path() / "etc/keys/seestar.pem").string());
}
