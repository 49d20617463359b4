#include "seestar/target.h"

namespace zc::seestar {

const char* to_string(Target t) {
    return t == Target::kSun ? "sun" : "moon";
}

std::optional<Target> parse_target(std::string_view text) {
    if (text == "sun")
        return Target::kSun;
    if (text == "moon")
        return Target::kMoon;
    return std::nullopt;
}

std::optional<Target> target_of_view_mode(std::string_view mode) {
    if (mode == "sun" || mode == "solar_sys" || mode == "solar")
        return Target::kSun;
    if (mode == "moon" || mode == "lunar")
        return Target::kMoon;
    return std::nullopt;
}

}  // namespace zc::seestar
