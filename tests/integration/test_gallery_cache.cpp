// The cached listing over real HTTP against the real zipcatcherd: ETag and 304, the gzip
// variant, invalidation by every write (HTTP and CLI) and by changes made behind the daemon's
// back; Expect: 100-continue; the buffered access log.
#include <zlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "gallery_client.h"

using namespace zc::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string gunzip(const std::string& in) {
    z_stream zs{};
    REQUIRE(inflateInit2(&zs, 15 + 16) == Z_OK);
    std::string out;
    char buf[65536];
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    int rc = Z_OK;
    while (rc == Z_OK) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        rc = inflate(&zs, Z_NO_FLUSH);
        out.append(buf, sizeof buf - zs.avail_out);
    }
    inflateEnd(&zs);
    CHECK(rc == Z_STREAM_END);
    return out;
}

json list(unsigned short port) {
    auto r = http(port, "GET", "/gallery/list");
    REQUIRE(r.status == 200);
    return json::parse(r.body);
}

// Polls the listing until pred(list) holds or `limit` has passed.
template <class Pred>
bool eventually(unsigned short port, std::chrono::milliseconds limit, Pred pred) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (pred(list(port)))
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return pred(list(port));
}

std::uint64_t list_builds(GalleryDaemon& d) {
    auto j = d.h.cli_json({"status"});
    for (const auto& c : j["arguments"]["components"])
        if (c["name"] == "gallery")
            return c["data"]["list_builds"].get<std::uint64_t>();
    FAIL("no gallery component in status");
    return 0;
}

bool lists(const json& l, const std::string& filename) {
    return std::any_of(l.begin(), l.end(),
                       [&](const json& e) { return e["filename"] == filename; });
}

}  // namespace

TEST_CASE("gallery: the listing carries a strong ETag and answers If-None-Match with 304") {
    GalleryDaemon d;
    REQUIRE(d.upload("a.png", png("one"), {{"caption", "first"}}).status == 200);
    auto r = http(d.port, "GET", "/gallery/list");
    REQUIRE(r.status == 200);
    const auto etag = r.header("ETag");
    REQUIRE(etag.size() > 2);
    CHECK(etag.front() == '"');
    CHECK(etag.back() == '"');
    CHECK(r.header("Cache-Control") == "no-cache");
    CHECK(r.header("Vary") == "Accept-Encoding");
    CHECK(r.header("Content-Type") == "application/json");
    CHECK(http(d.port, "GET", "/gallery/list").header("ETag") == etag);  // stable while unchanged

    for (const std::string& inm : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
        auto nm = http(d.port, "GET", "/gallery/list", "", {{"If-None-Match", inm}});
        INFO(inm);
        CHECK(nm.status == 304);
        CHECK(nm.body.empty());
        CHECK(nm.header("ETag") == etag);
    }
    CHECK(http(d.port, "GET", "/gallery/list", "", {{"If-None-Match", "\"other\""}}).status == 200);

    // A write through the daemon changes the listing, its ETag, at once.
    const std::string path = json::parse(r.body)[0]["path"];
    auto u = http(d.port, "POST", "/gallery/update/" + path, "caption=second",
                  {{"Authorization", "Bearer " + kToken},
                   {"Content-Type", "application/x-www-form-urlencoded"}});
    REQUIRE(u.status == 200);
    auto after = http(d.port, "GET", "/gallery/list", "", {{"If-None-Match", etag}});
    CHECK(after.status == 200);
    CHECK(after.header("ETag") != etag);
    CHECK(json::parse(after.body)[0]["metadata"]["caption"] == "second");
}

