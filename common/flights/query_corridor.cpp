#include "flights/query_corridor.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "astro/body.h"
#include "geo/angles.h"
#include "geo/geodesic.h"

namespace zc::flights {

namespace {

constexpr double kMeanRadiusM = 6371008.8;  // for box and circle extents (spherical is enough)
constexpr int kSegmentSamples = 8;          // circles along a sight line for its bounding box
constexpr double kPlaneMargin = 1.01;       // azimuthal-equidistant distortion below ~500 km

/// Latitude/longitude extent with longitudes unwrapped around a reference meridian.
struct Extent {
    double lat_min = 90, lat_max = -90, lon_min = 1e9, lon_max = -1e9;
    bool all_lon = false;
    bool valid() const { return lat_min <= lat_max; }
    void add(const Extent& o) {
        lat_min = std::min(lat_min, o.lat_min);
        lat_max = std::max(lat_max, o.lat_max);
        lon_min = std::min(lon_min, o.lon_min);
        lon_max = std::max(lon_max, o.lon_max);
        all_lon = all_lon || o.all_lon;
    }
    bool overlaps(const Extent& o) const {
        const bool lon = all_lon || o.all_lon || (lon_min <= o.lon_max && o.lon_min <= lon_max);
        return lon && lat_min <= o.lat_max && o.lat_min <= lat_max;
    }
};

double unwrap_near(double lon, double ref) {
    return ref + geo::wrap_180(lon - ref);
}

/// Extent of a spherical cap of `radius_m` around (lat, lon).
Extent circle_extent(double lat, double lon, double radius_m, double ref_lon) {
    const double r = radius_m / kMeanRadiusM;  // radians
    const double r_deg = geo::rad2deg(r);
    Extent e;
    e.lat_min = std::max(-90.0, lat - r_deg);
    e.lat_max = std::min(90.0, lat + r_deg);
    const double c = std::cos(geo::deg2rad(lat));
    const double center = unwrap_near(lon, ref_lon);
    if (lat + r_deg >= 90 || lat - r_deg <= -90 || r >= geo::deg2rad(90) || std::sin(r) >= c) {
        e.all_lon = true;  // the cap contains a pole
        e.lon_min = center - 180;
        e.lon_max = center + 180;
        if (lat + r_deg >= 90)
            e.lat_max = 90;
        if (lat - r_deg <= -90)
            e.lat_min = -90;
        return e;
    }
    const double dlon = geo::rad2deg(std::asin(std::sin(r) / c));
    e.lon_min = center - dlon;
    e.lon_max = center + dlon;
    return e;
}

/// Boxes for an extent, split at the antimeridian.
void to_boxes(const Extent& e, std::vector<AreaBox>& out) {
    if (!e.valid())
        return;
    if (e.all_lon || e.lon_max - e.lon_min >= 360) {
        out.push_back({e.lat_min, e.lat_max, -180, 180});
        return;
    }
    double lo = geo::wrap_180(e.lon_min);
    double hi = lo + (e.lon_max - e.lon_min);
    if (hi <= 180) {
        out.push_back({e.lat_min, e.lat_max, lo, hi});
    } else {
        out.push_back({e.lat_min, e.lat_max, lo, 180});
        out.push_back({e.lat_min, e.lat_max, -180, hi - 360});
    }
}

struct P2 {
    double x = 0, y = 0;
};
struct Circle {
    P2 c;
    double r = 0;
};

Circle from2(const P2& a, const P2& b) {
    const P2 c{0.5 * (a.x + b.x), 0.5 * (a.y + b.y)};
    return {c, std::hypot(a.x - c.x, a.y - c.y)};
}

std::optional<Circle> from3(const P2& a, const P2& b, const P2& c) {
    const double d = 2 * (a.x * (b.y - c.y) + b.x * (c.y - a.y) + c.x * (a.y - b.y));
    if (std::abs(d) < 1e-9)
        return std::nullopt;
    const double a2 = a.x * a.x + a.y * a.y, b2 = b.x * b.x + b.y * b.y, c2 = c.x * c.x + c.y * c.y;
    const P2 o{(a2 * (b.y - c.y) + b2 * (c.y - a.y) + c2 * (a.y - b.y)) / d,
               (a2 * (c.x - b.x) + b2 * (a.x - c.x) + c2 * (b.x - a.x)) / d};
    return Circle{o, std::hypot(a.x - o.x, a.y - o.y)};
}

bool contains_all(const Circle& c, const std::vector<P2>& pts) {
    for (const auto& p : pts)
        if (std::hypot(p.x - c.c.x, p.y - c.c.y) > c.r * (1 + 1e-9) + 1e-6)
            return false;
    return true;
}

/// Smallest circle holding every point (a dozen points: every pair and triple is cheap).
Circle enclosing(const std::vector<P2>& pts) {
    if (pts.size() == 1)
        return {pts[0], 0};
    Circle best{{0, 0}, std::numeric_limits<double>::infinity()};
    for (std::size_t i = 0; i < pts.size(); ++i) {
        for (std::size_t j = i + 1; j < pts.size(); ++j) {
            const Circle c2 = from2(pts[i], pts[j]);
            if (c2.r < best.r && contains_all(c2, pts))
                best = c2;
            for (std::size_t k = j + 1; k < pts.size(); ++k) {
                const auto c3 = from3(pts[i], pts[j], pts[k]);
                if (c3 && c3->r < best.r && contains_all(*c3, pts))
                    best = *c3;
            }
        }
    }
    return best;
}

std::optional<AreaBox> intersect(const AreaBox& a, const AreaBox& b) {
    AreaBox r{std::max(a.lat_min, b.lat_min), std::min(a.lat_max, b.lat_max),
              std::max(a.lon_min, b.lon_min), std::min(a.lon_max, b.lon_max)};
    if (r.lat_min >= r.lat_max || r.lon_min >= r.lon_max)
        return std::nullopt;
    return r;
}

double distance_m(double lat1, double lon1, double lat2, double lon2) {
    if (const auto g = geo::geodesic_inverse(lat1, lon1, lat2, lon2))
        return g->distance_m;
    return std::numbers::pi * kMeanRadiusM;  // nearly antipodal
}

}  // namespace

double sight_ground_distance_m(const geo::Geodetic& observer, double az_deg, double elevation_deg,
                               double height_m) {
    if (height_m <= observer.height_m)
        return 0;
    const double R = geo::radius_in_azimuth(observer.lat_deg, az_deg);
    const double r0 = R + observer.height_m;
    const double rh = R + height_m;
    const double se = std::sin(geo::deg2rad(elevation_deg));
    const double ce = std::cos(geo::deg2rad(elevation_deg));
    // |o + s u| = R + h along the ray u (elevation e) from o at radius r0.
    const double s = -r0 * se + std::sqrt(r0 * r0 * se * se + rh * rh - r0 * r0);
    return R * std::atan2(s * ce, r0 + s * se);
}

std::vector<Sight> target_sights(const transit::Observer& observer, UtcTime now,
                                 const transit::Options& options, const CorridorOptions& corridor) {
    std::vector<Sight> out;
    std::vector<transit::Target> targets;
    if (options.targets != transit::TargetSelection::Moon)
        targets.push_back(transit::Target::Sun);
    if (options.targets != transit::TargetSelection::Sun)
        targets.push_back(transit::Target::Moon);
    const int n = std::max(2, corridor.samples);
    for (int i = 0; i < n; ++i) {
        const double dt = corridor.horizon_s * i / (n - 1);
        for (const auto target : targets) {
            const auto body = target == transit::Target::Sun ? astro::Body::Sun : astro::Body::Moon;
            const auto p = astro::body_position(body, now + from_seconds(dt), observer.site,
                                                observer.atmosphere, observer.eop);
            if (p.alt_deg < std::max(0.0, options.min_altitude.for_azimuth(p.az_deg)))
                continue;
            Sight s;
            s.target = target;
            s.offset_s = dt;
            s.az_deg = p.az_deg;
            s.alt_deg = p.alt_deg;
            s.airless_alt_deg = p.alt_airless_deg;
            out.push_back(s);
        }
    }
    return out;
}

SearchArea corridor_area(const geo::Geodetic& observer, std::vector<Sight> sights,
                         const CorridorOptions& corridor) {
    SearchArea area;
    if (sights.empty())
        return area;
    const double w = corridor.max_speed_mps * corridor.horizon_s;
    area.widening_km = w / 1000;

    // Bounding boxes: circles of radius w along each sight line (spaced closely enough that the
    // sag between neighbours is added back), one extent per target.
    Extent per_target[2];
    std::vector<P2> pts{{0, 0}};
    for (Sight& s : sights) {
        const double L =
            sight_ground_distance_m(observer, s.az_deg, s.airless_alt_deg, corridor.max_height_m);
        s.ground_distance_m = L;
        const double step = L / kSegmentSamples;
        const double sag = w - std::sqrt(std::max(0.0, w * w - 0.25 * step * step));
        Extent& e = per_target[s.target == transit::Target::Sun ? 0 : 1];
        for (int k = 0; k <= kSegmentSamples; ++k) {
            const auto p =
                geo::geodesic_direct(observer.lat_deg, observer.lon_deg, s.az_deg, step * k);
            e.add(circle_extent(p.lat_deg, p.lon_deg, w + sag, observer.lon_deg));
        }
        const double a = geo::deg2rad(s.az_deg);
        pts.push_back({L * std::sin(a), L * std::cos(a)});
    }
    std::vector<Extent> extents;
    for (const Extent& e : per_target)
        if (e.valid())
            extents.push_back(e);
    if (extents.size() == 2 && extents[0].overlaps(extents[1])) {
        extents[0].add(extents[1]);
        extents.pop_back();
    }
    for (const Extent& e : extents)
        to_boxes(e, area.boxes);

    // The circle: the smallest one around the sight lines (radial segments, so their end
    // points and the observer suffice) in the observer's azimuthal-equidistant plane, widened.
    const Circle c = enclosing(pts);
    const double d = std::hypot(c.c.x, c.c.y);
    const double az = d > 0 ? geo::rad2deg(std::atan2(c.c.x, c.c.y)) : 0.0;
    const auto center = geo::geodesic_direct(observer.lat_deg, observer.lon_deg, az, d);
    area.center_lat = center.lat_deg;
    area.center_lon = geo::wrap_180(center.lon_deg);
    area.radius_km = (c.r * kPlaneMargin + w) / 1000;
    area.sights = std::move(sights);
    return area;
}

std::optional<SearchArea> box_area(double lat_ll, double lon_ll, double lat_ur, double lon_ur,
                                   std::string* error) {
    auto fail = [&](const std::string& what) -> std::optional<SearchArea> {
        if (error)
            *error = what;
        return std::nullopt;
    };
    for (double v : {lat_ll, lon_ll, lat_ur, lon_ur})
        if (!std::isfinite(v))
            return fail(
                "area.*: set all four of lat_lower_left, lon_lower_left, "
                "lat_upper_right, lon_upper_right (or none for the dynamic corridor)");
    if (!(lat_ll < lat_ur))
        return fail("area.lat_lower_left (" + std::to_string(lat_ll) +
                    ") must be south of area.lat_upper_right (" + std::to_string(lat_ur) + ")");
    if (lon_ll == lon_ur)
        return fail("area.lon_lower_left equals area.lon_upper_right: the box has no width");
    SearchArea a;
    a.fixed = true;
    double east = lon_ur;
    if (lon_ll < lon_ur) {
        a.boxes.push_back({lat_ll, lat_ur, lon_ll, lon_ur});
    } else {  // crosses the antimeridian
        a.boxes.push_back({lat_ll, lat_ur, lon_ll, 180});
        a.boxes.push_back({lat_ll, lat_ur, -180, lon_ur});
        east += 360;
    }
    a.center_lat = 0.5 * (lat_ll + lat_ur);
    a.center_lon = geo::wrap_180(0.5 * (lon_ll + east));
    double r = 0;
    constexpr int kEdge = 8;
    for (int i = 0; i <= kEdge; ++i) {
        const double f = static_cast<double>(i) / kEdge;
        const double lat = lat_ll + f * (lat_ur - lat_ll);
        const double lon = lon_ll + f * (east - lon_ll);
        for (const auto& [la, lo] : {std::pair{lat, lon_ll}, std::pair{lat, east},
                                     std::pair{lat_ll, lon}, std::pair{lat_ur, lon}})
            r = std::max(r, distance_m(a.center_lat, a.center_lon, la, geo::wrap_180(lo)));
    }
    a.radius_km = r / 1000;
    return a;
}

std::vector<AreaBox> circle_boxes(double lat, double lon, double radius_km) {
    std::vector<AreaBox> out;
    to_boxes(circle_extent(lat, lon, radius_km * 1000, lon), out);
    return out;
}

SearchArea cap_area(const SearchArea& area, const geo::Geodetic& observer, const AreaCaps& caps) {
    SearchArea out = area;
    if (area.empty())
        return out;
    if (caps.max_radius_km > 0 && area.radius_km > caps.max_radius_km) {
        const double cap = caps.max_radius_km;
        const double needed = area.radius_km - area.widening_km;  // the sight lines alone
        if (!area.fixed && needed > cap && needed > 0) {
            // Even unwidened the lines do not fit: keep their near part, observer included.
            const auto g = geo::geodesic_inverse(observer.lat_deg, observer.lon_deg,
                                                 area.center_lat, area.center_lon);
            if (g) {
                const auto c = geo::geodesic_direct(observer.lat_deg, observer.lon_deg,
                                                    g->azimuth1_deg, g->distance_m * cap / needed);
                out.center_lat = c.lat_deg;
                out.center_lon = geo::wrap_180(c.lon_deg);
            }
        }
        out.radius_km = cap;
        std::vector<AreaBox> clipped;
        for (const AreaBox& b : area.boxes)
            for (const AreaBox& c : circle_boxes(out.center_lat, out.center_lon, cap))
                if (auto x = intersect(b, c))
                    clipped.push_back(*x);
        out.boxes = std::move(clipped);
    }
    if (caps.max_box_deg2 > 0) {
        for (AreaBox& b : out.boxes) {
            const double a = b.area_deg2();
            if (a <= caps.max_box_deg2)
                continue;
            // Shrink around the circle's centre (clamped into the box), staying inside it.
            const double k = std::sqrt(caps.max_box_deg2 / a);
            const double h_lat = 0.5 * k * (b.lat_max - b.lat_min);
            const double h_lon = 0.5 * k * (b.lon_max - b.lon_min);
            const double clat = std::clamp(out.center_lat, b.lat_min + h_lat, b.lat_max - h_lat);
            const double clon = std::clamp(out.center_lon, b.lon_min + h_lon, b.lon_max - h_lon);
            b = {clat - h_lat, clat + h_lat, clon - h_lon, clon + h_lon};
        }
    }
    return out;
}

}  // namespace zc::flights
