#include "security/http_probe.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "security/address.h"

namespace zc::security {

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

// Blocking reads and writes give up after `timeout` instead of hanging the doctor.
void set_timeouts(tcp::socket& s, std::chrono::milliseconds timeout) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(s.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

template <class Stream>
int get(Stream& s, const std::string& host, const std::string& path) {
    http::request<http::empty_body> req{http::verb::get, path, 11};
    req.set(http::field::host, host);
    req.set(http::field::connection, "close");
    req.set(http::field::user_agent, "zipcatcher-doctor");
    boost::system::error_code ec;
    http::write(s, req, ec);
    if (ec)
        return 0;
    boost::beast::flat_buffer buf;
    http::response_parser<http::string_body> p;
    p.body_limit(1u << 20);
    http::read_header(s, buf, p, ec);
    return ec ? 0 : static_cast<int>(p.get().result_int());
}

}  // namespace

std::vector<Probe> probe_paths(const ProbeTarget& t, const std::vector<std::string>& paths,
                               std::chrono::milliseconds timeout, std::string& error) {
    std::string host = t.host;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (classify_host(host) == Reach::kAll)
        host = host.find(':') != std::string::npos ? "::1" : "127.0.0.1";
    asio::io_context io;
    tcp::resolver resolver(io);
    boost::system::error_code ec;
    const auto endpoints =
        resolver.resolve(host, std::to_string(t.port), tcp::resolver::numeric_service, ec);
    if (ec) {
        error = "cannot resolve " + host + ": " + ec.message();
        return {};
    }
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_verify_mode(asio::ssl::verify_none);
    std::vector<Probe> out;
    for (const auto& path : paths) {
        tcp::socket sock(io);
        asio::connect(sock, endpoints, ec);
        if (ec) {
            error =
                "cannot connect to " + host + ":" + std::to_string(t.port) + ": " + ec.message();
            return {};
        }
        set_timeouts(sock, timeout);
        int status = 0;
        if (t.tls) {
            boost::beast::ssl_stream<tcp::socket&> s(sock, ctx);
            s.handshake(asio::ssl::stream_base::client, ec);
            if (ec) {
                error = "TLS handshake with " + host + ":" + std::to_string(t.port) +
                        " failed: " + ec.message();
                return {};
            }
            status = get(s, host, path);
        } else {
            status = get(sock, host, path);
        }
        out.push_back({path, status});
    }
    return out;
}

}  // namespace zc::security
