// The simulator's other listeners: UDP 4720 discovery (`scan_iscope`, reference §1.2), the ASCOM
// Alpaca telescope subset on HTTP (§4, §5.5) against the same device model as port 4700, and
// Alpaca discovery on UDP 32227.
#include <boost/asio/ip/udp.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <cmath>

#include "astro/time_scales.h"
#include "seestar_sim.h"
#include "sim_conn.h"

namespace zc::sim {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using asio::ip::udp;
using nlohmann::json;

namespace {

constexpr int kNotImplemented = 1024;    // ASCOM 0x400
constexpr int kInvalidValue = 1025;      // 0x401
constexpr int kInvalidOperation = 1279;  // 0x4FF: what the Seestar returns for state errors

std::string lower(std::string s) {
    for (auto& ch : s)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

std::string url_decode(std::string_view in) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '+') {
            out += ' ';
        } else if (in[i] == '%' && i + 2 < in.size() &&
                   std::isxdigit(static_cast<unsigned char>(in[i + 1])) &&
                   std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += in[i];
        }
    }
    return out;
}

/// ASCOM parameter names are case-insensitive: keys are lower-cased.
void parse_form(std::string_view text, std::map<std::string, std::string>& out) {
    while (!text.empty()) {
        const auto amp = text.find('&');
        const auto pair = text.substr(0, amp);
        const auto eq = pair.find('=');
        if (!pair.empty())
            out[lower(url_decode(pair.substr(0, eq)))] =
                eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1));
        if (amp == std::string_view::npos)
            break;
        text.remove_prefix(amp + 1);
    }
}