TEST_CASE("gallery: the listing is gzip'ed for clients that accept it") {
    GalleryDaemon d;
    for (int i = 0; i < 20; ++i)
        REQUIRE(d.upload("p" + std::to_string(i) + ".png", png("img" + std::to_string(i)),
                         {{"caption", "transit number " + std::to_string(i)}})
                    .status == 200);
    auto plain = http(d.port, "GET", "/gallery/list");
    REQUIRE(plain.status == 200);
    CHECK(plain.header("Content-Encoding").empty());
    REQUIRE(json::parse(plain.body).size() == 20);

    auto gz = http(d.port, "GET", "/gallery/list", "", {{"Accept-Encoding", "br, gzip, deflate"}});
    REQUIRE(gz.status == 200);
    CHECK(gz.header("Content-Encoding") == "gzip");
    CHECK(gz.header("Vary") == "Accept-Encoding");
    CHECK(gz.body.size() < plain.body.size() / 3);
    CHECK(gunzip(gz.body) == plain.body);
    // Another representation, another strong ETag; each revalidates only itself.
    const auto gz_etag = gz.header("ETag");
    CHECK(gz_etag != plain.header("ETag"));
    CHECK(http(d.port, "GET", "/gallery/list", "",
               {{"Accept-Encoding", "gzip"}, {"If-None-Match", gz_etag}})
              .status == 304);
    CHECK(http(d.port, "GET", "/gallery/list", "", {{"If-None-Match", gz_etag}}).status == 200);

    // q=0 refuses a coding; "*" accepts it; unknown codings alone get the plain body.
    for (const char* ae : {"gzip;q=0", "gzip; q=0.000, br", "br", "identity", ""}) {
        INFO(ae);
        auto r = http(d.port, "GET", "/gallery/list", "", {{"Accept-Encoding", ae}});
        CHECK(r.header("Content-Encoding").empty());
        CHECK(r.body == plain.body);
    }
    for (const char* ae : {"*", "GZIP;q=0.5", "x-gzip", "deflate, gzip;q=1.0"}) {
        INFO(ae);
        auto r = http(d.port, "GET", "/gallery/list", "", {{"Accept-Encoding", ae}});
        CHECK(r.header("Content-Encoding") == "gzip");
        CHECK(gunzip(r.body) == plain.body);
    }
    auto head = http(d.port, "HEAD", "/gallery/list", "", {{"Accept-Encoding", "gzip"}});
    CHECK(head.status == 200);
    CHECK(head.header("Content-Length") == std::to_string(gz.body.size()));

    // After a delete the gzip variant is made again from the new listing.
    const std::string path = json::parse(plain.body)[0]["path"];
    REQUIRE(http(d.port, "DELETE", "/gallery/delete/" + path, "",
                 {{"Authorization", "Bearer " + kToken}})
                .status == 200);
    auto gz2 = http(d.port, "GET", "/gallery/list", "", {{"Accept-Encoding", "gzip"}});
    CHECK(json::parse(gunzip(gz2.body)).size() == 19);
    CHECK(gz2.header("ETag") != gz_etag);
}

TEST_CASE("gallery: the listing is built once and not per request") {
    GalleryDaemon d;
    REQUIRE(d.upload("a.png", png()).status == 200);
    list(d.port);
    const auto before = list_builds(d);
    for (int i = 0; i < 50; ++i) {
        list(d.port);
        http(d.port, "GET", "/gallery/list", "", {{"Accept-Encoding", "gzip"}});
    }
    // 100 requests; at most a rebuild or two for the directory the upload just changed (its
    // stamp is too fresh to be trusted until a check a second later).
    CHECK(list_builds(d) - before <= 2);
}

TEST_CASE("gallery: files changed behind the daemon's back show up within seconds") {
    GalleryDaemon d;
    CHECK(list(d.port).empty());
    // A new month directory with an image and its sidecar, written by another process.
    const auto month = d.root() / "2024" / "07";
    fs::create_directories(month);
    write_file(month / "20240701_120000_EXT1.png", png("outside"), 0644);
    write_file(month / "20240701_120000_EXT1.json",
               R"({"caption":"from a script","timestamp":"2024-07-01T12:00:00Z"})", 0644);
    CHECK(eventually(d.port, std::chrono::seconds(5),
                     [](const json& l) { return lists(l, "20240701_120000_EXT1.png"); }));
    auto l = list(d.port);
    REQUIRE(l.size() == 1);
    CHECK(l[0]["metadata"]["caption"] == "from a script");

    // Another image in the same (now known) directory, then a removal.
    write_file(month / "20240702_120000_EXT2.png", png("second"), 0644);
    CHECK(eventually(d.port, std::chrono::seconds(5),
                     [](const json& x) { return lists(x, "20240702_120000_EXT2.png"); }));
    fs::remove(month / "20240701_120000_EXT1.png");
    CHECK(eventually(d.port, std::chrono::seconds(5), [](const json& x) {
        return x.size() == 1 && !lists(x, "20240701_120000_EXT1.png");
    }));
    // A sidecar replaced by rename (as editors and scripts do) is seen too.
    write_file(month / "tmp.json", R"({"caption":"renamed in"})", 0644);
    fs::rename(month / "tmp.json", month / "20240702_120000_EXT2.json");
    CHECK(eventually(d.port, std::chrono::seconds(5), [](const json& x) {
        return x.size() == 1 && x[0]["metadata"].value("caption", "") == "renamed in";
    }));
}

