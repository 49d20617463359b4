#include "flights/parse_sbs.h"

#include <fmt/format.h>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

#include "flights/json_fields.h"
#include "flights/units.h"

namespace zc::flights {

namespace {

// 1-based field positions of a MSG line (BaseStation format; dump1090 net_io.c numbers its
// output the same way).
enum : std::size_t {
    kMessage = 1,
    kTransmission = 2,
    kHex = 5,
    kDateGenerated = 7,
    kTimeGenerated = 8,
    kCallsign = 11,
    kAltitude = 12,
    kGroundSpeed = 13,
    kTrack = 14,
    kLat = 15,
    kLon = 16,
    kVerticalRate = 17,
    kSquawk = 18,
    kOnGround = 22,
    kMinFields = 10,  // up to the logged time; the data fields may be cut off at the end
    kMaxFields = 22,
};

constexpr std::array<std::string_view, kMaxFields + 1> kNames = {"",
                                                                 "message type",
                                                                 "transmission type",
                                                                 "session id",
                                                                 "aircraft id",
                                                                 "hex ident",
                                                                 "flight id",
                                                                 "date generated",
                                                                 "time generated",
                                                                 "date logged",
                                                                 "time logged",
                                                                 "callsign",
                                                                 "altitude",
                                                                 "ground speed",
                                                                 "track",
                                                                 "latitude",
                                                                 "longitude",
                                                                 "vertical rate",
                                                                 "squawk",
                                                                 "alert",
                                                                 "emergency",
                                                                 "spi",
                                                                 "is on ground"};

std::string field_name(std::size_t i) {
    return fmt::format("field {} ({})", i, kNames[i]);
}

std::optional<double> to_double(std::string_view s) {
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\r'))
        s.remove_suffix(1);
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    double v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

std::optional<int> to_int(std::string_view s, std::size_t digits) {
    if (s.size() != digits)
        return std::nullopt;
    int v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size())
        return std::nullopt;
    return v;
}

bool is_hex(std::string_view s) {
    if (s.empty() || s.size() > 7)
        return false;
    if (s.front() == '~')
        s.remove_prefix(1);
    for (const char c : s)
        if (!std::isxdigit(static_cast<unsigned char>(c)))
            return false;
    return s.size() == 6;
}

}  // namespace

std::optional<UtcTime> parse_sbs_time(std::string_view date, std::string_view time) {
    using namespace std::chrono;
    if (date.size() != 10 || (date[4] != '/' && date[4] != '-') || date[7] != date[4])
        return std::nullopt;
    const auto y = to_int(date.substr(0, 4), 4), mo = to_int(date.substr(5, 2), 2),
               d = to_int(date.substr(8, 2), 2);
    if (time.size() < 8 || time[2] != ':' || time[5] != ':')
        return std::nullopt;
    const auto h = to_int(time.substr(0, 2), 2), mi = to_int(time.substr(3, 2), 2),
               se = to_int(time.substr(6, 2), 2);
    if (!y || !mo || !d || !h || !mi || !se || *h > 23 || *mi > 59 || *se > 60)
        return std::nullopt;
    Duration frac{0};
    if (time.size() > 8) {
        if (time[8] != '.' || time.size() == 9 || time.size() > 15)
            return std::nullopt;
        const std::string_view digits = time.substr(9);
        int v = 0;
        const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (ec != std::errc() || ptr != digits.data() + digits.size() || v < 0)
            return std::nullopt;
        double scale = 1e6;
        for (std::size_t i = 0; i < digits.size(); ++i)
            scale /= 10;
        frac = Duration(static_cast<std::int64_t>(std::llround(v * scale)));
    }
    const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)},
                             day{static_cast<unsigned>(*d)}};
    if (!ymd.ok())
        return std::nullopt;
    return UtcTime(sys_days(ymd).time_since_epoch() + hours(*h) + minutes(*mi) +
                   seconds(std::min(*se, 59)) + frac);
}

UtcTime sbs_fix_time(UtcTime generated_as_utc, UtcTime received) {
    constexpr auto kZoneStep = std::chrono::duration_cast<Duration>(std::chrono::minutes(15));
    const Duration diff = received - generated_as_utc;
    // Nearest multiple of 15 min (zones run from -12:00 to +14:00 in 15-min steps).
    const auto steps = static_cast<std::int64_t>(
        std::llround(static_cast<double>(diff.count()) / static_cast<double>(kZoneStep.count())));
    return generated_as_utc + kZoneStep * steps;
}