std::optional<double> number_arg(const std::map<std::string, std::string>& a, const char* key) {
    auto it = a.find(key);
    if (it == a.end())
        return std::nullopt;
    try {
        std::size_t used = 0;
        const double v = std::stod(it->second, &used);
        if (used == it->second.size() && std::isfinite(v))
            return v;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

std::optional<bool> bool_arg(const std::map<std::string, std::string>& a, const char* key) {
    auto it = a.find(key);
    if (it == a.end())
        return std::nullopt;
    const auto v = lower(it->second);
    if (v == "true")
        return true;
    if (v == "false")
        return false;
    return std::nullopt;
}

}  // namespace

// --- UDP 4720 discovery

std::uint16_t SeestarSim::listen_discovery(std::uint16_t port) {
    Lock lock(mu_);
    udp::endpoint ep(address_, port);
    discovery_socket_.open(ep.protocol());
    discovery_socket_.set_option(udp::socket::reuse_address(true));
    discovery_socket_.bind(ep);
    receive_discovery();
    return discovery_socket_.local_endpoint().port();
}

void SeestarSim::receive_discovery() {
    auto buf = std::make_shared<std::array<char, 2048>>();
    auto from = std::make_shared<udp::endpoint>();
    discovery_socket_.async_receive_from(
        asio::buffer(*buf), *from,
        [this, buf, from, alive = alive_](const boost::system::error_code& ec, std::size_t n) {
            if (!*alive || ec == asio::error::operation_aborted)
                return;
            Lock lock(mu_);
            if (!ec) {
                std::string_view text(buf->data(), n);
                while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
                    text.remove_suffix(1);
                const json req = json::parse(text, nullptr, false);
                const std::string method =
                    req.is_object() && req.contains("method") && req["method"].is_string()
                        ? req["method"].get<std::string>()
                        : std::string();
                record(0, method.empty() ? "udp:unreadable" : method,
                       req.is_object() ? req.value("params", json()) : json());
                if (method == "scan_iscope" && opt_.udp_reply && !down_) {
                    const json reply = {
                        {"jsonrpc", "2.0"},
                        {"Timestamp", stamp()},
                        {"method", "scan_iscope"},
                        {"code", 0},
                        {"id", req.value("id", json(1))},
                        {"result",
                         {{"ssid", "S50_SIM0001"},
                          {"sn", "SIM0001"},
                          {"model", "Seestar S50"},
                          {"bssid", "02:00:5e:00:53:01"},
                          {"is_verified", opt_.auth_mode == "none" || opt_.firmware < 2718},
                          {"product_model", "Seestar S50"},
                          {"tcp_client_num", connections_open()}}}};
                    auto out = std::make_shared<std::string>(reply.dump());
                    discovery_socket_.async_send_to(
                        asio::buffer(*out), *from,
                        [out](const boost::system::error_code&, std::size_t) {});
                }
            }
            if (discovery_socket_.is_open())
                receive_discovery();
        });
}

// --- UDP 32227 Alpaca discovery

std::uint16_t SeestarSim::listen_alpaca_discovery(std::uint16_t port) {
    Lock lock(mu_);
    udp::endpoint ep(address_, port);
    alpaca_discovery_socket_.open(ep.protocol());
    alpaca_discovery_socket_.set_option(udp::socket::reuse_address(true));
    alpaca_discovery_socket_.bind(ep);
    receive_alpaca_discovery();
    return alpaca_discovery_socket_.local_endpoint().port();
}

void SeestarSim::receive_alpaca_discovery() {
    auto buf = std::make_shared<std::array<char, 256>>();
    auto from = std::make_shared<udp::endpoint>();
    alpaca_discovery_socket_.async_receive_from(
        asio::buffer(*buf), *from,
        [this, buf, from, alive = alive_](const boost::system::error_code& ec, std::size_t n) {
            if (!*alive || ec == asio::error::operation_aborted)
                return;
            Lock lock(mu_);
            if (!ec && std::string_view(buf->data(), n).substr(0, 16) == "alpacadiscovery1" &&
                http_acceptor_.is_open() && !down_) {
                auto out = std::make_shared<std::string>(json({{"AlpacaPort", http_port_}}).dump());
                alpaca_discovery_socket_.async_send_to(
                    asio::buffer(*out), *from,
                    [out](const boost::system::error_code&, std::size_t) {});
            }
            if (alpaca_discovery_socket_.is_open())
                receive_alpaca_discovery();
        });
}

// --- HTTP Alpaca

std::uint16_t SeestarSim::listen_alpaca(std::uint16_t port) {
    Lock lock(mu_);
    http_port_ = port;
    open_http_acceptor();
    return http_port_;
}

void SeestarSim::open_http_acceptor() {
    tcp::endpoint ep(address_, http_port_);
    http_acceptor_.open(ep.protocol());
    http_acceptor_.set_option(tcp::acceptor::reuse_address(true));
    http_acceptor_.bind(ep);
    http_acceptor_.listen();
    http_port_ = http_acceptor_.local_endpoint().port();
    accept_http();
}

void SeestarSim::accept_http() {
    http_acceptor_.async_accept(
        [this, alive = alive_](const boost::system::error_code& ec, tcp::socket s) {
            if (ec || !*alive)
                return;
            Lock lock(mu_);
            auto h = std::make_shared<HttpConn>(std::move(s));
            http_conns_.erase(std::remove_if(http_conns_.begin(), http_conns_.end(),
                                             [](const auto& w) { return w.expired(); }),
                              http_conns_.end());
            http_conns_.push_back(h);
            read_http(h);
            accept_http();
        });
}

void SeestarSim::read_http(const std::shared_ptr<HttpConn>& h) {
    h->request = {};
    http::async_read(
        h->socket, h->buffer, h->request,
        [this, h, alive = alive_](const boost::system::error_code& ec, std::size_t) {
            if (ec || !*alive)
                return;
            Lock lock(mu_);
            const auto& req = h->request;
            const std::string target(req.target());
            const auto q = target.find('?');
            const std::string path = lower(target.substr(0, q));
            std::map<std::string, std::string> args;
            if (q != std::string::npos)
                parse_form(std::string_view(target).substr(q + 1), args);
            if (req.method() == http::verb::put)
                parse_form(req.body(), args);
            const std::string verb = req.method() == http::verb::put ? "PUT" : "GET";
            int status = 200;
            json value;
            std::string text;
            const std::string prefix = "/api/v1/telescope/0/";
            if (path == "/management/apiversions") {
                value = {{"Value", {1}}, {"ErrorNumber", 0}, {"ErrorMessage", ""}};
            } else if (path == "/management/v1/description") {
                value = {{"Value",
                          {{"ServerName", "Seestar Alpaca (zipcatcher-seestar-sim)"},
                           {"Manufacturer", "ZWO (simulated)"},
                           {"ManufacturerVersion", "1.2.0-3"},
                           {"Location", ""}}},
                         {"ErrorNumber", 0},
                         {"ErrorMessage", ""}};
            } else if (path == "/management/v1/configureddevices") {
                value = {{"Value",
                          {{{"DeviceName", "Seestar S50"},
                            {"DeviceType", "Telescope"},
                            {"DeviceNumber", 0},
                            {"UniqueID", "SIM0001-telescope-0"}}}},
                         {"ErrorNumber", 0},
                         {"ErrorMessage", ""}};
            } else if (path.rfind(prefix, 0) == 0 && path.size() > prefix.size()) {
                const std::string member = path.substr(prefix.size());
                json logged = json::object();
                for (const auto& [k, v] : args)
                    logged[k] = v;
                record(-1, "alpaca:" + verb + ":" + member, logged);
                value = alpaca(verb, member, args, status);
            } else {
                status = 404;
                text = "no such Alpaca endpoint: " + target;
            }
            auto& res = h->response;
            res = {};
            res.version(req.version());
            res.keep_alive(req.keep_alive());
            res.result(static_cast<http::status>(status));
            if (status == 200) {
                if (auto it = args.find("clienttransactionid"); it != args.end())
                    value["ClientTransactionID"] = std::strtoul(it->second.c_str(), nullptr, 10);
                else
                    value["ClientTransactionID"] = 0;
                value["ServerTransactionID"] = ++server_transaction_;
                res.set(http::field::content_type, "application/json");
                res.body() = value.dump();
            } else {
                res.set(http::field::content_type, "text/plain");
                res.body() = text.empty() ? value.value("text", std::string("bad request")) : text;
            }
            res.prepare_payload();
            http::async_write(h->socket, res,
                              [this, h, alive](const boost::system::error_code& wec, std::size_t) {
                                  if (wec || !*alive)
                                      return;
                                  Lock l(mu_);
                                  if (h->response.keep_alive())
                                      read_http(h);
                                  else
                                      h->socket.close();
                              });
        });
}

json SeestarSim::alpaca(const std::string& verb, const std::string& member,
                        const std::map<std::string, std::string>& args, int& status) {
    auto ok = [](json v) {
        return json{{"Value", std::move(v)}, {"ErrorNumber", 0}, {"ErrorMessage", ""}};
    };
    auto ok_put = [] { return json{{"ErrorNumber", 0}, {"ErrorMessage", ""}}; };
    auto err = [](int n, const std::string& msg) {
        return json{{"ErrorNumber", n}, {"ErrorMessage", msg}};
    };
    auto bad = [&status](const std::string& msg) {
        status = 400;
        return json{{"text", msg}};
    };
    const bool put = verb == "PUT";
    const auto t = now();

    static const std::map<std::string, bool> kCan = {{"canslew", true},
                                                     {"canslewasync", true},
                                                     {"canslewaltaz", false},
                                                     {"canslewaltazasync", false},
                                                     {"canpark", true},
                                                     {"canunpark", true},
                                                     {"cansettracking", true},
                                                     {"cansync", false},
                                                     {"canfindhome", false},
                                                     {"cansetpark", false},
                                                     {"canpulseguide", false},
                                                     {"cansetguiderates", false},
                                                     {"cansetpierside", false},
                                                     {"cansetrightascensionrate", false},
                                                     {"cansetdeclinationrate", false}};
    if (member == "siteelevation" || member == "slewtoaltaz" || member == "slewtoaltazasync" ||
        member == "synctocoordinates" || member == "findhome")
        return err(kNotImplemented, member + " is not implemented");
    if (auto it = kCan.find(member); it != kCan.end())
        return put ? bad("PUT on a read-only member") : ok(it->second);

    if (member == "connected") {
        if (!put)
            return ok(alpaca_connected_);
        auto v = bool_arg(args, "connected");
        if (!v)
            return bad("Connected: expected true or false");
        alpaca_connected_ = *v;
        return ok_put();
    }
    if (member == "tracking") {
        if (!put)
            return ok(tracking_);
        auto v = bool_arg(args, "tracking");
        if (!v)
            return bad("Tracking: expected true or false");
        const int code = set_tracking(*v, true);
        if (code == 270)
            return err(kInvalidOperation, "the target is below the horizon");
        if (code)
            return err(kInvalidOperation, "mount sync failed");
        return ok_put();
    }
    if (member == "trackingrate") {
        if (!put)
            return ok(tracking_rate_);
        auto v = number_arg(args, "trackingrate");
        if (!v)
            return bad("TrackingRate: expected 0, 1 or 2");
        if (*v != 0 && *v != 1 && *v != 2)
            return err(kInvalidValue, "TrackingRate must be 0 (sidereal), 1 (lunar) or 2 (solar)");
        tracking_rate_ = static_cast<int>(*v);
        return ok_put();
    }
    if (member == "sitelatitude" || member == "sitelongitude") {
        const bool is_lat = member == "sitelatitude";
        if (!put)
            return ok(is_lat ? lat_ : lon_);
        auto v = number_arg(args, is_lat ? "sitelatitude" : "sitelongitude");
        if (!v)
            return bad(std::string(is_lat ? "SiteLatitude" : "SiteLongitude") +
                       ": expected degrees");
        if (std::abs(*v) > (is_lat ? 90 : 180))
            return err(kInvalidValue, member + " out of range");
        (is_lat ? lat_ : lon_) = *v;
        return ok_put();
    }
    if (put) {
        if (member == "slewtocoordinatesasync" || member == "slewtocoordinates") {
            auto ra = number_arg(args, "rightascension");
            auto dec = number_arg(args, "declination");
            if (!ra || !dec)
                return bad("RightAscension and Declination are required");
            if (*ra < 0 || *ra >= 24 || std::abs(*dec) > 90)
                return err(kInvalidValue, "coordinates out of range");
            if (parked_ || arm_moving_)
                return err(kInvalidOperation, "fail to operate");  // parked / at home
            if (!tracking_)
                return err(kInvalidOperation, "fail to operate (tracking is off)");
            if (slew_)
                return err(kInvalidOperation, "equipment is moving");
            const astro::RaDec target{*ra * 15.0, *dec};
            if (astro::icrs_to_observed(target, t, site(), {0, 15, 0}).alt_deg < 0)
                return err(kInvalidOperation, "the target is below the horizon");
            start_slew("", target);
            return ok_put();
        }
        if (member == "abortslew") {
            axis_rate_[0] = axis_rate_[1] = 0;
            if (slew_) {
                freeze_pointing();
                slew_.reset();
                event({{"Event", "ScopeGoto"}, {"state", "cancel"}});
            }
            return ok_put();
        }
        if (member == "park") {
            if (!parked_)
                park(true);
            return ok_put();
        }
        if (member == "unpark") {
            open_arm([] {});
            return ok_put();
        }
        if (member == "moveaxis") {
            auto axis = number_arg(args, "axis");
            auto rate = number_arg(args, "rate");
            if (!axis || !rate)
                return bad("Axis and Rate are required");
            if (*axis != 0 && *axis != 1)
                return err(kInvalidValue, "Axis must be 0 or 1");
            if (std::abs(*rate) > 6)
                return err(kInvalidValue, "Rate must be within +-6 deg/s (axisrates)");
            if (parked_)
                return err(kInvalidOperation, "fail to operate");
            if (*rate != 0 && tracking_)
                set_tracking(false, true);
            else
                freeze_pointing();
            axis_rate_[static_cast<int>(*axis)] = *rate;
            return ok_put();
        }
        if (member == "utcdate")
            return err(kNotImplemented, "utcdate cannot be set; use pi_set_time");
        if (member == "rightascension" || member == "declination" || member == "altitude" ||
            member == "azimuth" || member == "slewing" || member == "atpark" || member == "athome")
            return bad("PUT on a read-only member");
        return bad("unknown telescope member: " + member);
    }

    // GET
    if (member == "rightascension")
        return ok(pointing_radec(t).ra_deg / 15.0);
    if (member == "declination")
        return ok(pointing_radec(t).dec_deg);
    if (member == "altitude")
        return ok(pointing_altaz(t).alt_deg);
    if (member == "azimuth")
        return ok(pointing_altaz(t).az_deg);
    if (member == "siderealtime") {
        const double last =
            std::fmod(astro::greenwich_apparent_sidereal_deg(t, 0) + lon_ + 720.0, 360.0);
        return ok(last / 15.0);
    }
    if (member == "utcdate")
        return ok(format_iso8601(t + clock_offset_));
    if (member == "slewing")
        return ok(slew_.has_value() || axis_rate_[0] != 0 || axis_rate_[1] != 0);
    if (member == "atpark" || member == "athome")
        return ok(parked_);
    if (member == "trackingrates")
        return ok(json::array({0, 1, 2}));
    if (member == "canmoveaxis") {
        auto axis = number_arg(args, "axis");
        if (!axis)
            return bad("Axis is required");
        return ok(*axis == 0 || *axis == 1);
    }
    if (member == "axisrates") {
        auto axis = number_arg(args, "axis");
        if (!axis)
            return bad("Axis is required");
        return ok(json::array({{{"Minimum", 0.0}, {"Maximum", 6.0}}}));
    }
    if (member == "equatorialsystem")
        return ok(1);
    if (member == "alignmentmode")
        return ok(0);  // alt-az
    if (member == "name")
        return ok("Seestar S50");
    if (member == "description")
        return ok("Seestar S50 telescope (simulated)");
    if (member == "driverinfo")
        return ok("zipcatcher-seestar-sim Alpaca subset");
    if (member == "driverversion")
        return ok("1.2.0-3");
    if (member == "interfaceversion")
        return ok(3);
    if (member == "supportedactions")
        return ok(json::array());
    return bad("unknown telescope member: " + member);
}

}  // namespace zc::sim
