// restore_backup(): verify everything first, then plan, then write file by file.
#include <fcntl.h>
#include <fmt/format.h>
#include <stdio.h>  // renameat2
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>

#include "backup/backup.h"
#include "backup/members.h"
#include "backup/sha256.h"
#include "backup/tar.h"
#include "gallery/unique_fd.h"

namespace fs = std::filesystem;

namespace zc::backup {

namespace {

using gallery::UniqueFd;

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(fmt::format("{}: {}", what, std::strerror(errno)));
}

[[noreturn]] void refuse(const std::string& archive, const std::string& why) {
    throw std::runtime_error(fmt::format("{}: refused, nothing restored: {}", archive, why));
}

struct Record {
    std::string path;
    std::uint64_t size = 0;
    std::string sha256;
    unsigned mode = 0644;
    std::int64_t mtime = 0;
};

bool is_hex64(const std::string& s) {
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Pass 1: every member checked against the manifest; returns the files in archive order.
std::vector<Record> verify(int fd, const std::string& name) {
    TarReader reader(fd);
    std::vector<Record> members;
    std::map<std::string, std::size_t> index;
    std::optional<nlohmann::json> manifest;
    try {
        while (auto e = reader.next()) {
            if (e->path == kManifestName) {
                if (e->type != '0' || manifest)
                    refuse(name, "more than one manifest.json, or not a regular file");
                manifest = nlohmann::json::parse(reader.read_all(16u << 20), nullptr, false);
                if (manifest->is_discarded())
                    refuse(name, "manifest.json is not valid JSON");
                continue;
            }
            if (e->type == '5') {
                std::string dir = e->path;
                while (!dir.empty() && dir.back() == '/')
                    dir.pop_back();
                if (dir != "state" && dir != "logs" && dir != "state/gallery" &&
                    !(dir.starts_with("state/gallery/") && valid_member_path(dir)))
                    refuse(name, fmt::format("directory member \"{}\" is outside state/gallery",
                                             e->path));
                continue;  // directories are created as needed
            }
            if (e->type != '0')
                refuse(name, fmt::format("member \"{}\" is {}", e->path, describe_type(e->type)));
            if (!valid_member_path(e->path))
                refuse(name, fmt::format("member \"{}\": path not allowed (absolute, \"..\", "
                                         "hidden, or outside state/gallery and the transit logs)",
                                         e->path));
            if (index.count(e->path))
                refuse(name, fmt::format("member \"{}\" appears twice", e->path));
            Sha256 h;
            reader.read([&](const char* d, std::size_t n) { h.update(d, n); });
            index[e->path] = members.size();
            members.push_back({e->path, e->size, h.hex(), e->mode, e->mtime});
        }
    } catch (const TarError& e) {
        refuse(name, e.what());
    }
    if (!manifest)
        refuse(name, "no manifest.json: not a zipcatcher backup");
    const auto& m = *manifest;
    if (!m.is_object() || m.value("format", "") != kFormat || !m.contains("version") ||
        !m["version"].is_number_integer() || !m.contains("files") || !m["files"].is_array())
        refuse(name, "manifest.json is not a zipcatcher backup manifest");
    if (m["version"].get<int>() != kFormatVersion)
        refuse(name, fmt::format("backup format version {} (this zipcatcher reads {})",
                                 m["version"].get<int>(), kFormatVersion));
    std::set<std::string> listed;
    for (const auto& f : m["files"]) {
        if (!f.is_object() || !f.contains("path") || !f["path"].is_string() ||
            !f.contains("size") || !f["size"].is_number_unsigned() || !f.contains("sha256") ||
            !f["sha256"].is_string())
            refuse(name, "manifest.json has a malformed file entry");
        const auto path = f["path"].get<std::string>();
        const auto sha = f["sha256"].get<std::string>();
        if (!listed.insert(path).second)
            refuse(name, fmt::format("manifest lists \"{}\" twice", path));
        const auto it = index.find(path);
        if (it == index.end())
            refuse(name, fmt::format("\"{}\" is in the manifest but not in the archive", path));
        const auto& rec = members[it->second];
        if (!is_hex64(sha) || rec.size != f["size"].get<std::uint64_t>() || rec.sha256 != sha)
            refuse(name, fmt::format("\"{}\" does not match its manifest entry (size or sha256): "
                                     "the archive is corrupt",
                                     path));
    }
    for (const auto& rec : members)
        if (!listed.count(rec.path))
            refuse(name, fmt::format("member \"{}\" is not listed in the manifest", rec.path));
    return members;
}

struct Owner {
    uid_t uid;
    gid_t gid;
};

class Destination {
  public:
    Destination(fs::path state, fs::path logs) : state_(std::move(state)), logs_(std::move(logs)) {}

    // Root directory and the components below it of a member.
    std::pair<fs::path, std::vector<std::string>> locate(const std::string& member) const {
        auto parts = split_path(member);
        const fs::path root = parts[0] == "state" ? state_ : logs_;
        if (root.empty())
            throw std::runtime_error(
                fmt::format("\"{}\" belongs in the log directory, and none is configured", member));
        parts.erase(parts.begin());
        return {root, parts};
    }

    // The directory holding the member's file; invalid when (create = false) it does not exist.
    // Never follows a symlink below the root: such a component is an error.
    UniqueFd parent(const std::string& member, bool create, std::string& file) const {
        auto [root, parts] = locate(member);
        file = parts.back();
        parts.pop_back();
        std::error_code ec;
        if (create && !fs::exists(root, ec)) {
            fs::create_directories(root, ec);
            if (ec)
                throw std::runtime_error(
                    fmt::format("creating {}: {}", root.string(), ec.message()));
        }
        UniqueFd dir(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!dir) {
            if (errno == ENOENT && !create)
                return dir;
            fail("opening " + root.string());
        }
        std::optional<Owner> owner;
        if (create && ::geteuid() == 0) {
            struct stat st {};
            if (::fstat(dir.get(), &st) == 0)
                owner = Owner{st.st_uid, st.st_gid};
        }
        fs::path shown = root;
        for (const auto& c : parts) {
            shown /= c;
            if (create) {
                if (::mkdirat(dir.get(), c.c_str(), 0750) == 0) {
                    if (owner && ::fchownat(dir.get(), c.c_str(), owner->uid, owner->gid,
                                            AT_SYMLINK_NOFOLLOW) != 0)
                        fail("chown " + shown.string());
                } else if (errno != EEXIST) {
                    fail("creating " + shown.string());
                }
            }
            UniqueFd sub(
                ::openat(dir.get(), c.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!sub) {
                if (errno == ENOENT && !create)
                    return sub;
                if (errno == ELOOP || errno == ENOTDIR)
                    throw std::runtime_error(fmt::format(
                        "{} is not a directory (a symlink?); restore never writes through one",
                        shown.string()));
                fail("opening " + shown.string());
            }
            dir = std::move(sub);
        }
        return dir;
    }

    std::optional<Owner> owner_for(const std::string& member) const {
        if (::geteuid() != 0)
            return std::nullopt;
        struct stat st {};
        if (::stat(locate(member).first.c_str(), &st) != 0)
            return std::nullopt;
        return Owner{st.st_uid, st.st_gid};
    }

  private:
    fs::path state_, logs_;
};

enum class Action { kNew, kSame, kDiffers };

Action plan(const Destination& d, const Record& rec) {
    std::string file;
    UniqueFd dir = d.parent(rec.path, false, file);
    if (!dir)
        return Action::kNew;
    struct stat st {};
    if (::fstatat(dir.get(), file.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT)
            return Action::kNew;
        fail("stat " + rec.path);
    }
    if (S_ISDIR(st.st_mode))
        throw std::runtime_error(
            fmt::format("\"{}\" is a directory at the destination; move it away", rec.path));
    if (!S_ISREG(st.st_mode) || static_cast<std::uint64_t>(st.st_size) != rec.size)
        return Action::kDiffers;
    UniqueFd fd(::openat(dir.get(), file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (!fd)
        fail("opening " + rec.path);
    Sha256 h;
    std::vector<char> buf(256 * 1024);
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail("reading " + rec.path);
        if (n == 0)
            break;
        h.update(buf.data(), static_cast<std::size_t>(n));
    }
    return h.hex() == rec.sha256 ? Action::kSame : Action::kDiffers;
}

std::string temp_name() {
    static std::mt19937_64 rng{std::random_device{}()};
    return fmt::format(".restore-{:016x}", rng());
}

// Writes one member (the reader is positioned at its content) as a temporary beside the target,
// then renames it into place. False when `replace` is off and the name was taken meanwhile.
bool write_member(const Destination& d, TarReader& reader, const Record& rec, bool replace) {
    std::string file;
    UniqueFd dir = d.parent(rec.path, true, file);
    std::string tmp;
    UniqueFd fd;
    const mode_t mode = static_cast<mode_t>((rec.mode & 0750u) | 0600u);
    for (int i = 0; i < 16 && !fd; ++i) {
        tmp = temp_name();
        fd.reset(::openat(dir.get(), tmp.c_str(),
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
        if (!fd && errno != EEXIST)
            fail("creating a temporary for " + rec.path);
    }
    if (!fd)
        fail("creating a temporary for " + rec.path);
    auto cleanup = [&] { ::unlinkat(dir.get(), tmp.c_str(), 0); };
    try {
        Sha256 h;
        reader.read([&](const char* p, std::size_t n) {
            h.update(p, n);
            while (n > 0) {
                const ssize_t w = ::write(fd.get(), p, n);
                if (w < 0 && errno == EINTR)
                    continue;
                if (w < 0)
                    fail("writing " + rec.path);
                p += w;
                n -= static_cast<std::size_t>(w);
            }
        });
        // The archive was verified in pass 1; a different digest now means it changed since.
        if (h.hex() != rec.sha256)
            throw std::runtime_error(
                fmt::format("\"{}\" changed in the archive while restoring", rec.path));
        const struct timespec times[2] = {{rec.mtime, 0}, {rec.mtime, 0}};
        ::futimens(fd.get(), times);
        if (auto owner = d.owner_for(rec.path))
            if (::fchown(fd.get(), owner->uid, owner->gid) != 0)
                fail("chown " + rec.path);
        if (::fsync(fd.get()) != 0)
            fail("writing " + rec.path);
        fd.reset();
        if (::renameat2(dir.get(), tmp.c_str(), dir.get(), file.c_str(),
                        replace ? 0 : RENAME_NOREPLACE) != 0) {
            if (errno == EEXIST) {
                cleanup();
                return false;
            }
            fail("renaming into " + rec.path);
        }
    } catch (...) {
        cleanup();
        throw;
    }
    ::fsync(dir.get());
    return true;
}

}  // namespace

RestoreResult restore_backup(const RestoreOptions& o) {
    const std::string name = o.archive.string();
    UniqueFd fd(::open(o.archive.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        fail("opening " + name);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
        throw std::runtime_error(name + ": not a regular file");
    const auto records = verify(fd.get(), name);

    const Destination dest(o.state_dir, o.log_dir);
    RestoreResult r;
    std::map<std::string, Action> actions;
    for (const auto& rec : records) {
        const Action a = plan(dest, rec);
        actions[rec.path] = a;
        if (a == Action::kSame)
            r.unchanged.push_back(rec.path);
        else if (a == Action::kDiffers && !o.force)
            r.conflicts.push_back(rec.path);
    }
    if (!r.conflicts.empty() || o.dry_run) {
        if (o.dry_run)
            for (const auto& rec : records) {
                const Action a = actions[rec.path];
                if (a == Action::kNew)
                    r.restored.push_back(rec.path);
                else if (a == Action::kDiffers && o.force)
                    r.replaced.push_back(rec.path);
            }
        return r;
    }

    if (::lseek(fd.get(), 0, SEEK_SET) != 0)
        fail("rewinding " + name);
    TarReader reader(fd.get());
    std::map<std::string, const Record*> by_path;
    for (const auto& rec : records)
        by_path[rec.path] = &rec;
    try {
        while (auto e = reader.next()) {
            const auto it = by_path.find(e->path);
            if (e->type != '0' || it == by_path.end())
                continue;
            const Record& rec = *it->second;
            const Action a = actions[rec.path];
            if (a == Action::kSame)
                continue;
            if (write_member(dest, reader, rec, a == Action::kDiffers))
                (a == Action::kNew ? r.restored : r.replaced).push_back(rec.path);
            else
                r.conflicts.push_back(rec.path);  // created by someone else meanwhile
        }
    } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format("{} (restored before the error: {} file(s))", e.what(),
                                             r.restored.size() + r.replaced.size()));
    }
    return r;
}

std::string sha256_file(const fs::path& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        fail("opening " + path.string());
    Sha256 h;
    std::vector<char> buf(256 * 1024);
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail("reading " + path.string());
        if (n == 0)
            break;
        h.update(buf.data(), static_cast<std::size_t>(n));
    }
    return h.hex();
}

}  // namespace zc::backup
