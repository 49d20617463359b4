#pragma once
// One TCP connection to the Seestar's port 4700: a single reader and a serialized writer
// (reference §6.4), replies matched to requests by id (never by order), a timeout per request,
// events handed on by name. Knows nothing about the handshake; SeestarSession drives it.
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "protocol/line_framer.h"
#include "seestar/codec.h"

namespace zc::daemon {

/// The outcome of one request.
struct RpcResult {
    bool ok = false;         // reply with code 0
    bool timed_out = false;  // no reply within the request's timeout
    bool closed = false;     // the connection ended first
    int code = 0;            // the device's code when it replied
    std::string error;       // human text for !ok
    nlohmann::json result;
};

/// "<method> refused: <code text> \"<error>\"", or the timeout/close text.
std::string failure_text(const std::string& method, const RpcResult& r);

class SeestarLink : public std::enable_shared_from_this<SeestarLink> {
  public:
    using ReplyFn = std::function<void(const RpcResult&)>;
    struct Callbacks {
        std::function<void(const seestar::Event&)> on_event;
        std::function<void(const std::string& why)> on_closed;  // once, first; not after close()
        std::function<void()> on_reply;                         // any reply: the link is alive
    };

    SeestarLink(boost::asio::io_context& io, Callbacks callbacks);
    ~SeestarLink();
    SeestarLink(const SeestarLink&) = delete;
    SeestarLink& operator=(const SeestarLink&) = delete;

    /// Resolves and connects; `done` gets an empty string on success, else why.
    void connect(const std::string& host, int port, std::chrono::milliseconds timeout,
                 std::function<void(const std::string&)> done);
    /// Sends one request; `done` is called exactly once (reply, timeout or close).
    std::int64_t request(const std::string& method, nlohmann::json params,
                         std::chrono::milliseconds timeout, ReplyFn done);
    /// Closes the socket; pending requests complete as closed. on_closed is not called.
    void close(const std::string& why);
    bool is_open() const { return open_; }
    std::uint64_t malformed_lines() const { return malformed_; }
    /// Replies not taken: unknown or already answered ids, or a matching id from another
    /// method (a shared socket, a proxy, ALP's fixed heartbeat id; reference §6.14).
    std::uint64_t foreign_replies() const { return foreign_; }
    std::uint64_t bytes_received() const { return received_; }

  private:
    struct Pending {
        std::string method;
        ReplyFn done;
        std::unique_ptr<boost::asio::steady_timer> timer;
    };
    void read_more();
    void handle_line(const std::string& line);
    void write_next();
    void fail(const std::string& why);
    void finish(std::int64_t id, RpcResult result);

    boost::asio::io_context& io_;
    Callbacks cb_;
    boost::asio::ip::tcp::resolver resolver_;
    boost::asio::ip::tcp::socket socket_;
    boost::asio::steady_timer connect_timer_;
    protocol::LineFramer framer_;
    std::array<char, 16384> buf_{};
    std::deque<std::string> out_;
    bool writing_ = false;
    bool open_ = false;
    bool closed_ = false;
    std::int64_t next_id_ = 10000;  // the device echoes any integer; ALP starts here too
    std::map<std::int64_t, Pending> pending_;
    std::uint64_t malformed_ = 0;
    std::uint64_t foreign_ = 0;
    std::uint64_t received_ = 0;
};

}  // namespace zc::daemon
