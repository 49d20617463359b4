#include "alerts/telegram_message.h"

#include <cmath>
#include <cstdio>

#include "txlog/local_time.h"

namespace zc::alerts {

using transit::AlertKind;
using transit::CaptureState;
using transit::Entry;
using transit::Target;

namespace {

// Feed values are short; capping them keeps every message far below kMaxMessageChars whatever
// a feed sends.
constexpr std::size_t kMaxValue = 64;
constexpr std::size_t kMaxReason = 300;

std::string capped(std::string_view v, std::size_t max = kMaxValue) {
    if (v.size() <= max)
        return std::string(v);
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80)
        --cut;  // never split a UTF-8 sequence
    return std::string(v.substr(0, cut)) + "…";
}

std::string esc(std::string_view v, std::size_t max = kMaxValue) {
    return html_escape(capped(v, max));
}

/// Fixed-point text with `decimals` places.
std::string fmt(int decimals, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

/// "11:00:40 UTC (12:00:40 BST)".
std::string both_times(UtcTime t) {
    return txlog::format_utc(t, "%H:%M:%S UTC") + " (" + txlog::format_local(t, "%H:%M:%S %Z") +
           ")";
}

std::string target_name(Target t) {
    return t == Target::Sun ? "Sun" : "Moon";
}

std::string capture_text(const Entry& e) {
    switch (e.capture) {
        case CaptureState::None:
            return "not scheduled";
        case CaptureState::Scheduled:
            return e.capture_stop
                       ? "scheduled, until " + txlog::format_utc(*e.capture_stop, "%H:%M:%S UTC")
                       : "scheduled";
        case CaptureState::Recording:
            return "recording";
        case CaptureState::Recorded:
            return "recorded";
        case CaptureState::Missed:
            return "missed: " + esc(e.capture_reason, kMaxReason);
        case CaptureState::Cancelled:
            return "cancelled: " + esc(e.capture_reason, kMaxReason);
    }
    return "not scheduled";
}

std::string down_for(UtcTime since, UtcTime now) {
    return clock_duration(std::max(0.0, to_seconds(now - since)));
}

}  // namespace

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string html_to_text(std::string_view html) {
    std::string out;
    for (std::size_t i = 0; i < html.size(); ++i) {
        const char c = html[i];
        if (c == '<') {
            const auto close = html.find('>', i);
            if (close == std::string_view::npos)
                break;
            i = close;
            continue;
        }
        if (c == '&') {
            static constexpr std::pair<std::string_view, char> kEntities[] = {
                {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
            bool decoded = false;
            for (const auto& [name, ch] : kEntities)
                if (html.substr(i, name.size()) == name) {
                    out += ch;
                    i += name.size() - 1;
                    decoded = true;
                    break;
                }
            if (decoded)
                continue;
        }
        out += c;
    }
    return out;
}

std::string clock_duration(double seconds) {
    const long s = std::lround(std::max(0.0, seconds));
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

std::string alert_html(const Entry& e, AlertKind kind, UtcTime now, const Route& route) {
    const auto& c = e.candidate;
    const std::string level(transit::to_string(c.level));
    const std::string body = target_name(c.target);
    const char* icon = c.target == Target::Sun ? "☀️" : "🌙";
    std::string m;
    if (kind == AlertKind::Imminent)
        m += "⏰ <b>IMMINENT: " + level + " " + body + " transit</b> " + icon + "\n";
    else
        m += icon + std::string(" <b>") + level + ": possible " + body + " transit</b>\n";

    const std::string flight = !c.callsign.empty() ? c.callsign : c.icao24;
    m += "Flight <b>" + esc(flight.empty() ? "unknown" : flight) + "</b>";
    if (!c.icao24.empty() && c.icao24 != flight)
        m += " (ICAO " + esc(c.icao24) + ")";
    m += ", type " + (c.aircraft_type.empty() ? std::string("unknown") : esc(c.aircraft_type));
    if (!c.registration.empty())
        m += ", " + esc(c.registration);
    m += "\n";
    if (!route.origin.empty() || !route.destination.empty())
        m += "Route " + esc(route.origin.empty() ? "?" : route.origin) + " → " +
             esc(route.destination.empty() ? "?" : route.destination) + "\n";

    const double until = to_seconds(c.closest_approach - now);
    m += "Closest approach " + both_times(c.closest_approach) + ", in " + clock_duration(until) +
         " (" + fmt(0, std::max(0.0, until)) + " s)\n";
    m += "Separation " + fmt(3, c.separation_deg) + "° = " + fmt(2, c.separation_radii) + " " +
         (c.target == Target::Sun ? "solar" : "lunar") + " radii (σ " + fmt(3, c.sigma_deg) +
         "°), probability " + fmt(0, c.probability * 100.0) + "%\n";
    m += "Aircraft at " + fmt(0, c.altitude_m) + " m (" +
         std::string(flights::to_string(c.altitude_kind)) + "), range " +
         fmt(1, c.slant_range_m / 1000.0) + " km; " + body + " at " + fmt(1, c.body_alt_deg) +
         "° altitude, azimuth " + fmt(1, c.body_az_deg) + "°\n";
    m += "Capture: " + capture_text(e);
    return m;
}

std::string sources_down_html(int enabled, UtcTime since, UtcTime now) {
    return "⚠️ <b>All flight sources down</b>\nNone of the " + std::to_string(enabled) +
           " enabled flight source(s) has answered since " + both_times(since) + ", " +
           down_for(since, now) +
           " ago. Predictions are stale: no transit will be alerted or recorded until a source "
           "recovers.";
}

std::string sources_recovered_html(int healthy, int enabled, UtcTime down_since, UtcTime now) {
    return "✅ <b>Flight sources recovered</b>\n" + std::to_string(healthy) + " of " +
           std::to_string(enabled) + " flight source(s) answering again at " + both_times(now) +
           ", after " + down_for(down_since, now) + " down.";
}

}  // namespace zc::alerts
