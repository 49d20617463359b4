#include "source_sbs.h"

#include <spdlog/spdlog.h>

#include <fmt/format.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>

namespace zc::daemon {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

SbsSource::SbsSource(SourceContext& ctx, SbsOptions options)
    : ctx_(ctx), opt_(std::move(options)), retry_(ctx.io), retry_delay_(opt_.retry_initial) {}

SbsSource::~SbsSource() {
    *alive_ = false;
    stop();
}

void SbsSource::poll(const QueryArea&, Done done) {
    PollResult r;
    r.error = "sbs: a push source is not polled";
    r.received = ctx_.clock.now();
    asio::post(ctx_.io,
               [done = std::move(done), r = std::move(r), a = std::weak_ptr<bool>(alive_)] {
                   if (!a.expired())
                       done(r);
               });
}

void SbsSource::start(Push on_fixes) {
    push_ = std::move(on_fixes);
    if (running_)
        return;
    running_ = true;
    connect();
}

void SbsSource::stop() {
    running_ = false;
    connected_ = false;
    retry_.cancel();
    retry_at_.reset();
    if (link_) {
        boost::system::error_code ec;
        link_->resolver.cancel();
        link_->timer.cancel();
        link_->socket.close(ec);
        link_.reset();
    }
}

void SbsSource::connect() {
    auto link = std::make_shared<Link>(ctx_.io, opt_.max_line_bytes);
    link_ = link;
    retry_at_.reset();
    const std::weak_ptr<bool> alive = alive_;
    link->timer.expires_after(opt_.connect_timeout);
    link->timer.async_wait([this, alive, link](const boost::system::error_code& ec) {
        if (ec || alive.expired() || !current(link) || connected_)
            return;
        lost(link, "timeout",
             fmt::format("sbs: no connection to {}:{} within {} ms", opt_.host, opt_.port,
                         opt_.connect_timeout.count()));
    });
    link->resolver.async_resolve(
        opt_.host, std::to_string(opt_.port),
        [this, alive, link](const boost::system::error_code& ec, tcp::resolver::results_type r) {
            if (alive.expired() || !current(link))
                return;
            if (ec) {
                return lost(link, "dns",
                            fmt::format("sbs: cannot resolve {}: {}", opt_.host, ec.message()));
            }
            asio::async_connect(
                link->socket, r,
                [this, alive, link](const boost::system::error_code& ec2, const tcp::endpoint&) {
                    if (alive.expired() || !current(link))
                        return;
                    if (ec2) {
                        return lost(link, "connect",
                                    fmt::format("sbs: cannot connect to {}:{}: {}", opt_.host,
                                                opt_.port, ec2.message()));
                    }
                    link->timer.cancel();
                    boost::system::error_code ignored;
                    link->socket.set_option(tcp::no_delay(true), ignored);
                    link->socket.set_option(asio::socket_base::keep_alive(true), ignored);
                    connected_ = true;
                    // Logged the first time and after a connection that worked, not for every
                    // attempt against a port that accepts and hangs up.
                    if (++connects_ == 1 || last_delivered_)
                        spdlog::info("flight source sbs: connected to {}:{}", opt_.host, opt_.port);
                    read(link);
                });
        });
}

void SbsSource::read(std::shared_ptr<Link> link) {
    const std::weak_ptr<bool> alive = alive_;
    link->socket.async_read_some(asio::buffer(link->buf), [this, alive, link](
                                                              const boost::system::error_code& ec,
                                                              std::size_t n) {
        if (alive.expired() || !current(link))
            return;
        if (ec) {
            const bool eof = ec == asio::error::eof;
            return lost(link, eof ? "closed" : "read",
                        eof ? fmt::format("sbs: {}:{} closed the connection", opt_.host, opt_.port)
                            : fmt::format("sbs: connection to {}:{} lost: {}", opt_.host, opt_.port,
                                          ec.message()));
        }
        const UtcTime now = ctx_.clock.now();
        link->framer.feed(std::string_view(link->buf.data(), n));
        std::vector<flights::Fix> batch;
        const auto malformed_before = assembler_.malformed();
        while (auto line = link->framer.next()) {
            ++lines_;
            if (auto fix = assembler_.add_line(*line, now))
                batch.push_back(std::move(*fix));
        }
        if (link->framer.overflowed()) {
            return lost(link, "overflow",
                        fmt::format("sbs: {}:{} sends lines over {} bytes; is it the SBS "
                                    "port (30003)?",
                                    opt_.host, opt_.port, opt_.max_line_bytes));
        }
        if (!link->delivered && lines_ > 0 && assembler_.malformed() == malformed_before) {
            link->delivered = true;
            retry_delay_ = opt_.retry_initial;  // this connection works
        }
        if (assembler_.malformed() != malformed_before) {
            // Reported like a reply's rejected records: once per class of problem.
            if (auto c = state_.record_success(now, batch.size(), std::nullopt, 1,
                                               assembler_.last_problem()))
                spdlog::warn("flight source {}", c->message);
        } else if (!batch.empty() || !state_.last_success()) {
            std::optional<UtcTime> newest;
            for (const auto& f : batch)
                if (!newest || f.fix_time > *newest)
                    newest = f.fix_time;
            if (state_.failing() || !state_.ever_polled()) {
                if (auto c = state_.record_success(now, batch.size(), newest))
                    spdlog::info("flight source {}", c->message);
            } else {
                state_.record_push(now, batch.size(), newest);
            }
        }
        if (now - last_expire_ > std::chrono::seconds(10)) {
            assembler_.expire(now);
            last_expire_ = now;
        }
        if (!batch.empty()) {
            fixes_ += batch.size();
            if (push_)
                push_(std::move(batch));
            // The callback may have stopped or destroyed us.
            if (alive.expired() || !current(link))
                return;
        }
        read(link);
    });
}

void SbsSource::lost(const std::shared_ptr<Link>& link, const std::string& kind,
                     const std::string& why) {
    boost::system::error_code ec;
    link->timer.cancel();
    link->socket.close(ec);
    connected_ = false;
    last_delivered_ = link->delivered;
    link_.reset();
    if (auto c = state_.record_failure(ctx_.clock.now(), kind, why))
        spdlog::warn("flight source {}; retrying with backoff", c->message);
    schedule_retry();
}

void SbsSource::schedule_retry() {
    if (!running_)
        return;
    const auto delay = retry_delay_;
    retry_delay_ = std::min(retry_delay_ * 2, opt_.retry_max);
    retry_at_ = ctx_.clock.now() + std::chrono::duration_cast<Duration>(delay);
    retry_.expires_after(delay);
    const std::weak_ptr<bool> alive = alive_;
    retry_.async_wait([this, alive](const boost::system::error_code& ec) {
        if (ec || alive.expired() || !running_)
            return;
        connect();
    });
}

nlohmann::json SbsSource::status(UtcTime now) const {
    nlohmann::json j = state_.to_json(now);
    std::string state = "idle";
    if (running_)
        state = connected_ ? "ok" : (retry_at_ ? "backoff" : "degraded");
    j["state"] = state;
    j["kind"] = "push";
    j["url"] = fmt::format("tcp://{}:{}", opt_.host, opt_.port);
    j["connected"] = connected_;
    j["connects"] = connects_;
    j["backoff_remaining_s"] = retry_at_ && *retry_at_ > now ? to_seconds(*retry_at_ - now) : 0.0;
    j["lines"] = lines_;
    j["fixes_pushed"] = fixes_;
    j["malformed_lines"] = assembler_.malformed();
    j["last_problem"] = assembler_.last_problem().empty()
                            ? nlohmann::json(nullptr)
                            : nlohmann::json(assembler_.last_problem());
    j["receipt_timed"] = assembler_.receipt_timed();
    j["aircraft"] = assembler_.aircraft();
    return j;
}

}  // namespace zc::daemon
