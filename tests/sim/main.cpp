// zipcatcher-seestar-sim: the Seestar simulator as a program, for dry runs of zipcatcherd
// without a telescope and for the integration tests.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/program_options.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "seestar_sim.h"

namespace po = boost::program_options;

namespace {

constexpr const char* kFaultHelp =
    R"(Faults (--faults KIND[=VALUE][@METHOD],...; each fires once, in order, on the
next request of METHOD, or of any method; VALUE is the code, count or seconds):
  drop             close the connection instead of replying
  half-reply       send half the reply line, then close
  rst              reset the connection (TCP RST) instead of replying
  drop-after=N     close after N more messages (default 3)
  stall=S          hold every reply on that connection for S seconds
  delay=S          delay this reply by S seconds
  silence          never reply on that connection again (events still flow)
  reorder          answer the next request first; then an event stamped earlier
  fragment=N       split the next N messages at random byte offsets (default 3)
  coalesce=N       write the next N messages in one write (default 3)
  big-reply        add 100 kB to this reply
  bom              start this reply with a UTF-8 BOM
  bare-lf          end this reply with a bare \n
  malformed        garbage lines (not JSON, truncated, BOM, bare \n) before the reply
  duplicate-id     a foreign reply with the same id, one with an unknown id, and a copy
  error=CODE       reply with this error code (default 207)
  refuse-master    accept master_cli but keep master elsewhere (set_setting)
  steal-master     the phone app takes master (Client{is_master:false})
  track-error=CODE ScopeTrack off with CODE (default 270 below horizon; 502 sync failed)
  goto-fail=CODE   the slew this request starts fails (start_scan_planet; default 501)
  record-no-start  start_record_avi accepted, AviRecord never reaches working
  storage-full     start_record_avi accepted, then AviRecord fail "storage is full"
  reboot=S         every socket drops, the ports stay closed S seconds (default --reboot-seconds)
  bad-challenge    get_verify_str answers without a challenge
  stale-challenge  get_verify_str answers a challenge verify_client then rejects
  busy-auth=S      get_verify_str goes unanswered for S seconds (a busy scope: 15)
  auth-event       events and a foreign reply between verify_client and its reply
)";

}  // namespace

