#include "seestar_link.h"

#include <spdlog/spdlog.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

#include "seestar/error_codes.h"

namespace zc::daemon {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {
// Replies over 50 kB occur (plan data); 1 MiB leaves room without letting a broken peer make
// the daemon buffer without bound.
constexpr std::size_t kMaxLine = 1 << 20;
}  // namespace

std::string failure_text(const std::string& method, const RpcResult& r) {
    if (r.timed_out || r.closed)
        return r.error;
    return method + " refused: " + seestar::describe_code(r.code) +
           (r.error.empty() || r.error == "error" ? "" : " \"" + r.error + "\"");
}

SeestarLink::SeestarLink(asio::io_context& io, Callbacks callbacks)
    : io_(io),
      cb_(std::move(callbacks)),
      resolver_(io),
      socket_(io),
      connect_timer_(io),
      framer_(kMaxLine) {}

SeestarLink::~SeestarLink() {
    error_code ec;
    socket_.close(ec);
}

void SeestarLink::connect(const std::string& host, int port, std::chrono::milliseconds timeout,
                          std::function<void(const std::string&)> done) {
    auto self = shared_from_this();
    auto once = std::make_shared<std::function<void(const std::string&)>>(std::move(done));
    auto finish = [once](const std::string& why) {
        if (auto f = std::exchange(*once, nullptr))
            f(why);
    };
    connect_timer_.expires_after(timeout);
    connect_timer_.async_wait([this, self, finish](const error_code& ec) {
        if (ec || open_ || closed_)
            return;
        resolver_.cancel();
        error_code ignored;
        socket_.close(ignored);
        closed_ = true;
        finish("connect timed out");
    });
    resolver_.async_resolve(
        host, std::to_string(port),
        [this, self, finish](const error_code& ec, tcp::resolver::results_type results) {
            if (closed_)
                return;
            if (ec) {
                connect_timer_.cancel();
                closed_ = true;
                finish("cannot resolve host: " + ec.message());
                return;
            }
            asio::async_connect(socket_, results,
                                [this, self, finish](const error_code& ec2, const tcp::endpoint&) {
                                    connect_timer_.cancel();
                                    if (closed_)
                                        return;
                                    if (ec2) {
                                        closed_ = true;
                                        finish("connect failed: " + ec2.message());
                                        return;
                                    }
                                    error_code ignored;
                                    socket_.set_option(tcp::no_delay(true), ignored);
                                    open_ = true;
                                    // The reader runs before anything is sent: replies and
                                    // events interleave from the first byte.
                                    read_more();
                                    finish("");
                                });
        });
}

std::int64_t SeestarLink::request(const std::string& method, nlohmann::json params,
                                  std::chrono::milliseconds timeout, ReplyFn done) {
    const std::int64_t id = next_id_++;
    if (!open_) {
        RpcResult r;
        r.closed = true;
        r.error = "not connected";
        asio::post(io_, [done = std::move(done), r] { done(r); });
        return id;
    }
    Pending p{method, std::move(done), std::make_unique<asio::steady_timer>(io_)};
    p.timer->expires_after(timeout);
    std::weak_ptr<SeestarLink> weak = weak_from_this();
    p.timer->async_wait([weak, id, method, timeout](const error_code& ec) {
        auto self = weak.lock();
        if (ec || !self)
            return;
        RpcResult r;
        r.timed_out = true;
        r.error = method + ": no reply within " +
                  std::to_string(std::chrono::duration<double>(timeout).count()).substr(0, 4) +
                  " s";
        self->finish(id, std::move(r));
    });
    pending_.emplace(id, std::move(p));
    out_.push_back(seestar::encode_request(id, method, params));
    spdlog::debug("seestar: -> {} #{}", method, id);
    write_next();
    return id;
}

void SeestarLink::write_next() {
    if (writing_ || out_.empty() || !open_)
        return;
    writing_ = true;
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(out_.front()),
                      [this, self](const error_code& ec, std::size_t) {
                          writing_ = false;
                          if (!open_)
                              return;
                          if (ec) {
                              fail("write failed: " + ec.message());
                              return;
                          }
                          out_.pop_front();
                          write_next();
                      });
}

void SeestarLink::read_more() {
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(buf_), [this, self](const error_code& ec, std::size_t n) {
        if (!open_)
            return;
        if (ec) {
            fail(ec == asio::error::eof ? "the scope closed the connection"
                                        : "read failed: " + ec.message());
            return;
        }
        received_ += n;
        framer_.feed(std::string_view(buf_.data(), n));
        while (auto line = framer_.next()) {
            handle_line(*line);
            if (!open_)
                return;
        }
        if (framer_.overflowed()) {
            fail("a line from the scope exceeded 1 MiB");
            return;
        }
        read_more();
    });
}

void SeestarLink::handle_line(const std::string& line) {
    auto msg = seestar::parse_message(line);
    if (auto* err = std::get_if<seestar::ParseError>(&msg)) {
        // Skip the bad line and keep the rest of the buffer (ALP lost whole buffers this way).
        if (err->text != "empty line") {
            ++malformed_;
            spdlog::debug("seestar: skipped a malformed line: {}", err->text);
        }
        return;
    }
    if (auto* ev = std::get_if<seestar::Event>(&msg)) {
        if (cb_.on_event)
            cb_.on_event(*ev);
        return;
    }
    auto& reply = std::get<seestar::Reply>(msg);
    const auto id = seestar::id_as_int(reply.id);
    if (cb_.on_reply)
        cb_.on_reply();
    auto it = id ? pending_.find(*id) : pending_.end();
    if (it == pending_.end() || (!reply.method.empty() && reply.method != it->second.method)) {
        // Someone else's id (shared socket, proxy), a duplicate, or a reply after the timeout.
        ++foreign_;
        spdlog::debug("seestar: ignored a reply ({} #{})", reply.method, reply.id.dump());
        return;
    }
    RpcResult r;
    r.code = reply.code;
    r.ok = reply.code == 0;
    r.result = std::move(reply.result);
    if (!r.ok)
        r.error = reply.error.empty() ? "error" : reply.error;
    finish(*id, std::move(r));
}

void SeestarLink::finish(std::int64_t id, RpcResult result) {
    auto it = pending_.find(id);
    if (it == pending_.end())
        return;
    auto done = std::move(it->second.done);
    it->second.timer->cancel();
    pending_.erase(it);
    if (done)
        done(result);
}

void SeestarLink::fail(const std::string& why) {
    if (!open_)
        return;
    // The owner hears why the link ended before the pending requests complete as closed, so
    // that the reason it reports is this one, not "<method>: connection closed".
    auto self = shared_from_this();
    if (cb_.on_closed)
        cb_.on_closed(why);
    close(why);
}

void SeestarLink::close(const std::string& why) {
    const bool was_open = open_;
    open_ = false;
    closed_ = true;
    error_code ec;
    connect_timer_.cancel();
    resolver_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    out_.clear();
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto& [id, p] : pending) {
        p.timer->cancel();
        RpcResult r;
        r.closed = true;
        r.error = p.method + ": connection closed (" + why + ")";
        if (p.done)
            p.done(r);
    }
    if (was_open)
        spdlog::debug("seestar: link closed: {}", why);
}

}  // namespace zc::daemon
