// The gallery over real HTTP against the real zipcatcherd: every route and status code of the
// contract, auth, rate limit, TLS and the access log.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "gallery_client.h"

using namespace zc::test;
using nlohmann::json;
namespace fs = std::filesystem;

TEST_CASE("gallery: page and assets and an empty list are public") {
    GalleryDaemon d;
    auto page = http(d.port, "GET", "/gallery");
    CHECK(page.status == 200);
    CHECK(page.header("Content-Type").find("text/html") == 0);
    CHECK(page.body.find("/static/gallery.js") != std::string::npos);
    CHECK(page.body.find("https://") == std::string::npos);  // no CDN
    CHECK(page.header("Content-Security-Policy").find("default-src 'self'") != std::string::npos);
    CHECK(http(d.port, "GET", "/static/gallery.js").status == 200);
    CHECK(http(d.port, "GET", "/static/gallery.css").header("Content-Type").find("text/css") == 0);
    auto list = http(d.port, "GET", "/gallery/list");
    CHECK(list.status == 200);
    CHECK(json::parse(list.body) == json::array());
    auto head = http(d.port, "HEAD", "/gallery");
    CHECK(head.status == 200);
    CHECK(head.body.empty());
    CHECK(http(d.port, "GET", "/nope").status == 404);
    CHECK(json::parse(http(d.port, "GET", "/nope").body)["error"] == "Not found");
    auto m = http(d.port, "GET", "/gallery/upload");
    CHECK(m.status == 405);
    CHECK(m.header("Allow") == "POST");
    CHECK(http(d.port, "POST", "/gallery/list", "x").status == 405);
    CHECK(http(d.port, "PUT", "/gallery/delete/gallery/2026/02/a.png", "",
               {{"Authorization", "Bearer " + kToken}})
              .status == 405);
}

TEST_CASE("gallery: auth errors in the original's order and words") {
    GalleryDaemon d;
    const auto body = multipart({}, "a.png", png());
    auto h = form_headers();
    auto r = http(d.port, "POST", "/gallery/upload", body, h);
    CHECK(r.status == 401);
    CHECK(json::parse(r.body)["error"] == "Authorization required");
    h["Authorization"] = "Token abc";
    r = http(d.port, "POST", "/gallery/upload", body, h);
    CHECK(r.status == 401);
    CHECK(json::parse(r.body)["error"] == "Invalid authorization format. Use: Bearer <token>");
    h["Authorization"] = "Bearer " + kToken + "x";
    r = http(d.port, "POST", "/gallery/upload", body, h);
    CHECK(r.status == 401);
    CHECK(json::parse(r.body)["error"] == "Invalid authorization token");
    CHECK(http(d.port, "DELETE", "/gallery/delete/gallery/2026/02/a.png").status == 401);
    CHECK(http(d.port, "POST", "/gallery/update/gallery/2026/02/a.png", "caption=x",
               {{"Content-Type", "application/x-www-form-urlencoded"}})
              .status == 401);
    // The log names the address, never the token.
    d.h.daemon().signal(SIGTERM);
    d.h.daemon().wait(std::chrono::seconds(5));
    const auto err = d.h.daemon().err();
    CHECK(err.find("failed authorization from 127.0.0.1") != std::string::npos);
    CHECK(err.find(kToken) == std::string::npos);
}

