// The security checklist against the real binaries: no debug endpoints, the root refusal, the
// start-up and --check-config warnings, and `zipcatcher doctor` live and offline.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "gallery_client.h"
#include "security/checklist.h"
#include "security/http_probe.h"

using namespace zc::test;
using nlohmann::json;

namespace {

const json& item(const json& doctor, const std::string& id) {
    for (const auto& i : doctor["items"])
        if (i["id"] == id)
            return i;
    FAIL("doctor has no item " << id);
    throw std::logic_error("unreachable");
}

// The exit status doctor documents: 1 when an item fails (or, with --strict, warns).
int expected_exit(const json& doctor, bool strict) {
    for (const auto& i : doctor["items"])
        if (i["status"] == "fail" || (strict && i["status"] == "warn"))
            return 1;
    return 0;
}

}  // namespace

TEST_CASE("security: the gallery answers 404 to every typical debug path, whatever the method") {
    GalleryDaemon d;
    for (const auto& path : zc::security::debug_probe_paths()) {
        INFO(path);
        auto get = http(d.port, "GET", path);
        CHECK(get.status == 404);
        CHECK(json::parse(get.body)["error"] == "Not found");
        CHECK(http(d.port, "HEAD", path).status == 404);
        CHECK(http(d.port, "POST", path, "{\"method\":\"scope_park\"}",
                   {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + kToken}})
                  .status == 404);
        CHECK(http(d.port, "DELETE", path, "", {{"Authorization", "Bearer " + kToken}}).status ==
              404);
    }
    // The doctor's own prober sees the same.
    std::string error;
    const auto probes =
        zc::security::probe_paths({"127.0.0.1", d.port, false}, zc::security::debug_probe_paths(),
                                  std::chrono::seconds(5), error);
    CHECK(error.empty());
    REQUIRE(probes.size() == zc::security::debug_probe_paths().size());
    for (const auto& p : probes)
        CHECK(p.status == 404);
}

TEST_CASE("security: zipcatcherd refuses to run as root without --allow-root") {
    DaemonHarness h;
    auto args = h.daemon_args();
    args.erase(std::remove(args.begin(), args.end(), "--allow-root"), args.end());
    if (::geteuid() != 0) {
        // Not root: nothing to refuse, and the flag is not needed.
        h.start();
        CHECK(h.cli({"status"}).exit_code == 0);
        return;
    }
    auto r = run(ZC_DAEMON_BIN, args, h.env(), std::chrono::seconds(20));
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err,
               Catch::Contains("refusing to run as root") && Catch::Contains("--allow-root"));
    CHECK_FALSE(std::filesystem::exists(h.socket()));
    // Forced, it runs, and says so in its log.
    auto& d = h.start();
    CHECK(h.cli({"status"}).exit_code == 0);
    CHECK_THAT(d.err(), Catch::Contains("security: root (fail)"));
}

TEST_CASE("security: binding on all interfaces is stated at start-up") {
    DaemonHarness h;
    const auto port = free_port();
    auto& d = h.start({"--http.bind", "0.0.0.0:" + std::to_string(port)});
    REQUIRE(wait_for_http(port, std::chrono::seconds(10)));
    CHECK_THAT(d.err(), Catch::Contains("security: http_bind (warn): http.bind = 0.0.0.0:" +
                                        std::to_string(port)) &&
                            Catch::Contains("every interface"));
    // On loopback there is nothing to state.
    DaemonHarness lo;
    auto& quiet = lo.start();
    CHECK(lo.cli({"status"}).exit_code == 0);
    CHECK_THAT(quiet.err(), !Catch::Contains("http_bind"));
}

TEST_CASE("security: --check-config lists the checklist warnings and still accepts the file") {
    DaemonHarness h;
    h.write_config(DaemonHarness::valid_config(51.4779) +
                   "[gallery]\nauth_token = your_generated_token_here\n[log]\nlevel = debug\n");
    auto r = run(ZC_DAEMON_BIN, {"--check-config", "--config", h.config_path().string()}, h.env());
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::StartsWith("configuration OK"));
    CHECK_THAT(r.err, Catch::Contains("warning: security: gallery_token (fail)"));
    CHECK_THAT(r.err, Catch::Contains("warning: security: http_bind (warn)"));
    CHECK_THAT(r.err, Catch::Contains("warning: security: debug_logging (warn)"));
    CHECK_THAT(r.err, Catch::Contains("warning: security: http_tls (warn)"));
    CHECK_THAT(r.err, !Catch::Contains("your_generated_token_here"));
    // --allow-root is worth a warning even when only checking.
    auto forced =
        run(ZC_DAEMON_BIN, {"--check-config", "--allow-root", "--config", h.config_path().string()},
            h.env());
    CHECK(forced.exit_code == 0);
    CHECK_THAT(forced.err, Catch::Contains("security: root (warn)"));
}

