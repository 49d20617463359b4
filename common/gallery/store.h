#pragma once
// The gallery on disk: <root>/<YYYY>/<MM>/<name>.<ext> with <stem>.json beside it (UTC dates).
// Every operation goes through descriptors opened component by component below the root
// (fs_util.h), every write is temp + fsync + rename, and nothing is ever overwritten on upload.
// Not thread-safe: the daemon calls it from its one event-loop thread.
#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
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

class Store {
  public:
    /// Creates the root when missing; throws std::runtime_error when it cannot be opened.
    explicit Store(std::filesystem::path root, std::uint64_t max_image_bytes = 16u << 20);

    const std::filesystem::path& root() const { return root_; }
    std::uint64_t max_image_bytes() const { return max_bytes_; }

    /// Newest first by metadata.timestamp; entries without one last (then by name, newest
    /// first, since names start with the time).
    std::vector<Entry> list() const;
    /// list() as the JSON array of {path, filename, full_path, metadata}, serialised. Cached:
    /// rebuilt after every write here, and at most every `refresh` for changes made by others.
    const std::string& list_json();
    static nlohmann::json to_json(const Entry& e);

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

    void invalidate() { cache_valid_ = false; }

  private:
    UniqueFd month_dir(const std::string& year, const std::string& month, bool create) const;
    bool stem_taken(int dir, const std::string& stem) const;

    std::filesystem::path root_;
    std::uint64_t max_bytes_;
    UniqueFd root_fd_;
    std::string cache_;
    bool cache_valid_ = false;
    std::chrono::steady_clock::time_point cache_built_{};
};

}  // namespace zc::gallery
