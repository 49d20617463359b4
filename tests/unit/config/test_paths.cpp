// Default directories for root, a user, and under systemd.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "config/config.h"
#include "config/paths.h"
#include "test_util.h"

using namespace zc::config;
using zc::config::test::isolated;
using zc::config::test::TempDir;

TEST_CASE("root uses the FHS directories") {
    const auto p = default_paths({{"HOME", "/root"}, {"XDG_RUNTIME_DIR", "/run/user/0"}}, true);
    CHECK(p.state_dir == "/var/lib/zipcatcher");
    CHECK(p.runtime_dir == "/run/zipcatcher");
    CHECK(p.config_dir == "/etc/zipcatcher");
    CHECK(p.log_dir == "/var/log/zipcatcher");
    CHECK(p.socket == "/run/zipcatcher/control.sock");
}

TEST_CASE("a user gets the XDG directories") {
    SECTION("explicit XDG variables") {
        const auto p = default_paths({{"HOME", "/home/u"},
                                      {"XDG_STATE_HOME", "/xs"},
                                      {"XDG_RUNTIME_DIR", "/run/user/1000"},
                                      {"XDG_CONFIG_HOME", "/xc"}},
                                     false);
        CHECK(p.state_dir == "/xs/zipcatcher");
        CHECK(p.runtime_dir == "/run/user/1000/zipcatcher");
        CHECK(p.config_dir == "/xc/zipcatcher");
        CHECK(p.log_dir == "/xs/zipcatcher/log");
        CHECK(p.socket == "/run/user/1000/zipcatcher/control.sock");
    }
    SECTION("XDG defaults under HOME, /tmp fallback for the runtime dir") {
        const auto p = default_paths({{"HOME", "/home/u"}}, false);
        CHECK(p.state_dir == "/home/u/.local/state/zipcatcher");
        CHECK(p.config_dir == "/home/u/.config/zipcatcher");
        CHECK(p.log_dir == "/home/u/.local/state/zipcatcher/log");
        CHECK(p.runtime_dir == "/tmp/zipcatcher-" + std::to_string(::getuid()));
        CHECK(p.socket == p.runtime_dir / "control.sock");
    }
    SECTION("relative XDG values are ignored, as the XDG spec says") {
        const auto p = default_paths({{"HOME", "/home/u"}, {"XDG_CONFIG_HOME", "rel"}}, false);
        CHECK(p.config_dir == "/home/u/.config/zipcatcher");
    }
}

TEST_CASE("systemd directory variables win, first entry of a list") {
    const std::map<std::string, std::string> env = {
        {"HOME", "/home/u"},
        {"STATE_DIRECTORY", "/var/lib/zipcatcher:/var/lib/other"},
        {"RUNTIME_DIRECTORY", "/run/zipcatcher"},
        {"CONFIGURATION_DIRECTORY", "/etc/zipcatcher"},
        {"LOGS_DIRECTORY", "/var/log/zipcatcher"}};
    for (bool root : {false, true}) {
        const auto p = default_paths(env, root);
        CHECK(p.state_dir == "/var/lib/zipcatcher");
        CHECK(p.runtime_dir == "/run/zipcatcher");
        CHECK(p.config_dir == "/etc/zipcatcher");
        CHECK(p.log_dir == "/var/log/zipcatcher");
        CHECK(p.socket == "/run/zipcatcher/control.sock");
    }
    CHECK(first_of_path_list("/a:/b") == "/a");
    CHECK(first_of_path_list("") == "");
}

TEST_CASE("path options resolve from the defaults and follow each other") {
    TempDir dir;
    auto o = isolated(dir);
    o.environment["XDG_RUNTIME_DIR"] = "/run/user/1000";
    o.environment["STATE_DIRECTORY"] = "/var/lib/zc";
    SECTION("unset: defaults, with systemd origins") {
        const auto r = load(o);
        REQUIRE(r.ok());
        CHECK(r.config->get_string("paths.state_dir") == "/var/lib/zc");
        CHECK(describe(r.config->setting("paths.state_dir").origin) == "env STATE_DIRECTORY");
        CHECK(r.config->get_string("paths.log_dir") == "/var/lib/zc/log");
        CHECK(r.config->get_string("control.socket") == "/run/user/1000/zipcatcher/control.sock");
        CHECK(describe(r.config->setting("control.socket").origin) == "default");
    }
    SECTION("a configured runtime dir moves the socket; an explicit socket wins") {
        o.config_file = dir.write("z.conf", "[paths]\nruntime_dir = /srv/run\n");
        auto r = load(o);
        REQUIRE(r.ok());
        CHECK(r.config->get_string("control.socket") == "/srv/run/control.sock");
        o.command_line = {{"control.socket", "/tmp/x.sock"}};
        r = load(o);
        REQUIRE(r.ok());
        CHECK(r.config->get_path("control.socket") == "/tmp/x.sock");
    }
    SECTION("paths.config_dir in a file is ignored with a warning") {
        o.config_file = dir.write("z.conf", "[paths]\nconfig_dir = /elsewhere\n");
        const auto r = load(o);
        REQUIRE(r.ok());
        CHECK(zc::config::test::mentions(r, ":2: paths.config_dir has no effect in a file"));
        CHECK(r.config->get_string("paths.config_dir") != "/elsewhere");
    }
}
