#pragma once
// The pre-flight security checklist of the original's SECURITY.md, made checkable. One function
// of the configuration plus what the caller could observe (Facts), so that the daemon at
// start-up, `zipcatcherd --check-config` and `zipcatcher doctor` (which adds what it sees of the
// running daemon) all report the same items with the same ids. No item ever contains a secret.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"

namespace zc::security {

enum class Status { kPass, kWarn, kFail };
std::string_view to_string(Status s);  // "pass", "warn", "fail"

struct Item {
    std::string id;     // stable: gallery_token, http_bind, ... (docs/security.md lists them)
    std::string title;  // what should be true, e.g. "gallery token is strong or unset"
    Status status = Status::kPass;
    std::string detail;  // what was found
    std::string fix;     // what to do; empty when the item passes
};

/// A probe of one HTTP path: the status it answered (0 = no answer).
struct Probe {
    std::string path;
    int status = 0;
};

struct Facts {
    /// Effective uid of the daemon when known: the daemon itself, or doctor reading
    /// /proc/<pid>/status of the one that answers. nullopt: not running (a configuration check).
    std::optional<unsigned> daemon_uid;
    /// --allow-root was given (to the daemon, or to --check-config).
    bool allow_root = false;
    /// The group whose read access to a private file is no exposure: the daemon's (the packaged
    /// layout is root:zipcatcher 0640). nullopt: our effective group.
    std::optional<unsigned> daemon_gid;
    /// Mode of the live control socket (doctor; stat of the daemon's socket), else the
    /// configured control.socket_mode is judged.
    std::optional<unsigned> socket_mode;
    /// Option -> value as the running daemon reports it (config-get; secrets read "(redacted)"
    /// or "(unset)"). These win over the files: the daemon may not have reloaded them, or may
    /// have been started with flags. Empty when the daemon is not asked.
    std::map<std::string, std::string> live;
    /// Doctor's probes of debug_probe_paths() against the running gallery; empty = not probed.
    std::vector<Probe> probes;
    std::string probe_error;  // why probing was impossible ("connection refused"), if it was
};

/// The checklist, in a fixed order (docs/security.md, "Checklist").
std::vector<Item> run_checklist(const config::Config& cfg, const Facts& facts);

/// Paths that debug consoles, admin panels and leaked files live at in common web stacks, and
/// the original's unauthenticated telescope routes. The gallery must answer 404 to every one.
const std::vector<std::string>& debug_probe_paths();

/// The worst status of the list (kPass for an empty list).
Status worst(const std::vector<Item>& items);

/// [{"id","title","status","detail","fix"}...]
nlohmann::json to_json(const std::vector<Item>& items);

/// Bits through which someone other than the owner and `allowed_gid`'s members reach a file of
/// mode `mode` and group `gid`: mode & 077, minus group read when gid == allowed_gid.
unsigned exposure_bits(unsigned mode, unsigned gid, unsigned allowed_gid);

}  // namespace zc::security
