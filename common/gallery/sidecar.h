#pragma once
// The metadata kept next to each image as <stem>.json: the original's eight string fields.
// Timestamps are ISO 8601 in UTC with an explicit zone (the original wrote local time without
// one; such old values still parse, as UTC).
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "time/clock.h"

namespace zc::gallery {

/// The seven fields a client may set, in the original's order; `timestamp` is the eighth.
inline constexpr const char* kMetadataFields[] = {
    "flight_id", "aircraft_type", "target", "caption", "equipment", "observer_lat", "observer_lon"};
inline constexpr std::size_t kMaxFieldBytes = 1024;

using Fields = std::map<std::string, std::string>;

/// Every field from `form` (missing ones ""), plus timestamp = now.
nlohmann::json new_sidecar(const Fields& form, UtcTime now);
/// Each field takes the form value if present, else the old value, else ""; timestamp is kept.
nlohmann::json merged_sidecar(const nlohmann::json& old, const Fields& form);
/// An error text when a field is unacceptable (too long, target not ""/sun/moon, lat/lon not a
/// number in range), nullopt when all are fine. Unknown fields are ignored, as in the original.
std::optional<std::string> check_fields(const Fields& form);
/// The parsed `timestamp` of a sidecar, nullopt when absent or unparseable.
std::optional<UtcTime> sidecar_time(const nlohmann::json& metadata);

}  // namespace zc::gallery
