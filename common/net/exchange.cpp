#include "net/exchange.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "net/tls_context.h"

namespace zc::net::detail {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

// Response headers are not part of max_response_bytes; this is their own, generous, limit.
constexpr std::uint32_t kHeaderLimit = 64 * 1024;

std::string ms(std::chrono::milliseconds d) {
    return std::to_string(d.count()) + " ms";
}

bool is_http_parse_error(const boost::system::error_code& ec) {
    return ec.category() == http::make_error_code(http::error::bad_version).category();
}

}  // namespace

Exchange::Exchange(std::weak_ptr<ClientCore> core, asio::io_context& io, Url url,
                   BeastRequest request, ExchangeLimits limits,
                   std::shared_ptr<asio::ssl::context> tls, HttpClient::Callback done)
    : core_(std::move(core)),
      io_(io),
      url_(std::move(url)),
      request_(std::move(request)),
      limits_(limits),
      tls_(std::move(tls)),
      done_(std::move(done)),
      resolver_(io),
      timer_(io) {}

std::string Exchange::where() const {
    const bool v6 = url_.host.find(':') != std::string::npos;
    return (v6 ? "[" + url_.host + "]" : url_.host) + ":" + url_.port;
}

void Exchange::start(std::shared_ptr<Connection> idle) {
    if (!idle)
        return connect_fresh();
    conn_ = std::move(idle);
    reused_ = true;
    send();
}

void Exchange::arm(Phase phase, std::chrono::milliseconds after) {
    phase_ = phase;
    ++timer_generation_;
    timer_.expires_after(after);
    timer_.async_wait([self = shared_from_this(), gen = timer_generation_](const error_code& ec) {
        // A handler already queued when the timer was re-armed carries an old generation.
        if (!ec && gen == self->timer_generation_)
            self->on_timer(ec);
    });
}

void Exchange::on_timer(const error_code&) {
    if (finished_)
        return;
    if (phase_ == Phase::kConnect)
        fail(HttpError::kTimeout,
             stage_ + " to " + where() + " timed out after " + ms(limits_.connect_timeout));
    else
        fail(HttpError::kTimeout,
             "no complete response from " + where() + " within " + ms(limits_.read_timeout));
}

void Exchange::connect_fresh() {
    reused_ = false;
    arm(Phase::kConnect, limits_.connect_timeout);
    error_code ec;
    const auto addr = asio::ip::make_address(url_.host, ec);
    if (!ec) {
        endpoints_.assign(1,
                          Tcp::endpoint(addr, static_cast<unsigned short>(std::stoi(url_.port))));
        return connect_endpoints();
    }
    stage_ = "DNS lookup";
    resolver_.async_resolve(
        url_.host, url_.port, Tcp::resolver::numeric_service,
        [self = shared_from_this()](const error_code& e, const Tcp::resolver::results_type& r) {
            self->on_resolved(e, r);
        });
}

void Exchange::on_resolved(const error_code& ec, const Tcp::resolver::results_type& results) {
    if (finished_)
        return;
    if (ec)
        return fail(HttpError::kDns, "DNS lookup of " + url_.host + " failed: " + ec.message());
    endpoints_.assign(results.begin(), results.end());
    connect_endpoints();
}

void Exchange::connect_endpoints() {
    stage_ = "TCP connect";
    conn_ = std::make_shared<Connection>(io_, url_.scheme == "https" ? tls_ : nullptr);
    asio::async_connect(conn_->socket(), endpoints_,
                        [self = shared_from_this()](const error_code& ec, const Tcp::endpoint&) {
                            self->on_connected(ec);
                        });
}

void Exchange::on_connected(const error_code& ec) {
    if (finished_)
        return;
    if (ec)
        return fail(HttpError::kConnect, "connect to " + where() + " failed: " + ec.message());
    error_code ignored;
    conn_->socket().set_option(Tcp::no_delay(true), ignored);
    auto* tls = conn_->tls();
    if (!tls)
        return send();
    stage_ = "TLS handshake";
    if (auto err = prepare_tls_connection(tls->native_handle(), url_.host); !err.empty())
        return fail(HttpError::kTls, "TLS setup for " + where() + " failed: " + err);
    tls->async_handshake(
        asio::ssl::stream_base::client,
        [self = shared_from_this()](const error_code& e) { self->on_handshake(e); });
}

void Exchange::on_handshake(const error_code& ec) {
    if (finished_)
        return;
    if (ec)
        return fail(HttpError::kTls, "TLS handshake with " + where() + " failed: " +
                                         describe_tls_failure(conn_->tls()->native_handle(), ec));
    send();
}

void Exchange::send() {
    arm(Phase::kResponse, limits_.read_timeout);
    conn_->visit([this](auto& stream) {
        http::async_write(stream, request_,
                          [self = shared_from_this()](const error_code& ec, std::size_t) {
                              self->on_written(ec);
                          });
    });
}

