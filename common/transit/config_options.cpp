#include "transit/config_options.h"

namespace zc::transit {

std::optional<TargetSelection> parse_target(std::string_view t) {
    if (t == "sun")
        return TargetSelection::Sun;
    if (t == "moon")
        return TargetSelection::Moon;
    if (t == "auto" || t == "both")
        return TargetSelection::Auto;
    return std::nullopt;
}

Options options_from_config(const config::Config& c, Options o) {
    if (auto t = parse_target(c.get_string("transit.target")))
        o.targets = *t;
    o.horizon_s = c.get_double("transit.horizon");
    o.min_altitude.north_deg = c.get_double("transit.min_altitude_n");
    o.min_altitude.east_deg = c.get_double("transit.min_altitude_e");
    o.min_altitude.south_deg = c.get_double("transit.min_altitude_s");
    o.min_altitude.west_deg = c.get_double("transit.min_altitude_w");
    o.low_threshold_deg = c.get_double("transit.low_threshold_deg");
    o.high_radii = c.get_double("transit.high_radii");
    o.medium_radii = c.get_double("transit.medium_radii");
    o.medium_sigmas = c.get_double("transit.medium_sigmas");
    return o;
}

}  // namespace zc::transit
