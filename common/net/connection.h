#pragma once
// One client connection to one origin: a TCP socket, with a TLS stream on top for https, and
// the read buffer that belongs to it (bytes past one response stay with the connection).
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <memory>
#include <optional>

namespace zc::net::detail {

class Connection {
  public:
    using Tcp = boost::asio::ip::tcp;
    using TlsStream = boost::asio::ssl::stream<Tcp::socket>;

    /// Plain when `tls` is null.
    Connection(boost::asio::io_context& io, std::shared_ptr<boost::asio::ssl::context> tls);

    Tcp::socket& socket() { return tls_ ? tls_->next_layer() : *plain_; }
    TlsStream* tls() { return tls_ ? &*tls_ : nullptr; }
    boost::beast::flat_buffer& buffer() { return buffer_; }

    /// Calls f with the stream to read and write (the TLS stream or the socket).
    template <class F>
    void visit(F&& f) {
        if (tls_)
            f(*tls_);
        else
            f(*plain_);
    }

    /// Closes the socket (no TLS close_notify: nothing is waiting for it); pending operations
    /// complete with operation_aborted.
    void close();
    /// For an idle connection about to be reused: false when the peer has closed or reset it,
    /// or sent bytes nobody asked for.
    bool still_usable();

    std::chrono::steady_clock::time_point idle_since{};
    int requests_served = 0;

  private:
    std::shared_ptr<boost::asio::ssl::context> context_;  // outlives the stream using it
    std::optional<Tcp::socket> plain_;
    std::optional<TlsStream> tls_;
    boost::beast::flat_buffer buffer_;
};

}  // namespace zc::net::detail
