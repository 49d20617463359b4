// The simulated device: the arm, the view modes, the mount (slews, tracking, where it points)
// and the recorder, shared by the JSON-RPC methods and the Alpaca server so that both agree.
// The mount is alt-az: standing still it keeps its azimuth and altitude; tracking, it follows
// the Sun or the Moon of the current view (ephemeris or fixed altitudes) or a fixed RA/Dec.
#include <cmath>

#include "astro/apparent.h"
#include "seestar/error_codes.h"
#include "seestar_sim.h"
#include "sim_conn.h"

namespace zc::sim {

using nlohmann::json;
using seestar::Target;

namespace {
constexpr astro::Atmosphere kAirless{0, 15, 0};
constexpr double kSkyTick = 0.25;  // s

double wrap360(double a) {
    a = std::fmod(a, 360.0);
    return a < 0 ? a + 360.0 : a;
}
}  // namespace

UtcTime SeestarSim::now() const {
    return (opt_.clock ? *opt_.clock : static_cast<const Clock&>(system_clock_)).now();
}

astro::Site SeestarSim::site() const {
    return {lat_, lon_, 0};
}

astro::AzAlt SeestarSim::body_altaz(Target body, UtcTime t) const {
    if (opt_.altitudes == "computed") {
        const auto p = astro::topocentric_place(
            body == Target::kSun ? astro::Body::Sun : astro::Body::Moon, t, site());
        return {p.az_deg, p.alt_deg};
    }
    return fixed_.at(body);
}

astro::RaDec SeestarSim::body_radec(Target body, UtcTime t) const {
    if (opt_.altitudes == "computed") {
        const auto p = astro::topocentric_place(
            body == Target::kSun ? astro::Body::Sun : astro::Body::Moon, t, site());
        return {p.astrometric_ra_deg, p.astrometric_dec_deg};
    }
    return astro::observed_to_icrs(fixed_.at(body), t, site(), kAirless);
}

std::optional<Target> SeestarSim::view_body() const {
    if (mode_ == "sun")
        return Target::kSun;
    if (mode_ == "moon")
        return Target::kMoon;
    return std::nullopt;
}

astro::AzAlt SeestarSim::target_altaz(UtcTime t) const {
    if (track_radec_)
        return astro::icrs_to_observed(*track_radec_, t, site(), kAirless);
    if (auto b = view_body())
        return body_altaz(*b, t);
    return rest_altaz_;
}

astro::AzAlt SeestarSim::pointing_altaz(UtcTime t) const {
    if (slew_) {
        const double f = std::clamp(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - slew_->start).count() /
                std::max(1e-3, slew_->seconds),
            0.0, 1.0);
        const auto to = target_altaz(t);
        double daz = std::fmod(to.az_deg - slew_->from.az_deg + 540.0, 360.0) - 180.0;
        return {wrap360(slew_->from.az_deg + f * daz),
                slew_->from.alt_deg + f * (to.alt_deg - slew_->from.alt_deg)};
    }
    if (tracking_)
        return target_altaz(t);
    return rest_altaz_;
}

astro::RaDec SeestarSim::pointing_radec(UtcTime t) const {
    if (tracking_ && !slew_) {
        if (track_radec_)
            return *track_radec_;
        if (auto b = view_body())
            return body_radec(*b, t);
    }
    return astro::observed_to_icrs(pointing_altaz(t), t, site(), kAirless);
}

void SeestarSim::freeze_pointing() {
    rest_altaz_ = pointing_altaz(now());
}

void SeestarSim::start_slew(const std::string& scan_event, std::optional<astro::RaDec> radec) {
    freeze_pointing();
    slew_.reset();
    tracking_ = false;
    track_radec_ = radec;
    frozen_equ_.reset();
    Slew s;
    s.id = next_slew_++;
    s.start = std::chrono::steady_clock::now();
    s.seconds = opt_.slew_seconds;
    s.from = rest_altaz_;
    s.scan_event = scan_event;
    // Why it will fail, if it will (reference §5.4: 501 below the horizon or without a clock).
    if (goto_fail_code_) {
        s.fail_code = std::exchange(goto_fail_code_, 0);
    } else if (!clock_valid_ || target_altaz(now()).alt_deg < 0) {
        s.fail_code = 501;
    }
    slew_ = s;
    if (!scan_event.empty())
        event({{"Event", scan_event}, {"state", "working"}, {"route", {"View"}}});
    event({{"Event", "ScopeTrack"}, {"state", "off"}, {"tracking", false}, {"manual", false}});
    slew_progress(s.id);
}

