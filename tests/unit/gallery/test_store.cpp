// The on-disk store against a real directory: layout, collisions, atomicity and symlinks.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "gallery/fs_util.h"
#include "gallery/store.h"
#include "process.h"
#include "temp_dir.h"

using namespace zc;
using namespace zc::gallery;
namespace fs = std::filesystem;

namespace {

const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + "pixels";
const UtcTime kT = *parse_iso8601("2026-02-01T11:05:49.511Z");

std::size_t count_files(const fs::path& dir) {
    std::size_t n = 0;
    for (auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file())
            ++n;
    return n;
}

}  // namespace

TEST_CASE("store: add files under YYYY/MM (UTC) with a sidecar - list shows it") {
    test::TempDir dir;
    Store store(dir / "gallery");
    auto r = store.add("photo.PNG", kPng, {{"flight_id", "BAW1"}, {"caption", "hi"}}, kT);
    REQUIRE(r.ok());
    CHECK(r.data["filename"] == "20260201_110549_BAW1.png");
    CHECK(r.data["path"] == "gallery/2026/02/20260201_110549_BAW1.png");
    CHECK(test::read_file(dir / "gallery/2026/02/20260201_110549_BAW1.png") == kPng);
    auto side =
        nlohmann::json::parse(test::read_file(dir / "gallery/2026/02/20260201_110549_BAW1.json"));
    CHECK(side.size() == 8);
    CHECK(side["caption"] == "hi");
    CHECK(side["timestamp"] == "2026-02-01T11:05:49.511Z");
    auto list = nlohmann::json::parse(store.list_json());
    REQUIRE(list.size() == 1);
    CHECK(list[0]["path"] == "gallery/2026/02/20260201_110549_BAW1.png");
    CHECK(list[0]["full_path"] == "static/gallery/2026/02/20260201_110549_BAW1.png");
    CHECK(list[0]["filename"] == "20260201_110549_BAW1.png");
    CHECK(list[0]["metadata"]["caption"] == "hi");
}

TEST_CASE("store: a name collision gets a suffix - never an overwrite") {
    test::TempDir dir;
    Store store(dir / "gallery");
    REQUIRE(store.add("a.png", kPng, {{"flight_id", "X"}}, kT).ok());
    auto second = store.add("b.png", kPng + "2", {{"flight_id", "X"}}, kT);
    REQUIRE(second.ok());
    CHECK(second.data["filename"] == "20260201_110549_X_1.png");
    // Another extension with the same stem would share the sidecar: it gets a suffix too.
    const std::string jpg = "\xff\xd8\xff\xe0jpeg";
    auto third = store.add("c.jpg", jpg, {{"flight_id", "X"}}, kT);
    CHECK(third.data["filename"] == "20260201_110549_X_2.jpg");
    CHECK(test::read_file(dir / "gallery/2026/02/20260201_110549_X.png") == kPng);
    CHECK(store.list().size() == 3);
}

TEST_CASE("store: type by extension and magic - size limit") {
    test::TempDir dir;
    Store store(dir / "gallery", 100);
    CHECK(store.add("evil.png", "<?php system($_GET['c']); ?>", {}, kT).status == 400);
    CHECK(store.add("x.svg", kPng, {}, kT).status == 400);
    CHECK(store.add("noext", kPng, {}, kT).status == 400);
    CHECK(store.add("gif.gif", kPng, {}, kT).status == 400);
    CHECK(store.add("big.png", kPng + std::string(200, 'x'), {}, kT).status == 413);
    CHECK(store.add("ok.png", kPng, {{"target", "mars"}}, kT).status == 400);
    CHECK(store.list().empty());
}

