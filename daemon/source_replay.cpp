#include "source_replay.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <stdexcept>

namespace zc::daemon {

ReplaySource::ReplaySource(SourceContext& ctx, const std::filesystem::path& file)
    : ctx_(ctx), file_(file.string()), timer_(ctx.io) {
    try {
        entries_ = flights::load_replay_file(file);
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string("sources.replay.file: ") + e.what());
    }
}

ReplaySource::~ReplaySource() {
    *alive_ = false;
    timer_.cancel();
}

void ReplaySource::poll(const QueryArea&, Done done) {
    PollResult r;
    r.error = "replay: a push source is not polled";
    r.received = ctx_.clock.now();
    boost::asio::post(ctx_.io,
                      [done = std::move(done), r = std::move(r), a = std::weak_ptr<bool>(alive_)] {
                          if (!a.expired())
                              done(r);
                      });
}

void ReplaySource::start(Push on_fixes) {
    push_ = std::move(on_fixes);
    if (running_)
        return;
    running_ = true;
    if (!start_) {
        start_ = ctx_.clock.now();
        spdlog::info("flight source replay: {} fixes from {} over {:.1f} s, t = 0 at {}",
                     entries_.size(), file_,
                     entries_.empty() ? 0.0 : to_seconds(entries_.back().offset),
                     format_iso8601(*start_));
    }
    pump();
    arm();
}

void ReplaySource::stop() {
    running_ = false;
    timer_.cancel();
}

std::size_t ReplaySource::pump() {
    if (!running_ || !start_)
        return 0;
    const UtcTime now = ctx_.clock.now();
    std::vector<flights::Fix> batch;
    while (next_ < entries_.size() && *start_ + entries_[next_].offset <= now) {
        flights::Fix f = entries_[next_].fix;
        f.fix_time = *start_ + entries_[next_].offset;
        batch.push_back(std::move(f));
        ++next_;
    }
    if (batch.empty())
        return 0;
    state_.record_push(now, batch.size(), batch.back().fix_time);
    const std::size_t n = batch.size();
    if (push_)
        push_(std::move(batch));
    if (next_ == entries_.size())
        spdlog::info("flight source replay: all {} fixes delivered", entries_.size());
    return n;
}

void ReplaySource::arm() {
    if (!running_ || next_ >= entries_.size())
        return;
    // Wait until the next fix is due by the clock, but never longer than a tick: the clock
    // may be a ManualClock or an OffsetClock, whose jumps a steady timer cannot see.
    const Duration until_due = *start_ + entries_[next_].offset - ctx_.clock.now();
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until_due);
    wait = std::clamp(wait, std::chrono::milliseconds(0), std::chrono::milliseconds(kTick));
    timer_.expires_after(wait);
    const std::weak_ptr<bool> alive = alive_;
    timer_.async_wait([this, alive](const boost::system::error_code& ec) {
        if (ec || alive.expired() || !running_)
            return;
        pump();
        if (alive.expired())
            return;
        arm();
    });
}

nlohmann::json ReplaySource::status(UtcTime now) const {
    nlohmann::json j = state_.to_json(now);
    const bool finished = next_ >= entries_.size();
    j["state"] = running_ && !finished ? "ok" : "idle";
    j["finished"] = running_ && finished;
    j["kind"] = "push";
    j["url"] = file_;
    j["fixes_total"] = entries_.size();
    j["fixes_delivered"] = next_;
    j["started"] = start_ ? nlohmann::json(format_iso8601(*start_)) : nlohmann::json(nullptr);
    return j;
}

}  // namespace zc::daemon
