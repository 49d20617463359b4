// The tar writer and reader: round trips, long paths through pax, and interoperability with GNU
// tar in both directions (the archive is for people too: `tar tvf` must list a backup).
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <random>

#include "backup/tar.h"
#include "gallery/unique_fd.h"
#include "process.h"
#include "temp_dir.h"

using namespace zc;
using backup::TarError;
using backup::TarReader;
using backup::TarWriter;
using gallery::UniqueFd;

namespace {

std::string random_data(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s)
        c = static_cast<char>(rng() & 0xff);
    return s;
}

UniqueFd create(const std::filesystem::path& p) {
    UniqueFd fd(::open(p.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    REQUIRE(fd);
    return fd;
}

UniqueFd open_read(const std::filesystem::path& p) {
    UniqueFd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
    REQUIRE(fd);
    return fd;
}

bool have_gnu_tar() {
    return test::run("/usr/bin/tar", {"--version"}, {{"PATH", "/usr/bin:/bin"}}).exit_code == 0;
}

struct Member {
    std::string path;
    std::string data;
};

const std::vector<Member>& sample_members() {
    static const std::vector<Member> m = {
        {"state/gallery/2026/02/20260201_110549_BAW123.png", random_data(5000, 1)},
        {"state/gallery/2026/02/20260201_110549_BAW123.json", "{\"flight_id\": \"BAW123\"}\n"},
        {"state/empty", ""},
        {"state/exact", random_data(1024, 2)},  // a multiple of the block size
        // 100 < length <= 255: prefix/name split.
        {"state/gallery/2026/02/" + std::string(90, 'n') + ".png", random_data(700, 3)},
        // The final component alone is over 100 bytes: only pax can hold it.
        {"state/gallery/2026/02/" + std::string(190, 'p') + ".jpg", random_data(10, 4)},
    };
    return m;
}

void write_sample(const std::filesystem::path& p) {
    auto fd = create(p);
    TarWriter w(fd.get());
    for (const auto& m : sample_members())
        w.add_file(m.path, m.data, 0640, 1767225600);
    w.finish();
    CHECK(w.offset() % 512 == 0);
}

}  // namespace

TEST_CASE("tar: what is written is read back exactly") {
    test::TempDir dir;
    write_sample(dir / "a.tar");
    auto fd = open_read(dir / "a.tar");
    TarReader r(fd.get());
    for (const auto& m : sample_members()) {
        auto e = r.next();
        REQUIRE(e);
        CHECK(e->path == m.path);
        CHECK(e->type == '0');
        CHECK(e->size == m.data.size());
        CHECK(e->mode == 0640);
        CHECK(e->mtime == 1767225600);
        CHECK(r.read_all(1u << 20) == m.data);
    }
    CHECK_FALSE(r.next());
}

TEST_CASE("tar: unread content is skipped by next") {
    test::TempDir dir;
    write_sample(dir / "a.tar");
    auto fd = open_read(dir / "a.tar");
    TarReader r(fd.get());
    std::vector<std::string> paths;
    while (auto e = r.next())
        paths.push_back(e->path);
    REQUIRE(paths.size() == sample_members().size());
    CHECK(paths.back() == sample_members().back().path);
}

TEST_CASE("tar: rewind drops a member so that it can be written again") {
    test::TempDir dir;
    auto fd = create(dir / "r.tar");
    TarWriter w(fd.get());
    w.add_file("state/one", "first", 0644, 0);
    const auto mark = w.offset();
    w.add_file("state/torn", std::string(3000, 'x'), 0644, 0);
    w.rewind(mark);
    w.add_file("state/two", "second", 0644, 0);
    w.finish();
    CHECK_THROWS_AS(w.rewind(7), TarError);  // not a member boundary
    auto in = open_read(dir / "r.tar");
    TarReader r(in.get());
    REQUIRE(r.next()->path == "state/one");
    auto e = r.next();
    REQUIRE(e);
    CHECK(e->path == "state/two");
    CHECK(r.read_all(100) == "second");
    CHECK_FALSE(r.next());
}

TEST_CASE("tar: the writer holds the announced size") {
    test::TempDir dir;
    auto fd = create(dir / "s.tar");
    TarWriter w(fd.get());
    w.begin_file("state/x", 4, 0644, 0);
    w.write("ab", 2);
    CHECK_THROWS_AS(w.end_file(), TarError);
    CHECK_THROWS_AS(w.write("abc", 3), TarError);
    w.write("cd", 2);
    w.end_file();
    CHECK_THROWS_AS(w.begin_file("", 0, 0644, 0), TarError);
}

TEST_CASE("tar: corrupt and truncated archives are refused") {
    test::TempDir dir;
    write_sample(dir / "a.tar");
    const auto bytes = test::read_file(dir / "a.tar");

    SECTION("a flipped byte in a header") {
        auto bad = bytes;
        bad[10] = static_cast<char>(bad[10] ^ 0x20);
        test::write_file(dir / "b.tar", bad);
        auto fd = open_read(dir / "b.tar");
        TarReader r(fd.get());
        CHECK_THROWS_WITH(r.next(), Catch::Contains("checksum"));
    }
    SECTION("cut in the middle of a member") {
        test::write_file(dir / "b.tar", bytes.substr(0, 512 + 1000));
        auto fd = open_read(dir / "b.tar");
        TarReader r(fd.get());
        REQUIRE(r.next());
        CHECK_THROWS_WITH(r.read_all(1u << 20), Catch::Contains("truncated"));
    }
    SECTION("cut in the middle of a header") {
        test::write_file(dir / "b.tar", bytes.substr(0, 300));
        auto fd = open_read(dir / "b.tar");
        TarReader r(fd.get());
        CHECK_THROWS_WITH(r.next(), Catch::Contains("truncated"));
    }
    SECTION("not a tar file at all") {
        test::write_file(dir / "b.tar", std::string(1024, 'z'));
        auto fd = open_read(dir / "b.tar");
        TarReader r(fd.get());
        CHECK_THROWS_AS(r.next(), TarError);
    }
    SECTION("a member larger than the caller accepts") {
        auto fd = open_read(dir / "a.tar");
        TarReader r(fd.get());
        REQUIRE(r.next());
        CHECK_THROWS_AS(r.read_all(100), TarError);
    }
}

TEST_CASE("tar: pax records") {
    std::vector<std::pair<std::string, std::string>> got;
    backup::parse_pax("32 path=state/gallery/a/b/c.png\n11 size=42\n",
                      [&](std::string_view k, std::string_view v) {
                          got.emplace_back(std::string(k), std::string(v));
                      });
    REQUIRE(got.size() == 2);
    CHECK(got[0] == std::pair<std::string, std::string>{"path", "state/gallery/a/b/c.png"});
    CHECK(got[1] == std::pair<std::string, std::string>{"size", "42"});
    auto ignore = [](std::string_view, std::string_view) {};
    CHECK_THROWS_AS(backup::parse_pax("99 path=x\n", ignore), TarError);
    CHECK_THROWS_AS(backup::parse_pax("11 path=x\n", ignore), TarError);       // length off by one
    CHECK_THROWS_AS(backup::parse_pax("9 path=x\n9 path", ignore), TarError);  // cut short
    CHECK_THROWS_AS(backup::parse_pax("8 novalue\n", ignore), TarError);
    CHECK_THROWS_AS(backup::parse_pax("x path=y\n", ignore), TarError);
}

TEST_CASE("tar: GNU tar lists and extracts what we write") {
    if (!have_gnu_tar()) {
        WARN("GNU tar not installed; skipped");
        return;
    }
    test::TempDir dir;
    write_sample(dir / "a.tar");
    const test::Env env{{"PATH", "/usr/bin:/bin"}};
    auto list = test::run("/usr/bin/tar", {"-tf", (dir / "a.tar").string()}, env);
    INFO(list.err);
    REQUIRE(list.exit_code == 0);
    std::string expected;
    for (const auto& m : sample_members())
        expected += m.path + "\n";
    CHECK(list.out == expected);
    std::filesystem::create_directory(dir / "x");
    auto x = test::run("/usr/bin/tar",
                       {"-xf", (dir / "a.tar").string(), "-C", (dir / "x").string()}, env);
    INFO(x.err);
    REQUIRE(x.exit_code == 0);
    for (const auto& m : sample_members())
        CHECK(test::read_file(dir / "x" / m.path) == m.data);
}

TEST_CASE("tar: we read what GNU tar writes, and see its links for what they are") {
    if (!have_gnu_tar()) {
        WARN("GNU tar not installed; skipped");
        return;
    }
    test::TempDir dir;
    std::filesystem::create_directories(dir / "src/state/gallery/2026/01");
    const std::string long_name = std::string(150, 'L') + ".png";
    test::write_file(dir / "src/state/gallery/2026/01" / long_name, "image bytes");
    test::write_file(dir / "src/state/possible_transits.log", "a,b\n");
    std::filesystem::create_symlink("/etc/passwd", dir / "src/state/link");
    const test::Env env{{"PATH", "/usr/bin:/bin"}};
    for (const char* format : {"--format=pax", "--format=gnu", "--format=ustar"}) {
        INFO(format);
        auto r = test::run(
            "/usr/bin/tar",
            {format, "-cf", (dir / "g.tar").string(), "-C", (dir / "src").string(), "state"}, env);
        if (std::string(format) == "--format=ustar") {
            // ustar cannot hold a 154-byte file name; GNU tar says so and skips it.
            CHECK(r.exit_code != 0);
            continue;
        }
        REQUIRE(r.exit_code == 0);
        auto fd = open_read(dir / "g.tar");
        TarReader reader(fd.get());
        std::map<std::string, backup::TarEntry> seen;
        while (auto e = reader.next()) {
            if (e->type == '0')
                CHECK(reader.read_all(1u << 20).size() == e->size);
            seen[e->path] = *e;
        }
        if (std::string(format) == "--format=pax") {
            const auto img = "state/gallery/2026/01/" + long_name;
            REQUIRE(seen.count(img));
            CHECK(seen[img].size == 11);
            REQUIRE(seen.count("state/link"));
            CHECK(seen["state/link"].type == '2');
            CHECK(seen["state/link"].linkname == "/etc/passwd");
        } else {
            // GNU's own long-name records are reported by type for the caller to refuse.
            bool long_record = false;
            for (const auto& [path, e] : seen)
                long_record |= e.type == 'L';
            CHECK(long_record);
        }
    }
}