void SeestarSim::slew_progress(std::uint64_t id) {
    if (!slew_ || slew_->id != id)
        return;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - slew_->start).count();
    const double end = slew_->fail_code ? slew_->seconds / 2 : slew_->seconds;
    if (elapsed + 1e-3 >= end) {
        if (slew_->fail_code)
            finish_slew(id, false, slew_->fail_code, seestar::describe_code(slew_->fail_code));
        else
            finish_slew(id, true, 0, "");
        return;
    }
    const auto t = now();
    const auto at = pointing_radec(t);
    const auto here = pointing_altaz(t);
    const auto to = target_altaz(t);
    const double dist = std::hypot((std::fmod(to.az_deg - here.az_deg + 540.0, 360.0) - 180.0) *
                                       std::cos(to.alt_deg * M_PI / 180),
                                   to.alt_deg - here.alt_deg);
    event({{"Event", "ScopeGoto"},
           {"state", "working"},
           {"cur_ra_dec", {at.ra_deg / 15.0, at.dec_deg}},
           {"dist_deg", dist},
           {"lapse_ms", static_cast<int>(elapsed * 1000)}});
    later(std::min(0.5, end - elapsed), [this, id] { slew_progress(id); });
}

void SeestarSim::finish_slew(std::uint64_t id, bool ok, int code, const std::string& error) {
    if (!slew_ || slew_->id != id)
        return;
    const std::string scan = slew_->scan_event;
    if (ok) {
        slew_.reset();
        tracking_ = true;
        event({{"Event", "ScopeGoto"}, {"state", "complete"}, {"dist_deg", 0.0}});
        if (!scan.empty())
            event({{"Event", scan}, {"state", "complete"}, {"route", {"View"}}});
        event({{"Event", "ScopeTrack"}, {"state", "on"}, {"tracking", true}, {"manual", false}});
        return;
    }
    freeze_pointing();
    slew_.reset();
    tracking_ = false;
    track_radec_.reset();
    event({{"Event", "ScopeGoto"}, {"state", "fail"}, {"error", error}, {"code", code}});
    if (!scan.empty())
        event({{"Event", scan},
               {"state", "fail"},
               {"error", error},
               {"code", code},
               {"route", {"View"}}});
    // What the mount says about tracking after a failed slew.
    if (!clock_valid_)
        event({{"Event", "ScopeTrack"},
               {"state", "off"},
               {"tracking", false},
               {"error", "mount sync failed"},
               {"code", 502}});
    else if (target_altaz(now()).alt_deg < 0)
        event({{"Event", "ScopeTrack"},
               {"state", "off"},
               {"tracking", false},
               {"error", "below horizon"},
               {"code", 270}});
}

int SeestarSim::set_tracking(bool on, bool emit) {
    if (!on) {
        freeze_pointing();
        slew_.reset();
        tracking_ = false;
        track_radec_.reset();
        if (emit)
            event({{"Event", "ScopeTrack"},
                   {"state", "off"},
                   {"tracking", false},
                   {"manual", false}});
        return 0;
    }
    int code = 0;
    if (!clock_valid_ || parked_)
        code = 502;
    else if (target_altaz(now()).alt_deg < 0)
        code = 270;
    if (code) {
        if (emit)
            event({{"Event", "ScopeTrack"},
                   {"state", "off"},
                   {"tracking", false},
                   {"error", code == 270 ? "below horizon" : "mount sync failed"},
                   {"code", code}});
        return code;
    }
    if (!tracking_ && !view_body() && !track_radec_)
        track_radec_ = pointing_radec(now());  // sidereal: hold this RA/Dec
    tracking_ = true;
    if (emit)
        event({{"Event", "ScopeTrack"}, {"state", "on"}, {"tracking", true}, {"manual", false}});
    return 0;
}

void SeestarSim::enter_view(const std::string& mode) {
    const auto epoch = ++epoch_;
    stop_record("complete");
    const std::string old = mode_;
    if (old != "none")
        event({{"Event", "View"}, {"state", "cancel"}, {"mode", old}});
    freeze_pointing();
    slew_.reset();
    tracking_ = false;
    track_radec_.reset();
    mode_ = mode;
    rtsp_ready_ = false;
    const std::string name = mode == "sun" ? "Sun" : "Moon";
    event({{"Event", "View"},
           {"state", "working"},
           {"mode", mode},
           {"tracking", false},
           {"planet_correction", false},
           {"target_name", name}});
    later(opt_.rtsp_seconds, [this, epoch, mode] {
        if (epoch != epoch_)
            return;
        rtsp_ready_ = true;
        event({{"Event", "RTSP"}, {"state", "working"}, {"roi_index", 0}, {"port", 4554}});
        event({{"Event", "View"}, {"state", "working"}, {"mode", mode}, {"stage", "RTSP"}});
    });
}

void SeestarSim::stop_view() {
    ++epoch_;
    stop_record("complete");
    const std::string old = mode_;
    set_tracking(false, false);
    mode_ = "none";
    rtsp_ready_ = false;
    if (old != "none") {
        event({{"Event", "View"}, {"state", "cancel"}, {"mode", old}});
        event({{"Event", "View"}, {"state", "cancel"}, {"mode", "none"}});
    }
}

