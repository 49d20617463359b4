#pragma once
// The gallery's listening socket: accepts connections on the daemon's io_context, refuses those
// over the cap with a 503, and closes everything on stop.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>

#include "http_shared.h"

namespace zc::daemon {

class HttpServer {
  public:
    HttpServer(boost::asio::io_context& io, std::shared_ptr<HttpShared> shared);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;
    /// "host:port" (IPv6 as [addr]:port); throws std::runtime_error with the reason.
    void listen(const std::string& bind);
    unsigned short port() const { return port_; }
    /// Closes the acceptor and every open connection, and writes out the access log.
    void stop();

  private:
    void accept();
    void refuse(boost::asio::ip::tcp::socket socket);
    void schedule_log_flush();

    boost::asio::io_context& io_;
    std::shared_ptr<HttpShared> shared_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer log_flush_;  // armed only while access-log lines wait
    bool log_flush_armed_ = false;
    unsigned short port_ = 0;
};

/// A TLS server context from PEM files (TLS 1.2+); throws with a message naming the file.
boost::asio::ssl::context make_tls_context(const std::string& cert, const std::string& key);

}  // namespace zc::daemon
