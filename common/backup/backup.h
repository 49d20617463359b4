#pragma once
// `zipcatcher backup` and `zipcatcher restore`: the gallery (images and sidecars) and the
// possible-transits logs in one tar file, taken while the daemon runs.
//
// Archive layout (docs/security.md, "Backups"):
//   state/gallery/<YYYY>/<MM>/<name>         <paths.state_dir>/gallery/...
//   state/possible_transits.log[...]         <paths.state_dir>/possible_transits.log*
//   logs/possible_transits.log[...]          <paths.log_dir>/possible_transits.log* (if elsewhere)
//   manifest.json                            last: size and sha256 of every member above
//
// Consistency: every file is copied from one open descriptor and checked afterwards (size,
// mtime, ctime unchanged, else copied again, up to max_attempts). The gallery replaces files by
// rename, so an open descriptor always holds one complete version. A transit log is append-only:
// its copy is the prefix up to the last newline at the moment it was opened, so a line being
// written is left out rather than torn. Files are each consistent; the set is not a single
// instant (an image filed during the backup may be in it without its sidecar, or not at all).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "time/clock.h"

namespace zc::backup {

struct BackupOptions {
    std::filesystem::path state_dir;
    std::filesystem::path log_dir;  // skipped when empty or the same directory as state_dir
    /// The archive to write; an existing directory gets zipcatcher-backup-<UTC time>.tar in it.
    std::filesystem::path dest;
    bool force = false;  // replace an existing file at dest
    UtcTime now{};       // the manifest's "created" and the default file name
    int max_attempts = 5;
    /// Test hook: called after a member's content was copied and before it is checked for
    /// changes (a test changes the file here to prove the retry).
    std::function<void(const std::string& member)> after_copy;
};

struct BackupResult {
    std::filesystem::path path;  // the archive written
    std::size_t files = 0;
    std::uint64_t bytes = 0;         // content bytes of the members (not the archive size)
    std::vector<std::string> notes;  // skipped entries (symlinks, vanished files...), retries
};

/// Writes the archive to a temporary next to dest, fsyncs it and renames it into place, so dest
/// is either the complete new archive or untouched. Throws std::runtime_error with a message
/// naming the file and the reason.
BackupResult create_backup(const BackupOptions& options);

struct RestoreOptions {
    std::filesystem::path archive;
    std::filesystem::path state_dir;
    std::filesystem::path log_dir;  // for logs/ members; empty = refuse archives that have them
    bool force = false;             // replace existing files whose content differs
    bool dry_run = false;           // verify and plan only
};

struct RestoreResult {
    std::vector<std::string> restored;   // member paths written (new files)
    std::vector<std::string> replaced;   // written over a different file (--force)
    std::vector<std::string> unchanged;  // already there with the same content
    std::vector<std::string> conflicts;  // differ and not --force: nothing was written at all
    bool ok() const { return conflicts.empty(); }
};

/// Verifies the whole archive against its manifest first (every member listed with its size and
/// sha256, nothing unlisted, only regular files at whitelisted paths: no absolute paths, no "..",
/// no links or devices); an archive that fails is refused before anything is written, with
/// std::runtime_error. Then, unless a file differs and force is off (result.conflicts; nothing
/// written), writes each missing or (with force) different file through a temporary + fsync +
/// rename, never following a symlink in the destination. Running as root, written files and
/// created directories get the owner of the destination root directory.
RestoreResult restore_backup(const RestoreOptions& options);

/// The member paths an archive may hold (the whitelist above); exposed for tests.
bool valid_member_path(std::string_view path);

/// sha256 of a file's content, lower-case hex (tests, and the restore's comparison).
std::string sha256_file(const std::filesystem::path& path);

}  // namespace zc::backup
