#pragma once
// The JSON form of a candidate, shared by `zipcatcher predict --json` and the daemon's
// `transits` command (schema in docs/transit-model.md).
#include <vector>

#include <nlohmann/json.hpp>

#include "transit/candidate.h"

namespace zc::transit {

nlohmann::json to_json(const Candidate& c);
nlohmann::json to_json(const std::vector<Candidate>& candidates);

}  // namespace zc::transit
