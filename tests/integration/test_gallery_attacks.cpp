// The gallery under attack and under load, against the real daemon: ≥ 30 traversal attempts
// on every path-taking route, 100 concurrent uploads, SIGKILL mid-upload, and the CLI.
#include <catch2/catch.hpp>
#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <set>

#include "gallery_client.h"

using namespace zc::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Every file outside the gallery root under `dir`, with its contents.
std::map<std::string, std::string> snapshot_outside(const fs::path& dir, const fs::path& root) {
    std::map<std::string, std::string> out;
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
         ++it) {
        if (it->path() == root) {
            it.disable_recursion_pending();
            continue;
        }
        if (it->is_symlink())
            out[it->path().string()] = "symlink";
        else if (it->is_regular_file())
            out[it->path().string()] = read_file(it->path());
    }
    return out;
}

std::vector<fs::path> visible_files(const fs::path& root) {
    std::vector<fs::path> out;
    if (!fs::exists(root))
        return out;
    for (auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.' &&
            e.path().parent_path().filename() != ".spool")
            out.push_back(e.path());
    return out;
}

}  // namespace

TEST_CASE("gallery: traversal corpus is refused on every route and nothing outside is touched") {
    GalleryDaemon d;
    const auto state = d.h.dir() / "state";
    const std::string secret = png("TOPSECRET");
    write_file(state / "secret.png", secret, 0644);
    write_file(state / "secret.json", "{\"caption\":\"TOPSECRET\"}", 0644);
    fs::create_directories(state / "gallery_x/2026/02");
    write_file(state / "gallery_x/2026/02/x.png", secret, 0644);
    fs::create_directories(state / "outside/03");
    write_file(state / "outside/03/x.png", secret, 0644);
    // A real image inside, and symlinks planted inside the root pointing out.
    auto up = d.upload("real.png", png("inside"), {{"flight_id", "IN"}});
    REQUIRE(up.status == 200);
    const std::string real = json::parse(up.body)["path"];
    const auto month = d.root() / fs::path(real).parent_path().lexically_relative("gallery");
    fs::create_symlink(state / "secret.png", month / "link.png");
    fs::create_directory_symlink(state / "outside/03", month.parent_path() / "03");
    fs::create_directory_symlink(state, d.root() / "1999");
    const auto yyyy = month.parent_path().filename().string(), mm = month.filename().string();

    const auto before = snapshot_outside(state, d.root());
    const std::vector<std::string> attacks = {"../secret.png",
                                              "../../secret.png",
                                              "%2e%2e/secret.png",
                                              "%2e%2e%2fsecret.png",
                                              "%252e%252e%252fsecret.png",
                                              "..%2fsecret.png",
                                              "..%5csecret.png",
                                              "..\\secret.png",
                                              yyyy + "/" + mm + "/../../../secret.png",
                                              "/etc/passwd",
                                              "%2fetc%2fpasswd",
                                              "....//secret.png",
                                              "..;/secret.png",
                                              yyyy + "/" + mm + "/link.png",
                                              yyyy + "/03/x.png",
                                              "1999/gallery_x/x.png",
                                              "../gallery_x/2026/02/x.png",
                                              yyyy + "/" + mm + "/x.png%00.png",
                                              "%c0%ae%c0%ae/secret.png",
                                              "\xef\xbc\x8e\xef\xbc\x8e/secret.png",
                                              "%ef%bc%8e%ef%bc%8e%ef%bc%8fsecret.png",
                                              yyyy + "/" + mm + "/./link.png",
                                              yyyy + "//" + mm + "/link.png",
                                              "./" + yyyy + "/" + mm + "/link.png",
                                              yyyy + "/" + mm + "/link.png/..",
                                              ".%2e/secret.png",
                                              "%2e./secret.png",
                                              "..%252fsecret.png",
                                              yyyy + "/" + mm + "/..%00/secret.png",
                                              "~/secret.png",
                                              yyyy + "/../../secret.png",
                                              "file:///etc/passwd",
                                              "..%u2216secret.png",
                                              yyyy + "/" + mm + "/%2e%2e/%2e%2e/%2e%2e/secret.png",
                                              "\\..\\..\\secret.png",
                                              yyyy + "/" + mm + "/secret.png",
                                              "_x/2026/02/x.png"};
    REQUIRE(attacks.size() >= 30);
    const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + kToken}};
    auto form = form_headers(kToken);
    int refused = 0;
    for (const auto& a : attacks) {
        INFO("attack: " << a);
        for (const auto& prefix : {std::string("/static/gallery/"), std::string("/gallery/")}) {
            auto r = http(d.port, "GET", prefix + a);
            CHECK(r.status != 200);
            CHECK(r.status != 206);
            CHECK(r.body.find("TOPSECRET") == std::string::npos);
        }
        auto del = http(d.port, "DELETE", "/gallery/delete/gallery/" + a, "", auth);
        CHECK((del.status == 403 || del.status == 404 || del.status == 400));
        auto upd = http(d.port, "POST", "/gallery/update/gallery/" + a,
                        multipart({{"caption", "pwned"}}), form);
        CHECK((upd.status == 403 || upd.status == 404 || upd.status == 400));
        CHECK(upd.body.find("TOPSECRET") == std::string::npos);
        ++refused;
    }
    CHECK(refused == static_cast<int>(attacks.size()));
    // An upload whose file name tries to escape is filed by the server's own name.
    auto esc = d.upload("../../../secret.png", png("escape"), {{"flight_id", "../../x"}});
    REQUIRE(esc.status == 200);
    CHECK(json::parse(esc.body)["filename"].get<std::string>().find('/') == std::string::npos);
    CHECK(snapshot_outside(state, d.root()) == before);
    // The real image is still there and still served.
    CHECK(http(d.port, "GET", "/static/" + real).body == png("inside"));
}