TEST_CASE("gallery: CLI gallery-add shows in the cached listing at once") {
    GalleryDaemon d;
    CHECK(list(d.port).empty());  // cached now
    const auto img = d.h.dir() / "capture.png";
    write_file(img, png("cron"), 0644);
    auto add = d.h.cli({"gallery", "add", img.string(), "--caption", "cron capture"});
    REQUIRE(add.exit_code == 0);
    auto l = list(d.port);  // no waiting: the write went through the store
    REQUIRE(l.size() == 1);
    CHECK(l[0]["metadata"]["caption"] == "cron capture");
    REQUIRE(d.h.cli({"gallery", "delete", l[0]["path"].get<std::string>()}).exit_code == 0);
    CHECK(list(d.port).empty());
}

TEST_CASE("gallery: Expect 100-continue gets a 100 before the body or the refusal instead") {
    GalleryDaemon d;
    const auto body = multipart({{"caption", "continued"}}, "c.png", png("continue"));
    const auto head = [&](const std::string& token, std::size_t length) {
        return "POST /gallery/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
               "\r\nContent-Type: multipart/form-data; boundary=" + kBoundary +
               "\r\nExpect: 100-continue\r\nConnection: close\r\nContent-Length: " +
               std::to_string(length) + "\r\n\r\n";
    };
    {
        gnet::io_context io;
        gnet::ip::tcp::socket s(io);
        s.connect({gnet::ip::make_address("127.0.0.1"), d.port});
        gnet::write(s, gnet::buffer(head(kToken, body.size())));
        boost::beast::flat_buffer buf;
        ghttp::response_parser<ghttp::empty_body> interim;
        ghttp::read_header(s, buf, interim);
        CHECK(interim.get().result_int() == 100);
        // Only now the body; the final answer follows it.
        gnet::write(s, gnet::buffer(body));
        ghttp::response<ghttp::string_body> res;
        ghttp::read(s, buf, res);
        CHECK(res.result_int() == 200);
        CHECK(json::parse(res.body())["success"] == true);
    }
    {
        // A wrong token: the 401 comes instead of the 100, and no body is needed.
        gnet::io_context io;
        gnet::ip::tcp::socket s(io);
        s.connect({gnet::ip::make_address("127.0.0.1"), d.port});
        gnet::write(s, gnet::buffer(head(kToken + "x", body.size())));
        boost::beast::flat_buffer buf;
        ghttp::response<ghttp::string_body> res;
        ghttp::read(s, buf, res);
        CHECK(res.result_int() == 401);
    }
    auto l = list(d.port);
    REQUIRE(l.size() == 1);
    CHECK(l[0]["metadata"]["caption"] == "continued");
}

TEST_CASE("gallery: the access log is written within seconds while the daemon runs") {
    TempDir logs;
    const auto log = logs / "access.log";
    GalleryDaemon d(kToken, {"--http.access_log", log.string()});
    for (int i = 0; i < 5; ++i)
        http(d.port, "GET", "/gallery/list");
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    std::string text;
    while (std::chrono::steady_clock::now() < end) {
        text = fs::exists(log) ? read_file(log) : "";
        if (std::count(text.begin(), text.end(), '\n') == 5)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(std::count(text.begin(), text.end(), '\n') == 5);
    CHECK(text.find("127.0.0.1 GET /gallery/list 200") != std::string::npos);
    // Whole lines only, each with its duration.
    CHECK(text.back() == '\n');
    CHECK(text.find("ms\n") != std::string::npos);
}