int main(int argc, char** argv) {
    zc::sim::SimOptions o;
    std::string bind, key_file, port_file;
    std::vector<std::string> faults, latency;
    int port = 4700, udp_port = 4720, alpaca_port = 32323, alpaca_udp_port = 32227;
    double fault_seconds = 2;
    bool no_master = false, no_strict = false, no_udp_reply = false, unparked = false;
    po::options_description desc("zipcatcher-seestar-sim options");
    auto add = desc.add_options();
    add("help,h", "this help");
    add("bind", po::value(&bind)->default_value("127.0.0.1"), "address to listen on");
    add("port", po::value(&port)->default_value(4700), "JSON-RPC TCP port (0 = any free port)");
    add("udp-port", po::value(&udp_port)->default_value(4720),
        "UDP discovery port (scan_iscope); 0 = any, -1 = off");
    add("alpaca-port", po::value(&alpaca_port)->default_value(32323),
        "Alpaca HTTP port; 0 = any, -1 = off");
    add("alpaca-discovery-port", po::value(&alpaca_udp_port)->default_value(32227),
        "Alpaca discovery UDP port; 0 = any, -1 = off");
    add("port-file", po::value(&port_file),
        "write the chosen ports here: the JSON-RPC port on the first line, then "
        "'discovery N', 'alpaca N', 'alpaca-discovery N'");
    add("firmware", po::value(&o.firmware)->default_value(2706),
        "firmware_ver_int: 2225 2427 2670 2706 2718 2732 2775 2846 ...");
    add("auth", po::value(&o.auth_mode)->default_value("none"), "none | optional | required");
    add("public-key", po::value(&key_file), "PEM public key that verify_client checks against");
    add("sun-mode-name", po::value(&o.sun_mode_name)->default_value("solar_sys"),
        "sun or solar_sys: View.mode in get_view_state in sun view");
    add("no-require-master", po::bool_switch(&no_master),
        "let non-master clients move the scope (default: acknowledged and ignored)");
    add("no-verify-strictness", po::bool_switch(&no_strict),
        "accept \"verify\" in object params (109 from 2706) and nested arrays (107/108 from 2775)");
    add("no-udp-reply", po::bool_switch(&no_udp_reply),
        "stay silent on UDP discovery, as firmware 7.18+ was seen to");
    add("version-event", po::bool_switch(&o.emit_version_event),
        "emit a Version event after connect (old firmware)");
    add("max-clients", po::value(&o.max_clients)->default_value(8),
        "client slots; the next connection is accepted and closed at once");
    add("invalid-clock", po::bool_switch(&o.invalid_clock_at_boot),
        "boot (and reboot) without a valid clock: slews fail 501/502 until pi_set_time");
    add("freeze-equ", po::bool_switch(&o.freeze_equ_coord),
        "scope_get_equ_coord stays at a stale value while tracking the Sun");
    add("storage-free-mb", po::value(&o.storage_free_mb)->default_value(20000),
        "free storage; 0 = full (every recording fails)");
    add("unparked", po::bool_switch(&unparked), "start with the arm open");
    add("open-seconds", po::value(&o.open_seconds)->default_value(8), "arm opening time");
    add("slew-seconds", po::value(&o.slew_seconds)->default_value(3), "slew time (scan, goto)");
    add("park-seconds", po::value(&o.park_seconds)->default_value(10), "park time");
    add("rtsp-seconds", po::value(&o.rtsp_seconds)->default_value(2),
        "time until a new view reaches stage RTSP");
    add("pistatus-seconds", po::value(&o.pistatus_seconds)->default_value(10),
        "PiStatus event interval");
    add("reboot-seconds", po::value(&o.reboot_seconds)->default_value(60),
        "ports closed after pi_reboot / pi_shutdown / the reboot fault");
    add("latency", po::value(&latency)->composing(),
        "METHOD=SECONDS: extra delay before every reply of METHOD (repeatable)");
    add("altitudes", po::value(&o.altitudes)->default_value("fixed"),
        "fixed (the --sun-*/--moon-* values) or computed (ephemeris for the site and the clock)");
    add("sun-alt", po::value(&o.sun_alt_deg)->default_value(45), "fixed Sun altitude, degrees");
    add("sun-az", po::value(&o.sun_az_deg)->default_value(180), "fixed Sun azimuth, degrees");
    add("moon-alt", po::value(&o.moon_alt_deg)->default_value(30), "fixed Moon altitude, degrees");
    add("moon-az", po::value(&o.moon_az_deg)->default_value(120), "fixed Moon azimuth, degrees");
    add("site-lat", po::value(&o.site_lat_deg)->default_value(51.4779),
        "latitude until set_user_location");
    add("site-lon", po::value(&o.site_lon_deg)->default_value(-0.0015),
        "longitude (east +) until set_user_location");
    add("log", po::value(&o.log_path), "append every received command here (JSON lines)");
    add("faults", po::value(&faults)->composing(),
        "comma-separated fault schedule (see below; repeatable)");
    add("fault-seconds", po::value(&fault_seconds)->default_value(12),
        "default seconds of stall, delay and busy-auth");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        po::notify(vm);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "zipcatcher-seestar-sim: %s\n", e.what());
        return 2;
    }
    if (vm.count("help")) {
        std::cout << "zipcatcher-seestar-sim: a simulated ZWO Seestar for dry runs and tests.\n\n"
                  << desc << "\n"
                  << kFaultHelp;
        return 0;
    }
    o.require_master = !no_master;
    o.verify_strictness = !no_strict;
    o.udp_reply = !no_udp_reply;
    o.start_parked = !unparked;
    auto usage = [](const std::string& text) {
        std::fprintf(stderr, "zipcatcher-seestar-sim: %s\n", text.c_str());
        return 2;
    };
    if (o.altitudes != "fixed" && o.altitudes != "computed")
        return usage("--altitudes: expected fixed or computed, got " + o.altitudes);
    if (o.auth_mode != "none" && o.auth_mode != "optional" && o.auth_mode != "required")
        return usage("--auth: expected none, optional or required, got " + o.auth_mode);
    for (const auto& item : latency) {
        const auto eq = item.find('=');
        try {
            if (eq == std::string::npos || eq == 0)
                throw std::invalid_argument(item);
            o.latency[item.substr(0, eq)] = std::stod(item.substr(eq + 1));
        } catch (const std::exception&) {
            return usage("--latency: expected METHOD=SECONDS, got " + item);
        }
    }
    if (!key_file.empty()) {
        std::ifstream in(key_file);
        if (!in)
            return usage("--public-key: cannot read " + key_file);
        std::ostringstream s;
        s << in.rdbuf();
        o.public_key_pem = s.str();
    }
    boost::asio::io_context io;
    zc::sim::SeestarSim sim(io, o);
    for (const auto& list : faults) {
        std::stringstream in(list);
        std::string item;
        while (std::getline(in, item, ',')) {
            if (item.empty())
                continue;
            std::string why;
            auto f = zc::sim::parse_fault_spec(item, fault_seconds, &why);
            if (!f)
                return usage("--faults: " + why);
            if (f->kind == zc::sim::FaultKind::kReboot && item.find('=') == std::string::npos)
                f->seconds = o.reboot_seconds;
            sim.add_fault(*f);
        }
    }
    std::ostringstream ports;
    try {
        const auto p = sim.listen(bind, static_cast<std::uint16_t>(port));
        ports << p << "\n";
        if (udp_port >= 0)
            ports << "discovery " << sim.listen_discovery(static_cast<std::uint16_t>(udp_port))
                  << "\n";
        if (alpaca_port >= 0)
            ports << "alpaca " << sim.listen_alpaca(static_cast<std::uint16_t>(alpaca_port))
                  << "\n";
        if (alpaca_udp_port >= 0)
            ports << "alpaca-discovery "
                  << sim.listen_alpaca_discovery(static_cast<std::uint16_t>(alpaca_udp_port))
                  << "\n";
    } catch (const std::exception& e) {
        std::fprintf(stderr, "zipcatcher-seestar-sim: cannot listen on %s: %s\n", bind.c_str(),
                     e.what());
        return 1;
    }
    if (!port_file.empty()) {
        // Written whole, then renamed: a reader never sees half of it.
        const std::string tmp = port_file + ".tmp";
        std::ofstream(tmp) << ports.str();
        std::rename(tmp.c_str(), port_file.c_str());
    }
    std::string summary = ports.str();
    for (auto& ch : summary)
        if (ch == '\n')
            ch = ' ';
    std::fprintf(stderr, "zipcatcher-seestar-sim: firmware %d, auth %s, on %s, ports %s\n",
                 o.firmware, o.auth_mode.c_str(), bind.c_str(), summary.c_str());
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
        sim.stop();
        io.stop();
    });
    io.run();
    return 0;
}