TEST_CASE("gallery: 100 concurrent uploads are all stored exactly") {
    GalleryDaemon d;
    constexpr int kUploads = 100;
    std::vector<std::future<HttpResult>> jobs;
    for (int i = 0; i < kUploads; ++i)
        jobs.push_back(std::async(std::launch::async, [&d, i] {
            return d.upload("c.png",
                            png("image-" + std::to_string(i) + std::string(1000 * (i % 7), 'p')),
                            {{"flight_id", "CONC"}, {"caption", std::to_string(i)}});
        }));
    std::set<std::string> names;
    for (auto& j : jobs) {
        auto r = j.get();
        REQUIRE(r.status == 200);
        names.insert(json::parse(r.body)["filename"].get<std::string>());
    }
    CHECK(names.size() == kUploads);
    auto list = json::parse(http(d.port, "GET", "/gallery/list").body);
    REQUIRE(list.size() == kUploads);
    std::set<int> seen;
    for (const auto& e : list) {
        const int i = std::stoi(e["metadata"]["caption"].get<std::string>());
        seen.insert(i);
        const auto body = http(d.port, "GET", "/" + e["full_path"].get<std::string>()).body;
        CHECK(body == png("image-" + std::to_string(i) + std::string(1000 * (i % 7), 'p')));
    }
    CHECK(seen.size() == kUploads);
}

TEST_CASE("gallery: SIGKILL during an upload leaves no partial file visible") {
    GalleryDaemon d;
    {
        gnet::io_context io;
        gnet::ip::tcp::socket s(io);
        s.connect({gnet::ip::make_address("127.0.0.1"), d.port});
        const std::string data(8u << 20, 'z');
        const std::string body = multipart({}, "big.png", png(data));
        const std::string head =
            "POST /gallery/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kToken +
            "\r\nContent-Type: multipart/form-data; boundary=" + kBoundary +
            "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
        gnet::write(s, gnet::buffer(head));
        gnet::write(s, gnet::buffer(body.data(), body.size() / 2));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        d.h.daemon().signal(SIGKILL);
        d.h.daemon().wait(std::chrono::seconds(5));
    }
    CHECK(visible_files(d.root()).empty());
    // After a restart the listing is empty and no temporary is left behind.
    d.start(kToken);
    CHECK(http(d.port, "GET", "/gallery/list").body == "[]");
    for (auto& e : fs::recursive_directory_iterator(d.root()))
        CHECK_FALSE(e.is_regular_file());
}

