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

int main(int argc, char** argv) {
    zc::sim::SimOptions o;
    std::string bind, key_file, faults, port_file;
    int port = 4700;
    double fault_seconds = 2;
    po::options_description desc("zipcatcher-seestar-sim options");
    desc.add_options()("help,h", "this help")("bind", po::value(&bind)->default_value("127.0.0.1"),
                                              "address to listen on")(
        "port", po::value(&port)->default_value(4700), "TCP port (0 = any free port)")(
        "port-file", po::value(&port_file), "write the chosen port here")(
        "firmware", po::value(&o.firmware)->default_value(2706),
        "firmware_ver_int, e.g. 2225 2706 2718 2775")(
        "auth", po::value(&o.auth_mode)->default_value("none"), "none | optional | required")(
        "public-key", po::value(&key_file), "PEM public key that verify_client checks against")(
        "sun-mode-name", po::value(&o.sun_mode_name)->default_value("solar_sys"),
        "sun or solar_sys")("slew-seconds", po::value(&o.slew_seconds)->default_value(3),
                            "start_scan_planet slew time")(
        "open-seconds", po::value(&o.open_seconds)->default_value(8), "arm opening time")(
        "park-seconds", po::value(&o.park_seconds)->default_value(10), "park time")(
        "log", po::value(&o.log_path), "append every received command here (JSON lines)")(
        "faults", po::value(&faults),
        "comma-separated faults fired in order, each on the next matching request: "
        "drop, half-reply, stall, delay, error, malformed, silence, refuse-master; "
        "KIND@METHOD limits one to a method")(
        "fault-seconds", po::value(&fault_seconds)->default_value(12), "stall/delay length");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        po::notify(vm);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "zipcatcher-seestar-sim: %s\n", e.what());
        return 2;
    }
    if (vm.count("help")) {
        std::cout << desc << "\n";
        return 0;
    }
    if (!key_file.empty()) {
        std::ifstream in(key_file);
        std::ostringstream s;
        s << in.rdbuf();
        o.public_key_pem = s.str();
    }
    boost::asio::io_context io;
    zc::sim::SeestarSim sim(io, o);
    std::stringstream list(faults);
    std::string item;
    while (std::getline(list, item, ',')) {
        if (item.empty())
            continue;
        zc::sim::Fault f;
        const auto at = item.find('@');
        f.method = at == std::string::npos ? "" : item.substr(at + 1);
        auto kind = zc::sim::parse_fault(item.substr(0, at));
        if (!kind) {
            std::fprintf(stderr, "zipcatcher-seestar-sim: unknown fault %s\n", item.c_str());
            return 2;
        }
        f.kind = *kind;
        f.seconds = fault_seconds;
        sim.add_fault(f);
    }
    const auto p = sim.listen(bind, static_cast<std::uint16_t>(port));
    if (!port_file.empty())
        std::ofstream(port_file) << p << "\n";
    std::fprintf(stderr, "zipcatcher-seestar-sim: firmware %d, auth %s, listening on %s:%u\n",
                 o.firmware, o.auth_mode.c_str(), bind.c_str(), p);
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
        sim.stop();
        io.stop();
    });
    io.run();
    return 0;
}
