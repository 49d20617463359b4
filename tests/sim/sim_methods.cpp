// The simulator's port-4700 methods (reference §5.3): authentication, the per-firmware
// parameter rules, master control, and the commands of the device model.
#include <fmt/format.h>
#include <random>

#include "seestar/auth.h"
#include "seestar/error_codes.h"
#include "seestar_sim.h"
#include "sim_conn.h"

namespace zc::sim {

using nlohmann::json;
using seestar::Target;

namespace {

std::string random_challenge() {
    static const char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::random_device rd;
    std::string s;
    for (int i = 0; i < 32; ++i)
        s += kChars[rd() % (sizeof(kChars) - 1)];
    return s;
}

std::optional<double> number(const json& j) {
    return j.is_number() ? std::optional<double>(j.get<double>()) : std::nullopt;
}

/// [ra_h, dec] or {"ra": h, "dec": deg} (the object keys on 7.75+ are not public: ALP's guess).
std::optional<astro::RaDec> goto_target(const json& p) {
    std::optional<double> ra, dec;
    if (p.is_array() && !p.empty() && p[0].is_array() && p[0].size() >= 2) {
        ra = number(p[0][0]);  // ALP's [[ra, dec], "verify"], accepted before 7.75
        dec = number(p[0][1]);
    } else if (p.is_array() && p.size() >= 2) {
        ra = number(p[0]);
        dec = number(p[1]);
    } else if (p.is_object()) {
        ra = number(p.value("ra", json()));
        dec = number(p.value("dec", json()));
    }
    if (!ra || !dec)
        return std::nullopt;
    return astro::RaDec{*ra * 15.0, *dec};
}

}  // namespace

bool SeestarSim::motion_allowed(const std::shared_ptr<Conn>& c) const {
    return !opt_.require_master || master_conn_ == c->id;
}

json SeestarSim::view_state() const {
    if (mode_ == "none")
        return json::object();
    json v = {{"state", "working"},
              {"lapse_ms", 1000},
              {"mode", mode_ == "sun" ? opt_.sun_mode_name : mode_},
              {"target_type", mode_},
              {"target_name", mode_ == "sun" ? "Sun" : "Moon"},
              {"cam_id", 0},
              {"lp_filter", false},
              {"planet_correction", true},
              {"scan_planet_tip", true},
              {"manual_exp", false}};
    if (rtsp_ready_) {
        v["stage"] = "RTSP";
        v["RTSP"] = {{"state", "working"}, {"roi_index", 0}, {"port", 4554}};
    }
    if (recording_) {
        const double lapse =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - record_start_).count();
        v["AviRecord"] = {{"state", "working"},
                          {"lapse_ms", static_cast<int>(lapse * 1000)},
                          {"timelapse", {{"enable", false}}},
                          {"note", "mp4 record"},
                          {"saved_frames", static_cast<int>(lapse * 30)},
                          {"raw", false},
                          {"file_saved", false}};
    }
    return v;
}

json SeestarSim::device_state(const json& params) const {
    json all = {{"device",
                 {{"name", "Seestar S50"},
                  {"firmware_ver_int", opt_.firmware},
                  {"firmware_ver_string", fmt::format("{}.{:02}", (opt_.firmware - 2000) / 100,
                                                      (opt_.firmware - 2000) % 100)},
                  {"is_verified", true},
                  {"product_model", "Seestar S50"},
                  {"sn", "SIM0001"}}},
                {"setting", settings_},
                {"mount",
                 {{"move_type", slew_ ? "goto" : "none"},
                  {"close", parked_},
                  {"tracking", tracking_},
                  {"equ_mode", false}}},
                {"pi_status",
                 {{"temp", 41.5}, {"battery_capacity", 87}, {"charger_status", "Discharging"}}},
                {"storage",
                 {{"is_typec_connected", false},
                  {"storage_volume",
                   {{{"name", "emmc"}, {"free_mb", storage_free_mb_}, {"total_mb", 51200}}}}}},
                {"location_lon_lat", {lon_, lat_}}};
    if (params.is_object() && params.contains("keys") && params["keys"].is_array()) {
        json out = json::object();
        for (const auto& k : params["keys"])
            if (k.is_string() && all.contains(k.get<std::string>()))
                out[k.get<std::string>()] = all[k.get<std::string>()];
        return out;
    }
    return all;
}

