#include "gallery/store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/sha.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "gallery/filename.h"
#include "gallery/fs_util.h"
#include "gallery/gzip.h"
#include "gallery/image_type.h"

namespace zc::gallery {

namespace {

constexpr std::size_t kSidecarCap = 64 * 1024;
constexpr const char* kSpoolDir = ".spool";
// A directory stamp this close to the scan may hide a change made right after it in the same
// file-system clock tick (coarse: a jiffy on ext4, up to 2 s on FAT): such a listing is rebuilt
// at the next check.
constexpr std::int64_t kRacyNs = 2'000'000'000;

bool all_digits(const std::string& s, std::size_t n) {
    return s.size() == n &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string stem_of(const std::string& name) {
    return name.substr(0, name.rfind('.'));
}

std::pair<std::string, std::string> year_month(UtcTime now) {
    const auto day = std::chrono::floor<std::chrono::days>(now);
    const std::chrono::year_month_day ymd{day};
    return {fmt::format("{:04}", static_cast<int>(ymd.year())),
            fmt::format("{:02}", static_cast<unsigned>(ymd.month()))};
}

std::int64_t ns_of(const struct timespec& t) {
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

bool same_time(const struct timespec& a, const struct timespec& b) {
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

std::string strong_etag(std::string_view body) {
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(), d);
    std::string out = "\"";
    for (std::size_t i = 0; i < 16; ++i)
        out += fmt::format("{:02x}", d[i]);
    return out + "\"";
}

OpResult io_error(const char* what) {
    // errno text only: it never carries client data or secrets.
    return {500, fmt::format("{}: {}", what, std::strerror(errno)), nlohmann::json::object()};
}

}  // namespace

Store::Store(std::filesystem::path root, std::uint64_t max_image_bytes)
    : root_(std::move(root)), max_bytes_(max_image_bytes) {
    std::error_code ec;
    std::filesystem::create_directories(root_, ec);
    root_fd_.reset(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root_fd_)
        throw std::runtime_error(fmt::format("cannot open the gallery directory {}: {}",
                                             root_.string(), std::strerror(errno)));
}

UniqueFd Store::month_dir(const std::string& year, const std::string& month, bool create) const {
    UniqueFd y = open_dir(root_fd_.get(), year, create);
    if (!y)
        return y;
    return open_dir(y.get(), month, create);
}

bool Store::stem_taken(int dir, const std::string& stem) const {
    for (const char* ext :
         {".json", ".png", ".jpg", ".jpeg", ".gif", ".PNG", ".JPG", ".JPEG", ".GIF"})
        if (entry_exists(dir, stem + ext))
            return true;
    return false;
}

std::vector<Entry> Store::list() const {
    return scan(nullptr);
}

std::vector<Entry> Store::scan(std::vector<DirStamp>* stamps) const {
    // Each directory is stamped before it is read: a change during the read moves its mtime on.
    const auto stamp = [&](int fd, std::string rel) {
        struct stat st {};
        if (stamps && ::fstat(fd, &st) == 0)
            stamps->push_back({std::move(rel), st.st_dev, st.st_ino, st.st_mtim, st.st_ctim});
    };
    stamp(root_fd_.get(), "");
    std::vector<Entry> out;
    for_each_entry(root_fd_.get(), [&](const std::string& year, bool is_dir, bool) {
        if (!is_dir || !all_digits(year, 4))
            return;
        UniqueFd ydir = open_dir(root_fd_.get(), year, false);
        if (!ydir)
            return;
        stamp(ydir.get(), year);
        for_each_entry(ydir.get(), [&](const std::string& month, bool mdir_is_dir, bool) {
            if (!mdir_is_dir || !all_digits(month, 2))
                return;
            UniqueFd mdir = open_dir(ydir.get(), month, false);
            if (!mdir)
                return;
            stamp(mdir.get(), year + "/" + month);
            for_each_entry(mdir.get(), [&](const std::string& name, bool, bool is_reg) {
                if (!is_reg || !valid_image_name(name))
                    return;
                Entry e{GalleryPath{year, month, name}, nlohmann::json::object()};
                if (auto text = read_small(mdir.get(), stem_of(name) + ".json", kSidecarCap)) {
                    auto j = nlohmann::json::parse(*text, nullptr, false);
                    if (j.is_object())
                        e.metadata = std::move(j);
                }
                out.push_back(std::move(e));
            });
        });
    });
    std::vector<std::pair<std::optional<UtcTime>, std::size_t>> keys;
    keys.reserve(out.size());
    for (std::size_t i = 0; i < out.size(); ++i)
        keys.emplace_back(sidecar_time(out[i].metadata), i);
    std::sort(keys.begin(), keys.end(), [&](const auto& a, const auto& b) {
        if (a.first.has_value() != b.first.has_value())
            return a.first.has_value();
        if (a.first && *a.first != *b.first)
            return *a.first > *b.first;
        return out[a.second].path.relative() > out[b.second].path.relative();
    });
    std::vector<Entry> sorted;
    sorted.reserve(out.size());
    for (const auto& k : keys)
        sorted.push_back(std::move(out[k.second]));
    return sorted;
}

nlohmann::json Store::to_json(const Entry& e) {
    return {{"path", e.path.relative()},
            {"filename", e.path.name},
            {"full_path", e.path.full()},
            {"metadata", e.metadata}};
}

bool Store::dirs_changed() const {
    if (cache_racy_)
        return true;
    for (const auto& d : stamps_) {
        struct stat st {};
        // A path through the year: a planted symlink only makes this report a change, and the
        // rebuild opens everything with O_NOFOLLOW again.
        const int rc = d.rel.empty()
                           ? ::fstat(root_fd_.get(), &st)
                           : ::fstatat(root_fd_.get(), d.rel.c_str(), &st, AT_SYMLINK_NOFOLLOW);
        if (rc != 0 || st.st_dev != d.dev || st.st_ino != d.ino ||
            !same_time(st.st_mtim, d.mtime) || !same_time(st.st_ctim, d.ctime))
            return true;
    }
    return false;
}

void Store::rebuild_list() {
    const auto t_start = std::chrono::steady_clock::now();
    struct timespec started {};
    ::clock_gettime(CLOCK_REALTIME, &started);
    std::vector<DirStamp> stamps;
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& e : scan(&stamps))
        arr.push_back(to_json(e));
    auto json = std::make_shared<const std::string>(arr.dump());
    // (A stamp far in the future is not racy: any change now gives it a different, older time.)
    const auto t0 = ns_of(started);
    cache_racy_ = std::any_of(stamps.begin(), stamps.end(), [&](const DirStamp& d) {
        const auto t = std::max(ns_of(d.mtime), ns_of(d.ctime));
        return t > t0 - kRacyNs && t < t0 + kRacyNs;
    });
    stamps_ = std::move(stamps);
    // An unchanged listing keeps its body (and the gzip already made of it).
    if (!cache_.json || *cache_.json != *json) {
        cache_.etag = strong_etag(*json);
        cache_.gzip_etag = cache_.etag.substr(0, cache_.etag.size() - 1) + "-gz\"";
        cache_.json = std::move(json);
        cache_.gzip.reset();
        gzip_tried_ = false;
    }
    cache_valid_ = true;
    cache_built_ = cache_checked_ = std::chrono::steady_clock::now();
    ++list_builds_;
    last_build_time_ =
        std::chrono::duration_cast<std::chrono::microseconds>(cache_built_ - t_start);
}

const ListBody& Store::list_body(bool want_gzip) {
    const auto now = std::chrono::steady_clock::now();
    if (!cache_valid_ || now - cache_built_ >= kListMaxAge) {
        rebuild_list();
    } else if (now - cache_checked_ >= kListCheck) {
        cache_checked_ = now;
        if (dirs_changed())
            rebuild_list();
    }
    if (want_gzip && !gzip_tried_) {
        gzip_tried_ = true;
        if (auto z = gzip_compress(*cache_.json))
            cache_.gzip = std::make_shared<const std::string>(std::move(*z));
    }
    return cache_;
}

OpResult Store::add(std::string_view client_name, std::string_view data, const Fields& fields,
                    UtcTime now) {
    const auto ext = extension_of(client_name);
    const auto type = type_from_extension(ext);
    if (!type || client_name.find('.') == std::string_view::npos)
        return {400, kInvalidTypeText, nlohmann::json::object()};
    if (data.size() > max_bytes_)
        return {413, "File too large", nlohmann::json::object()};
    if (!magic_matches(*type, data))
        return {400, kInvalidTypeText, nlohmann::json::object()};
    if (auto bad = check_fields(fields))
        return {400, *bad, nlohmann::json::object()};

    std::optional<std::string> flight;
    if (auto it = fields.find("flight_id"); it != fields.end())
        flight = it->second;
    std::string name = upload_filename(now, flight, ext);
    if (!valid_image_name(name) || name.size() > 120)
        name = upload_filename(now, std::nullopt, ext);

    const auto [year, month] = year_month(now);
    UniqueFd dir = month_dir(year, month, true);
    if (!dir)
        return io_error("cannot open the month directory");
    const auto sidecar = new_sidecar(fields, now).dump(2);
    for (int n = 0; n < 10000; ++n) {
        const std::string candidate = n == 0 ? name : with_suffix(name, n);
        const std::string stem = stem_of(candidate);
        if (stem_taken(dir.get(), stem))
            continue;
        // Sidecar first: the image then appears in the listing complete with its metadata.
        if (!write_atomic(dir.get(), stem + ".json", sidecar, true)) {
            if (errno == EEXIST)
                continue;
            return io_error("cannot write the sidecar");
        }
        if (!write_atomic(dir.get(), candidate, data, true)) {
            const int e = errno;
            ::unlinkat(dir.get(), (stem + ".json").c_str(), 0);
            errno = e;
            if (e == EEXIST)
                continue;
            return io_error("cannot write the image");
        }
        invalidate();
        GalleryPath p{year, month, candidate};
        return {200, "", {{"filename", candidate}, {"path", p.relative()}}};
    }
    return {500, "no free file name", nlohmann::json::object()};
}

OpResult Store::update(const GalleryPath& path, const Fields& fields) {
    if (auto bad = check_fields(fields))
        return {400, *bad, nlohmann::json::object()};
    UniqueFd dir = month_dir(path.year, path.month, false);
    struct stat st {};
    if (!dir || !open_regular(dir.get(), path.name, &st))
        return {404, "File not found", nlohmann::json::object()};
    const std::string sidecar_name = stem_of(path.name) + ".json";
    nlohmann::json old = nlohmann::json::object();
    if (auto text = read_small(dir.get(), sidecar_name, kSidecarCap)) {
        auto j = nlohmann::json::parse(*text, nullptr, false);
        if (j.is_object())
            old = std::move(j);
    }
    auto merged = merged_sidecar(old, fields);
    if (!write_atomic(dir.get(), sidecar_name, merged.dump(2), false))
        return io_error("cannot write the sidecar");
    invalidate();
    return {200, "", {{"metadata", merged}}};
}

OpResult Store::remove(const GalleryPath& path) {
    UniqueFd dir = month_dir(path.year, path.month, false);
    struct stat st {};
    if (!dir || ::fstatat(dir.get(), path.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISREG(st.st_mode))
        return {404, "File not found", nlohmann::json::object()};
    if (::unlinkat(dir.get(), path.name.c_str(), 0) != 0)
        return io_error("cannot delete the image");
    const std::string sidecar_name = stem_of(path.name) + ".json";
    struct stat sst {};
    if (::fstatat(dir.get(), sidecar_name.c_str(), &sst, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISREG(sst.st_mode))
        ::unlinkat(dir.get(), sidecar_name.c_str(), 0);
    ::fsync(dir.get());
    invalidate();
    return {200, "", nlohmann::json::object()};
}

UniqueFd Store::open_image(const GalleryPath& path, struct stat* st) const {
    UniqueFd dir = month_dir(path.year, path.month, false);
    if (!dir)
        return dir;
    return open_regular(dir.get(), path.name, st);
}

UniqueFd Store::create_spool() const {
    UniqueFd spool = open_dir(root_fd_.get(), kSpoolDir, true);
    if (!spool)
        return spool;
    for (int attempt = 0; attempt < 16; ++attempt) {
        const std::string name =
            fmt::format("body-{}-{}", ::getpid(), attempt) +
            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
        UniqueFd fd(::openat(spool.get(), name.c_str(),
                             O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (fd) {
            ::unlinkat(spool.get(), name.c_str(), 0);
            return fd;
        }
        if (errno != EEXIST)
            break;
    }
    return UniqueFd();
}

void Store::sweep() {
    if (UniqueFd spool = open_dir(root_fd_.get(), kSpoolDir, false)) {
        for_each_entry(spool.get(), [&](const std::string& name, bool, bool is_reg) {
            if (is_reg)
                ::unlinkat(spool.get(), name.c_str(), 0);
        });
    }
    for_each_entry(root_fd_.get(), [&](const std::string& year, bool is_dir, bool) {
        if (!is_dir || !all_digits(year, 4))
            return;
        UniqueFd ydir = open_dir(root_fd_.get(), year, false);
        if (!ydir)
            return;
        for_each_entry(ydir.get(), [&](const std::string& month, bool mdir_is_dir, bool) {
            UniqueFd mdir = mdir_is_dir ? open_dir(ydir.get(), month, false) : UniqueFd();
            if (!mdir)
                return;
            for_each_entry(mdir.get(), [&](const std::string& name, bool, bool is_reg) {
                if (is_reg && name.starts_with(kTempPrefix))
                    ::unlinkat(mdir.get(), name.c_str(), 0);
            });
        });
    });
    invalidate();
}

}  // namespace zc::gallery
