#include "transit/classify.h"

namespace zc::transit {

std::string_view to_string(Level level) {
    switch (level) {
        case Level::High:
            return "HIGH";
        case Level::Medium:
            return "MEDIUM";
        case Level::Low:
            return "LOW";
        case Level::None:
            break;
    }
    return "NONE";
}

std::string_view to_string(Target target) {
    return target == Target::Sun ? "sun" : "moon";
}

Level classify(double sep, double radius, double sigma, const Options& o) {
    if (sep <= o.high_radii * radius)
        return Level::High;
    if (sep <= o.medium_radii * radius || sep - radius <= o.medium_sigmas * sigma)
        return Level::Medium;
    if (sep <= o.low_threshold_deg)
        return Level::Low;
    return Level::None;
}

}  // namespace zc::transit
