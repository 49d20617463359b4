// Backups and restores against real directories: what goes in, what stays out, copies that are
// retried when a file changes under them, atomic output, and a restore that refuses anything
// that could write outside its directories or overwrite a different file.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "backup/backup.h"
#include "backup/sha256.h"
#include "backup/tar.h"
#include "gallery/unique_fd.h"
#include "process.h"
#include "temp_dir.h"

using namespace zc;
namespace fs = std::filesystem;
using backup::sha256_hex;
using nlohmann::json;

namespace {

const UtcTime kNow = *parse_iso8601("2026-02-01T11:05:49Z");

void put(const fs::path& p, const std::string& data, int mode = 0640) {
    fs::create_directories(p.parent_path());
    test::write_file(p, data, mode);
}

std::map<std::string, std::string> tree(const fs::path& root) {
    std::map<std::string, std::string> out;
    if (!fs::exists(root))
        return out;
    for (auto it = fs::recursive_directory_iterator(root); it != fs::end(it); ++it)
        if (it->is_regular_file() && !it->is_symlink())
            out[fs::relative(it->path(), root).string()] = test::read_file(it->path());
    return out;
}

struct Members {
    std::vector<std::string> order;
    std::map<std::string, std::string> data;
};

Members read_archive(const fs::path& p) {
    gallery::UniqueFd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
    REQUIRE(fd);
    backup::TarReader r(fd.get());
    Members m;
    while (auto e = r.next()) {
        m.order.push_back(e->path);
        m.data[e->path] = r.read_all(64u << 20);
    }
    return m;
}

// A state directory as the daemon leaves it, with the things a backup must leave out.
struct Site {
    test::TempDir dir;
    fs::path state = dir / "state", logs = dir / "log";

    Site() {
        put(state / "gallery/2026/01/20260131_235959_BAW1.png", "\x89PNG\r\n\x1a\nimage-one");
        put(state / "gallery/2026/01/20260131_235959_BAW1.json", "{\"flight_id\": \"BAW1\"}\n");
        put(state / "gallery/2026/02/20260201_110549_UNKNOWN.jpg", "\xff\xd8\xff jpeg bytes");
        put(state / "gallery/.spool/inflight", "upload in progress");
        put(state / "gallery/2026/02/.upload-123-0-1.tmp", "half written");
        fs::create_symlink("/etc/passwd", state / "gallery/2026/02/evil.png");
        // The live log ends in a line still being written; the rotated one is complete.
        put(state / "possible_transits.log", "t1,BAW1,high\nt2,EZY2,low\nt3,RYR");
        put(state / "possible_transits.log.1", "t0,OLD,low\n");
        put(state / "unrelated.txt", "not part of a backup");
        put(logs / "possible_transits.log.2", "t-1,OLDER,low\n");
        put(logs / "zipcatcherd.log", "daemon log, not backed up");
    }

    backup::BackupOptions options(const fs::path& dest) const {
        backup::BackupOptions o;
        o.state_dir = state;
        o.log_dir = logs;
        o.dest = dest;
        o.now = kNow;
        return o;
    }
};

}  // namespace

