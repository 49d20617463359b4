#include "control_server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <system_error>

#include "protocol/message.h"

namespace zc::daemon {

namespace asio = boost::asio;
using stream = asio::local::stream_protocol;

ControlServer::ControlServer(asio::io_context& io, const protocol::Dispatcher& dispatcher,
                             EventBus& bus, ControlLimits limits)
    : io_(io), dispatcher_(dispatcher), bus_(bus), limits_(limits), acceptor_(io) {}

ControlServer::~ControlServer() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (auto& w : sessions_)
        if (auto s = w.lock())
            s->abort();
}

void ControlServer::listen(const std::filesystem::path& path, mode_t mode,
                           std::optional<gid_t> group) {
    path_ = path;
    std::error_code fec;
    std::filesystem::create_directories(path.parent_path(), fec);
    boost::system::error_code ec;
    acceptor_.open(stream(), ec);
    if (!ec) {
        // Bind with a restrictive umask so that the socket never exists with wider permissions
        // than configured, not even between bind() and chmod().
        const mode_t old = ::umask(0177);
        acceptor_.bind(stream::endpoint(path.string()), ec);
        ::umask(old);
    }
    if (!ec)
        acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::system_error(ec.value(), std::generic_category(),
                                "cannot listen on control socket " + path.string());
    if (group && ::chown(path.c_str(), static_cast<uid_t>(-1), *group) != 0)
        throw std::system_error(errno, std::generic_category(),
                                "cannot set the group of control socket " + path.string());
    if (::chmod(path.c_str(), mode) != 0)
        throw std::system_error(errno, std::generic_category(),
                                "cannot set the mode of control socket " + path.string());
    do_accept();
}

void ControlServer::prune() {
    sessions_.remove_if([](const std::weak_ptr<ControlSession>& w) { return w.expired(); });
}

void ControlServer::do_accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, stream::socket socket) {
        if (stopping_ || !acceptor_.is_open())
            return;
        if (ec) {
            // EMFILE and friends: log, and keep accepting rather than dying.
            spdlog::warn("control: accept failed: {}", ec.message());
            do_accept();
            return;
        }
        prune();
        if (stats_->clients >= limits_.max_clients) {
            ++stats_->rejected;
            auto line = std::make_shared<std::string>(protocol::to_line(protocol::Response::error(
                "too many clients (limit " + std::to_string(limits_.max_clients) + ")")));
            auto sock = std::make_shared<stream::socket>(std::move(socket));
            asio::async_write(*sock, asio::buffer(*line),
                              [sock, line](const boost::system::error_code&, std::size_t) {
                                  boost::system::error_code ignored;
                                  sock->close(ignored);
                              });
        } else {
            auto session = std::make_shared<ControlSession>(std::move(socket), dispatcher_, bus_,
                                                            limits_, stats_);
            sessions_.push_back(session);
            session->start();
        }
        do_accept();
    });
}

void ControlServer::stop(std::chrono::milliseconds grace, std::function<void()> done) {
    if (stopping_)
        return;
    stopping_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    if (!path_.empty()) {
        std::error_code fec;
        std::filesystem::remove(path_, fec);
    }
    prune();
    for (auto& w : sessions_)
        if (auto s = w.lock())
            s->finish();

    stop_deadline_ = std::chrono::steady_clock::now() + grace;
    stop_done_ = std::move(done);
    stop_timer_ = std::make_unique<asio::steady_timer>(io_);
    check_stopped();
}

// Polls (every 10 ms) until every session has flushed and closed, or the grace period ends.
void ControlServer::check_stopped() {
    prune();
    bool open = false;
    for (auto& w : sessions_)
        if (auto s = w.lock(); s && !s->closed())
            open = true;
    if (open && std::chrono::steady_clock::now() < stop_deadline_) {
        stop_timer_->expires_after(std::chrono::milliseconds(10));
        stop_timer_->async_wait([this](const boost::system::error_code& ec) {
            if (!ec)
                check_stopped();
        });
        return;
    }
    for (auto& w : sessions_)
        if (auto s = w.lock())
            s->abort();
    sessions_.clear();
    if (auto done = std::move(stop_done_))
        done();
}

}  // namespace zc::daemon
