#pragma once
// Angular residual helpers for the astronomy tests, and a tally of the worst residual per vector
// set that is printed at the end of the run (docs/astronomy.md quotes it).
#include <string>

double direction_error_arcsec(double alt1_deg, double az1_deg, double alt2_deg, double az2_deg);
double radec_error_arcsec(double ra1_deg, double dec1_deg, double ra2_deg, double dec2_deg);
void record_residual(const std::string& set, double value);