TEST_CASE("backup: the gallery and transit logs go in, nothing else, with a manifest") {
    Site s;
    const auto r = backup::create_backup(s.options(s.dir / "b.tar"));
    CHECK(r.path == s.dir / "b.tar");
    const auto m = read_archive(r.path);
    CHECK(m.order == std::vector<std::string>{
                         "state/gallery/2026/01/20260131_235959_BAW1.json",
                         "state/gallery/2026/01/20260131_235959_BAW1.png",
                         "state/gallery/2026/02/20260201_110549_UNKNOWN.jpg",
                         "state/possible_transits.log",
                         "state/possible_transits.log.1",
                         "logs/possible_transits.log.2",
                         "manifest.json",
                     });
    CHECK(r.files == 6);
    // The line being written is left out, not torn.
    CHECK(m.data.at("state/possible_transits.log") == "t1,BAW1,high\nt2,EZY2,low\n");
    CHECK(m.data.at("state/gallery/2026/01/20260131_235959_BAW1.png") ==
          test::read_file(s.state / "gallery/2026/01/20260131_235959_BAW1.png"));
    bool noted_symlink = false;
    for (const auto& n : r.notes)
        noted_symlink |= n.find("evil.png") != std::string::npos;
    CHECK(noted_symlink);

    const auto manifest = json::parse(m.data.at("manifest.json"));
    CHECK(manifest["format"] == "zipcatcher-backup");
    CHECK(manifest["version"] == 1);
    CHECK(manifest["created"] == "2026-02-01T11:05:49.000Z");
    REQUIRE(manifest["files"].size() == 6);
    std::uint64_t bytes = 0;
    for (const auto& f : manifest["files"]) {
        const auto path = f["path"].get<std::string>();
        INFO(path);
        CHECK(f["sha256"] == sha256_hex(m.data.at(path)));
        CHECK(f["size"] == m.data.at(path).size());
        bytes += f["size"].get<std::uint64_t>();
    }
    CHECK(r.bytes == bytes);
    // No temporary left beside it.
    for (const auto& e : fs::directory_iterator(s.dir.path()))
        CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("backup: round trip through restore into empty directories") {
    Site s;
    backup::create_backup(s.options(s.dir / "b.tar"));
    test::TempDir fresh;
    backup::RestoreOptions o;
    o.archive = s.dir / "b.tar";
    o.state_dir = fresh / "state";
    o.log_dir = fresh / "log";
    const auto r = backup::restore_backup(o);
    CHECK(r.ok());
    CHECK(r.restored.size() == 6);
    auto got = tree(fresh / "state");
    auto want = tree(s.state);
    want.erase("unrelated.txt");
    want.erase("gallery/.spool/inflight");
    want.erase("gallery/2026/02/.upload-123-0-1.tmp");
    want["possible_transits.log"] = "t1,BAW1,high\nt2,EZY2,low\n";
    CHECK(got == want);
    CHECK(tree(fresh / "log") ==
          std::map<std::string, std::string>{{"possible_transits.log.2", "t-1,OLDER,low\n"}});
    // Times come back too (the gallery's Last-Modified and ETag depend on them).
    struct stat a {
    }, b{};
    ::stat((s.state / "gallery/2026/01/20260131_235959_BAW1.png").c_str(), &a);
    ::stat((fresh / "state/gallery/2026/01/20260131_235959_BAW1.png").c_str(), &b);
    CHECK(a.st_mtim.tv_sec == b.st_mtim.tv_sec);
    CHECK((b.st_mode & 07) == 0);  // never readable by others

    // Restoring again changes nothing.
    const auto again = backup::restore_backup(o);
    CHECK(again.restored.empty());
    CHECK(again.unchanged.size() == 6);
}

TEST_CASE("backup: an existing destination needs --force; a directory gets a dated name") {
    Site s;
    test::write_file(s.dir / "b.tar", "old");
    CHECK_THROWS_WITH(backup::create_backup(s.options(s.dir / "b.tar")),
                      Catch::Contains("exists") && Catch::Contains("--force"));
    CHECK(test::read_file(s.dir / "b.tar") == "old");
    auto o = s.options(s.dir / "b.tar");
    o.force = true;
    backup::create_backup(o);
    CHECK(read_archive(s.dir / "b.tar").order.size() == 7);

    fs::create_directory(s.dir / "backups");
    const auto r = backup::create_backup(s.options(s.dir / "backups"));
    CHECK(r.path == s.dir / "backups/zipcatcher-backup-20260201T110549Z.tar");
    CHECK(fs::exists(r.path));
    CHECK_THROWS_WITH(backup::create_backup(s.options(s.state / "gallery/x.tar")),
                      Catch::Contains("inside the gallery"));
}

TEST_CASE("backup: a file changed during its copy is copied again") {
    Site s;
    auto o = s.options(s.dir / "b.tar");
    const fs::path img = s.state / "gallery/2026/02/20260201_110549_UNKNOWN.jpg";
    int changes = 0;
    o.after_copy = [&](const std::string& member) {
        if (member.ends_with("UNKNOWN.jpg") && changes++ == 0) {
            // Rewritten in place (something other than the daemon, which renames).
            std::ofstream(img, std::ios::app) << " and more";
        }
    };
    const auto r = backup::create_backup(o);
    CHECK(changes == 2);
    bool noted = false;
    for (const auto& n : r.notes)
        noted |= n.find("changed while it was copied") != std::string::npos;
    CHECK(noted);
    const auto m = read_archive(r.path);
    CHECK(m.data.at("state/gallery/2026/02/20260201_110549_UNKNOWN.jpg") ==
          std::string("\xff\xd8\xff jpeg bytes and more"));
    // The archive is still well-formed and consistent with its manifest.
    test::TempDir fresh;
    backup::RestoreOptions ro;
    ro.archive = r.path;
    ro.state_dir = fresh / "s";
    ro.log_dir = fresh / "l";
    CHECK(backup::restore_backup(ro).ok());
}

TEST_CASE("backup: appending to the live log during the copy is fine") {
    Site s;
    auto o = s.options(s.dir / "b.tar");
    o.after_copy = [&](const std::string& member) {
        if (member == "state/possible_transits.log")
            std::ofstream(s.state / "possible_transits.log", std::ios::app) << "X\nt4,NEW,low\n";
    };
    const auto r = backup::create_backup(o);
    for (const auto& n : r.notes)
        CHECK(n.find("possible_transits.log changed") == std::string::npos);
    CHECK(read_archive(r.path).data.at("state/possible_transits.log") ==
          "t1,BAW1,high\nt2,EZY2,low\n");
}

TEST_CASE("backup: a file that never holds still fails the backup and leaves nothing") {
    Site s;
    auto o = s.options(s.dir / "b.tar");
    o.max_attempts = 3;
    o.after_copy = [&](const std::string& member) {
        if (member.ends_with("BAW1.json"))
            std::ofstream(s.state / "gallery/2026/01/20260131_235959_BAW1.json", std::ios::app)
                << " ";
    };
    CHECK_THROWS_WITH(backup::create_backup(o), Catch::Contains("kept changing"));
    for (const auto& e : fs::directory_iterator(s.dir.path()))
        CHECK(e.path().filename() != "b.tar");
    for (const auto& e : fs::directory_iterator(s.dir.path()))
        CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("restore: a different file is a conflict; nothing is written without --force") {
    Site s;
    backup::create_backup(s.options(s.dir / "b.tar"));
    const fs::path img = s.state / "gallery/2026/01/20260131_235959_BAW1.png";
    test::write_file(img, "edited since the backup");
    fs::remove(s.state / "gallery/2026/02/20260201_110549_UNKNOWN.jpg");
    backup::RestoreOptions o;
    o.archive = s.dir / "b.tar";
    o.state_dir = s.state;
    o.log_dir = s.logs;

    auto r = backup::restore_backup(o);
    CHECK_FALSE(r.ok());
    CHECK(r.conflicts == std::vector<std::string>{"state/gallery/2026/01/20260131_235959_BAW1.png",
                                                  "state/possible_transits.log"});
    CHECK(test::read_file(img) == "edited since the backup");
    CHECK_FALSE(fs::exists(s.state / "gallery/2026/02/20260201_110549_UNKNOWN.jpg"));

    o.dry_run = true;
    o.force = true;
    r = backup::restore_backup(o);
    CHECK(r.restored ==
          std::vector<std::string>{"state/gallery/2026/02/20260201_110549_UNKNOWN.jpg"});
    CHECK(r.replaced.size() == 2);
    CHECK(test::read_file(img) == "edited since the backup");  // a dry run writes nothing

    o.dry_run = false;
    r = backup::restore_backup(o);
    CHECK(r.ok());
    CHECK(r.replaced.size() == 2);
    CHECK(test::read_file(img) == "\x89PNG\r\n\x1a\nimage-one");
    CHECK(fs::exists(s.state / "gallery/2026/02/20260201_110549_UNKNOWN.jpg"));
    // Nothing hidden was left behind by the temporaries.
    for (const auto& [path, data] : tree(s.state))
        CHECK(path.find(".restore-") == std::string::npos);
}

TEST_CASE("restore: as root, files get the owner of the destination directory") {
    if (::geteuid() != 0) {
        WARN("not root; skipped");
        return;
    }
    Site s;
    backup::create_backup(s.options(s.dir / "b.tar"));
    test::TempDir fresh;
    fs::create_directories(fresh / "state");
    REQUIRE(::chown((fresh / "state").c_str(), 4321, 4322) == 0);
    backup::RestoreOptions o;
    o.archive = s.dir / "b.tar";
    o.state_dir = fresh / "state";
    o.log_dir = fresh / "log";
    REQUIRE(backup::restore_backup(o).ok());
    for (const char* p :
         {"state/gallery", "state/gallery/2026/01",
          "state/gallery/2026/01/20260131_235959_BAW1.png", "state/possible_transits.log"}) {
        struct stat st {};
        REQUIRE(::lstat((fresh / p).c_str(), &st) == 0);
        INFO(p);
        CHECK(st.st_uid == 4321u);
        CHECK(st.st_gid == 4322u);
    }
}

// ---- hostile archives

namespace {

// One header block with any type and link name, as a hostile archive would have it.
std::string raw_header(const std::string& name, char type, const std::string& link,
                       std::size_t size) {
    std::string b(512, '\0');
    std::memcpy(&b[0], name.data(), std::min<std::size_t>(name.size(), 100));
    std::memcpy(&b[100], "0000644", 7);
    std::memcpy(&b[108], "0000000", 7);
    std::memcpy(&b[116], "0000000", 7);
    const auto sz = fmt::format("{:011o}", size);
    std::memcpy(&b[124], sz.data(), 11);
    std::memcpy(&b[136], "00000000000", 11);
    b[156] = type;
    std::memcpy(&b[157], link.data(), std::min<std::size_t>(link.size(), 100));
    std::memcpy(&b[257], "ustar", 6);
    std::memcpy(&b[263], "00", 2);
    unsigned sum = 0;
    for (std::size_t i = 0; i < 512; ++i)
        sum += i >= 148 && i < 156 ? ' ' : static_cast<unsigned char>(b[i]);
    const auto cs = fmt::format("{:06o}", sum);
    std::memcpy(&b[148], cs.data(), 6);
    b[155] = ' ';
    return b;
}

std::string pad(std::string s) {
    s.resize((s.size() + 511) / 512 * 512, '\0');
    return s;
}

struct Hostile {
    std::string bytes;
    json files = json::array();
    bool with_manifest = true;

    void file(const std::string& path, const std::string& data, bool listed = true) {
        bytes += raw_header(path, '0', "", data.size()) + pad(data);
        if (listed)
            files.push_back({{"path", path}, {"size", data.size()}, {"sha256", sha256_hex(data)}});
    }
    void special(const std::string& path, char type, const std::string& link = "") {
        bytes += raw_header(path, type, link, 0);
    }
    std::string archive() const {
        std::string out = bytes;
        if (with_manifest) {
            const std::string m =
                json{{"format", "zipcatcher-backup"}, {"version", 1}, {"files", files}}.dump();
            out += raw_header("manifest.json", '0', "", m.size()) + pad(m);
        }
        return out + std::string(1024, '\0');
    }
};

}  // namespace

TEST_CASE("restore: hostile archives are refused before anything is written") {
    struct Case {
        const char* what;
        std::function<void(Hostile&)> build;
    };
    const std::vector<Case> cases = {
        {"absolute path", [](Hostile& h) { h.file("/tmp/zc-evil", "x"); }},
        {"dot-dot", [](Hostile& h) { h.file("state/../evil", "x"); }},
        {"dot-dot deep", [](Hostile& h) { h.file("state/gallery/2026/../../../evil", "x"); }},
        {"dot-dot in logs", [](Hostile& h) { h.file("logs/../../evil", "x"); }},
        {"outside the layout", [](Hostile& h) { h.file("etc/cron.d/evil", "x"); }},
        {"a state file that is no log", [](Hostile& h) { h.file("state/zipcatcher.conf", "x"); }},
        {"hidden", [](Hostile& h) { h.file("state/gallery/2026/01/.bashrc", "x"); }},
        {"empty component", [](Hostile& h) { h.file("state//gallery/2026/01/a.png", "x"); }},
        {"backslash", [](Hostile& h) { h.file("state/gallery/2026/01/..\\..\\a.png", "x"); }},
        {"symlink",
         [](Hostile& h) { h.special("state/gallery/2026/01/a.png", '2', "/etc/passwd"); }},
        {"hard link",
         [](Hostile& h) { h.special("state/gallery/2026/01/a.png", '1', "/etc/shadow"); }},
        {"device", [](Hostile& h) { h.special("state/gallery/2026/01/a.png", '3'); }},
        {"fifo", [](Hostile& h) { h.special("state/gallery/2026/01/a.png", '6'); }},
        {"gnu long name", [](Hostile& h) { h.special("././@LongLink", 'L'); }},
        {"directory outside", [](Hostile& h) { h.special("etc/", '5'); }},
        {"unlisted member",
         [](Hostile& h) {
             h.file("state/gallery/2026/01/a.png", "good");
             h.file("state/gallery/2026/01/b.png", "sneaked in", false);
         }},
        {"sha256 mismatch",
         [](Hostile& h) {
             h.file("state/gallery/2026/01/a.png", "good");
             h.files.back()["sha256"] = sha256_hex("something else");
         }},
        {"size mismatch",
         [](Hostile& h) {
             h.file("state/gallery/2026/01/a.png", "good");
             h.files.back()["size"] = 5;
         }},
        {"listed but missing",
         [](Hostile& h) {
             h.file("state/gallery/2026/01/a.png", "good");
             h.files.push_back({{"path", "state/gallery/2026/01/c.png"},
                                {"size", 1},
                                {"sha256", sha256_hex("c")}});
         }},
        {"duplicate member",
         [](Hostile& h) {
             h.file("state/gallery/2026/01/a.png", "one");
             h.file("state/gallery/2026/01/a.png", "two", false);
         }},
        {"no manifest",
         [](Hostile& h) {
             h.file("state/gallery/2026/01/a.png", "good");
             h.with_manifest = false;
         }},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        test::TempDir dir;
        Hostile h;
        // A good member first: it must not be written either.
        h.file("state/gallery/2026/01/first.png", "first");
        c.build(h);
        test::write_file(dir / "h.tar", h.archive());
        backup::RestoreOptions o;
        o.archive = dir / "h.tar";
        o.state_dir = dir / "state";
        o.log_dir = dir / "log";
        o.force = true;
        CHECK_THROWS_WITH(backup::restore_backup(o), Catch::Contains("refused"));
        CHECK_FALSE(fs::exists(dir / "state"));
        CHECK_FALSE(fs::exists(dir / "log"));
        CHECK_FALSE(fs::exists(dir / "evil"));
        CHECK_FALSE(fs::exists("/tmp/zc-evil"));
    }
}

TEST_CASE("restore: a symlink planted in the destination is never followed") {
    Site s;
    backup::create_backup(s.options(s.dir / "b.tar"));
    test::TempDir fresh, outside;
    fs::create_directories(fresh / "state/gallery");
    fs::create_directory_symlink(outside.path(), fresh / "state/gallery/2026");
    backup::RestoreOptions o;
    o.archive = s.dir / "b.tar";
    o.state_dir = fresh / "state";
    o.log_dir = fresh / "log";
    o.force = true;
    CHECK_THROWS_WITH(backup::restore_backup(o), Catch::Contains("not a directory"));
    CHECK(fs::is_empty(outside.path()));
}

TEST_CASE("restore: an archive of logs/ needs a log directory") {
    Site s;
    backup::create_backup(s.options(s.dir / "b.tar"));
    test::TempDir fresh;
    backup::RestoreOptions o;
    o.archive = s.dir / "b.tar";
    o.state_dir = fresh / "state";
    CHECK_THROWS_WITH(backup::restore_backup(o), Catch::Contains("log directory"));
}

TEST_CASE("backup: member paths are whitelisted the same way on both sides") {
    for (const char* ok :
         {"state/gallery/2026/02/a.png", "state/gallery/x.json", "state/possible_transits.log",
          "state/possible_transits.log.1", "logs/possible_transits.log.2026-02-01"})
        CHECK(backup::valid_member_path(ok));
    for (const char* bad :
         {"", "/state/gallery/a.png", "state/gallery", "state/gallery/", "state/../x",
          "state/gallery/.spool/x", "state/other.log", "logs/zipcatcherd.log", "logs/gallery/a.png",
          "state/gallery/a b.png", "state/gallery/\xc3\xa9.png",
          "state/possible_transits.log/../../x", "state/gallery/1/2/3/4/5/6/7/a.png"})
        CHECK_FALSE(backup::valid_member_path(bad));
}
