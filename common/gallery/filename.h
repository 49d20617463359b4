#pragma once
// File names the gallery creates: werkzeug's secure_filename() rules (what the original used),
// and the original's <YYYYMMDD_HHMMSS>_<flight_id>.<ext> pattern, in UTC.
#include <optional>
#include <string>
#include <string_view>

#include "time/clock.h"

namespace zc::gallery {

/// ASCII letters, digits, '_', '.', '-' only; whitespace runs and path separators become '_';
/// leading and trailing '.' and '_' are stripped. Non-ASCII bytes are dropped (secure_filename
/// drops what NFKD cannot map to ASCII). May return "".
std::string secure_filename(std::string_view name);

/// "20260201_110549_BAW123.png" for a flight id, "…_UNKNOWN.png" when the field was absent.
/// '/' in the id becomes '_'. The extension is lower-cased.
std::string upload_filename(UtcTime now, const std::optional<std::string>& flight_id,
                            std::string_view ext);

/// name with "_<n>" before the extension: ("a.png", 2) -> "a_2.png".
std::string with_suffix(std::string_view name, int n);

}  // namespace zc::gallery
