#include "http_server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/write.hpp>

#include "config/value_parse.h"
#include "http_session.h"

namespace zc::daemon {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

HttpServer::HttpServer(asio::io_context& io, std::shared_ptr<HttpShared> shared)
    : io_(io), shared_(std::move(shared)), acceptor_(io), log_flush_(io) {
    shared_->log.set_flush_scheduler([this] { schedule_log_flush(); });
}

HttpServer::~HttpServer() {
    // Sessions may outlive the server: from now on their lines are written at once.
    shared_->log.set_flush_scheduler(nullptr);
    shared_->log.flush();
}

void HttpServer::schedule_log_flush() {
    if (log_flush_armed_)
        return;
    log_flush_armed_ = true;
    log_flush_.expires_after(std::chrono::seconds(1));
    log_flush_.async_wait([this](boost::system::error_code ec) {
        if (ec)  // cancelled: the server is stopping or gone, `this` may be too
            return;
        log_flush_armed_ = false;
        shared_->log.flush();
    });
}

void HttpServer::listen(const std::string& bind) {
    const auto hp = config::parse_host_port(bind);
    if (!hp)
        throw std::runtime_error("http.bind: expected host:port, got \"" + bind + "\"");
    boost::system::error_code ec;
    // A name (e.g. localhost) is resolved once, at start-up.
    tcp::resolver resolver(io_);
    const auto results =
        resolver.resolve(hp->host, std::to_string(hp->port),
                         tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty())
        throw std::runtime_error("http.bind: cannot resolve " + hp->host);
    const tcp::endpoint ep = results.begin()->endpoint();
    acceptor_.open(ep.protocol(), ec);
    if (!ec)
        acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
        acceptor_.bind(ep, ec);
    if (!ec)
        acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::runtime_error(fmt::format("http: cannot listen on {}: {}", bind, ec.message()));
    port_ = acceptor_.local_endpoint().port();
    accept();
}

void HttpServer::accept() {
    acceptor_.async_accept(
        [this, shared = shared_](boost::system::error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted || shared->stopping)
                return;
            if (!ec) {
                if (shared->sessions.size() >= shared->limits.max_connections)
                    refuse(std::move(socket));
                else
                    start_http_session(std::move(socket), shared);
            }
            accept();
        });
}

void HttpServer::refuse(tcp::socket socket) {
    ++shared_->rejected_connections;
    // A fresh socket's send buffer is empty, so this small write cannot block the loop.
    static const std::string kBusy =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        "Content-Length: 38\r\nConnection: close\r\nRetry-After: 1\r\n\r\n"
        "{\"error\":\"Too many connections, retry\"}";
    boost::system::error_code ec;
    socket.non_blocking(true, ec);
    asio::write(socket, asio::buffer(kBusy), ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
}

void HttpServer::stop() {
    shared_->stopping = true;
    shared_->log.set_flush_scheduler(nullptr);
    shared_->log.flush();
    log_flush_.cancel();
    boost::system::error_code ec;
    acceptor_.close(ec);
    // Copy first: shutting a session down may destroy it, which edits the map.
    std::vector<std::shared_ptr<HttpSessionBase>> open;
    for (auto& [_, weak] : shared_->sessions)
        if (auto s = weak.lock())
            open.push_back(std::move(s));
    for (auto& s : open)
        s->shutdown_now();
}

asio::ssl::context make_tls_context(const std::string& cert, const std::string& key) {
    asio::ssl::context ctx(asio::ssl::context::tls_server);
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                    asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    boost::system::error_code ec;
    ctx.use_certificate_chain_file(cert, ec);
    if (ec)
        throw std::runtime_error("http.tls_cert: cannot load " + cert + ": " + ec.message());
    ctx.use_private_key_file(key, asio::ssl::context::pem, ec);
    if (ec)
        throw std::runtime_error("http.tls_key: cannot load " + key + ": " + ec.message());
    return ctx;
}

}  // namespace zc::daemon
