// The security checklist against real configurations and real files: each item passes, warns
// or fails for the reason it names, and never repeats a secret.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "config/config.h"
#include "security/checklist.h"
#include "temp_dir.h"

using namespace zc;
using security::Facts;
using security::Item;
using security::Status;

namespace {

const std::string kStrong = "uV3m9qK2xT7pL0aZ4rW8cN1bY6hJ5sD2fG9kE3tQ0wXy";  // 44 random chars

struct World {
    test::TempDir dir;

    std::filesystem::path write(const std::string& name, const std::string& text,
                                unsigned mode = 0600) {
        const auto p = dir / name;
        std::ofstream(p) << text;
        ::chmod(p.c_str(), static_cast<mode_t>(mode));
        return p;
    }

    config::Config load(const std::string& conf,
                        std::vector<std::pair<std::string, std::string>> flags = {},
                        unsigned mode = 0600) {
        config::LoadOptions o;
        o.environment = {{"HOME", dir.path().string()}};
        o.read_default_files = false;
        o.config_file = write("zipcatcher.conf", "[observer]\nlatitude = 51\n" + conf, mode);
        o.command_line = std::move(flags);
        o.command_line.emplace_back("paths.state_dir", (dir / "state").string());
        auto r = config::load(o);
        INFO(r.report());
        REQUIRE(r.ok());
        return std::move(*r.config);
    }
};

const Item& item(const std::vector<Item>& items, const std::string& id) {
    for (const auto& i : items)
        if (i.id == id)
            return i;
    FAIL("no checklist item " << id);
    throw std::logic_error("unreachable");
}

Status status_of(const config::Config& cfg, const std::string& id, const Facts& f = {}) {
    const auto items = security::run_checklist(cfg, f);
    const auto& i = item(items, id);
    INFO(id << ": " << i.detail);
    return i.status;
}

}  // namespace

TEST_CASE("the checklist has a fixed set of items with titles and fixes") {
    World w;
    const auto items = security::run_checklist(w.load(""), {});
    std::vector<std::string> ids;
    for (const auto& i : items) {
        ids.push_back(i.id);
        CHECK_FALSE(i.title.empty());
        CHECK_FALSE(i.detail.empty());
        CHECK((i.status == Status::kPass) == i.fix.empty());
    }
    CHECK(ids == std::vector<std::string>{"gallery_token", "http_bind", "http_tls", "secrets_files",
                                          "secrets_command_line", "tls_key", "control_socket",
                                          "root", "debug_endpoints", "debug_logging", "state_dir",
                                          "seestar_network"});
}

TEST_CASE("gallery token: unset passes, strong passes, short warns or fails, samples fail") {
    World w;
    CHECK(status_of(w.load(""), "gallery_token") == Status::kPass);
    CHECK(status_of(w.load("[gallery]\nauth_token = " + kStrong + "\n"), "gallery_token") ==
          Status::kPass);
    // 16 random bytes in hex: 128 bits, below the 256 asked for.
    CHECK(status_of(w.load("[gallery]\nauth_token = 9f86d081884c7d659a2feaa0c55ad015\n"),
                    "gallery_token") == Status::kWarn);
    CHECK(status_of(w.load("[gallery]\nauth_token = hunter2hunter2\n"), "gallery_token") ==
          Status::kFail);
    CHECK(status_of(w.load("[gallery]\nauth_token = your_generated_token_here\n"),
                    "gallery_token") == Status::kFail);
    CHECK(status_of(w.load("", {{"gallery.auth_token", "ChangeMe"}}), "gallery_token") ==
          Status::kFail);
    // The daemon has a token these files do not show: its strength cannot be judged.
    Facts live;
    live.live = {{"gallery.auth_token", "(redacted)"}};
    CHECK(status_of(w.load(""), "gallery_token", live) == Status::kWarn);
    live.live = {{"gallery.auth_token", "(unset)"}};
    CHECK(status_of(w.load(""), "gallery_token", live) == Status::kPass);
}

TEST_CASE("no checklist item ever contains the token") {
    World w;
    for (const std::string& token : {kStrong, std::string("changeme"), std::string("shorty123")}) {
        const auto cfg = w.load("[gallery]\nauth_token = " + token + "\n", {}, 0644);
        for (const auto& i : security::run_checklist(cfg, {})) {
            INFO(i.id);
            CHECK(i.detail.find(token) == std::string::npos);
            CHECK(i.fix.find(token) == std::string::npos);
            CHECK(i.title.find(token) == std::string::npos);
        }
    }
}