json SeestarSim::time_fields() const {
    const auto t = now() + clock_offset_;
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::seconds>(t - day)};
    return {{"year", static_cast<int>(ymd.year())},
            {"mon", static_cast<unsigned>(ymd.month())},
            {"day", static_cast<unsigned>(ymd.day())},
            {"hour", hms.hours().count()},
            {"min", hms.minutes().count()},
            {"sec", hms.seconds().count()},
            {"time_zone", "UTC"},
            {"valid", clock_valid_}};
}

bool SeestarSim::handle_auth(const std::shared_ptr<Conn>& c, const json& req,
                             std::optional<Fault>& fault) {
    const std::string m = req["method"].get<std::string>();
    const json params = req.value("params", json());
    if (m == "get_verify_str") {
        if (opt_.auth_mode == "none" && opt_.firmware < 2718) {
            reply_error(c, req, 103, "method not found", fault);
            return true;
        }
        if (fault && fault->kind == FaultKind::kBusyAuth)
            busy_auth_until_ = std::chrono::steady_clock::now() +
                               std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(fault->seconds));
        if (std::chrono::steady_clock::now() < busy_auth_until_)
            return true;  // busy imaging: the challenge request goes unanswered
        c->challenge = random_challenge();
        if (fault && fault->kind == FaultKind::kBadChallenge) {
            reply(c, req, {{"str", nullptr}}, std::nullopt);
            return true;
        }
        if (fault && fault->kind == FaultKind::kStaleChallenge) {
            reply(c, req, {{"str", random_challenge()}}, std::nullopt);  // not the one it checks
            return true;
        }
        reply(c, req, {{"str", c->challenge}}, fault);
        return true;
    }
    if (m == "verify_client") {
        const bool ok = params.is_object() && !c->challenge.empty() &&
                        params.value("data", std::string()) == c->challenge &&
                        seestar::verify_signature(opt_.public_key_pem, c->challenge,
                                                  params.value("sign", std::string()));
        c->challenge.clear();
        if (fault && fault->kind == FaultKind::kAuthEvent) {
            // What SP once took for the verify_client reply: events, and someone else's reply.
            event_to(c, {{"Event", "PiStatus"}, {"temp", 42.0}});
            event_to(c, {{"Event", "Client"}, {"is_master", false}});
            send_line(c, json({{"jsonrpc", "2.0"},
                               {"Timestamp", stamp()},
                               {"method", "verify_client"},
                               {"error", "verify failed"},
                               {"code", 1},
                               {"id", 420}})
                                 .dump() +
                             "\r\n");
            fault.reset();
        }
        if (!ok) {
            reply_error(c, req, 1, "verify failed", fault);
            return true;
        }
        c->authenticated = true;
        reply(c, req, 0, fault);
        return true;
    }
    if (m == "pi_is_verified") {
        const bool required = opt_.auth_mode == "required" && opt_.firmware >= 2718;
        reply(c, req, c->authenticated || !required, fault);
        return true;
    }
    return false;
}

bool SeestarSim::check_strictness(const std::shared_ptr<Conn>& c, const json& req,
                                  std::optional<Fault>& fault) {
    if (!opt_.verify_strictness)
        return true;
    const std::string m = req["method"].get<std::string>();
    const json params = req.value("params", json());
    auto has_verify = [](const json& o) { return o.is_object() && o.contains("verify"); };
    bool verify_in_dict = has_verify(params);
    if (params.is_array())
        for (const auto& p : params)
            verify_in_dict = verify_in_dict || has_verify(p);
    if (opt_.firmware >= 2706 && verify_in_dict) {
        reply_error(c, req, 109, "unexpected param", fault);
        return false;
    }
    if (opt_.firmware >= 2775 && params.is_array())
        for (const auto& p : params)
            if (p.is_array()) {
                // Coordinates want floats (108); everything else wants an object (107).
                if (m == "scope_goto" || m == "scope_sync")
                    reply_error(c, req, 108, "expected float param", fault);
                else
                    reply_error(c, req, 107, "expected object param", fault);
                return false;
            }
    return true;
}

