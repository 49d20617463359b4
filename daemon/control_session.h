#pragma once
// One client of the control socket: reads newline-delimited requests, dispatches them, and
// writes replies and (for `watch`) events. Async throughout on the daemon's single io_context.
#include <array>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "control_limits.h"
#include "event_bus.h"
#include "protocol/dispatcher.h"
#include "protocol/line_framer.h"

namespace zc::daemon {

class ControlSession : public EventSink, public std::enable_shared_from_this<ControlSession> {
  public:
    using Socket = boost::asio::local::stream_protocol::socket;

    ControlSession(Socket socket, const protocol::Dispatcher& dispatcher, EventBus& bus,
                   const ControlLimits& limits, std::shared_ptr<ControlStats> stats);
    ~ControlSession() override;

    void start();
    /// Server shutdown: stop reading, flush what is queued, then close.
    void finish();
    /// Close now, dropping anything queued.
    void abort();

    void deliver(const std::shared_ptr<const std::string>& line) override;

    // Used by the per-request responder.
    void send_reply(const protocol::Response& response);
    void subscribe(std::vector<std::string> events);
    void abandon_request();

    bool closed() const { return closed_; }

  private:
    struct Outgoing {
        std::shared_ptr<const std::string> line;
        bool is_event;
    };

    void do_read();
    void on_read(const boost::system::error_code& ec, std::size_t n);
    void process_lines();
    void handle_line(const std::string& line);
    void send_error(nlohmann::json id, std::string text);
    void enqueue(std::shared_ptr<const std::string> line, bool is_event);
    void do_write();
    void on_write(const boost::system::error_code& ec);
    void arm_idle_timer();
    void maybe_close();
    bool reading_allowed() const;

    Socket socket_;
    boost::asio::steady_timer idle_timer_;
    const protocol::Dispatcher& dispatcher_;
    EventBus& bus_;
    ControlLimits limits_;
    std::shared_ptr<ControlStats>
        stats_;  // shared: sessions may outlive the server in the io queue
    protocol::LineFramer framer_;
    std::array<char, 16 * 1024> read_buf_{};

    std::deque<Outgoing> out_;
    std::size_t out_bytes_ = 0;
    std::size_t queued_events_ = 0;
    std::uint64_t dropped_since_notice_ = 0;
    std::uint64_t dropped_total_ = 0;
    std::size_t outstanding_ = 0;  // requests dispatched but not yet answered

    bool reading_ = false;
    bool writing_ = false;
    bool read_done_ = false;  // EOF, error, oversize or finish(): no more requests
    bool watching_ = false;
    bool stopping_ = false;
    bool closed_ = false;
};

}  // namespace zc::daemon
