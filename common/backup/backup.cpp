// create_backup(): walk, copy each file as one consistent snapshot, manifest, atomic rename.
#include "backup/backup.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdio.h>  // renameat2
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "backup/members.h"
#include "backup/sha256.h"
#include "backup/tar.h"
#include "gallery/fs_util.h"

namespace fs = std::filesystem;

namespace zc::backup {

namespace {

using gallery::UniqueFd;

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(fmt::format("{}: {}", what, std::strerror(errno)));
}

struct Source {
    std::string member;        // path in the archive
    fs::path dir;              // directory holding the file
    std::string name;          // file name in dir
    bool append_only = false;  // the live transit log
};

bool same_file(const struct stat& a, const struct stat& b) {
    return a.st_size == b.st_size && a.st_mtim.tv_sec == b.st_mtim.tv_sec &&
           a.st_mtim.tv_nsec == b.st_mtim.tv_nsec && a.st_ctim.tv_sec == b.st_ctim.tv_sec &&
           a.st_ctim.tv_nsec == b.st_ctim.tv_nsec && a.st_ino == b.st_ino;
}

// Gallery files below `dir` (relative path `rel`), depth-first; hidden entries (.spool,
// temporaries) are the daemon's own business and are left out silently.
void walk_gallery(int dir, const fs::path& path, const std::string& member, int depth,
                  std::vector<Source>& out, std::vector<std::string>& notes) {
    std::vector<std::pair<std::string, bool>> entries;  // name, is_dir
    gallery::for_each_entry(dir, [&](const std::string& name, bool is_dir, bool is_reg) {
        if (name.front() == '.')
            return;
        if (!valid_component(name)) {
            notes.push_back(
                fmt::format("skipped {}: a name a restore would refuse", (path / name).string()));
            return;
        }
        if (!is_dir && !is_reg) {
            notes.push_back(fmt::format("skipped {}: not a regular file or directory (symlink?)",
                                        (path / name).string()));
            return;
        }
        entries.emplace_back(name, is_dir);
    });
    std::sort(entries.begin(), entries.end());
    for (const auto& [name, is_dir] : entries) {
        const std::string m = member + "/" + name;
        if (!is_dir) {
            if (valid_member_path(m))
                out.push_back({m, path, name, false});
            else
                notes.push_back(fmt::format("skipped {}: too deep", (path / name).string()));
            continue;
        }
        if (depth >= 6) {
            notes.push_back(fmt::format("skipped {}: too deep", (path / name).string()));
            continue;
        }
        UniqueFd sub = gallery::open_dir(dir, name, false);
        if (!sub && errno == ENOENT)
            continue;  // removed since it was listed
        if (!sub)
            fail("opening " + (path / name).string());
        walk_gallery(sub.get(), path / name, m, depth + 1, out, notes);
    }
}

void transit_logs(const fs::path& dir, const std::string& prefix, std::vector<Source>& out) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd && errno == ENOENT)
        return;
    if (!fd)
        fail("opening " + dir.string());
    std::vector<std::string> names;
    gallery::for_each_entry(fd.get(), [&](const std::string& name, bool, bool is_reg) {
        if (is_reg && is_transit_log_name(name))
            names.push_back(name);
    });
    std::sort(names.begin(), names.end());
    for (const auto& n : names)
        out.push_back({prefix + "/" + n, dir, n, n == kTransitLog});
}

// Length of the prefix of the first `size` bytes that ends with a newline (0 if none).
std::uint64_t complete_lines(int fd, std::uint64_t size) {
    char buf[65536];
    std::uint64_t end = size;
    while (end > 0) {
        const std::uint64_t start = end > sizeof buf ? end - sizeof buf : 0;
        const auto want = static_cast<std::size_t>(end - start);
        const ssize_t n = ::pread(fd, buf, want, static_cast<off_t>(start));
        if (n < 0 && errno == EINTR)
            continue;
        if (n != static_cast<ssize_t>(want))
            return 0;  // shrank under us: the caller's check copies it again
        for (std::size_t i = want; i > 0; --i)
            if (buf[i - 1] == '\n')
                return start + i;
        end = start;
    }
    return 0;
}

class Archiver {
  public:
    Archiver(int fd, const BackupOptions& o, BackupResult& r) : w_(fd), o_(o), r_(r) {}