void SeestarSim::open_arm(std::function<void()> then) {
    if (!parked_) {
        then();
        return;
    }
    const auto epoch = epoch_;
    event({{"Event", "ScopeMoveToHorizon"}, {"state", "working"}});
    arm_moving_ = true;
    later(opt_.open_seconds, [this, then = std::move(then), epoch] {
        arm_moving_ = false;
        if (epoch != epoch_ || !parked_)
            return;
        parked_ = false;
        rest_altaz_ = {rest_altaz_.az_deg, 20};
        event({{"Event", "ScopeMoveToHorizon"}, {"state", "complete"}, {"close", false}});
        then();
    });
}

void SeestarSim::park(bool emit) {
    const auto epoch = ++epoch_;
    stop_record("complete");
    const std::string old = mode_;
    set_tracking(false, false);
    mode_ = "none";
    rtsp_ready_ = false;
    if (old != "none" && emit)
        event({{"Event", "View"}, {"state", "cancel"}, {"mode", old}});
    event({{"Event", "ScopeHome"}, {"state", "working"}});
    later(opt_.park_seconds, [this, epoch] {
        if (epoch != epoch_)
            return;
        parked_ = true;
        rest_altaz_ = {180, -10};
        event(
            {{"Event", "ScopeHome"}, {"state", "complete"}, {"close", true}, {"equ_mode", false}});
    });
}

int SeestarSim::start_record(const std::string& how) {
    if (!view_body())
        return 207;  // only in a live view
    if (recording_)
        return 0;
    if (how == "no-start") {
        // Accepted, and then nothing: AviRecord never reaches "working" (reference §5.6.11).
        event({{"Event", "AviRecord"}, {"state", "start"}});
        return 0;
    }
    if (storage_free_mb_ <= 0 || how == "storage-full") {
        event({{"Event", "AviRecord"}, {"state", "fail"}, {"error", "storage is full"}});
        return 0;
    }
    recording_ = true;
    record_start_ = std::chrono::steady_clock::now();
    event({{"Event", "AviRecord"},
           {"state", "working"},
           {"lapse_ms", 0},
           {"timelapse", {{"enable", false}}},
           {"note", "mp4 record"},
           {"saved_frames", 0},
           {"raw", false},
           {"file_saved", false}});
    return 0;
}

void SeestarSim::stop_record(const std::string& state) {
    if (!recording_)
        return;
    recording_ = false;
    ++files_;
    const double lapse =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - record_start_).count();
    event({{"Event", "AviRecord"},
           {"state", state},
           {"lapse_ms", static_cast<int>(lapse * 1000)},
           {"saved_frames", static_cast<int>(lapse * 30)},
           {"file_saved", true}});
}

void SeestarSim::sky_tick() {
    const auto t = now();
    const auto mono = std::chrono::steady_clock::now();
    const double dt =
        std::clamp(std::chrono::duration<double>(mono - last_sky_tick_).count(), 0.0, 5.0);
    last_sky_tick_ = mono;
    if (!down_) {
        if (axis_rate_[0] != 0 || axis_rate_[1] != 0) {
            rest_altaz_.az_deg = wrap360(rest_altaz_.az_deg + axis_rate_[0] * dt);
            rest_altaz_.alt_deg = std::clamp(rest_altaz_.alt_deg + axis_rate_[1] * dt, -10.0, 90.0);
        }
        if (tracking_ && !slew_ && target_altaz(t).alt_deg < 0) {
            // The target set: tracking stops and so does the recording (reference §5.4).
            freeze_pointing();
            tracking_ = false;
            track_radec_.reset();
            event({{"Event", "ScopeTrack"},
                   {"state", "off"},
                   {"tracking", false},
                   {"error", "below horizon"},
                   {"code", 270}});
            stop_record("complete");
        }
    }
    sky_timer_.expires_after(std::chrono::milliseconds(static_cast<int>(kSkyTick * 1000)));
    sky_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
        if (ec || !*alive)
            return;
        Lock lock(mu_);
        sky_tick();
    });
}

void SeestarSim::set_body_altitude(Target body, double alt_deg, double az_deg) {
    Lock lock(mu_);
    fixed_[body] = {az_deg, alt_deg};
}

void SeestarSim::set_storage_free_mb(int mb) {
    Lock lock(mu_);
    storage_free_mb_ = mb;
}

json SeestarSim::device() const {
    Lock lock(mu_);
    const auto t = now();
    const auto p = pointing_altaz(t);
    const auto r = pointing_radec(t);
    return {{"mode", mode_},
            {"recording", recording_},
            {"parked", parked_},
            {"tracking", tracking_},
            {"slewing", slew_.has_value()},
            {"master", master_conn_},
            {"files", files_},
            {"clock_valid", clock_valid_},
            {"lat", lat_},
            {"lon", lon_},
            {"alt", p.alt_deg},
            {"az", p.az_deg},
            {"ra_h", r.ra_deg / 15.0},
            {"dec", r.dec_deg},
            {"down", down_}};
}

}  // namespace zc::sim