void Exchange::on_written(const error_code& ec) {
    if (finished_)
        return;
    if (ec) {
        if (retry_if_stale(false))
            return;
        return fail(HttpError::kReset,
                    "sending the request to " + where() + " failed: " + ec.message());
    }
    read();
}

void Exchange::read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(limits_.max_body);
    if (request_.method() == http::verb::head)
        parser_->skip(true);
    // The header first, on its own: Beast 1.74 loses the body_limit error for a too-large
    // Content-Length when the header and body bytes arrive together in one eager parse.
    conn_->visit([this](auto& stream) {
        http::async_read_header(stream, conn_->buffer(), *parser_,
                                [self = shared_from_this()](const error_code& ec, std::size_t) {
                                    self->on_header(ec);
                                });
    });
}

void Exchange::on_header(const error_code& ec) {
    if (finished_)
        return;
    if (ec)
        return read_failed(ec);
    const auto length = parser_->content_length();
    if (length && *length > limits_.max_body)
        return read_failed(http::error::body_limit);
    const unsigned status = parser_->get().result_int();
    if (status >= 100 && status < 200 && status != 101)
        return read();  // an interim response; the real one follows
    if (parser_->is_done())
        return complete();
    conn_->visit([this](auto& stream) {
        http::async_read(
            stream, conn_->buffer(), *parser_,
            [self = shared_from_this()](const error_code& e, std::size_t) { self->on_body(e); });
    });
}

void Exchange::on_body(const error_code& read_ec) {
    if (finished_)
        return;
    error_code ec = read_ec;
    // A TLS server that ends a read-until-close body without close_notify: the body is
    // complete as far as HTTP can tell, so accept it (the connection is not reused).
    if (ec == asio::ssl::error::stream_truncated && parser_->need_eof()) {
        error_code eof_ec;
        parser_->put_eof(eof_ec);
        ec = eof_ec;
    }
    if (ec)
        return read_failed(ec);
    complete();
}

void Exchange::read_failed(const error_code& ec) {
    const bool got_bytes = parser_->got_some() || conn_->buffer().size() != 0;
    if (retry_if_stale(got_bytes))
        return;
    if (ec == http::error::body_limit)
        return fail(HttpError::kTooLarge, "response body from " + where() + " exceeds " +
                                              std::to_string(limits_.max_body) + " bytes");
    if (ec == http::error::header_limit)
        return fail(HttpError::kTooLarge, "response headers from " + where() + " exceed " +
                                              std::to_string(kHeaderLimit) + " bytes");
    if (ec == http::error::end_of_stream)
        return fail(HttpError::kReset, where() + " closed the connection without replying");
    if (ec == http::error::partial_message)
        return fail(HttpError::kReset, where() + " closed the connection mid-response");
    if (is_http_parse_error(ec))
        return fail(HttpError::kProtocol,
                    "malformed HTTP response from " + where() + ": " + ec.message());
    fail(HttpError::kReset, "reading the response from " + where() + " failed: " + ec.message());
}

void Exchange::complete() {
    const unsigned status = parser_->get().result_int();
    const bool keep = parser_->is_done() && !parser_->need_eof() && parser_->get().keep_alive() &&
                      request_.keep_alive() && status != 101 && conn_->buffer().size() == 0;
    HttpResult result;
    const auto decoded =
        decode_response(parser_->release(), where(), limits_.max_body, result.response);
    if (decoded.error != HttpError::kNone)
        return fail(decoded.error, decoded.message);
    finish(std::move(result), keep);
}

bool Exchange::retry_if_stale(bool got_response_bytes) {
    // A server may close an idle connection at any time, also just as a request goes out on
    // it. Then nothing came back; the request is sent once more on a new connection.
    if (!reused_ || retried_ || got_response_bytes)
        return false;
    retried_ = true;
    conn_->close();
    retired_ = std::move(conn_);  // an Asio operation may still refer to it
    connect_fresh();
    return true;
}

void Exchange::cancel() {
    fail(HttpError::kCancelled, "request to " + where() + " cancelled");
}

void Exchange::fail(HttpError error, std::string message) {
    HttpResult r;
    r.error = error;
    r.message = std::move(message);
    finish(std::move(r), false);
}

void Exchange::finish(HttpResult result, bool keep_connection) {
    if (finished_)
        return;
    finished_ = true;
    timer_.cancel();
    resolver_.cancel();
    // A closed connection stays with the exchange until the exchange is destroyed: operations
    // still pending on it (a connect over several endpoints, a read) refer to the socket.
    std::shared_ptr<Connection> keep;
    if (conn_ && keep_connection) {
        ++conn_->requests_served;
        keep = std::move(conn_);
    } else if (conn_) {
        conn_->close();
    }
    if (auto core = core_.lock())
        core->complete(this, std::move(done_), std::move(result), url_.origin(), std::move(keep));
}

void Exchange::abandon() {
    finished_ = true;
    done_ = nullptr;
    timer_.cancel();
    resolver_.cancel();
    if (conn_)
        conn_->close();  // kept (see finish)
}

}  // namespace zc::net::detail
