#pragma once
// How MockHttpServer sends one reply, with its fault behaviours (delay, dribble, stall, cut,
// reset, raw bytes): C++20 coroutines on the server's io_context. Internal to the mock.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it

#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "mock_http_server.h"
#include "mock_wire.h"

namespace zc::test::detail {

inline void end_connection(boost::asio::ip::tcp::socket& sock, bool reset) {
    boost::system::error_code ec;
    if (reset)
        sock.set_option(boost::asio::socket_base::linger(true, 0), ec);
    else
        sock.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
    sock.close(ec);
}

// Sends bytes honouring dribbling and the cut-off budget.
template <class Stream>
struct Sender {
    const bool& stopping;  // the server is shutting down
    Stream& stream;
    boost::asio::steady_timer& timer;
    const MockReply& reply;
    std::uint64_t budget;  // bytes still allowed before the connection is cut
    bool cut = false;

    boost::asio::awaitable<bool> pause(std::chrono::milliseconds d) {
        if (stopping)
            co_return false;
        boost::system::error_code ec;
        timer.expires_after(d);
        co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        co_return !ec && !stopping;
    }

    boost::asio::awaitable<bool> put(std::string_view data) {
        if (cut)
            co_return false;
        if (data.size() > budget) {
            data = data.substr(0, budget);
            cut = true;
        }
        budget -= data.size();
        while (!data.empty()) {
            const std::size_t n =
                reply.dribble_bytes ? std::min(reply.dribble_bytes, data.size()) : data.size();
            boost::system::error_code ec;
            co_await boost::asio::async_write(
                stream, boost::asio::buffer(data.data(), n),
                boost::asio::redirect_error(boost::asio::use_awaitable, ec));
            if (ec)
                co_return false;
            data.remove_prefix(n);
            if (reply.dribble_bytes && reply.dribble_interval.count() > 0) {
                const bool on = co_await pause(reply.dribble_interval);
                if (!on)
                    co_return false;
            }
        }
        co_return !cut;
    }

    // One piece of the body, framed as a chunk when chunked.
    boost::asio::awaitable<bool> body_piece(std::string_view data) {
        // Each co_await on its own: GCC 12 mishandles co_await inside && chains.
        if (!reply.chunked)
            co_return co_await put(data);
        const std::string prefix = chunk_prefix(data.size());
        bool ok = co_await put(prefix);
        if (ok)
            ok = co_await put(data);
        if (ok)
            ok = co_await put("\r\n");
        co_return ok;
    }
};

// Sends one reply; true when the connection stays open for the next request.
template <class Stream>
boost::asio::awaitable<bool> send_reply(const bool& stopping, Stream& stream,
                                        boost::asio::ip::tcp::socket& sock,
                                        boost::asio::steady_timer& timer, const MockReply& reply,
                                        bool head, bool client_keep_alive) {
    Sender<Stream> out{stopping, stream, timer, reply, UINT64_MAX};
    if (reply.delay.count() > 0) {
        const bool on = co_await out.pause(reply.delay);
        if (!on)
            co_return false;
    }
    if (reply.stall) {
        co_await out.pause(std::chrono::hours(24));  // until the server stops
        co_return false;
    }
    if (reply.no_reply) {
        end_connection(sock, reply.reset);
        co_return false;
    }
    if (reply.raw) {
        co_await out.put(*reply.raw);
        end_connection(sock, reply.reset);
        co_return false;
    }
    const std::string body = reply.gzip ? gzip(reply.body) : reply.body;
    const bool keep = client_keep_alive && !reply.close && !reply.close_silently;
    const std::string headers =
        header_block(reply, body.size() + reply.filler_bytes, keep || reply.close_silently);
    if (reply.cut_after_body_bytes)
        out.budget = headers.size() + *reply.cut_after_body_bytes;
    bool ok = co_await out.put(headers);
    if (ok && !head) {
        for (std::size_t at = 0; ok && at < body.size();) {
            const std::size_t n =
                reply.chunked
                    ? std::min(std::max<std::size_t>(reply.chunk_size, 1), body.size() - at)
                    : body.size() - at;
            ok = co_await out.body_piece(std::string_view(body).substr(at, n));
            at += n;
        }
        const std::string filler(64 * 1024, 'x');
        for (std::uint64_t left = reply.filler_bytes; ok && left > 0;) {
            const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, filler.size()));
            ok = co_await out.body_piece(std::string_view(filler).substr(0, n));
            left -= n;
        }
        if (ok && reply.chunked)
            ok = co_await out.put("0\r\n\r\n");
    }
    if (!ok || !keep) {
        end_connection(sock, reply.reset);
        co_return false;
    }
    co_return true;
}

}  // namespace zc::test::detail