    void add(const Source& s) {
        UniqueFd dir(::open(s.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!dir)
            fail("opening " + s.dir.string());
        const std::string shown = (s.dir / s.name).string();
        for (int attempt = 1; attempt <= o_.max_attempts; ++attempt) {
            struct stat before {};
            UniqueFd fd = gallery::open_regular(dir.get(), s.name, &before);
            if (!fd && errno != ENOENT)
                fail("opening " + shown);  // unreadable: a backup must not quietly miss it
            if (!fd) {
                r_.notes.push_back(fmt::format("skipped {}: it vanished during the backup", shown));
                return;
            }
            const std::uint64_t start = w_.offset();
            auto size = static_cast<std::uint64_t>(before.st_size);
            if (s.append_only)
                size = complete_lines(fd.get(), size);
            const auto copied = copy(fd.get(), s, size, before);
            if (o_.after_copy)
                o_.after_copy(s.member);
            struct stat after {};
            if (::fstat(fd.get(), &after) != 0)
                fail("stat " + shown);
            // A log only ever grows: the prefix copied stays valid however much was appended.
            const bool stable = s.append_only ? static_cast<std::uint64_t>(after.st_size) >= size
                                              : same_file(before, after);
            if (copied && stable) {
                r_.files++;
                r_.bytes += size;
                files_.push_back({{"path", s.member},
                                  {"size", size},
                                  {"sha256", *copied},
                                  {"mode", fmt::format("{:04o}", before.st_mode & 07777)},
                                  {"mtime", static_cast<std::int64_t>(before.st_mtim.tv_sec)}});
                return;
            }
            w_.rewind(start);
            r_.notes.push_back(
                fmt::format("{} changed while it was copied; copying it again "
                            "(attempt {})",
                            shown, attempt + 1));
        }
        throw std::runtime_error(fmt::format(
            "{} kept changing during {} attempts; no consistent copy", shown, o_.max_attempts));
    }

    void finish(UtcTime now) {
        const nlohmann::json manifest = {{"format", kFormat},
                                         {"version", kFormatVersion},
                                         {"created", format_iso8601(now)},
                                         {"zipcatcher", ZC_VERSION},
                                         {"files", files_}};
        const auto unix_now =
            std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
        w_.add_file(std::string(kManifestName), manifest.dump(2) + "\n", 0644, unix_now);
        w_.finish();
    }

  private:
    // The sha256 of the `size` bytes copied, or nullopt when the file came up short.
    std::optional<std::string> copy(int fd, const Source& s, std::uint64_t size,
                                    const struct stat& st) {
        w_.begin_file(s.member, size, static_cast<unsigned>(st.st_mode) & 07777u,
                      static_cast<std::int64_t>(st.st_mtim.tv_sec));
        Sha256 h;
        std::vector<char> buf(256 * 1024);
        std::uint64_t done = 0;
        while (done < size) {
            const auto want =
                static_cast<std::size_t>(std::min<std::uint64_t>(size - done, buf.size()));
            const ssize_t n = ::pread(fd, buf.data(), want, static_cast<off_t>(done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                fail("reading " + (s.dir / s.name).string());
            if (n == 0) {
                // Truncated under us: keep the archive well-formed, then the caller rewinds.
                std::fill(buf.begin(), buf.end(), '\0');
                while (done < size) {
                    const auto pad =
                        static_cast<std::size_t>(std::min<std::uint64_t>(size - done, buf.size()));
                    w_.write(buf.data(), pad);
                    done += pad;
                }
                w_.end_file();
                return std::nullopt;
            }
            h.update(buf.data(), static_cast<std::size_t>(n));
            w_.write(buf.data(), static_cast<std::size_t>(n));
            done += static_cast<std::uint64_t>(n);
        }
        w_.end_file();
        return h.hex();
    }

    TarWriter w_;
    const BackupOptions& o_;
    BackupResult& r_;
    nlohmann::json files_ = nlohmann::json::array();
};

std::string default_name(UtcTime now) {
    // 2026-02-01T11:05:49.511Z -> 20260201T110549Z
    std::string iso = format_iso8601(now).substr(0, 19);
    std::string out;
    for (char c : iso)
        if (c != '-' && c != ':')
            out += c;
    return "zipcatcher-backup-" + out + "Z.tar";
}

bool inside(const fs::path& p, const fs::path& dir) {
    std::error_code ec;
    const auto a = fs::weakly_canonical(p, ec);
    const auto b = fs::weakly_canonical(dir, ec);
    if (ec)
        return false;
    auto ai = a.begin();
    for (auto bi = b.begin(); bi != b.end(); ++bi, ++ai)
        if (ai == a.end() || *ai != *bi)
            return false;
    return true;
}

}  // namespace

BackupResult create_backup(const BackupOptions& o) {
    BackupResult r;
    fs::path dest = o.dest;
    std::error_code ec;
    if (fs::is_directory(dest, ec))
        dest /= default_name(o.now);
    if (fs::exists(fs::symlink_status(dest, ec)) && !o.force)
        throw std::runtime_error(dest.string() + " exists; pass --force to replace it");
    const fs::path gallery_dir = o.state_dir / "gallery";
    if (inside(dest, gallery_dir))
        throw std::runtime_error(dest.string() +
                                 " is inside the gallery being backed up; write it elsewhere");

    std::vector<Source> sources;
    // The gallery directory itself may be a symlink (to a bigger disk); nothing below it is
    // ever followed.
    if (UniqueFd g(::open(gallery_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); g)
        walk_gallery(g.get(), gallery_dir, "state/gallery", 0, sources, r.notes);
    else if (errno != ENOENT)
        fail("opening " + gallery_dir.string());
    transit_logs(o.state_dir, "state", sources);
    if (!o.log_dir.empty() && fs::exists(o.log_dir, ec) &&
        !fs::equivalent(o.log_dir, o.state_dir, ec))
        transit_logs(o.log_dir, "logs", sources);

    const fs::path parent = dest.has_parent_path() ? dest.parent_path() : fs::path(".");
    std::string tmpl = (parent / ("." + dest.filename().string() + ".tmp-XXXXXX")).string();
    UniqueFd out(::mkostemp(tmpl.data(), O_CLOEXEC));
    if (!out)
        fail("creating a temporary in " + parent.string());
    r.path = dest;
    try {
        Archiver a(out.get(), o, r);
        for (const auto& s : sources)
            a.add(s);
        a.finish(o.now);
        if (::fsync(out.get()) != 0)
            fail("writing " + tmpl);
        out.reset();
        if (::renameat2(AT_FDCWD, tmpl.c_str(), AT_FDCWD, dest.c_str(),
                        o.force ? 0 : RENAME_NOREPLACE) != 0)
            fail("renaming the archive to " + dest.string());
    } catch (const TarError& e) {
        ::unlink(tmpl.c_str());
        throw std::runtime_error(fmt::format("writing {}: {}", dest.string(), e.what()));
    } catch (...) {
        ::unlink(tmpl.c_str());
        throw;
    }
    // The rename must survive a power cut too.
    if (UniqueFd d(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); d)
        ::fsync(d.get());
    return r;
}

}  // namespace zc::backup