std::optional<SbsMessage> parse_sbs_line(std::string_view line, std::string* error) {
    if (error)
        error->clear();
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n' || line.back() == ' '))
        line.remove_suffix(1);
    if (line.empty() || !line.starts_with("MSG"))
        return std::nullopt;  // SEL, ID, AIR, STA, CLK: nothing for us
    std::array<std::string_view, kMaxFields + 1> f{};
    std::size_t n = 0;
    std::size_t start = 0;
    while (n < kMaxFields) {  // fields beyond 22 (some forks append their own) are ignored
        const std::size_t comma = line.find(',', start);
        f[++n] = line.substr(start, comma == std::string_view::npos ? line.npos : comma - start);
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    const auto fail = [&](std::size_t i, std::string_view what) -> std::optional<SbsMessage> {
        if (error)
            *error = fmt::format("{}: {}", field_name(i), what);
        return std::nullopt;
    };
    if (f[kMessage] != "MSG")
        return fail(kMessage, "expected MSG");
    if (n < kMinFields)
        return fail(n + 1, "missing (line cut short)");
    SbsMessage m;
    const auto type = to_double(f[kTransmission]);
    if (!type || *type < 1 || *type > 8 || *type != std::floor(*type))
        return fail(kTransmission, "expected 1..8");
    m.type = static_cast<int>(*type);
    if (!is_hex(f[kHex]))
        return fail(kHex, "expected 6 hex digits");
    m.icao24 = detail::to_lower(f[kHex]);
    if (!f[kDateGenerated].empty() || !f[kTimeGenerated].empty()) {
        m.generated = parse_sbs_time(f[kDateGenerated], f[kTimeGenerated]);
        if (!m.generated)
            return fail(kDateGenerated, "expected YYYY/MM/DD,HH:MM:SS.mmm");
    }
    const auto num = [&](std::size_t i, std::optional<double>& out) {
        if (i > n || f[i].empty())
            return true;
        out = to_double(f[i]);
        return out.has_value();
    };
    for (const std::size_t i :
         {std::size_t{kAltitude}, std::size_t{kGroundSpeed}, std::size_t{kTrack}, std::size_t{kLat},
          std::size_t{kLon}, std::size_t{kVerticalRate}}) {
        std::optional<double> v;
        if (!num(i, v))
            return fail(i, "expected number");
        switch (i) {
            case kAltitude:
                m.altitude_ft = v;
                break;
            case kGroundSpeed:
                m.ground_speed_kt = v;
                break;
            case kTrack:
                m.track_deg = v;
                break;
            case kLat:
                m.lat_deg = v;
                break;
            case kLon:
                m.lon_deg = v;
                break;
            default:
                m.vertical_rate_fpm = v;
                break;
        }
    }
    if (m.lat_deg && std::abs(*m.lat_deg) > 90)
        return fail(kLat, "out of range");
    if (m.lon_deg && std::abs(*m.lon_deg) > 180)
        return fail(kLon, "out of range");
    if (m.lat_deg.has_value() != m.lon_deg.has_value())
        return fail(m.lat_deg ? kLon : kLat, "missing while the other coordinate is present");
    if (n >= kCallsign)
        m.callsign = detail::trim(f[kCallsign]);
    if (n >= kSquawk)
        m.squawk = detail::trim(f[kSquawk]);
    if (n >= kOnGround && !f[kOnGround].empty()) {
        const std::string_view g = f[kOnGround];
        if (g == "-1" || g == "1")
            m.on_ground = true;
        else if (g == "0")
            m.on_ground = false;
        else
            return fail(kOnGround, "expected -1, 0 or 1");
    }
    return m;
}

std::optional<Fix> SbsAssembler::emit(const std::string& icao, Track& t) {
    if (!t.has_position || t.pos_emitted || !t.has_velocity)
        return std::nullopt;
    const Duration dv = t.pos_time - t.velocity_time;
    if (dv > opt_.max_velocity_age || -dv > opt_.max_velocity_age)
        return std::nullopt;
    std::optional<double> alt = t.pos_alt_ft;
    if (!alt && t.alt_ft && t.pos_time - t.alt_time <= opt_.max_altitude_age &&
        t.alt_time - t.pos_time <= opt_.max_altitude_age) {
        alt = t.alt_ft;
    }
    if (!alt && !t.pos_on_ground)
        return std::nullopt;  // an airborne position without height is no use to the predictor
    if (t.last_emitted != UtcTime{} && t.pos_time <= t.last_emitted)
        return std::nullopt;  // a repeat (or a reordered older line): never feed a fix twice
    t.pos_emitted = true;
    t.last_emitted = t.pos_time;
    Fix f;
    f.feed = Feed::ReadsbLocal;
    f.source_type = icao.starts_with('~') ? SourceType::Other : SourceType::AdsbIcao;
    f.icao24 = icao;
    f.callsign = t.callsign;
    f.fix_time = t.pos_time;
    f.lat_deg = *t.lat;
    f.lon_deg = *t.lon;
    // SBS carries only the pressure altitude.
    f.altitude_kind = AltitudeKind::Barometric;
    f.altitude_m = alt.value_or(0.0) * units::kFootM;
    f.on_ground = t.pos_on_ground;
    if (t.gs_kt)
        f.ground_speed_mps = *t.gs_kt * units::kKnotMps;
    f.track_deg = t.track_deg;
    f.vertical_rate_mps = t.vr_fpm.value_or(0.0) * units::kFeetPerMinuteMps;
    return f;
}

std::optional<Fix> SbsAssembler::add(const SbsMessage& m, UtcTime received) {
    UtcTime when = received;
    if (m.generated) {
        when = sbs_fix_time(*m.generated, received);
    } else {
        ++receipt_timed_;
    }
    auto it = state_.find(m.icao24);
    if (it == state_.end()) {
        if (state_.size() >= opt_.max_aircraft)
            expire(received);
        if (state_.size() >= opt_.max_aircraft)
            return std::nullopt;  // a flood of addresses: keep the aircraft we know
        it = state_.emplace(m.icao24, Track{}).first;
    }
    Track& t = it->second;
    t.heard = received;
    if (!m.callsign.empty())
        t.callsign = m.callsign;
    if (m.altitude_ft && m.type != 3 && m.type != 2) {
        t.alt_ft = m.altitude_ft;
        t.alt_time = when;
    }
    switch (m.type) {
        case 2:  // surface position: position, speed and track in one message
            if (m.ground_speed_kt || m.track_deg) {
                t.gs_kt = m.ground_speed_kt;
                t.track_deg = m.track_deg;
                t.vr_fpm = 0.0;
                t.velocity_time = when;
                t.has_velocity = true;
            }
            [[fallthrough]];
        case 3:
            if (!m.lat_deg)
                return std::nullopt;
            t.lat = m.lat_deg;
            t.lon = m.lon_deg;
            t.pos_alt_ft = m.altitude_ft;
            t.pos_time = when;
            t.pos_on_ground = m.type == 2 || m.on_ground.value_or(false);
            t.has_position = true;
            t.pos_emitted = false;
            return emit(m.icao24, t);
        case 4:
            if (!m.ground_speed_kt && !m.track_deg)
                return std::nullopt;
            t.gs_kt = m.ground_speed_kt;
            t.track_deg = m.track_deg;
            t.vr_fpm = m.vertical_rate_fpm;
            t.velocity_time = when;
            t.has_velocity = true;
            return emit(m.icao24, t);  // a position waiting for its velocity
        default:
            return std::nullopt;
    }
}

std::optional<Fix> SbsAssembler::add_line(std::string_view line, UtcTime received) {
    std::string error;
    const auto m = parse_sbs_line(line, &error);
    if (!m) {
        if (!error.empty()) {
            ++malformed_;
            last_problem_ = std::move(error);
        }
        return std::nullopt;
    }
    return add(*m, received);
}

void SbsAssembler::expire(UtcTime now) {
    for (auto it = state_.begin(); it != state_.end();) {
        if (now - it->second.heard > opt_.forget_after)
            it = state_.erase(it);
        else
            ++it;
    }
}

}  // namespace zc::flights
