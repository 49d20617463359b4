// zipcatcher backup and restore against a running daemon that keeps filing images and appending
// to the transit log meanwhile: every archive restores, every file in it is one complete
// version, and the log never has a torn line.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "backup/members.h"
#include "backup/sha256.h"
#include "backup/tar.h"
#include "gallery/unique_fd.h"
#include "gallery_client.h"

using namespace zc::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> files_under(const fs::path& root) {
    std::map<std::string, std::string> out;
    if (!fs::exists(root))
        return out;
    for (auto it = fs::recursive_directory_iterator(root); it != fs::end(it); ++it)
        if (it->is_regular_file())
            out[fs::relative(it->path(), root).string()] = read_file(it->path());
    return out;
}

std::string payload(int i) {
    return png("upload-" + std::to_string(i) + "-" + std::string(500 + 97 * (i % 13), 'q'));
}

}  // namespace

TEST_CASE("backup: archives taken while the daemon writes restore to consistent files") {
    GalleryDaemon d;
    const fs::path state = d.h.dir() / "state";
    const fs::path log = state / "possible_transits.log";
    std::atomic<bool> stop{false};
    std::atomic<int> uploaded{0};
    std::set<std::string> payloads;
    for (int i = 0; i < 400; ++i)
        payloads.insert(payload(i));

    // The gallery side: uploads through HTTP, as a phone would.
    std::thread uploader([&] {
        for (int i = 0; i < 400 && !stop; ++i) {
            auto r = d.upload("t.png", payload(i), {{"flight_id", "F" + std::to_string(i)}});
            if (r.status == 200)
                ++uploaded;
        }
    });
    // The transit-log side: lines appended in two writes each, so a copy can catch one half.
    std::thread logger([&] {
        zc::gallery::UniqueFd fd(
            ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
        for (int i = 0; !stop; ++i) {
            const std::string line = "2026-02-01T11:05:49Z,LINE" + std::to_string(i) + ",";
            (void)!::write(fd.get(), line.data(), line.size());
            std::this_thread::sleep_for(std::chrono::microseconds(200));
            (void)!::write(fd.get(), "high,end\n", 9);
        }
    });

    std::vector<fs::path> archives;
    for (int n = 0; n < 6; ++n) {
        while (uploaded < 5 * (n + 1) && uploaded < 390)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        const auto a = d.h.dir() / ("b" + std::to_string(n) + ".tar");
        auto r = d.h.cli({"backup", a.string()});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("the running daemon"));
        archives.push_back(a);
    }
    stop = true;
    uploader.join();
    logger.join();
    const std::string final_log = read_file(log);

    std::size_t last_images = 0;
    for (const auto& a : archives) {
        INFO(a);
        const auto target = d.h.dir() / ("r-" + a.stem().string());
        auto r = d.h.cli({"restore", a.string(), "--state-dir", (target / "state").string(),
                          "--log-dir", (target / "log").string()});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto restored = files_under(target / "state");
        std::size_t images = 0;
        for (const auto& [path, data] : restored) {
            INFO(path);
            if (path.ends_with(".png")) {
                ++images;
                CHECK(payloads.count(data) == 1);  // one complete upload, never a part
            } else if (path.ends_with(".json")) {
                CHECK_FALSE(json::parse(data, nullptr, false).is_discarded());
            } else {
                REQUIRE(path == "possible_transits.log");
                CHECK((data.empty() || data.back() == '\n'));
                CHECK(final_log.compare(0, data.size(), data) == 0);  // a prefix, whole lines
                for (std::size_t pos = 0; pos < data.size();) {
                    const auto nl = data.find('\n', pos);
                    CHECK_THAT(data.substr(pos, nl - pos), Catch::EndsWith(",high,end"));
                    pos = nl + 1;
                }
            }
        }
        // Each backup was taken after more uploads than the one before.
        CHECK(images >= last_images);
        CHECK(images >= 1);
        last_images = images;
    }
}

