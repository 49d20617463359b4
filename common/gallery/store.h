#pragma once
// The gallery on disk: <root>/<YYYY>/<MM>/<name>.<ext> with <stem>.json beside it (UTC dates).
// Every operation goes through descriptors opened component by component below the root
// (fs_util.h), every write is temp + fsync + rename, and nothing is ever overwritten on upload.
// Not thread-safe: the daemon calls it from its one event-loop thread.
#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gallery/client_path.h"
#include "gallery/sidecar.h"
#include "gallery/unique_fd.h"
#include "time/clock.h"

namespace zc::gallery {

/// The outcome of a write, in HTTP terms (the control commands map it to their results).
struct OpResult {
    int status = 200;
    std::string error;  // the JSON "error" text when status != 200
    nlohmann::json data = nlohmann::json::object();
    bool ok() const { return status == 200; }
};

struct Entry {
    GalleryPath path;
    nlohmann::json metadata;  // {} when the sidecar is missing or bad
};

/// The listing as sent over HTTP, serialised once per change and shared (not copied) by every
/// response that carries it. Immutable once built: a response keeps its body alive by holding
/// the pointer, even when the store has moved on to a newer listing meanwhile.
struct ListBody {
    std::shared_ptr<const std::string> json;  // list() as the JSON array
    std::shared_ptr<const std::string> gzip;  // json gzip'ed; null until asked for (or zlib failed)
    std::string etag;       // strong ETag of json, quoted ("<32 hex digits of SHA-256>")
    std::string gzip_etag;  // of the gzip representation: etag with "-gz" before the quote
};

class Store {
  public:
    /// Creates the root when missing; throws std::runtime_error when it cannot be opened.
    explicit Store(std::filesystem::path root, std::uint64_t max_image_bytes = 16u << 20);

    const std::filesystem::path& root() const { return root_; }
    std::uint64_t max_image_bytes() const { return max_bytes_; }

    /// Newest first by metadata.timestamp; entries without one last (then by name, newest
    /// first, since names start with the time).
    std::vector<Entry> list() const;
    /// The cached listing (see ListBody), with its gzip variant filled in when `want_gzip`.
    /// Rebuilt after every write through this store; changes made behind its back (another
    /// process, a user in a shell) are noticed by comparing the stat of the root, year and month
    /// directories, at most once per second (kListCheck), which sees every file created, removed
    /// or renamed; a full rebuild at least every kListMaxAge also catches sidecars edited in
    /// place. The reference stays valid until the next call on the store.
    const ListBody& list_body(bool want_gzip = false);
    /// *list_body().json.
    const std::string& list_json() { return *list_body().json; }
    static nlohmann::json to_json(const Entry& e);
    /// How often the listing was rebuilt from the disk, and how long the last rebuild took
    /// (status, tests, the benchmark).
    std::uint64_t list_builds() const { return list_builds_; }
    std::chrono::microseconds last_build_time() const { return last_build_time_; }

    static constexpr std::chrono::seconds kListCheck{1};
    static constexpr std::chrono::seconds kListMaxAge{60};

    /// Files an image. `client_name` gives the extension; `flight_id` is the raw form field
    /// (nullopt when absent: the name then says UNKNOWN). 200 data {filename, path}; 400 for a
    /// wrong type or bad field; 413 over max_image_bytes; 500 on an I/O failure.
    OpResult add(std::string_view client_name, std::string_view data, const Fields& fields,
                 UtcTime now);
    /// 200 data {metadata}; 404 when the image does not exist (no orphan sidecar is written).
    OpResult update(const GalleryPath& path, const Fields& fields);
    /// Removes the image and its sidecar; 404 when the image does not exist.
    OpResult remove(const GalleryPath& path);

    /// The image, opened safely; invalid when missing, a symlink, or not a regular file.
    UniqueFd open_image(const GalleryPath& path, struct stat* st) const;

    /// An anonymous file (already unlinked) under <root>/.spool for an upload body, so that a
    /// crash leaves nothing behind.
    UniqueFd create_spool() const;

    /// Removes temporaries a crash may have left (".upload-*").
    void sweep();

    /// Drops the cached listing: the next list_body() rebuilds it.
    void invalidate() { cache_valid_ = false; }

  private:
    /// What a directory looked like when the listing was built: "" (the root), "YYYY" or
    /// "YYYY/MM". Creating, removing or renaming an entry changes the directory's mtime/ctime.
    struct DirStamp {
        std::string rel;
        dev_t dev = 0;
        ino_t ino = 0;
        struct timespec mtime {};
        struct timespec ctime {};
    };

    UniqueFd month_dir(const std::string& year, const std::string& month, bool create) const;
    bool stem_taken(int dir, const std::string& stem) const;
    std::vector<Entry> scan(std::vector<DirStamp>* stamps) const;
    bool dirs_changed() const;
    void rebuild_list();

    std::filesystem::path root_;
    std::uint64_t max_bytes_;
    UniqueFd root_fd_;
    ListBody cache_;
    bool cache_valid_ = false;
    // The stamps may predate a change made in the same file-system clock tick as the scan: then
    // the next check rebuilds regardless (as git does with a "racily clean" index).
    bool cache_racy_ = false;
    bool gzip_tried_ = false;
    std::vector<DirStamp> stamps_;
    std::chrono::steady_clock::time_point cache_built_{}, cache_checked_{};
    std::uint64_t list_builds_ = 0;
    std::chrono::microseconds last_build_time_{0};
};

}  // namespace zc::gallery
