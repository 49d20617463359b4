#include <algorithm>

#include "geo/angles.h"
#include "transit/options.h"

namespace zc::transit {

double MinAltitudes::for_azimuth(double az_deg) const {
    const double az = geo::wrap_360(az_deg);
    if (az >= 315 || az < 45)
        return north_deg;
    if (az < 135)
        return east_deg;
    if (az < 225)
        return south_deg;
    return west_deg;
}

double MinAltitudes::lowest() const {
    return std::min({north_deg, east_deg, south_deg, west_deg});
}

}  // namespace zc::transit