TEST_CASE("backup: restore puts deleted images back into the running gallery") {
    GalleryDaemon d;
    for (int i = 0; i < 3; ++i)
        REQUIRE(d.upload("t.png", payload(i), {{"caption", std::to_string(i)}}).status == 200);
    const auto before = json::parse(http(d.port, "GET", "/gallery/list").body);
    REQUIRE(before.size() == 3);
    const auto archive = d.h.dir() / "b.tar";
    REQUIRE(d.h.cli({"backup", archive.string()}).exit_code == 0);
    // A second backup to the same name needs --force.
    auto again = d.h.cli({"backup", archive.string()});
    CHECK(again.exit_code == 1);
    CHECK_THAT(again.err, Catch::Contains("--force"));
    CHECK(d.h.cli({"backup", archive.string(), "--force"}).exit_code == 0);

    const auto victim = before[1]["path"].get<std::string>();
    REQUIRE(http(d.port, "DELETE", "/gallery/delete/" + victim, "",
                 {{"Authorization", "Bearer " + kToken}})
                .status == 200);
    REQUIRE(json::parse(http(d.port, "GET", "/gallery/list").body).size() == 2);

    auto dry = d.h.cli({"restore", archive.string(), "--dry-run"});
    INFO(dry.err);
    CHECK(dry.exit_code == 0);
    CHECK_THAT(dry.out, Catch::Contains("would restore 2 file(s)"));  // image and sidecar
    CHECK(json::parse(http(d.port, "GET", "/gallery/list").body).size() == 2);

    auto r = d.h.cli({"restore", archive.string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("restored 2 file(s)"));
    json list;
    for (int i = 0; i < 100; ++i) {
        list = json::parse(http(d.port, "GET", "/gallery/list").body);
        if (list.size() == 3)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(list == before);
    CHECK(http(d.port, "GET", "/static/" + victim).body ==
          read_file(d.root() / victim.substr(std::string("gallery/").size())));

    // A file changed since the backup: refused without --force, replaced with it.
    const auto changed = d.root() / before[0]["path"].get<std::string>().substr(8);
    write_file(changed, png("edited"), 0640);
    auto conflict = d.h.cli({"restore", archive.string()});
    CHECK(conflict.exit_code == 1);
    CHECK_THAT(conflict.err,
               Catch::Contains("differs: state/") && Catch::Contains("nothing was restored"));
    CHECK(read_file(changed) == png("edited"));
    auto forced = d.h.cli({"restore", archive.string(), "--force", "--json"});
    CHECK(forced.exit_code == 0);
    CHECK(json::parse(forced.out)["replaced"].size() == 1);
    CHECK(read_file(changed) != png("edited"));
}

TEST_CASE("backup: restore refuses a hostile archive through the CLI") {
    DaemonHarness h;
    const auto archive = h.dir() / "evil.tar";
    {
        zc::gallery::UniqueFd fd(
            ::open(archive.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        zc::backup::TarWriter w(fd.get());
        const std::string data = "owned";
        w.add_file("state/../../evil", data, 0644, 0);
        const json m = {{"format", "zipcatcher-backup"},
                        {"version", 1},
                        {"files",
                         {{{"path", "state/../../evil"},
                           {"size", data.size()},
                           {"sha256", zc::backup::sha256_hex(data)}}}}};
        w.add_file("manifest.json", m.dump(), 0644, 0);
        w.finish();
    }
    auto r = h.cli({"restore", archive.string(), "--force", "--state-dir",
                    (h.dir() / "s/state").string(), "--log-dir", (h.dir() / "s/log").string()});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("refused") && Catch::Contains("state/../../evil"));
    CHECK_FALSE(fs::exists(h.dir() / "evil"));
    CHECK_FALSE(fs::exists(h.dir() / "s"));
    CHECK(h.cli({"restore"}).exit_code == 2);
    CHECK(h.cli({"backup"}).exit_code == 2);
}
