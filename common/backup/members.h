#pragma once
// What a backup may hold, shared by the writer and the restorer so that both agree exactly:
// a backup never contains what a restore would refuse.
#include <string>
#include <string_view>
#include <vector>

namespace zc::backup {

inline constexpr std::string_view kManifestName = "manifest.json";
inline constexpr std::string_view kFormat = "zipcatcher-backup";
inline constexpr int kFormatVersion = 1;
inline constexpr std::string_view kTransitLog = "possible_transits.log";

/// One path component a member may have: 1..255 printable ASCII bytes other than '/' and '\',
/// not "." or "..", not hidden (leading '.': the gallery's spool and temporaries).
bool valid_component(std::string_view c);

/// possible_transits.log, possible_transits.log.1, possible_transits.log.2026-02-01...
bool is_transit_log_name(std::string_view name);

/// Splits "a/b/c" at '/' (empty components are kept, so validation sees them).
std::vector<std::string> split_path(std::string_view path);

/// "tar type 2 (symbolic link)" etc., for refusals.
std::string describe_type(char type);

}  // namespace zc::backup
