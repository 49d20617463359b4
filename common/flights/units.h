#pragma once
// Feed units to SI (flight-data-sources.md §3.3).
namespace zc::flights::units {
inline constexpr double kFootM = 0.3048;
inline constexpr double kHundredFeetM = 30.48;  // FlightAware altitude
inline constexpr double kKnotMps = 1852.0 / 3600.0;
inline constexpr double kFeetPerMinuteMps = 0.3048 / 60.0;
/// Feed clocks above this are milliseconds since the epoch (1e11 s is the year 5138).
inline constexpr double kMillisecondThreshold = 1e11;
}  // namespace zc::flights::units