TEST_CASE("gallery: SIGKILL at any moment of an upload leaves old or new state but nothing torn") {
    // The whole body is sent, then the daemon is killed after a growing delay: while it parses,
    // writes the temporaries, fsyncs or renames. Whatever survives must be whole.
    GalleryDaemon d;
    const std::string data = png(std::string(4u << 20, 'k'));
    const std::string body = multipart({{"caption", "crash"}}, "crash.png", data);
    const std::string head = "POST /gallery/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                             kToken +
                             "\r\nContent-Type: multipart/form-data; boundary=" + kBoundary +
                             "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    for (int delay_ms : {0, 5, 10, 20, 40, 80}) {
        INFO("killed " << delay_ms << " ms after the body was sent");
        {
            gnet::io_context io;
            gnet::ip::tcp::socket s(io);
            s.connect({gnet::ip::make_address("127.0.0.1"), d.port});
            gnet::write(s, gnet::buffer(head));
            gnet::write(s, gnet::buffer(body));
            std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
            d.h.daemon().signal(SIGKILL);
            d.h.daemon().wait(std::chrono::seconds(5));
        }
        for (const auto& f : visible_files(d.root())) {
            INFO(f.string());
            if (f.extension() == ".json")
                CHECK(json::parse(read_file(f))["caption"] == "crash");
            else
                CHECK(read_file(f) == data);
        }
        d.start(kToken);
        // Every listed image is whole; no temporary is left once the daemon has started again.
        for (const auto& e : json::parse(http(d.port, "GET", "/gallery/list").body))
            CHECK(http(d.port, "GET", "/" + e["full_path"].get<std::string>()).body == data);
        for (auto& e : fs::recursive_directory_iterator(d.root()))
            if (e.is_regular_file())
                CHECK(e.path().filename().string()[0] != '.');
    }
}

TEST_CASE("gallery: CLI list/add/update/delete through the control socket") {
    GalleryDaemon d;
    const auto img = d.h.dir() / "capture.jpg";
    write_file(img, "\xff\xd8\xff\xe0jpegdata", 0644);
    auto add = d.h.cli({"gallery", "add", img.string(), "--caption", "cron capture", "--flight",
                        "EZY42", "--target", "moon"});
    INFO(add.err);
    REQUIRE(add.exit_code == 0);
    const std::string path = add.out.substr(0, add.out.find('\n'));
    CHECK(path.find("_EZY42.jpg") != std::string::npos);
    auto list = d.h.cli_json({"gallery", "list"});
    REQUIRE(list["arguments"]["images"].size() == 1);
    CHECK(list["arguments"]["images"][0]["metadata"]["caption"] == "cron capture");
    CHECK(http(d.port, "GET", "/static/" + path).body == "\xff\xd8\xff\xe0jpegdata");
    auto upd = d.h.cli({"gallery", "update", path, "--caption", "edited"});
    CHECK(upd.exit_code == 0);
    CHECK(json::parse(http(d.port, "GET", "/gallery/list").body)[0]["metadata"]["caption"] ==
          "edited");
    // Fake images are refused here too.
    write_file(d.h.dir() / "fake.png", "not an image", 0644);
    CHECK(d.h.cli({"gallery", "add", (d.h.dir() / "fake.png").string()}).exit_code == 1);
    CHECK(d.h.cli({"gallery", "update", "gallery/../../x.png", "--caption", "x"}).exit_code == 1);
    CHECK(d.h.cli({"gallery", "delete", path}).exit_code == 0);
    CHECK(d.h.cli({"gallery", "delete", path}).exit_code == 1);
    CHECK(d.h.cli({"gallery", "frobnicate"}).exit_code == 2);
    auto human = d.h.cli({"gallery", "list"});
    CHECK(human.out.find("no images") != std::string::npos);
}
