#include "residuals.h"

#include <cmath>
#include <cstdio>
#include <map>

namespace {

constexpr double kDeg2Rad = 1.745329251994329576923691e-2;

double separation_arcsec(double lat1, double lon1, double lat2, double lon2) {
    // atan2(|u x v|, u . v): well conditioned for tiny separations.
    const double p1 = lat1 * kDeg2Rad, p2 = lat2 * kDeg2Rad, dl = (lon2 - lon1) * kDeg2Rad;
    const double x = std::cos(p2) * std::sin(dl);
    const double y = std::cos(p1) * std::sin(p2) - std::sin(p1) * std::cos(p2) * std::cos(dl);
    const double z = std::sin(p1) * std::sin(p2) + std::cos(p1) * std::cos(p2) * std::cos(dl);
    return std::atan2(std::hypot(x, y), z) / kDeg2Rad * 3600.0;
}

struct Tally {
    std::map<std::string, double> worst;
    ~Tally() {
        if (worst.empty())
            return;
        std::printf("\nWorst astronomy residuals seen in this run:\n");
        for (const auto& [set, value] : worst)
            std::printf("  %-44s %.6f\n", set.c_str(), value);
    }
};

Tally& tally() {
    static Tally t;
    return t;
}

}  // namespace

double direction_error_arcsec(double alt1, double az1, double alt2, double az2) {
    return separation_arcsec(alt1, az1, alt2, az2);
}

double radec_error_arcsec(double ra1, double dec1, double ra2, double dec2) {
    return separation_arcsec(dec1, ra1, dec2, ra2);
}

void record_residual(const std::string& set, double value) {
    double& w = tally().worst[set];
    if (value > w)
        w = value;
}