TEST_CASE("gallery: upload list serve update and delete with every status") {
    GalleryDaemon d;
    auto r = d.upload("shot.png", png("one"),
                      {{"flight_id", "BAW123"}, {"caption", "first"}, {"target", "sun"}});
    REQUIRE(r.status == 200);
    auto j = json::parse(r.body);
    CHECK(j["success"] == true);
    const std::string name = j["filename"];
    CHECK(name.find("_BAW123.png") != std::string::npos);
    // 400s
    auto e = http(d.port, "POST", "/gallery/upload", multipart({{"caption", "x"}}),
                  form_headers(kToken));
    CHECK(e.status == 400);
    CHECK(json::parse(e.body)["error"] == "No file provided");
    e = d.upload("", png());
    CHECK(e.status == 400);
    CHECK(json::parse(e.body)["error"] == "No file selected");
    e = d.upload("x.exe", png());
    CHECK(json::parse(e.body)["error"] == "Invalid file type. Allowed: png, jpg, jpeg, gif");
    e = d.upload("fake.png", "#!/bin/sh\nrm -rf /\n");
    CHECK(e.status == 400);
    CHECK(json::parse(e.body)["error"] == "Invalid file type. Allowed: png, jpg, jpeg, gif");
    e = d.upload("fake.jpg", png());
    CHECK(e.status == 400);
    e = http(d.port, "POST", "/gallery/upload", "nothing",
             {{"Authorization", "Bearer " + kToken}, {"Content-Type", "text/plain"}});
    CHECK(e.status == 400);

    // A second upload, later: list is newest first.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto r2 = d.upload("moon.JPG", "\xff\xd8\xff\xe0moon", {{"target", "moon"}});
    REQUIRE(r2.status == 200);
    auto list = json::parse(http(d.port, "GET", "/gallery/list").body);
    REQUIRE(list.size() == 2);
    CHECK(list[0]["metadata"]["target"] == "moon");
    CHECK(list[1]["filename"] == name);
    const std::string path = list[1]["path"];
    const std::string full = list[1]["full_path"];
    CHECK(full == "static/" + path);
    CHECK(path.rfind("gallery/", 0) == 0);
    CHECK(list[1]["metadata"].size() == 8);
    CHECK(list[1]["metadata"]["timestamp"].get<std::string>().back() == 'Z');

    // Serving, both URL forms, ETag, Range, HEAD.
    auto img = http(d.port, "GET", "/" + full);
    CHECK(img.status == 200);
    CHECK(img.body == png("one"));
    CHECK(img.header("Content-Type") == "image/png");
    CHECK(img.header("X-Content-Type-Options") == "nosniff");
    CHECK(!img.header("Last-Modified").empty());
    CHECK(http(d.port, "GET", "/" + path).body == png("one"));
    auto nm = http(d.port, "GET", "/" + full, "", {{"If-None-Match", img.header("ETag")}});
    CHECK(nm.status == 304);
    auto part = http(d.port, "GET", "/" + full, "", {{"Range", "bytes=1-3"}});
    CHECK(part.status == 206);
    CHECK(part.body == "PNG");
    CHECK(part.header("Content-Range") == "bytes 1-3/11");
    CHECK(http(d.port, "GET", "/" + full, "", {{"Range", "bytes=-3"}}).body == "one");
    CHECK(http(d.port, "GET", "/" + full, "", {{"Range", "bytes=99-"}}).status == 416);
    auto head = http(d.port, "HEAD", "/" + full);
    CHECK(head.status == 200);
    CHECK(head.header("Content-Length") == "11");
    CHECK(http(d.port, "GET", "/static/gallery/2026/01/none.png").status == 404);

    // Update: multipart, urlencoded and JSON; merged; 404 without image; 403 bad path.
    auto u = http(d.port, "POST", "/gallery/update/" + path,
                  multipart({{"caption", "edited"}, {"filepath", path}}), form_headers(kToken));
    REQUIRE(u.status == 200);
    auto uj = json::parse(u.body);
    CHECK(uj["success"] == true);
    CHECK(uj["metadata"]["caption"] == "edited");
    CHECK(uj["metadata"]["flight_id"] == "BAW123");
    u = http(d.port, "POST", "/gallery/update/" + path, "equipment=Seestar+S50",
             {{"Authorization", "Bearer " + kToken},
              {"Content-Type", "application/x-www-form-urlencoded"}});
    CHECK(json::parse(u.body)["metadata"]["equipment"] == "Seestar S50");
    u = http(d.port, "POST", "/gallery/update/" + path, R"({"aircraft_type":"A320"})",
             {{"Authorization", "Bearer " + kToken}, {"Content-Type", "application/json"}});
    CHECK(json::parse(u.body)["metadata"]["aircraft_type"] == "A320");
    CHECK(json::parse(u.body)["metadata"]["caption"] == "edited");
    u = http(d.port, "POST", "/gallery/update/" + path, R"({"target":"mars"})",
             {{"Authorization", "Bearer " + kToken}, {"Content-Type", "application/json"}});
    CHECK(u.status == 400);
    u = http(d.port, "POST", "/gallery/update/gallery/2026/02/missing.png", "caption=x",
             {{"Authorization", "Bearer " + kToken},
              {"Content-Type", "application/x-www-form-urlencoded"}});
    CHECK(u.status == 404);
    CHECK_FALSE(fs::exists(d.root() / "2026/02/missing.json"));
    u = http(d.port, "POST", "/gallery/update/gallery/../x.png", "caption=x",
             {{"Authorization", "Bearer " + kToken},
              {"Content-Type", "application/x-www-form-urlencoded"}});
    CHECK(u.status == 403);
    CHECK(json::parse(u.body)["error"] == "Invalid file path");

    // Delete: 200, then 404; the sidecar goes too.
    auto del = http(d.port, "DELETE", "/gallery/delete/" + path, "",
                    {{"Authorization", "Bearer " + kToken}});
    CHECK(del.status == 200);
    CHECK(json::parse(del.body) == json{{"success", true}});
    CHECK(http(d.port, "DELETE", "/gallery/delete/" + path, "",
               {{"Authorization", "Bearer " + kToken}})
              .status == 404);
    CHECK(http(d.port, "DELETE", "/gallery/delete/gallery_x/2026/02/a.png", "",
               {{"Authorization", "Bearer " + kToken}})
              .status == 403);
    CHECK(json::parse(http(d.port, "GET", "/gallery/list").body).size() == 1);
    CHECK_FALSE(fs::exists(d.root() / fs::path(path).parent_path().lexically_relative("gallery") /
                           (fs::path(name).stem().string() + ".json")));
}

