#include "control_session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/write.hpp>
#include <variant>

namespace zc::daemon {

namespace asio = boost::asio;
using protocol::Response;
using protocol::Result;

namespace {

// Ties one request to its session. It keeps the session alive until the reply is sent: a client
// that half-closed after its last request is still owed the answer. A client that left entirely
// makes the write fail, which closes the session then.
class SessionResponder final : public protocol::Responder {
  public:
    SessionResponder(std::shared_ptr<ControlSession> session, nlohmann::json id)
        : session_(std::move(session)), id_(std::move(id)) {}
    ~SessionResponder() override {
        if (!replied_)
            session_->abandon_request();
    }
    void reply(Response response) override {
        if (replied_)
            return;
        replied_ = true;
        response.id = id_;
        session_->send_reply(response);
    }
    void subscribe(std::vector<std::string> events) override {
        session_->subscribe(std::move(events));
    }

  private:
    std::shared_ptr<ControlSession> session_;
    nlohmann::json id_;
    bool replied_ = false;
};

}  // namespace

ControlSession::ControlSession(Socket socket, const protocol::Dispatcher& dispatcher, EventBus& bus,
                               const ControlLimits& limits, std::shared_ptr<ControlStats> stats)
    : socket_(std::move(socket)),
      idle_timer_(socket_.get_executor()),
      dispatcher_(dispatcher),
      bus_(bus),
      limits_(limits),
      stats_(std::move(stats)),
      framer_(limits.max_request_bytes) {
    ++stats_->clients;
    ++stats_->connections;
}

ControlSession::~ControlSession() {
    --stats_->clients;
}

void ControlSession::start() {
    arm_idle_timer();
    do_read();
}

void ControlSession::finish() {
    read_done_ = true;
    stopping_ = true;  // replies still being computed will not come: do not wait for them
    boost::system::error_code ignored;
    if (!closed_)
        socket_.cancel(ignored);
    maybe_close();
}

void ControlSession::abort() {
    if (closed_)
        return;
    closed_ = true;
    boost::system::error_code ignored;
    idle_timer_.cancel();
    socket_.close(ignored);
}

bool ControlSession::reading_allowed() const {
    return !closed_ && !read_done_ && out_bytes_ <= limits_.max_pending_reply_bytes;
}

void ControlSession::do_read() {
    if (reading_ || !reading_allowed())
        return;
    reading_ = true;
    socket_.async_read_some(asio::buffer(read_buf_),
                            [self = shared_from_this()](const boost::system::error_code& ec,
                                                        std::size_t n) { self->on_read(ec, n); });
}

void ControlSession::on_read(const boost::system::error_code& ec, std::size_t n) {
    reading_ = false;
    if (closed_)
        return;
    if (ec) {
        // EOF is normal: a client such as `socat` half-closes after its last request and still
        // reads the replies, so flush before closing.
        read_done_ = true;
        maybe_close();
        return;
    }
    arm_idle_timer();
    framer_.feed(std::string_view(read_buf_.data(), n));
    process_lines();
    do_read();
}

void ControlSession::process_lines() {
    while (!read_done_) {
        auto line = framer_.next();
        if (!line)
            break;
        handle_line(*line);
    }
    if (framer_.overflowed() && !read_done_) {
        read_done_ = true;
        send_error(nullptr, "request line exceeds " + std::to_string(limits_.max_request_bytes) +
                                " bytes; closing the connection");
        maybe_close();
    }
}

void ControlSession::handle_line(const std::string& line) {
    if (line.find_first_not_of(" \t\r") == std::string::npos)
        return;  // blank lines are ignored
    ++stats_->requests;
    auto parsed = protocol::parse_request(line);
    if (auto* err = std::get_if<protocol::ParseError>(&parsed)) {
        send_error(err->id, err->text);
        return;
    }
    auto& request = std::get<protocol::Request>(parsed);
    ++outstanding_;
    auto responder = std::make_shared<SessionResponder>(shared_from_this(), request.id);
    dispatcher_.dispatch(request, responder);
}

void ControlSession::send_reply(const Response& response) {
    if (outstanding_ > 0)
        --outstanding_;
    enqueue(std::make_shared<const std::string>(protocol::to_line(response)), false);
    maybe_close();
}

void ControlSession::send_error(nlohmann::json id, std::string text) {
    enqueue(std::make_shared<const std::string>(protocol::to_line(
                Response{std::move(id), Result::kError, std::move(text), nullptr})),
            false);
}

void ControlSession::abandon_request() {
    if (outstanding_ > 0)
        --outstanding_;
    maybe_close();
}

void ControlSession::subscribe(std::vector<std::string> events) {
    if (watching_)
        return;
    watching_ = true;
    bus_.subscribe(weak_from_this(), std::move(events));
}

void ControlSession::deliver(const std::shared_ptr<const std::string>& line) {
    if (closed_)
        return;
    if (queued_events_ >= limits_.watch_queue) {
        ++dropped_since_notice_;
        ++dropped_total_;
        ++stats_->events_dropped;
        return;
    }
    enqueue(line, true);
}

void ControlSession::enqueue(std::shared_ptr<const std::string> line, bool is_event) {
    if (closed_)
        return;
    out_bytes_ += line->size();
    if (is_event)
        ++queued_events_;
    out_.push_back(Outgoing{std::move(line), is_event});
    do_write();
}

void ControlSession::do_write() {
    if (writing_ || out_.empty() || closed_)
        return;
    writing_ = true;
    asio::async_write(socket_, asio::buffer(*out_.front().line),
                      [self = shared_from_this()](const boost::system::error_code& ec,
                                                  std::size_t) { self->on_write(ec); });
}

void ControlSession::on_write(const boost::system::error_code& ec) {
    writing_ = false;
    if (closed_)
        return;
    if (ec) {
        abort();
        return;
    }
    const Outgoing& done = out_.front();
    out_bytes_ -= done.line->size();
    if (done.is_event)
        --queued_events_;
    out_.pop_front();
    if (out_.empty() && dropped_since_notice_ > 0) {
        // The subscriber caught up: tell it how much it missed, once, then carry on.
        auto notice = bus_.make_line("dropped",
                                     {{"count", dropped_since_notice_}, {"total", dropped_total_}});
        dropped_since_notice_ = 0;
        out_bytes_ += notice->size();
        out_.push_back(Outgoing{std::move(notice), false});
    }
    do_write();
    do_read();  // resumes a read paused by back-pressure
    maybe_close();
}

void ControlSession::maybe_close() {
    // A client that half-closed (EOF) still gets every reply it asked for; a watcher's stream
    // ends with its connection, like any other client's.
    if (closed_ || !read_done_ || writing_ || !out_.empty())
        return;
    if (outstanding_ > 0 && !stopping_)
        return;
    boost::system::error_code ignored;
    socket_.shutdown(Socket::shutdown_both, ignored);
    abort();
}

void ControlSession::arm_idle_timer() {
    if (limits_.idle_timeout.count() <= 0)
        return;
    idle_timer_.expires_after(limits_.idle_timeout);
    idle_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
        if (ec)
            return;
        auto self = weak.lock();
        if (!self || self->closed_)
            return;
        if (self->watching_) {
            self->arm_idle_timer();
            return;
        }
        spdlog::debug("control: closing idle client");
        self->abort();
    });
}

}  // namespace zc::daemon
