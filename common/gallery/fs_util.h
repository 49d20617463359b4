#pragma once
// Descriptor-relative file operations the gallery is built on. Everything is opened relative to
// an already-open directory with O_NOFOLLOW, so a symlink planted anywhere below the gallery root
// is never followed, and no path string from a client ever reaches the kernel whole.
#include <sys/stat.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "gallery/unique_fd.h"

namespace zc::gallery {

/// openat(parent, name, O_DIRECTORY|O_NOFOLLOW); with `create`, mkdirat first (0755). Invalid
/// fd (errno set) when it is missing, a symlink or not a directory.
UniqueFd open_dir(int parent, const std::string& name, bool create);

/// A regular file, opened read-only without following a symlink; `st` receives its fstat.
UniqueFd open_regular(int dir, const std::string& name, struct stat* st = nullptr);

/// lstat-like: true when `name` in `dir` exists at all (any type, symlinks not followed).
bool entry_exists(int dir, const std::string& name);

/// Writes `data` to a hidden temporary in `dir`, fsyncs it, renames it to `name` (refusing to
/// replace an existing file when `no_replace`) and fsyncs the directory. A crash at any point
/// leaves the old state or the new one; a leftover temporary is hidden (".upload-") and swept at
/// start-up. False with errno set on failure (EEXIST when no_replace and the name is taken).
bool write_atomic(int dir, const std::string& name, std::string_view data, bool no_replace);

/// Temporaries left by write_atomic start with this.
inline constexpr std::string_view kTempPrefix = ".upload-";

/// Small text files (sidecars): nullopt when missing, not regular, or over `cap` bytes.
std::optional<std::string> read_small(int dir, const std::string& name, std::size_t cap);

/// Calls fn(name, is_dir, is_regular) for each entry except . and .. (symlinks are neither).
void for_each_entry(int dir, const std::function<void(const std::string&, bool, bool)>& fn);

/// A read-only mapping of a whole file (the spooled upload, a file added from the CLI).
class MappedFile {
  public:
    /// Maps fd's first `size` bytes; size 0 gives an empty view.
    MappedFile(int fd, std::size_t size);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    bool ok() const { return ok_; }
    std::string_view view() const { return {static_cast<const char*>(addr_), size_}; }

  private:
    void* addr_ = nullptr;
    std::size_t size_ = 0;
    bool ok_ = false;
};

}  // namespace zc::gallery
