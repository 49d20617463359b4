#include "seestar_discovery.h"

#include <array>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

namespace zc::daemon {

namespace asio = boost::asio;
using asio::ip::udp;
using boost::system::error_code;

namespace {

struct Probe : std::enable_shared_from_this<Probe> {
    Probe(asio::io_context& io, DiscoveryDone d)
        : resolver(io), socket(io), timer(io), done(std::move(d)) {}
    udp::resolver resolver;
    udp::socket socket;
    asio::steady_timer timer;
    DiscoveryDone done;
    std::string request = seestar::encode_scan_request(1);
    std::array<char, 4096> buf{};
    udp::endpoint from;

    void finish(std::optional<seestar::ScanReply> r, const std::string& why) {
        error_code ec;
        timer.cancel();
        resolver.cancel();
        socket.close(ec);
        if (auto d = std::exchange(done, nullptr))
            d(std::move(r), why);
    }
};

}  // namespace

void probe_discovery(asio::io_context& io, const std::string& host, std::uint16_t port,
                     std::chrono::milliseconds timeout, DiscoveryDone done) {
    auto p = std::make_shared<Probe>(io, std::move(done));
    p->timer.expires_after(timeout);
    p->timer.async_wait([p](const error_code& ec) {
        if (!ec)
            p->finish(std::nullopt, "no reply to scan_iscope (normal on firmware 7.18+)");
    });
    p->resolver.async_resolve(
        udp::v4(), host, std::to_string(port),
        [p](const error_code& ec, const udp::resolver::results_type& results) {
            if (ec || results.empty()) {
                p->finish(std::nullopt, "cannot resolve host: " + ec.message());
                return;
            }
            const udp::endpoint to = *results.begin();
            error_code oec;
            p->socket.open(to.protocol(), oec);
            if (oec) {
                p->finish(std::nullopt, "UDP socket: " + oec.message());
                return;
            }
            p->socket.async_send_to(
                asio::buffer(p->request), to, [p](const error_code& sec, std::size_t) {
                    if (sec) {
                        p->finish(std::nullopt, "scan_iscope not sent: " + sec.message());
                        return;
                    }
                    p->socket.async_receive_from(
                        asio::buffer(p->buf), p->from, [p](const error_code& rec, std::size_t n) {
                            if (rec) {
                                if (rec != asio::error::operation_aborted)
                                    p->finish(std::nullopt, "discovery: " + rec.message());
                                return;
                            }
                            std::string why;
                            auto r =
                                seestar::parse_scan_reply(std::string_view(p->buf.data(), n), &why);
                            const std::string text =
                                r ? std::string() : "unreadable scan_iscope reply: " + why;
                            p->finish(std::move(r), text);
                        });
                });
        });
}

}  // namespace zc::daemon