void SeestarSim::set_setting(const std::shared_ptr<Conn>& c, const json& req,
                             std::optional<Fault> fault) {
    const json params = req.value("params", json());
    if (!params.is_object()) {
        reply_error(c, req, 107, "expected object param", fault);
        return;
    }
    bool refused = false;
    for (const auto& [k, v] : params.items())
        if (k != "master_cli" && k != "verify")
            settings_[k] = v;
    if (params.value("master_cli", false)) {
        if (fault && fault->kind == FaultKind::kRefuseMaster) {
            refused = true;  // "accepted"; the phone app keeps control
            fault.reset();
        } else {
            const int old = master_conn_;
            master_conn_ = c->id;
            for (auto& w : conns_)
                if (auto o = w.lock(); o && o->id == old && old != c->id)
                    event_to(o, {{"Event", "Client"}, {"is_master", false}});
            event_to(c, {{"Event", "Client"}, {"is_master", true}});
        }
    }
    reply(c, req, 0, fault);
    if (refused)
        event_to(c, {{"Event", "Client"}, {"is_master", false}});
}

void SeestarSim::handle(const std::shared_ptr<Conn>& c, const json& req) {
    const std::string m = req["method"].get<std::string>();
    const json params = req.value("params", json());
    auto fault = take_fault(m);
    const bool auth_required = opt_.auth_mode == "required" && opt_.firmware >= 2718;

    if (fault) {
        // Faults that act on the device; those that shape the reply go on with it.
        bool consumed = true;
        switch (fault->kind) {
            case FaultKind::kError: {
                const int code = fault->code ? fault->code : 207;
                reply_error(c, req, code, seestar::describe_code(code), std::nullopt);
                return;
            }
            case FaultKind::kReboot:
                do_reboot(fault->seconds);
                return;
            case FaultKind::kStealMaster: {
                const int old = master_conn_;
                master_conn_ = -1;
                for (auto& w : conns_)
                    if (auto o = w.lock(); o && o->id == old)
                        event_to(o, {{"Event", "Client"}, {"is_master", false}});
                break;
            }
            case FaultKind::kTrackError: {
                const int code = fault->code ? fault->code : 270;
                freeze_pointing();
                tracking_ = false;
                track_radec_.reset();
                event({{"Event", "ScopeTrack"},
                       {"state", "off"},
                       {"tracking", false},
                       {"manual", false},
                       {"error", code == 270 ? "below horizon" : seestar::describe_code(code)},
                       {"code", code}});
                break;
            }
            case FaultKind::kGotoFail:
                goto_fail_code_ = fault->code ? fault->code : 501;  // the slew this starts fails
                break;
            default:
                consumed = false;
        }
        if (consumed)
            fault.reset();
    }
    if (handle_auth(c, req, fault))
        return;
    if (auth_required && !c->authenticated)
        return;  // #759: events flow, nothing is answered
    if (!check_strictness(c, req, fault))
        return;

    if (m == "test_connection") {
        reply(c, req, "ok", fault);
    } else if (m == "get_device_state") {
        reply(c, req, device_state(params), fault);
    } else if (m == "get_setting") {
        json out = settings_;
        if (params.is_object() && params.contains("keys") && params["keys"].is_array()) {
            out = json::object();
            for (const auto& k : params["keys"])
                if (k.is_string() && settings_.contains(k.get<std::string>()))
                    out[k.get<std::string>()] = settings_[k.get<std::string>()];
        }
        reply(c, req, std::move(out), fault);
    } else if (m == "set_setting") {
        set_setting(c, req, fault);
    } else if (m == "pi_set_time") {
        // An object; before 7.75 (or without strictness) also the list forms ALP sent:
        // [{...}], [{...}, "verify"], [[{...}], "verify"].
        const json* t = params.is_object() ? &params : nullptr;
        if (!t && params.is_array() && !params.empty() &&
            (opt_.firmware < 2775 || !opt_.verify_strictness)) {
            if (params[0].is_object())
                t = &params[0];
            else if (params[0].is_array() && !params[0].empty() && params[0][0].is_object())
                t = &params[0][0];
        }
        if (!t) {
            reply_error(c, req, 107, "expected object param", fault);
            return;
        }
        const std::chrono::year_month_day ymd{std::chrono::year(t->value("year", 1970)),
                                              std::chrono::month(t->value("mon", 1u)),
                                              std::chrono::day(t->value("day", 1u))};
        if (!ymd.ok()) {
            reply_error(c, req, 107, "expected object param", fault);
            return;
        }
        const UtcTime set = std::chrono::sys_days(ymd) + std::chrono::hours(t->value("hour", 0)) +
                            std::chrono::minutes(t->value("min", 0)) +
                            std::chrono::seconds(t->value("sec", 0));
        clock_offset_ = set - now();
        clock_valid_ = true;
        reply(c, req, 0, fault);
    } else if (m == "pi_get_time") {
        reply(c, req, time_fields(), fault);
    } else if (m == "set_user_location") {
        if (params.is_object()) {
            lat_ = params.value("lat", lat_);
            lon_ = params.value("lon", lon_);
        }
        reply(c, req, 0, fault);
    } else if (m == "get_user_location") {
        reply(c, req, {{"lat", lat_}, {"lon", lon_}}, fault);
    } else if (m == "get_view_state" || m == "iscope_get_app_state") {
        reply(c, req, {{"View", view_state()}}, fault);
    } else if (m == "iscope_start_view") {
        const std::string mode =
            params.is_object() ? params.value("mode", std::string()) : std::string();
        reply(c, req, 0, fault);
        if (!motion_allowed(c) || (mode != "sun" && mode != "moon"))
            return;  // acknowledged, ignored (non-master; other modes are not modelled)
        open_arm([this, mode] { enter_view(mode); });
    } else if (m == "start_scan_planet") {
        if (!motion_allowed(c) || !view_body() || parked_) {
            // Acknowledged and ignored: not master, or no sun/moon view (yet).
            reply(c, req, 0, fault);
            return;
        }
        reply(c, req, 0, fault);
        start_slew(mode_ == "sun" ? "ScanSun" : "ScanMoon", std::nullopt);
    } else if (m == "scope_goto") {
        auto target = goto_target(params);
        if (!target) {
            reply_error(c, req, 108, "expected float param", fault);
        } else if (slew_) {
            reply_error(c, req, 203, "equipment is moving", fault);
        } else if (parked_) {
            reply_error(c, req, 207, "fail to operate", fault);
        } else {
            reply(c, req, 0, fault);
            if (motion_allowed(c))
                start_slew("", target);
        }
    } else if (m == "scope_sync") {
        if (!goto_target(params))
            reply_error(c, req, 108, "expected float param", fault);
        else if (!tracking_ || parked_ || !clock_valid_)
            reply_error(c, req, 207, "fail to operate", fault);
        else
            reply(c, req, 0, fault);
    } else if (m == "scope_speed_move") {
        reply(c, req, 0, fault);
        if (motion_allowed(c) && !parked_ && params.is_object()) {
            // A nudge: speed 240 ~ 1 deg/s, angle 0 right, 90 up (SP's reading).
            const double deg =
                params.value("speed", 0.0) / 240.0 * std::min(10.0, params.value("dur_sec", 0.0));
            const double a = params.value("angle", 0.0) * M_PI / 180.0;
            set_tracking(false, true);
            rest_altaz_.az_deg = std::fmod(rest_altaz_.az_deg + deg * std::cos(a) + 360.0, 360.0);
            rest_altaz_.alt_deg = std::clamp(rest_altaz_.alt_deg + deg * std::sin(a), -10.0, 90.0);
        }
    } else if (m == "scope_set_track_state") {
        bool on = false;
        if (params.is_boolean())
            on = params.get<bool>();
        else if (params.is_object())
            on = params.value("tracking", false);
        else if (params.is_array() && !params.empty() && params[0].is_boolean())
            on = params[0].get<bool>();
        reply(c, req, 0, fault);
        if (motion_allowed(c))
            set_tracking(on, true);  // a failure comes as a ScopeTrack event (270/502)
    } else if (m == "scope_get_equ_coord") {
        auto r = pointing_radec(now());
        if (opt_.freeze_equ_coord && mode_ == "sun" && tracking_) {
            if (!frozen_equ_)
                frozen_equ_ = r;
            r = *frozen_equ_;  // FM saw it stuck at a stale value in solar mode
        }
        reply(c, req, {{"ra", r.ra_deg / 15.0}, {"dec", r.dec_deg}}, fault);
    } else if (m == "scope_get_ra_dec") {
        const auto r = pointing_radec(now());
        reply(c, req, {r.ra_deg / 15.0, r.dec_deg}, fault);
    } else if (m == "scope_get_horiz_coord") {
        const auto p = pointing_altaz(now());
        reply(c, req, {p.alt_deg, p.az_deg}, fault);
    } else if (m == "scope_get_track_state") {
        reply(c, req, tracking_, fault);
    } else if (m == "start_record_avi") {
        if (!view_body()) {
            reply_error(c, req, 207, "fail to operate", fault);
            return;
        }
        std::string how;
        if (fault && fault->kind == FaultKind::kRecordNoStart)
            how = "no-start";
        else if (fault && fault->kind == FaultKind::kStorageFull)
            how = "storage-full";
        if (!how.empty())
            fault.reset();
        // The event (if any) comes before the reply, as the device sends it.
        if (motion_allowed(c))
            start_record(how);
        reply(c, req, 0, fault);
    } else if (m == "stop_record_avi") {
        stop_record("complete");
        reply(c, req, 0, fault);
    } else if (m == "iscope_stop_view") {
        reply(c, req, 0, fault);
        const std::string stage =
            params.is_object() ? params.value("stage", std::string()) : std::string();
        if (!motion_allowed(c))
            return;
        if (stage.empty()) {
            stop_view();
        } else if ((stage == "ScopeGoto" || stage == "AutoGoto") && slew_) {
            freeze_pointing();
            slew_.reset();
            event({{"Event", stage}, {"state", "cancel"}});
        }
    } else if (m == "scope_park") {
        reply(c, req, 0, fault);
        if (motion_allowed(c))
            park(true);
    } else if (m == "scope_move_to_horizon") {
        reply(c, req, 0, fault);
        if (motion_allowed(c))
            open_arm([] {});
    } else if (m == "pi_reboot" || m == "pi_shutdown") {
        reply(c, req, 0, fault);
        later(0.05, [this] { do_reboot(opt_.reboot_seconds); });
    } else if (m == "get_albums") {
        json files = json::array();
        for (int i = 0; i < files_; ++i)
            files.push_back({{"name", fmt::format("rec_{:04}.mp4", i + 1)},
                             {"thn", ""},
                             {"count", 1},
                             {"type", "mp4"}});
        reply(c, req,
              {{"path", "MyWorks"}, {"list", {{{"group_name", "Solar"}, {"files", files}}}}},
              fault);
    } else if (m == "get_disk_volume") {
        reply(c, req, {{"totalMB", 51200}, {"freeMB", storage_free_mb_}}, fault);
    } else if (m == "clear_app_state") {
        reply(c, req, 0, fault);
    } else {
        reply_error(c, req, 103, "method not found", fault);
    }
}

}  // namespace zc::sim