namespace {

// Sends only a request header and reads the answer: no byte of a body is ever sent, so an
// answer at all proves it came from the headers. `closed` tells whether the server then ended
// the connection (it must: the announced body was never read).
HttpResult header_only(unsigned short port, const std::string& target, const std::string& auth,
                       const std::string& length, bool* closed = nullptr) {
    gnet::io_context io;
    gnet::ip::tcp::socket s(io);
    s.connect({gnet::ip::make_address("127.0.0.1"), port});
    std::string head = "POST " + target + " HTTP/1.1\r\nHost: x\r\n";
    if (!auth.empty())
        head += "Authorization: " + auth + "\r\n";
    head += "Content-Type: multipart/form-data; boundary=" + kBoundary +
            "\r\nContent-Length: " + length + "\r\n\r\n";
    gnet::write(s, gnet::buffer(head));
    boost::beast::flat_buffer buf;
    ghttp::response<ghttp::string_body> res;
    boost::system::error_code ec;
    ghttp::read(s, buf, res, ec);
    HttpResult out;
    if (ec)
        return out;
    out.status = static_cast<int>(res.result_int());
    out.body = res.body();
    for (const auto& f : res)
        out.headers[std::string(f.name_string())] = std::string(f.value());
    if (closed) {
        char c;
        s.read_some(gnet::buffer(&c, 1), ec);
        *closed = ec == gnet::error::eof || ec == gnet::error::connection_reset;
    }
    return out;
}

}  // namespace

TEST_CASE("gallery: 413 from the headers before the body is sent") {
    GalleryDaemon d;
    const std::string bearer = "Bearer " + kToken;
    // One byte over 16 MiB: Beast stops at the header (its body_limit), the router answers.
    bool closed = false;
    auto r = header_only(d.port, "/gallery/upload", bearer, "16777217", &closed);
    CHECK(r.status == 413);
    CHECK(r.header("Content-Type") == "application/json");
    CHECK(json::parse(r.body) == json{{"error", "File too large. Maximum size is 16 MB"}});
    CHECK(closed);
    // Far over.
    CHECK(header_only(d.port, "/gallery/upload", bearer, "9223372036854775807").status == 413);
    // Auth is still checked first, as in the original: no hint about sizes to strangers.
    r = header_only(d.port, "/gallery/upload", "", "16777217");
    CHECK(r.status == 401);
    CHECK(json::parse(r.body)["error"] == "Authorization required");
    CHECK(header_only(d.port, "/gallery/upload", "Bearer wrong-token-wrong", "16777217").status ==
          401);
    // Other writes take 1 MiB.
    r = header_only(d.port, "/gallery/update/gallery/2026/02/a.png", bearer, "1048577");
    CHECK(r.status == 413);
    CHECK(json::parse(r.body)["error"] == "File too large. Maximum size is 1 MB");
    // A 16 MiB image (just over the limit with its envelope) is refused; a 1 MiB one is fine.
    // This client sends the whole body before it reads: the 413 still reaches it, because the
    // daemon reads and drops the rest of the body (for up to 5 s) instead of resetting.
    const auto big = d.upload("big.png", png(std::string(16u << 20, 'x')));
    CHECK(big.status == 413);
    CHECK(big.body == R"({"error":"File too large. Maximum size is 16 MB"})");
    CHECK(json::parse(http(d.port, "GET", "/gallery/list").body).empty());
    CHECK(d.upload("ok.png", png(std::string(1u << 20, 'x'))).status == 200);
}

