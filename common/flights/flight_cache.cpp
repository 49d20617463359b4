#include "flights/flight_cache.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "geo/angles.h"
#include "geo/geodesic.h"

namespace zc::flights {

namespace {

// Estimator thresholds (docs/flight-pipeline.md, "History estimator").
constexpr double kMinBaselineS = 1.0;        // two positions closer in time say nothing
constexpr double kMinChordM = 200.0;         // ADS-B positions are good to ~5 m: <= 1.5 deg
constexpr double kMinTurnSpanS = 2.0;        // track samples must span this much time
constexpr double kMinClimbSpanS = 10.0;      // altitude steps are 25-100 ft
constexpr double kMinClimbRateMps = 1.5;     // ~300 ft/min: below this, level (quantisation)
constexpr double kEarthRadiusM = 6371000.0;  // for the height correction of the speed only

bool is_mlat_like(SourceType t) {
    return t == SourceType::Mlat || t == SourceType::Tisb || t == SourceType::ModeS ||
           t == SourceType::Other;
}
bool is_adsb(SourceType t) {
    return t == SourceType::AdsbIcao || t == SourceType::AdsbIcaoNt || t == SourceType::Adsr;
}

/// A few (x, y) samples without a heap allocation (the history holds at most kMaxPoints).
constexpr std::size_t kMaxPoints = 64;
struct Samples {
    std::array<std::pair<double, double>, kMaxPoints> v;
    std::size_t n = 0;
    void emplace_back(double x, double y) {
        if (n < kMaxPoints)
            v[n++] = {x, y};
    }
    std::size_t size() const { return n; }
    const std::pair<double, double>* begin() const { return v.data(); }
    const std::pair<double, double>* end() const { return v.data() + n; }
    std::pair<double, double>& operator[](std::size_t i) { return v[i]; }
    const std::pair<double, double>& front() const { return v[0]; }
    const std::pair<double, double>& back() const { return v[n - 1]; }
};

/// Least-squares slope of y over x; nullopt when x does not vary.
std::optional<double> slope(const Samples& xy) {
    if (xy.size() < 2)
        return std::nullopt;
    double mx = 0, my = 0;
    for (const auto& [x, y] : xy) {
        mx += x;
        my += y;
    }
    const double n = static_cast<double>(xy.size());
    mx /= n;
    my /= n;
    double sxx = 0, sxy = 0;
    for (const auto& [x, y] : xy) {
        sxx += (x - mx) * (x - mx);
        sxy += (x - mx) * (y - my);
    }
    if (sxx <= 1e-12)
        return std::nullopt;
    return sxy / sxx;
}

/// Unwraps a sequence of angles (degrees) so that consecutive ones differ by < 180.
void unwrap(Samples& seq) {
    for (std::size_t i = 1; i < seq.size(); ++i)
        seq[i].second = seq[i - 1].second + geo::wrap_180(seq[i].second - seq[i - 1].second);
}

double seconds_between(UtcTime a, UtcTime b) {
    return to_seconds(b - a);
}

/// Mean direction of a geodesic segment (the track at its midpoint, near enough).
double mid_azimuth(const geo::GeodesicInverse& g) {
    return geo::wrap_360(g.azimuth1_deg + 0.5 * geo::wrap_180(g.azimuth2_deg - g.azimuth1_deg));
}

}  // namespace

std::string_view to_string(Ingest r) {
    switch (r) {
        case Ingest::New:
            return "new";
        case Ingest::Duplicate:
            return "duplicate";
        case Ingest::Older:
            return "older";
        case Ingest::OnGround:
            return "on_ground";
        case Ingest::TooOld:
            return "too_old";
        case Ingest::Future:
            return "future";
        case Ingest::NoKey:
            break;
    }
    return "no_key";
}

Estimated estimate_motion(Fix& fix, const std::vector<HistoryPoint>& history) {
    Estimated est;
    if (history.size() < 2)
        return est;
    const HistoryPoint& last = history.back();
    // Times below are seconds relative to the newest point (so <= 0).
    auto rel = [&](const HistoryPoint& p) { return seconds_between(last.time, p.time); };

    // Turn rate from the source's own tracks when it gave them (0.13 deg resolution at cruise
    // speed), else from the directions of successive chords.
    std::optional<double> turn;
    if (!fix.track_rate_dps) {
        Samples tracks;
        for (const auto& p : history)
            if (p.track_deg)
                tracks.emplace_back(rel(p), *p.track_deg);
        if (tracks.size() >= 2 && tracks.back().first - tracks.front().first >= kMinTurnSpanS) {
            unwrap(tracks);
            turn = slope(tracks);
        } else {
            Samples chords;
            const HistoryPoint* from = &history.front();
            for (std::size_t i = 1; i < history.size(); ++i) {
                const HistoryPoint& to = history[i];
                const double dt = seconds_between(from->time, to.time);
                if (dt < kMinBaselineS)
                    continue;
                const auto g =
                    geo::geodesic_inverse(from->lat_deg, from->lon_deg, to.lat_deg, to.lon_deg);
                if (!g || g->distance_m < kMinChordM)
                    continue;
                chords.emplace_back(rel(*from) + 0.5 * dt, mid_azimuth(*g));
                from = &to;
            }
            if (chords.size() >= 2 && chords.back().first - chords.front().first >= kMinTurnSpanS) {
                unwrap(chords);
                turn = slope(chords);
            }
        }
        if (turn) {
            fix.track_rate_dps = *turn;
            est.track_rate = true;
        }
    }

    // Ground speed and track from the chord ending at the newest point: the most recent earlier
    // point at least kMinBaselineS back whose chord is long enough to beat position noise.
    if (!fix.ground_speed_mps || !fix.track_deg) {
        for (std::size_t i = history.size() - 1; i-- > 0;) {
            const HistoryPoint& p = history[i];
            const double dt = -rel(p);
            if (dt < kMinBaselineS)
                continue;
            const auto g = geo::geodesic_inverse(p.lat_deg, p.lon_deg, last.lat_deg, last.lon_deg);
            if (!g)
                break;
            if (g->distance_m < kMinChordM && i > 0)
                continue;  // try a longer baseline
            if (!fix.ground_speed_mps) {
                // The chord is between subpoints; the aircraft's own speed is higher by
                // (R + h) / R, as the propagator assumes.
                fix.ground_speed_mps =
                    g->distance_m / dt * (1.0 + std::max(0.0, last.altitude_m) / kEarthRadiusM);
                est.ground_speed = true;
            }
            if (!fix.track_deg && g->distance_m >= 1.0) {
                // Flying straight, the track at the newest point is the geodesic's azimuth
                // there. In a turn the chord is parallel to the track at the arc's midpoint,
                // and the heading has turned on by rate * dt / 2 since.
                const double rate = fix.track_rate_dps.value_or(0.0);
                fix.track_deg = geo::wrap_360(g->azimuth2_deg + rate * 0.5 * dt);
                est.track = true;
            }
            break;
        }
    }

    // Vertical rate: Fix carries 0 when the feed gave none; estimate only a clear trend.
    if (fix.vertical_rate_mps == 0.0) {
        Samples alt;
        for (const auto& p : history)
            if (p.altitude_kind == last.altitude_kind)
                alt.emplace_back(rel(p), p.altitude_m);
        if (alt.size() >= 2 && -alt.front().first >= kMinClimbSpanS) {
            if (const auto s = slope(alt); s && std::abs(*s) >= kMinClimbRateMps) {
                fix.vertical_rate_mps = *s;
                est.vertical_rate = true;
            }
        }
    }
    return est;
}

bool FlightCache::is_fresh(const Fix& f, UtcTime now) const {
    return to_seconds(now - f.fix_time) <= options_.max_fix_age_s;
}

Ingest FlightCache::add(Fix fix, std::string_view source, UtcTime now) {
    if (fix.key().empty())
        return Ingest::NoKey;
    const double age = to_seconds(now - fix.fix_time);
    if (fix.on_ground) {
        // A landed aircraft cannot transit; forget it so its history does not linger.
        aircraft_.erase(fix.key());
        return Ingest::OnGround;
    }
    if (age > options_.max_fix_age_s)
        return Ingest::TooOld;
    if (-age > options_.max_future_s)
        return Ingest::Future;

    auto [it, inserted] = aircraft_.try_emplace(fix.key());
    Entry& e = it->second;
    TrackedAircraft& ac = e.ac;
    if (auto s = ac.sources.find(source); s != ac.sources.end())
        s->second = std::max(s->second, fix.fix_time);
    else
        ac.sources.emplace(std::string(source), fix.fix_time);
    if (!inserted) {
        const Fix& held = ac.fix;
        const double newer_by = to_seconds(fix.fix_time - held.fix_time);
        if (std::abs(newer_by) <= options_.same_fix_s)
            return Ingest::Duplicate;
        if (newer_by < 0)
            return Ingest::Older;
        if (newer_by < options_.mlat_hold_s && is_mlat_like(fix.source_type) &&
            is_adsb(held.source_type) && is_fresh(held, now))
            return Ingest::Older;
        // Identity that this feed lacks but an earlier one gave.
        if (fix.callsign.empty())
            fix.callsign = held.callsign;
        if (fix.registration.empty())
            fix.registration = held.registration;
        if (fix.aircraft_type.empty())
            fix.aircraft_type = held.aircraft_type;
        if (fix.flight_id.empty())
            fix.flight_id = held.flight_id;
    } else {
        ac.first_seen = now;
    }
    remember(e, fix);
    ac.fix = std::move(fix);
    ac.estimated = estimate_motion(ac.fix, ac.history);
    ac.source = std::string(source);
    ac.updates += 1;
    e.current = true;
    return Ingest::New;
}

void FlightCache::remember(Entry& e, const Fix& f) {
    auto& h = e.ac.history;
    const auto horizon = f.fix_time - from_seconds(options_.history_span_s);
    h.erase(
        std::remove_if(h.begin(), h.end(), [&](const HistoryPoint& p) { return p.time < horizon; }),
        h.end());
    HistoryPoint p{f.fix_time, f.lat_deg, f.lon_deg, f.altitude_m, f.altitude_kind, f.track_deg};
    // Keep the newest point always; thin the one before it when the two are too close, so that
    // a 2 Hz feed still leaves baselines of a second or more.
    if (h.size() >= 2 &&
        seconds_between(h[h.size() - 2].time, h.back().time) < options_.history_spacing_s)
        h.pop_back();
    h.push_back(p);
    while (h.size() > std::clamp<std::size_t>(options_.history_points, 2, kMaxPoints))
        h.erase(h.begin());
}

const TrackedAircraft* FlightCache::find(std::string_view key, UtcTime now) const {
    const TrackedAircraft* ac = find_any(key);
    return ac && is_fresh(ac->fix, now) ? ac : nullptr;
}

const TrackedAircraft* FlightCache::find_any(std::string_view key) const {
    const auto it = aircraft_.find(std::string(key));
    return it == aircraft_.end() ? nullptr : &it->second.ac;
}

std::vector<std::string> FlightCache::expire(UtcTime now) {
    std::vector<std::string> gone;
    const double keep_s = std::max(options_.max_fix_age_s, options_.history_span_s);
    for (auto it = aircraft_.begin(); it != aircraft_.end();) {
        Entry& e = it->second;
        const double age = to_seconds(now - e.ac.fix.fix_time);
        if (e.current && age > options_.max_fix_age_s) {
            e.current = false;
            gone.push_back(it->first);
        }
        if (age > keep_s)
            it = aircraft_.erase(it);
        else
            ++it;
    }
    std::sort(gone.begin(), gone.end());
    return gone;
}

std::vector<const TrackedAircraft*> FlightCache::current(UtcTime now) const {
    std::vector<const TrackedAircraft*> out;
    out.reserve(aircraft_.size());
    for (const auto& [key, e] : aircraft_)
        if (is_fresh(e.ac.fix, now))
            out.push_back(&e.ac);
    std::sort(out.begin(), out.end(), [](const TrackedAircraft* a, const TrackedAircraft* b) {
        return a->fix.key() < b->fix.key();
    });
    return out;
}

}  // namespace zc::flights