TEST_CASE("security: zipcatcher doctor checks the running daemon") {
    GalleryDaemon d;
    auto r = d.h.cli({"--config", d.h.config_path().string(), "doctor", "--json"});
    INFO(r.err);
    const auto j = json::parse(r.out);
    CHECK(r.exit_code == expected_exit(j, false));
    CHECK(j["exit"] == r.exit_code);
    CHECK(j["live"] == true);
    CHECK(item(j, "daemon")["status"] == "pass");
    CHECK(item(j, "config_source")["status"] == "pass");
    // The token came on the daemon's command line: doctor knows there is one, not how strong.
    CHECK(item(j, "gallery_token")["status"] == "warn");
    CHECK(item(j, "http_bind")["status"] == "pass");  // 127.0.0.1 (live)
    CHECK_THAT(item(j, "http_bind")["detail"].get<std::string>(),
               Catch::Contains("running daemon"));
    CHECK(item(j, "control_socket")["status"] == "pass");
    CHECK_THAT(item(j, "control_socket")["detail"].get<std::string>(),
               Catch::Contains(d.h.socket()) && Catch::Contains("(live)"));
    CHECK(item(j, "debug_endpoints")["status"] == "pass");
    CHECK_THAT(item(j, "debug_endpoints")["detail"].get<std::string>(), Catch::Contains("live"));
    CHECK(item(j, "root")["status"] == (::geteuid() == 0 ? "fail" : "pass"));
    CHECK_THAT(item(j, "state_dir")["detail"].get<std::string>(),
               Catch::Contains((d.h.dir() / "state").string()));
    int pass = 0, warn = 0, fail = 0;
    for (const auto& i : j["items"]) {
        pass += i["status"] == "pass";
        warn += i["status"] == "warn";
        fail += i["status"] == "fail";
        CHECK(i["detail"].get<std::string>().find(kToken) == std::string::npos);
    }
    CHECK(j["summary"] == json{{"pass", pass}, {"warn", warn}, {"fail", fail}});

    auto strict = d.h.cli({"--config", d.h.config_path().string(), "doctor", "--strict"});
    CHECK(strict.exit_code == 1);  // the gallery_token warning at least
    CHECK_THAT(strict.out, Catch::Contains("warn  gallery_token") &&
                               Catch::Contains("pass  debug_endpoints") &&
                               Catch::Contains(std::to_string(warn) + " warn"));
    CHECK_THAT(strict.out, Catch::Contains("fix: "));

    // Without --config this check reads other files than the daemon did, and says so.
    auto other = json::parse(d.h.cli({"doctor", "--json"}).out);
    CHECK(item(other, "config_source")["status"] == "warn");
}

TEST_CASE("security: zipcatcher doctor without a daemon judges the files") {
    DaemonHarness h;
    h.write_config(DaemonHarness::valid_config(51.4779) + "[gallery]\nauth_token = changeme\n");
    std::filesystem::permissions(h.config_path(), std::filesystem::perms(0644));
    auto r = h.cli({"--config", h.config_path().string(), "doctor", "--json"});
    INFO(r.err);
    const auto j = json::parse(r.out);
    CHECK(j["live"] == false);
    CHECK(item(j, "daemon")["status"] == "warn");
    CHECK(item(j, "gallery_token")["status"] == "fail");
    CHECK(item(j, "secrets_files")["status"] == "fail");
    CHECK(item(j, "root")["status"] == "pass");  // refused at start-up
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("changeme") == std::string::npos);

    std::filesystem::permissions(h.config_path(), std::filesystem::perms(0600));
    h.write_config(DaemonHarness::valid_config(51.4779) + "[http]\nbind = 127.0.0.1:8000\n");
    auto ok = h.cli({"--config", h.config_path().string(), "doctor"});
    INFO(ok.out);
    CHECK(ok.exit_code == 0);  // warnings only (the daemon is not running)
    CHECK(h.cli({"--config", h.config_path().string(), "doctor", "--strict"}).exit_code == 1);
    CHECK(h.cli({"doctor", "--bogus"}).exit_code == 2);
}