TEST_CASE("gallery: read-only mode answers 403 on every write") {
    GalleryDaemon d("");
    const std::string text =
        "Gallery write operations disabled. Set gallery.auth_token (GALLERY_AUTH_TOKEN) to enable.";
    for (const auto& auth : std::vector<std::string>{"", "Bearer anything", "Bearer "}) {
        std::map<std::string, std::string> h = form_headers();
        if (!auth.empty())
            h["Authorization"] = auth;
        auto r = http(d.port, "POST", "/gallery/upload", multipart({}, "a.png", png()), h);
        CHECK(r.status == 403);
        CHECK(json::parse(r.body)["error"] == text);
        CHECK(http(d.port, "POST", "/gallery/update/gallery/2026/02/a.png",
                   multipart({{"caption", "x"}}), h)
                  .status == 403);
        CHECK(http(d.port, "DELETE", "/gallery/delete/gallery/2026/02/a.png", "", h).status == 403);
    }
    // Also when the announced body is over the limit: 403 first.
    CHECK(header_only(d.port, "/gallery/upload", "Bearer x", "16777217").status == 403);
    CHECK(http(d.port, "GET", "/gallery/list").status == 200);
    CHECK(fs::is_empty(d.root()));
}

TEST_CASE("gallery: failed auth is rate-limited per address (10 per minute then 429)") {
    GalleryDaemon d;
    for (int i = 0; i < 10; ++i)
        CHECK(d.upload("a.png", png(), {}, "wrong-token-wrong-token").status == 401);
    auto r = d.upload("a.png", png(), {}, "wrong-token-wrong-token");
    CHECK(r.status == 429);
    CHECK(!r.header("Retry-After").empty());
    // Blocked means blocked: even the right token waits until the window has passed.
    CHECK(d.upload("a.png", png()).status == 429);
    // Reads stay public.
    CHECK(http(d.port, "GET", "/gallery/list").status == 200);
}

TEST_CASE("gallery: TLS with a self-signed certificate") {
    TempDir tls;
    const auto cert = (tls / "cert.pem").string(), key = (tls / "key.pem").string();
    auto gen = run("/usr/bin/openssl",
                   {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=localhost"},
                   {{"PATH", "/usr/bin:/bin"}});
    REQUIRE(gen.exit_code == 0);
    GalleryDaemon d(kToken, {"--http.tls_cert", cert, "--http.tls_key", key});
    auto r = https(d.port, "GET", "/gallery/list");
    CHECK(r.status == 200);
    CHECK(r.body == "[]");
    auto up = https(d.port, "POST", "/gallery/upload", multipart({}, "a.png", png()),
                    form_headers(kToken));
    CHECK(up.status == 200);
    // Plain HTTP to the TLS port gets no HTTP answer.
    CHECK(http(d.port, "GET", "/gallery/list").status == 0);
}

TEST_CASE("gallery: access log has one line per request and no token") {
    TempDir logs;
    const auto log = logs / "access.log";
    {
        GalleryDaemon d(kToken, {"--http.access_log", log.string()});
        http(d.port, "GET", "/gallery/list?token=" + kToken);
        d.upload("a.png", png());
        d.upload("a.png", png(), {}, kToken + "bad");
    }
    const auto text = read_file(log);
    CHECK(text.find("127.0.0.1 GET /gallery/list 200") != std::string::npos);
    CHECK(text.find("127.0.0.1 POST /gallery/upload 200") != std::string::npos);
    CHECK(text.find("POST /gallery/upload 401") != std::string::npos);
    CHECK(text.find(kToken) == std::string::npos);
    CHECK(std::count(text.begin(), text.end(), '\n') == 3);
}

TEST_CASE("gallery: status lists the gallery component") {
    GalleryDaemon d;
    auto j = d.h.cli_json({"status"});
    const auto& comps = j["arguments"]["components"];
    auto it = std::find_if(comps.begin(), comps.end(),
                           [](const nlohmann::json& c) { return c["name"] == "gallery"; });
    REQUIRE(it != comps.end());
    CHECK_FALSE((*it)["state"].get<std::string>().empty());
}
