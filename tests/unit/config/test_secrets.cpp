// Secrets never leave the Config in clear: not in to_json, display_value or any diagnostic.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "config/config.h"
#include "config/schema.h"
#include "test_util.h"

using namespace zc::config;
using zc::config::test::isolated;
using zc::config::test::mentions;
using zc::config::test::TempDir;

namespace {

const char* kSecrets[] = {"S3cr3t-aero-KEY-0001",     "S3cr3t-gallery-TOKEN-0002",
                          "S3cr3t-telegram-0003",     "S3cr3t-opensky-secret-0004",
                          "S3cr3t-opensky-pass-0005", "S3cr3t-adsbx-0006"};

bool leaks(const std::string& text) {
    for (const char* s : kSecrets) {
        if (text.find(s) != std::string::npos) {
            return true;
        }
    }
    return text.find("S3cr3t") != std::string::npos;
}

}  // namespace

TEST_CASE("the schema marks every credential as secret") {
    for (const char* name :
         {"sources.aeroapi.api_key", "gallery.auth_token", "telegram.bot_token",
          "sources.opensky.client_secret", "sources.opensky.password", "sources.adsbx.api_key"}) {
        INFO(name);
        CHECK(find_option(name)->secret);
    }
    CHECK_FALSE(find_option("sources.opensky.client_id")->secret);
    CHECK_FALSE(find_option("telegram.chat_id")->secret);
}

TEST_CASE("secrets are redacted in to_json, display_value and settings origins") {
    TempDir dir;
    auto o = isolated(dir);
    o.env_file = dir.write(".env", std::string("AEROAPI_KEY=") + kSecrets[0] +
                                       "\nGALLERY_AUTH_TOKEN=" + kSecrets[1] + "\n");
    o.config_file =
        dir.write("z.conf", std::string("[telegram]\nbot_token = ") + kSecrets[2] +
                                "\n[sources.opensky]\nclient_secret = " + kSecrets[3] + "\n");
    o.environment["OPENSKY_PASSWORD"] = kSecrets[4];
    o.command_line = {{"sources.adsbx.api_key", kSecrets[5]}};
    const auto r = load(o);
    INFO(r.report());
    REQUIRE(r.ok());
    const auto& c = *r.config;
    // The values are there for the code that needs them...
    CHECK(c.get_string("sources.aeroapi.api_key") == kSecrets[0]);
    CHECK(c.get_string("sources.adsbx.api_key") == kSecrets[5]);
    // ...and nowhere else.
    CHECK_FALSE(leaks(c.to_json(true).dump()));
    CHECK_FALSE(leaks(c.to_json(false).dump()));
    CHECK_FALSE(leaks(r.report()));
    for (const auto& s : c.settings()) {
        CHECK_FALSE(leaks(c.display_value(s.name)));
        CHECK_FALSE(leaks(describe(s.origin)));
    }
    CHECK(c.display_value("gallery.auth_token") == "(redacted)");
    CHECK(c.display_value("sources.opensky.username") == "");
    CHECK(c.to_json(false)["telegram.bot_token"] == "(redacted)");
    CHECK(c.to_json(true)["telegram.bot_token"]["secret"] == true);
    CHECK(c.to_json(true)["telegram.bot_token"]["origin"] == o.config_file->string() + ":2");
    // A secret on the command line is warned about (ps shows it), without the value.
    CHECK(mentions(r, "--sources.adsbx.api_key on the command line is visible"));
}

TEST_CASE("an unset secret shows as (unset)") {
    TempDir dir;
    const auto r = load(isolated(dir));
    REQUIRE(r.ok());
    CHECK(r.config->display_value("telegram.bot_token") == "(unset)");
    CHECK(r.config->to_json(false)["telegram.bot_token"] == "(unset)");
}

TEST_CASE("diagnostics about secret options never show the value") {
    TempDir dir;
    auto o = isolated(dir);
    // A short token (warning) and a secret in a file with a syntax error next to it.
    o.config_file = dir.write("z.conf", std::string("[gallery]\nauth_token = S3cr3t\n") +
                                            "S3cr3t-aero-KEY-0001 oops\n[sources.aeroapi]\n"
                                            "api_kye = " +
                                            kSecrets[0] + "\n");
    const auto r = load(o);
    CHECK_FALSE(r.ok());
    CHECK(mentions(r, "gallery.auth_token is shorter than 16 characters"));
    CHECK(mentions(r, ":3: expected \"key = value\""));
    CHECK(mentions(r, ":5: unknown option \"sources.aeroapi.api_kye\""));
    CHECK_FALSE(leaks(r.report()));
}

TEST_CASE("a file holding a secret must not be accessible by group or others") {
    TempDir dir;
    auto o = isolated(dir);
    SECTION("0644 .env with a token: warning naming the file and chmod 600") {
        o.env_file =
            dir.write(".env", std::string("TELEGRAM_BOT_TOKEN=") + kSecrets[2] + "\n", 0644);
        const auto r = load(o);
        REQUIRE(r.ok());
        const auto f = o.env_file->string();
        CHECK(mentions(r, f +
                              " holds secrets (telegram.bot_token) but is accessible by group or "
                              "others (mode 0644); run: chmod 600 " +
                              f + " (or 640 with the daemon's group)"));
        CHECK_FALSE(leaks(r.report()));
    }
    SECTION("0640 config file of a foreign group warns") {
        o.config_file =
            dir.write("z.conf", std::string("[gallery]\nauth_token = ") + kSecrets[1] + "\n", 0640);
        // A group that is not ours: the packaged root:zipcatcher layout is the exception.
        const gid_t foreign = ::getegid() == 0 ? 1 : 0;
        if (::chown(o.config_file->c_str(), static_cast<uid_t>(-1), foreign) != 0) {
            WARN("cannot chgrp the test file (not root); skipping");
            return;
        }
        CHECK(mentions(load(o), "(mode 0640)"));
    }
    SECTION("0640 with the daemon's own group: no warning (root:zipcatcher 0640)") {
        o.config_file =
            dir.write("z.conf", std::string("[gallery]\nauth_token = ") + kSecrets[1] + "\n", 0640);
        REQUIRE(::chown(o.config_file->c_str(), static_cast<uid_t>(-1), ::getegid()) == 0);
        CHECK_FALSE(mentions(load(o), "accessible by group"));
    }
    SECTION("group-writable with our group still warns") {
        o.config_file =
            dir.write("z.conf", std::string("[gallery]\nauth_token = ") + kSecrets[1] + "\n", 0660);
        REQUIRE(::chown(o.config_file->c_str(), static_cast<uid_t>(-1), ::getegid()) == 0);
        CHECK(mentions(load(o), "(mode 0660)"));
    }
    SECTION("0600: no warning") {
        o.env_file =
            dir.write(".env", std::string("TELEGRAM_BOT_TOKEN=") + kSecrets[2] + "\n", 0600);
        CHECK_FALSE(mentions(load(o), "accessible by group"));
    }
    SECTION("0644 without secrets: no warning") {
        o.config_file = dir.write("z.conf", "[observer]\nlatitude = 1\n", 0644);
        o.env_file = dir.write(".env", "TELEGRAM_BOT_TOKEN=\n", 0644);  // empty: no secret
        CHECK_FALSE(mentions(load(o), "accessible by group"));
    }
}