TEST_CASE("binding on all interfaces warns; loopback and LAN pass") {
    World w;
    const auto all = w.load("");  // the default 0.0.0.0:8000
    CHECK(status_of(all, "http_bind") == Status::kWarn);
    CHECK_THAT(item(security::run_checklist(all, {}), "http_bind").detail,
               Catch::Contains("0.0.0.0:8000") && Catch::Contains("every interface"));
    CHECK(status_of(w.load("[http]\nbind = [::]:8000\n"), "http_bind") == Status::kWarn);
    CHECK(status_of(w.load("[http]\nbind = 8.8.4.4:8000\n"), "http_bind") == Status::kWarn);
    CHECK(status_of(w.load("[http]\nbind = 127.0.0.1:8000\n"), "http_bind") == Status::kPass);
    CHECK(status_of(w.load("[http]\nbind = 192.168.1.10:8000\n"), "http_bind") == Status::kPass);
    CHECK(status_of(w.load("[http]\nenabled = false\n"), "http_bind") == Status::kPass);
    // What the running daemon reports wins over the files.
    Facts live;
    live.live = {{"http.bind", "0.0.0.0:8000"}};
    CHECK(status_of(w.load("[http]\nbind = 127.0.0.1:8000\n"), "http_bind", live) == Status::kWarn);
    live.live = {{"http.enabled", "false"}};
    CHECK(status_of(w.load(""), "http_bind", live) == Status::kPass);
}

TEST_CASE("a write token over plain HTTP beyond loopback warns") {
    World w;
    const std::string tok = "[gallery]\nauth_token = " + kStrong + "\n";
    CHECK(status_of(w.load(tok), "http_tls") == Status::kWarn);
    CHECK(status_of(w.load(tok + "[http]\nbind = 127.0.0.1:8000\n"), "http_tls") == Status::kPass);
    CHECK(status_of(w.load(""), "http_tls") == Status::kPass);  // read-only: nothing to leak
    // The running daemon says whether it has a token, never which.
    Facts live;
    live.live = {{"gallery.auth_token", "(redacted)"}};
    CHECK(status_of(w.load(""), "http_tls", live) == Status::kWarn);
    live.live = {{"gallery.auth_token", "(unset)"}};
    CHECK(status_of(w.load(tok), "http_tls", live) == Status::kPass);
}

TEST_CASE("secrets in a file others can read fail; private files pass") {
    World w;
    const std::string tok = "[gallery]\nauth_token = " + kStrong + "\n";
    CHECK(status_of(w.load(tok, {}, 0644), "secrets_files") == Status::kFail);
    CHECK(status_of(w.load(tok, {}, 0604), "secrets_files") == Status::kFail);
    CHECK(status_of(w.load(tok, {}, 0600), "secrets_files") == Status::kPass);
    // Group read is fine when the group is the daemon's (root:zipcatcher 0640).
    Facts f;
    f.daemon_gid = static_cast<unsigned>(::getegid());
    CHECK(status_of(w.load(tok, {}, 0640), "secrets_files", f) == Status::kPass);
    f.daemon_gid = static_cast<unsigned>(::getegid()) + 4242;
    CHECK(status_of(w.load(tok, {}, 0640), "secrets_files", f) == Status::kFail);
    // No secret in the file: its mode is no secret's business.
    CHECK(status_of(w.load("", {}, 0644), "secrets_files") == Status::kPass);
}

TEST_CASE("a secret on the command line warns") {
    World w;
    CHECK(status_of(w.load("", {{"gallery.auth_token", kStrong}}), "secrets_command_line") ==
          Status::kWarn);
    CHECK(status_of(w.load(""), "secrets_command_line") == Status::kPass);
}

TEST_CASE("the TLS key must be private and exist") {
    World w;
    const auto cert = w.write("cert.pem", "not checked here\n", 0644);
    const auto key = w.write("key.pem", "-----BEGIN PRIVATE KEY-----\n", 0600);
    const std::string tls =
        "[http]\ntls_cert = " + cert.string() + "\ntls_key = " + key.string() + "\n";
    CHECK(status_of(w.load(tls), "tls_key") == Status::kPass);
    ::chmod(key.c_str(), 0644);
    CHECK(status_of(w.load(tls), "tls_key") == Status::kFail);
    std::filesystem::remove(key);
    CHECK(status_of(w.load(tls), "tls_key") == Status::kFail);
    CHECK(status_of(w.load(""), "tls_key") == Status::kPass);
}

TEST_CASE("a control socket open to others fails, configured or live") {
    World w;
    CHECK(status_of(w.load(""), "control_socket") == Status::kPass);  // 0660
    CHECK(status_of(w.load("[control]\nsocket_mode = 0666\n"), "control_socket") == Status::kFail);
    CHECK(status_of(w.load("[control]\nsocket_mode = 0600\n"), "control_socket") == Status::kPass);
    Facts live;
    live.socket_mode = 0662;
    CHECK(status_of(w.load(""), "control_socket", live) == Status::kFail);
}

