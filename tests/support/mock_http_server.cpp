// MockHttpServer: one C++20 coroutine per connection on the server's own thread. Stopping
// closes the acceptor and every socket and cancels every timer, so all coroutines end and
// io_context::run() returns by itself.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it

#include "mock_http_server.h"

#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "mock_send.h"
#include "mock_wire.h"

namespace zc::test {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::awaitable;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

constexpr auto kAwait = asio::use_awaitable;

// What stop() must reach: the socket and the timer of each live connection.
struct Live {
    tcp::socket* socket;
    asio::steady_timer* timer;
};

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

namespace detail {

struct ServerState {
    using Handler = MockHttpServer::Handler;
    // Declared before the io_context: should a hard stop leave coroutine frames to be
    // destroyed with it, what they touch must still exist.
    bool stopping = false;  // server thread only
    std::set<Live*> live;   // server thread only
    std::optional<asio::ssl::context> tls;
    asio::io_context io;
    tcp::acceptor acceptor{io};
    std::thread thread;
    std::promise<void> finished;
    std::atomic<std::size_t> accepted{0};

    mutable std::mutex mu;
    mutable std::condition_variable arrived;
    std::map<std::string, Handler> routes;
    Handler fallback;
    std::vector<MockRequest> requests;

    Handler handler_for(const std::string& path) {
        std::lock_guard lock(mu);
        auto it = routes.find(path);
        return it != routes.end() ? it->second : fallback;
    }

    void record(const MockRequest& r) {
        {
            std::lock_guard lock(mu);
            requests.push_back(r);
        }
        arrived.notify_all();
    }

    MockReply dispatch(const MockRequest& r) {
        auto handler = handler_for(r.path);
        if (!handler)
            return MockReply::text("no route for " + r.path + "\n", 404);
        try {
            return handler(r);
        } catch (const std::exception& e) {
            return MockReply::text(std::string("handler threw: ") + e.what() + "\n", 500);
        }
    }

    void stop() {
        stopping = true;
        error_code ec;
        acceptor.close(ec);
        for (Live* l : live) {
            l->timer->cancel();
            l->socket->close(ec);
        }
    }
};

}  // namespace detail

struct MockHttpServer::Impl : detail::ServerState {};

namespace {

using Impl = detail::ServerState;

MockRequest to_record(const http::request<http::string_body>& msg, std::size_t connection,
                      const std::string& sni) {
    MockRequest r;
    r.method = std::string(msg.method_string());
    r.target = std::string(msg.target());
    const auto q = r.target.find('?');
    r.path = r.target.substr(0, q);
    r.query = q == std::string::npos ? "" : r.target.substr(q + 1);
    for (const auto& field : msg)
        r.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
    r.body = msg.body();
    r.arrived = std::chrono::steady_clock::now();
    r.connection = connection;
    r.tls_server_name = sni;
    return r;
}

template <class Stream>
awaitable<void> serve(Impl& server, Stream& stream, tcp::socket& sock, asio::steady_timer& timer,
                      std::size_t connection, std::string sni) {
    boost::beast::flat_buffer buffer;
    while (!server.stopping) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(64 * 1024);
        parser.body_limit(64u << 20);
        error_code ec;
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(kAwait, ec));
        if (ec && (server.stopping || !parser.got_some() ||
                   ec.category() != http::make_error_code(http::error::bad_target).category()))
            co_return;  // the client went away (or the server is stopping)
        if (ec) {       // malformed or oversized request
            MockReply bad = MockReply::text("bad request: " + ec.message() + "\n", 400);
            bad.close = true;
            co_await detail::send_reply(server.stopping, stream, sock, timer, bad, false, false);
            co_return;
        }
        const auto& msg = parser.get();
        const MockRequest record = to_record(msg, connection, sni);
        server.record(record);
        const MockReply reply = server.dispatch(record);
        const bool keep =
            co_await detail::send_reply(server.stopping, stream, sock, timer, reply,
                                        msg.method() == http::verb::head, msg.keep_alive());
        if (!keep)
            co_return;
    }
}

