#pragma once
// One request from start to result: take an idle connection or resolve, connect and handshake;
// write; read the response under one deadline; retry once on a fresh connection when a reused
// one fails before any response byte. Every completion handler checks `finished_`, so a late
// handler after a timeout or cancel does nothing.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/client_core.h"
#include "net/connection.h"
#include "net/message.h"

namespace zc::net::detail {

struct ExchangeLimits {
    std::chrono::milliseconds connect_timeout;
    std::chrono::milliseconds read_timeout;
    std::size_t max_body;
};

class Exchange : public std::enable_shared_from_this<Exchange> {
  public:
    Exchange(std::weak_ptr<ClientCore> core, boost::asio::io_context& io, Url url,
             BeastRequest request, ExchangeLimits limits,
             std::shared_ptr<boost::asio::ssl::context> tls, HttpClient::Callback done);

    /// Starts on `idle` when given (a pooled connection), else on a new connection.
    void start(std::shared_ptr<Connection> idle);
    void cancel();
    /// The client is gone: stop everything and never call back.
    void abandon();

  private:
    using Tcp = boost::asio::ip::tcp;
    using error_code = boost::system::error_code;
    enum class Phase { kConnect, kResponse };

    void connect_fresh();
    void on_resolved(const error_code& ec, const Tcp::resolver::results_type& results);
    void connect_endpoints();
    void on_connected(const error_code& ec);
    void on_handshake(const error_code& ec);
    void send();
    void on_written(const error_code& ec);
    void read();
    void on_header(const error_code& ec);
    void on_body(const error_code& ec);
    void read_failed(const error_code& ec);
    void complete();
    void on_timer(const error_code& ec);
    void arm(Phase phase, std::chrono::milliseconds after);
    bool retry_if_stale(bool got_response_bytes);
    void fail(HttpError error, std::string message);
    void finish(HttpResult result, bool keep_connection);
    std::string where() const;  // "host:port", for error texts

    std::weak_ptr<ClientCore> core_;
    boost::asio::io_context& io_;
    Url url_;
    BeastRequest request_;
    ExchangeLimits limits_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    HttpClient::Callback done_;
    Tcp::resolver resolver_;
    boost::asio::steady_timer timer_;
    Phase phase_ = Phase::kConnect;
    unsigned timer_generation_ = 0;
    std::string stage_ = "connecting";  // what the connect deadline is waiting for
    std::vector<Tcp::endpoint> endpoints_;
    std::shared_ptr<Connection> conn_;
    std::shared_ptr<Connection> retired_;  // the stale one a retry replaced
    std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;
    bool reused_ = false;
    bool retried_ = false;
    bool finished_ = false;
};

}  // namespace zc::net::detail
