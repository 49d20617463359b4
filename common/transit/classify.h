#pragma once
#include "transit/candidate.h"

namespace zc::transit {

/// The alert level of a minimum (all boundaries inclusive): HIGH when predicted on the disc,
/// MEDIUM for a near miss (a few radii, or the disc within medium_sigmas sigma), LOW within the
/// configured angle, NONE otherwise.
Level classify(double separation_deg, double radius_deg, double sigma_deg, const Options& options);

}  // namespace zc::transit