awaitable<void> session(Impl& server, tcp::socket sock) {
    asio::steady_timer timer(server.io);
    Live live{&sock, &timer};
    server.live.insert(&live);
    struct Unregister {
        Impl& s;
        Live* l;
        ~Unregister() { s.live.erase(l); }
    } unregister{server, &live};
    const std::size_t id = ++server.accepted;
    if (!server.tls) {
        co_await serve(server, sock, sock, timer, id, "");
        co_return;
    }
    asio::ssl::stream<tcp::socket&> tls(sock, *server.tls);
    error_code ec;
    co_await tls.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(kAwait, ec));
    if (ec)
        co_return;  // e.g. the client rejected our certificate
    const char* sni = ::SSL_get_servername(tls.native_handle(), TLSEXT_NAMETYPE_host_name);
    co_await serve(server, tls, sock, timer, id, sni ? sni : "");
}

awaitable<void> accept_loop(Impl& server) {
    while (!server.stopping) {
        error_code ec;
        tcp::socket sock = co_await server.acceptor.async_accept(asio::redirect_error(kAwait, ec));
        if (ec) {
            if (server.stopping || !server.acceptor.is_open())
                co_return;
            continue;
        }
        asio::co_spawn(server.io, session(server, std::move(sock)), asio::detached);
    }
}

// The Impl outlives the thread: the destructor joins before releasing it.
void start(Impl* impl) {
    const tcp::endpoint at(asio::ip::make_address("127.0.0.1"), 0);
    impl->acceptor.open(at.protocol());
    impl->acceptor.set_option(asio::socket_base::reuse_address(true));
    impl->acceptor.bind(at);
    impl->acceptor.listen();
    asio::co_spawn(impl->io, accept_loop(*impl), asio::detached);
    impl->thread = std::thread([impl] {
        impl->io.run();
        impl->finished.set_value();
    });
}

}  // namespace

MockHttpServer::MockHttpServer() : impl_(std::make_shared<Impl>()) {
    start(impl_.get());
}

MockHttpServer::MockHttpServer(const PemPair& tls) : impl_(std::make_shared<Impl>()) {
    impl_->tls.emplace(asio::ssl::context::tls_server);
    impl_->tls->use_certificate_chain(asio::buffer(tls.cert_pem));
    impl_->tls->use_private_key(asio::buffer(tls.key_pem), asio::ssl::context::pem);
    start(impl_.get());
}

MockHttpServer::~MockHttpServer() {
    auto done = impl_->finished.get_future();
    asio::post(impl_->io, [impl = impl_.get()] { impl->stop(); });
    // Every coroutine ends once its socket is closed; the hard stop is a safety net only.
    if (done.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
        impl_->io.stop();
    impl_->thread.join();
}

void MockHttpServer::route(const std::string& path, Handler handler) {
    std::lock_guard lock(impl_->mu);
    impl_->routes[path] = std::move(handler);
}

void MockHttpServer::fallback(Handler handler) {
    std::lock_guard lock(impl_->mu);
    impl_->fallback = std::move(handler);
}

unsigned short MockHttpServer::port() const {
    return impl_->acceptor.local_endpoint().port();
}

bool MockHttpServer::tls() const {
    return impl_->tls.has_value();
}

std::string MockHttpServer::url(std::string_view target) const {
    return url_with_host(tls() ? "localhost" : "127.0.0.1", target);
}

std::string MockHttpServer::url_with_host(std::string_view host, std::string_view target) const {
    return std::string(tls() ? "https://" : "http://") + std::string(host) + ":" +
           std::to_string(port()) + std::string(target);
}

std::vector<MockRequest> MockHttpServer::requests() const {
    std::lock_guard lock(impl_->mu);
    return impl_->requests;
}

std::size_t MockHttpServer::request_count() const {
    std::lock_guard lock(impl_->mu);
    return impl_->requests.size();
}

std::size_t MockHttpServer::connections() const {
    return impl_->accepted.load();
}

bool MockHttpServer::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(impl_->mu);
    return impl_->arrived.wait_for(lock, timeout, [&] { return impl_->requests.size() >= n; });
}

void MockHttpServer::clear_requests() {
    std::lock_guard lock(impl_->mu);
    impl_->requests.clear();
}

}  // namespace zc::test
