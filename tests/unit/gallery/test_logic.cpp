// Pure gallery logic: names, paths, types, auth, rate limit, multipart and forms.
#include <catch2/catch.hpp>

#include "gallery/auth.h"
#include "gallery/client_path.h"
#include "gallery/filename.h"
#include "gallery/form.h"
#include "gallery/image_type.h"
#include "gallery/rate_limiter.h"
#include "gallery/sidecar.h"

using namespace zc;
using namespace zc::gallery;
using namespace std::string_literals;

TEST_CASE("secure_filename follows werkzeug") {
    CHECK(secure_filename("My cool movie.mov") == "My_cool_movie.mov");
    CHECK(secure_filename("../../../etc/passwd") == "etc_passwd");
    CHECK(secure_filename("i contain cool \xc3\xbcml\xc3\xa4uts.txt") ==
          "i_contain_cool_mluts.txt");
    CHECK(secure_filename("..") == "");
    CHECK(secure_filename("a\\b") == "a_b");
    CHECK(secure_filename("x\0y") == "x");
}

TEST_CASE("upload names: UTC timestamp - flight id - UNKNOWN when absent") {
    const auto t = *parse_iso8601("2026-02-01T11:05:49.5Z");
    CHECK(upload_filename(t, std::string("BAW123"), "PNG") == "20260201_110549_BAW123.png");
    CHECK(upload_filename(t, std::nullopt, "jpg") == "20260201_110549_UNKNOWN.jpg");
    CHECK(upload_filename(t, std::string(""), "gif") == "20260201_110549_.gif");
    CHECK(upload_filename(t, std::string("A/B ../x"), "png") == "20260201_110549_A_B_.._x.png");
    CHECK(with_suffix("a.png", 2) == "a_2.png");
}

TEST_CASE("types need the extension and the magic bytes") {
    CHECK(type_from_extension("JPEG") == ImageType::kJpeg);
    CHECK_FALSE(type_from_extension("svg"));
    CHECK(magic_matches(ImageType::kPng, std::string("\x89PNG\r\n\x1a\nxxxx", 12)));
    CHECK_FALSE(magic_matches(ImageType::kPng, "<?php echo 1; ?>"));
    CHECK(magic_matches(ImageType::kJpeg, "\xff\xd8\xff\xe0"));
    CHECK_FALSE(magic_matches(ImageType::kJpeg, "GIF89a"));
    CHECK(magic_matches(ImageType::kGif, "GIF87a..."));
    CHECK_FALSE(magic_matches(ImageType::kGif, ""));
    CHECK(extension_of("a.b.PnG") == "png");
}

TEST_CASE("client paths: only the exact shape the gallery creates") {
    auto p = parse_client_path("gallery/2026/02/20260201_110549_.png");
    REQUIRE(p);
    CHECK(p->relative() == "gallery/2026/02/20260201_110549_.png");
    CHECK(p->full() == "static/gallery/2026/02/20260201_110549_.png");
    CHECK(parse_client_path("static/gallery/2026/02/a.jpg"));
    for (const char* bad :
         {"", "gallery", "gallery/2026/02", "gallery/2026/02/", "/gallery/2026/02/a.png",
          "gallery/2026/13/a.png", "gallery/2026/00/a.png", "gallery/26/02/a.png",
          "gallery/2026/02/../a.png", "gallery/2026/02/.a.png", "gallery_x/2026/02/a.png",
          "gallery/2026/02/a.txt", "gallery/2026/02/a", "gallery/2026/02/a%2epng",
          "gallery/2026/02/a b.png", "gallery//2026/02/a.png", "gallery/2026/02/x/a.png",
          "gallery\\2026\\02\\a.png"})
        CHECK_FALSE(parse_client_path(bad));
    CHECK_FALSE(parse_client_path(std::string("gallery/2026/02/a\0.png", 23)));
}

TEST_CASE("bearer check: order - texts and constant-time compare") {
    CHECK(check_bearer(std::nullopt, "") == AuthResult::kDisabled);
    CHECK(check_bearer(std::string_view("Bearer x"), "") == AuthResult::kDisabled);
    CHECK(check_bearer(std::nullopt, "secret-token-123") == AuthResult::kMissing);
    CHECK(check_bearer(std::string_view("Basic abc"), "secret-token-123") ==
          AuthResult::kMalformed);
    CHECK(check_bearer(std::string_view("Bearer secret-token-12"), "secret-token-123") ==
          AuthResult::kWrong);
    CHECK(check_bearer(std::string_view("Bearer secret-token-1234"), "secret-token-123") ==
          AuthResult::kWrong);
    CHECK(check_bearer(std::string_view("Bearer secret-token-123"), "secret-token-123") ==
          AuthResult::kOk);
    CHECK(auth_status(AuthResult::kDisabled) == 403);
    CHECK(auth_status(AuthResult::kWrong) == 401);
    CHECK(std::string(auth_error_text(AuthResult::kMissing)) == "Authorization required");
    CHECK(std::string(auth_error_text(AuthResult::kMalformed)) ==
          "Invalid authorization format. Use: Bearer <token>");
    CHECK(std::string(auth_error_text(AuthResult::kWrong)) == "Invalid authorization token");
    CHECK(tokens_equal("", ""));
    CHECK_FALSE(tokens_equal("a", "b"));
}