TEST_CASE("root: refused by default, forced is a warning, a live root daemon fails") {
    World w;
    const auto cfg = w.load("");
    CHECK(status_of(cfg, "root") == Status::kPass);
    Facts forced;
    forced.allow_root = true;
    CHECK(status_of(cfg, "root", forced) == Status::kWarn);
    Facts live_root;
    live_root.daemon_uid = 0;
    CHECK(status_of(cfg, "root", live_root) == Status::kFail);
    Facts live_user;
    live_user.daemon_uid = 998;
    CHECK(status_of(cfg, "root", live_user) == Status::kPass);
}

TEST_CASE("debug endpoints: every probe must be a 404") {
    World w;
    const auto cfg = w.load("");
    CHECK(status_of(cfg, "debug_endpoints") == Status::kPass);
    Facts f;
    for (const auto& p : security::debug_probe_paths())
        f.probes.push_back({p, 404});
    CHECK(status_of(cfg, "debug_endpoints", f) == Status::kPass);
    f.probes[2].status = 200;
    CHECK(status_of(cfg, "debug_endpoints", f) == Status::kFail);
    Facts unreachable;
    unreachable.probe_error = "connection refused";
    CHECK(status_of(cfg, "debug_endpoints", unreachable) == Status::kWarn);
    // The original's raw telescope route is among the probes.
    const auto& paths = security::debug_probe_paths();
    CHECK(std::find(paths.begin(), paths.end(), "/telescope/debug/cmd") != paths.end());
}

TEST_CASE("debug logging warns") {
    World w;
    CHECK(status_of(w.load("[log]\nlevel = debug\n"), "debug_logging") == Status::kWarn);
    CHECK(status_of(w.load("[log]\nlevel = trace\n"), "debug_logging") == Status::kWarn);
    CHECK(status_of(w.load(""), "debug_logging") == Status::kPass);
}

TEST_CASE("a state directory writable by everyone fails, also behind a symlink") {
    World w;
    const auto cfg = w.load("");
    CHECK(status_of(cfg, "state_dir") == Status::kPass);  // does not exist yet
    std::filesystem::create_directories(w.dir / "state/gallery");
    ::chmod((w.dir / "state").c_str(), 0750);
    ::chmod((w.dir / "state/gallery").c_str(), 0750);
    CHECK(status_of(cfg, "state_dir") == Status::kPass);
    ::chmod((w.dir / "state/gallery").c_str(), 0777);
    CHECK(status_of(cfg, "state_dir") == Status::kFail);
    std::filesystem::remove(w.dir / "state/gallery");
    std::filesystem::create_directories(w.dir / "disk/gallery");
    ::chmod((w.dir / "disk/gallery").c_str(), 0777);
    std::filesystem::create_directory_symlink(w.dir / "disk/gallery", w.dir / "state/gallery");
    CHECK(status_of(cfg, "state_dir") == Status::kFail);
    ::chmod((w.dir / "disk/gallery").c_str(), 0750);
    CHECK(status_of(cfg, "state_dir") == Status::kPass);
}

TEST_CASE("a telescope at a public address warns") {
    World w;
    CHECK(status_of(w.load("[seestar]\nenabled = true\nhost = 203.0.113.7\n"), "seestar_network") ==
          Status::kWarn);
    CHECK(status_of(w.load("[seestar]\nenabled = true\nhost = 192.168.1.50\n"),
                    "seestar_network") == Status::kPass);
    CHECK(status_of(w.load(""), "seestar_network") == Status::kPass);
}

TEST_CASE("worst and to_json summarise the list") {
    World w;
    auto items = security::run_checklist(w.load("[http]\nbind = 127.0.0.1:8000\n"), {});
    CHECK(security::worst(items) == Status::kPass);
    items[3].status = Status::kWarn;
    CHECK(security::worst(items) == Status::kWarn);
    items[5].status = Status::kFail;
    CHECK(security::worst(items) == Status::kFail);
    const auto j = security::to_json(items);
    REQUIRE(j.size() == items.size());
    CHECK(j[5]["status"] == "fail");
    CHECK(j[0]["id"] == "gallery_token");
    CHECK(security::worst({}) == Status::kPass);
}

TEST_CASE("exposure_bits ignores the daemon's own group read") {
    CHECK(security::exposure_bits(0640, 100, 100) == 0);
    CHECK(security::exposure_bits(0640, 100, 101) == 040);
    CHECK(security::exposure_bits(0660, 100, 100) == 020);
    CHECK(security::exposure_bits(0604, 100, 100) == 04);
    CHECK(security::exposure_bits(0600, 1, 2) == 0);
}