TEST_CASE("store: update merges and 404s without an image and delete 404s when missing") {
    test::TempDir dir;
    Store store(dir / "gallery");
    auto r = store.add("a.png", kPng, {{"caption", "old"}, {"target", "sun"}}, kT);
    const auto path = *parse_client_path(r.data["path"].get<std::string>());
    auto u = store.update(path, {{"caption", "new"}});
    REQUIRE(u.ok());
    CHECK(u.data["metadata"]["caption"] == "new");
    CHECK(u.data["metadata"]["target"] == "sun");
    CHECK(u.data["metadata"]["timestamp"] == "2026-02-01T11:05:49.511Z");
    const auto missing = *parse_client_path("gallery/2026/02/nothere.png");
    CHECK(store.update(missing, {{"caption", "x"}}).status == 404);
    CHECK_FALSE(fs::exists(dir / "gallery/2026/02/nothere.json"));
    CHECK(store.remove(missing).status == 404);
    CHECK(store.remove(path).ok());
    CHECK(store.remove(path).status == 404);
    CHECK(count_files(dir / "gallery") == 0);
}

TEST_CASE("store: symlinks anywhere below the root are not followed") {
    test::TempDir dir;
    fs::create_directories(dir / "outside/2026/02");
    test::write_file(dir / "outside/2026/02/secret.png", kPng, 0644);
    test::write_file(dir / "outside/2026/02/secret.json", "{\"caption\":\"outside\"}", 0644);
    Store store(dir / "gallery");
    // A year directory that is a symlink out of the root.
    fs::create_directory_symlink(dir / "outside/2026", dir / "gallery/2026");
    const auto p = *parse_client_path("gallery/2026/02/secret.png");
    struct stat st {};
    CHECK_FALSE(store.open_image(p, &st));
    CHECK(store.remove(p).status == 404);
    CHECK(store.update(p, {{"caption", "pwned"}}).status == 404);
    CHECK(store.list().empty());
    // add() must not write through it either.
    auto r = store.add("a.png", kPng, {}, kT);
    CHECK(r.status == 500);
    fs::remove(dir / "gallery/2026");
    // A month directory symlink, and a file symlink.
    fs::create_directories(dir / "gallery/2026");
    fs::create_directory_symlink(dir / "outside/2026/02", dir / "gallery/2026/02");
    CHECK_FALSE(store.open_image(p, &st));
    fs::remove(dir / "gallery/2026/02");
    fs::create_directories(dir / "gallery/2026/02");
    fs::create_symlink(dir / "outside/2026/02/secret.png", dir / "gallery/2026/02/secret.png");
    CHECK_FALSE(store.open_image(p, &st));
    CHECK(store.remove(p).status == 404);
    CHECK(store.update(p, {{"caption", "pwned"}}).status == 404);
    store.invalidate();
    CHECK(store.list().empty());
    CHECK(test::read_file(dir / "outside/2026/02/secret.json") == "{\"caption\":\"outside\"}");
    CHECK(fs::exists(dir / "outside/2026/02/secret.png"));
}

TEST_CASE("store: sweep removes leftover temporaries and spool files are anonymous") {
    test::TempDir dir;
    Store store(dir / "gallery");
    fs::create_directories(dir / "gallery/2026/02");
    test::write_file(dir / "gallery/2026/02/.upload-1-2-3.tmp", "partial", 0644);
    store.sweep();
    CHECK_FALSE(fs::exists(dir / "gallery/2026/02/.upload-1-2-3.tmp"));
    auto fd = store.create_spool();
    REQUIRE(fd);
    CHECK(::write(fd.get(), "abc", 3) == 3);
    CHECK(count_files(dir / "gallery") == 0);
}

TEST_CASE("write_atomic with no_replace refuses an existing name") {
    test::TempDir dir;
    UniqueFd d(::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY));
    REQUIRE(write_atomic(d.get(), "f", "one", true));
    CHECK_FALSE(write_atomic(d.get(), "f", "two", true));
    CHECK(errno == EEXIST);
    CHECK(test::read_file(dir / "f") == "one");
    CHECK(write_atomic(d.get(), "f", "three", false));
    CHECK(test::read_file(dir / "f") == "three");
    CHECK(count_files(dir.path()) == 1);
}