TEST_CASE("rate limiter: 10 failures a minute per address - then blocked until they age out") {
    RateLimiter rl(10, std::chrono::minutes(1));
    ManualClock clock(*parse_iso8601("2026-01-01T00:00:00Z"));
    for (int i = 0; i < 10; ++i) {
        CHECK_FALSE(rl.blocked("10.0.0.1", clock.now()));
        rl.record_failure("10.0.0.1", clock.now());
        clock.advance(std::chrono::seconds(1));
    }
    CHECK(rl.blocked("10.0.0.1", clock.now()));
    CHECK_FALSE(rl.blocked("10.0.0.2", clock.now()));
    CHECK(rl.retry_after_s("10.0.0.1", clock.now()) == 50);
    clock.advance(std::chrono::seconds(50));
    CHECK_FALSE(rl.blocked("10.0.0.1", clock.now()));
    RateLimiter small(1, std::chrono::minutes(1), 3);
    for (int i = 0; i < 10; ++i)
        small.record_failure("a" + std::to_string(i), clock.now());
    CHECK(small.tracked() <= 3);
}

TEST_CASE("multipart: fields - files - binary data - errors") {
    const std::string body =
        "--XyZ\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nhello; \"world\"\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a;b.png\"\r\n"
        "Content-Type: image/png\r\n\r\n\x89PNG\r\n--X\r\n\0end\r\n--XyZ--\r\n"s;
    const std::string full(body.data(), body.size());
    auto b = multipart_boundary("multipart/form-data; boundary=XyZ");
    REQUIRE(b);
    CHECK(*multipart_boundary("multipart/form-data; boundary=\"q q\"") == "q q");
    CHECK_FALSE(multipart_boundary("text/plain"));
    auto parts = parse_multipart(full, *b);
    REQUIRE(parts);
    REQUIRE(parts->size() == 2);
    CHECK((*parts)[0].name == "caption");
    CHECK((*parts)[0].data == "hello; \"world\"");
    CHECK_FALSE((*parts)[0].filename);
    CHECK((*parts)[1].filename == "a;b.png");
    CHECK((*parts)[1].content_type == "image/png");
    CHECK((*parts)[1].data == std::string_view("\x89PNG\r\n--X\r\n\0end", 15));
    std::string err;
    CHECK_FALSE(parse_multipart("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nno end",
                                "XyZ", &err));
    CHECK(err == "multipart body is truncated");
    CHECK_FALSE(parse_multipart("garbage", "XyZ"));
}

TEST_CASE("form fields: urlencoded - JSON - multipart") {
    auto u = parse_form_fields("application/x-www-form-urlencoded", "caption=a+b%21&target=sun");
    REQUIRE(u);
    CHECK((*u)["caption"] == "a b!");
    CHECK((*u)["target"] == "sun");
    CHECK_FALSE(parse_urlencoded("a=%zz"));
    CHECK_FALSE(parse_urlencoded("a=%4"));
    auto j = parse_form_fields("application/json", R"({"caption":"x","observer_lat":51.5})");
    REQUIRE(j);
    CHECK((*j)["observer_lat"] == "51.5");
    CHECK_FALSE(parse_form_fields("application/json", "[1]"));
    CHECK_FALSE(parse_form_fields("text/plain", "x"));
}

TEST_CASE("sidecar: eight fields - merge keeps the rest - checks") {
    const auto t = *parse_iso8601("2026-02-01T11:05:49.511Z");
    auto s = new_sidecar({{"caption", "c"}, {"target", "moon"}}, t);
    CHECK(s.size() == 8);
    CHECK(s["timestamp"] == "2026-02-01T11:05:49.511Z");
    CHECK(s["flight_id"] == "");
    auto m = merged_sidecar(s, {{"flight_id", "1234"}});
    CHECK(m["flight_id"] == "1234");
    CHECK(m["caption"] == "c");
    CHECK(m["timestamp"] == s["timestamp"]);
    CHECK(sidecar_time(m) == t);
    CHECK(sidecar_time(nlohmann::json{{"timestamp", "2026-02-01T11:05:49.511897"}}));
    CHECK_FALSE(check_fields({{"target", "sun"}, {"observer_lat", "51.4779"}}));
    CHECK(check_fields({{"target", "mars"}}));
    CHECK(check_fields({{"observer_lat", "91"}}));
    CHECK(check_fields({{"observer_lon", "abc"}}));
    CHECK(check_fields({{"caption", std::string(2000, 'x')}}));
}
