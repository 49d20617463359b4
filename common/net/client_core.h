#pragma once
// The state behind one HttpClient: options, TLS context, idle pool and the requests in
// flight. Exchanges hold it by weak_ptr, so nothing reaches a destroyed client.
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <unordered_map>

#include "net/connection_pool.h"
#include "net/http_client.h"
#include "net/tls_context.h"

namespace zc::net::detail {

class Exchange;

class ClientCore : public std::enable_shared_from_this<ClientCore> {
  public:
    ClientCore(boost::asio::io_context& io, HttpClientOptions options);

    void start(HttpRequest request, HttpClient::Callback done);
    /// Called once by each exchange: forgets it, pools `keep` when given, posts the result.
    void complete(Exchange* ex, HttpClient::Callback done, HttpResult result,
                  const std::string& origin, std::shared_ptr<Connection> keep);
    void cancel_all();
    /// The client is going away: drop every exchange without calling back, close sockets.
    void shutdown();
    std::size_t in_flight() const { return active_.size(); }

  private:
    /// Posts `done(result)` to the io_context; it is dropped if the client is gone by then.
    void deliver(HttpClient::Callback done, HttpResult result);

    boost::asio::io_context& io_;
    HttpClientOptions options_;
    TlsContext tls_;
    ConnectionPool pool_;
    std::unordered_map<Exchange*, std::shared_ptr<Exchange>> active_;
    bool closed_ = false;
};

}  // namespace zc::net::detail
