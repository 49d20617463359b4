#pragma once
// The two bodies Zipcatcher records, and how the device names their view modes.
#include <optional>
#include <string>
#include <string_view>

namespace zc::seestar {

enum class Target { kSun, kMoon };

const char* to_string(Target t);  // "sun" / "moon"
std::optional<Target> parse_target(std::string_view text);
/// A `View.mode` from get_view_state or a View event: "sun"/"solar_sys" and "moon"/"lunar"
/// (the device's spelling differs by firmware); nullopt for any other mode.
std::optional<Target> target_of_view_mode(std::string_view mode);

}  // namespace zc::seestar
