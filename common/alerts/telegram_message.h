#pragma once
// The text of alerts: Telegram HTML (parse_mode HTML) with every dynamic value escaped, and a
// plain-text form of the same message for the daemon log (when Telegram is not configured, or
// an alert could not be delivered). Times are shown in UTC and in the process's local time
// zone (TZ, else /etc/localtime; see txlog/local_time.h).
#include <string>
#include <string_view>

#include "time/clock.h"
#include "transit/lifecycle.h"

namespace zc::alerts {

/// Telegram's limit for one message.
inline constexpr std::size_t kMaxMessageChars = 4096;

/// Escapes &, <, >, " and ' for Telegram HTML (text and attribute values).
std::string html_escape(std::string_view text);
/// The message without tags, entities decoded (for logs).
std::string html_to_text(std::string_view html);

/// Where the flight comes from and goes to, when a source reports it (empty = unknown).
struct Route {
    std::string origin, destination;
};

/// A transit alert: level, target, callsign, aircraft type, route when known, closest approach
/// in UTC and local time with the seconds until it, separation in degrees and body radii,
/// probability, the aircraft's altitude and range, and the capture state.
std::string alert_html(const transit::Entry& entry, transit::AlertKind kind, UtcTime now,
                       const Route& route = {});

/// Every enabled flight source has failed since `since`.
std::string sources_down_html(int enabled, UtcTime since, UtcTime now);
/// `healthy` of `enabled` answer again after being down since `down_since`.
std::string sources_recovered_html(int healthy, int enabled, UtcTime down_since, UtcTime now);

/// "0:42", "12:05", "1:02:03".
std::string clock_duration(double seconds);

}  // namespace zc::alerts
