#include "telegram_sender.h"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "alerts/telegram_message.h"

namespace zc::daemon {

using nlohmann::json;

namespace {

// Telegram asks for waits of seconds to minutes; anything longer is treated as this.
constexpr Duration kMaxRetryAfter = std::chrono::hours(1);
constexpr Duration kDefaultRetryAfter = std::chrono::seconds(5);

/// The log form of a message: tags dropped, one log line per text line.
void log_text(spdlog::level::level_enum level, const std::string& prefix, const std::string& html) {
    std::istringstream lines(alerts::html_to_text(html));
    std::string line;
    while (std::getline(lines, line))
        spdlog::log(level, "{}{}", prefix, line);
}

std::string trimmed_base(std::string base) {
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    return base;
}

}  // namespace

TelegramSender::TelegramSender(boost::asio::io_context& io, const Clock& clock,
                               net::HttpClient& http, TelegramOptions options)
    : io_(io),
      clock_(clock),
      http_(http),
      options_(std::move(options)),
      retry_timer_(io),
      outage_timer_(io) {}

TelegramSender::~TelegramSender() {
    *alive_ = false;
    retry_timer_.cancel();
    outage_timer_.cancel();
}

void TelegramSender::set_options(TelegramOptions options) {
    options_ = std::move(options);
    pump();
}

std::string TelegramSender::scrub(std::string text) const {
    const auto& token = options_.bot_token;
    if (token.empty())
        return text;
    for (auto at = text.find(token); at != std::string::npos; at = text.find(token, at))
        text.replace(at, token.size(), "<bot token>");
    return text;
}

void TelegramSender::send(std::string html, std::string what) {
    if (observer_)
        observer_(what, html);
    if (!options_.configured()) {
        log_text(spdlog::level::info, "alert | ", html);
        return;
    }
    if (stopping_) {
        spdlog::error("telegram: {} not delivered: the daemon is stopping", what);
        log_text(spdlog::level::err, "undelivered | ", html);
        return;
    }
    const std::size_t oldest = in_flight_ ? 1 : 0;  // never the one in flight
    if (queue_.size() >= std::max<std::size_t>(options_.max_queue, oldest + 1)) {
        // Telegram has been unreachable for a long time: the oldest waiting one goes, loudly.
        const auto it = queue_.begin() + static_cast<std::ptrdiff_t>(oldest);
        Message old = std::move(*it);
        queue_.erase(it);
        ++failed_;
        spdlog::error(
            "telegram: {} not delivered: the queue is full ({} messages); its text "
            "follows",
            old.what, options_.max_queue);
        log_text(spdlog::level::err, "undelivered | ", old.html);
    }
    queue_.push_back(Message{std::move(html), std::move(what), clock_.now(), 0, false});
    pump();
}

void TelegramSender::pump() {
    if (in_flight_ || waiting_ || stopping_ || queue_.empty() || !options_.configured())
        return;
    attempt();
}

void TelegramSender::attempt() {
    Message& m = queue_.front();
    if (clock_.now() - m.queued > options_.max_age) {
        give_up("not delivered within " +
                std::to_string(
                    std::chrono::duration_cast<std::chrono::minutes>(options_.max_age).count()) +
                " min");
        pump();
        return;
    }
    json body = {{"chat_id", options_.chat_id},
                 {"text", m.plain ? alerts::html_to_text(m.html) : m.html},
                 {"disable_web_page_preview", true}};
    if (!m.plain)
        body["parse_mode"] = "HTML";
    net::HttpRequest req;
    req.method = "POST";
    req.url = trimmed_base(options_.api_base) + "/bot" + options_.bot_token + "/sendMessage";
    req.headers = {{"Content-Type", "application/json"}};
    req.body = body.dump();
    in_flight_ = true;
    http_.request(std::move(req), [this, alive = alive_](net::HttpResult r) {
        if (*alive)
            on_result(std::move(r));
    });
}

void TelegramSender::on_result(net::HttpResult r) {
    in_flight_ = false;
    if (queue_.empty())
        return;  // stopped meanwhile; already reported
    Message& m = queue_.front();
    if (!r.ok()) {
        ++m.attempts;
        retry_in(scrub(std::string(net::to_string(r.error)) + ": " + r.message));
        return;
    }
    const int status = r.response.status;
    const json reply = json::parse(r.response.body, nullptr, false);
    const std::string description =
        reply.is_object() && reply.contains("description") && reply["description"].is_string()
            ? scrub(reply["description"].get<std::string>())
            : std::string();
    if (status == 200 && reply.is_object() && reply.value("ok", false)) {
        delivered_head();
        if (stopping_)
            return finish_stop();
        pump();
        return;
    }
    const std::string why =
        "HTTP " + std::to_string(status) + (description.empty() ? "" : ": " + description);
    if (status == 429) {
        // Flood control: wait exactly as long as Telegram says (not counted as a failure).
        Duration wait = kDefaultRetryAfter;
        if (reply.is_object() && reply.contains("parameters") && reply["parameters"].is_object() &&
            reply["parameters"].value("retry_after", json()).is_number())
            wait = from_seconds(reply["parameters"]["retry_after"].get<double>());
        else if (auto h = r.response.header("retry-after"))
            wait = from_seconds(std::atof(h->c_str()));
        wait = std::clamp(wait, Duration::zero(), kMaxRetryAfter);
        waiting_ = true;
        last_error_ = why;
        spdlog::warn("telegram: {} rate-limited ({}); retrying in {:.0f} s", m.what, why,
                     to_seconds(wait));
        arm_retry(wait);
        return;
    }
    if (status >= 500 || status == 408) {
        ++m.attempts;
        retry_in(why);
        return;
    }
    if (status == 400 && !m.plain && description.find("parse entities") != std::string::npos) {
        // Should not happen (every value is escaped); a plain-text copy still gets through.
        spdlog::warn("telegram: {}: Telegram could not parse the HTML ({}); sending plain text",
                     m.what, description);
        m.plain = true;
        attempt();
        return;
    }
    std::string hint;
    if (status == 401 || status == 404)
        hint = " (check telegram.bot_token)";
    else if (status == 400 || status == 403)
        hint = " (check telegram.chat_id and that the bot may post there)";
    give_up("Telegram refused it: " + why + hint);
    if (stopping_)
        return finish_stop();
    pump();
}

void TelegramSender::retry_in(const std::string& why) {
    Message& m = queue_.front();
    last_error_ = why;
    if (stopping_) {
        finish_stop();
        return;
    }
    if (m.attempts >= options_.max_attempts) {
        give_up("no success after " + std::to_string(m.attempts) + " attempts; last: " + why);
        pump();
        return;
    }
    // retry_initial, doubling, capped.
    Duration wait = options_.retry_initial;
    for (int i = 1; i < m.attempts && wait < options_.retry_max; ++i)
        wait *= 2;
    wait = std::min(wait, options_.retry_max);
    spdlog::warn("telegram: {} not delivered yet (attempt {}: {}); retrying in {:.1f} s", m.what,
                 m.attempts, why, to_seconds(wait));
    waiting_ = true;
    arm_retry(wait);
}

void TelegramSender::arm_retry(Duration wait) {
    if (stopping_) {
        waiting_ = false;
        finish_stop();
        return;
    }
    retry_timer_.expires_after(wait);
    retry_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
        if (ec || !*alive)
            return;
        waiting_ = false;
        if (stopping_)
            return;
        pump();
    });
}

void TelegramSender::give_up(const std::string& why) {
    Message m = std::move(queue_.front());
    queue_.pop_front();
    ++failed_;
    last_error_ = why;
    spdlog::error("telegram: {} NOT delivered: {}; its text follows", m.what, why);
    log_text(spdlog::level::err, "undelivered | ", m.html);
}

void TelegramSender::delivered_head() {
    Message m = std::move(queue_.front());
    queue_.pop_front();
    ++delivered_;
    last_delivered_ = clock_.now();
    spdlog::info("telegram: {} delivered{}", m.what,
                 m.attempts ? " after " + std::to_string(m.attempts + 1) + " attempts" : "");
}

void TelegramSender::stop(Duration grace, std::function<void()> done) {
    stopping_ = true;
    stop_done_ = std::move(done);
    outage_timer_.cancel();
    retry_timer_.cancel();
    waiting_ = false;
    if (!in_flight_) {
        finish_stop();
        return;
    }
    retry_timer_.expires_after(grace);
    retry_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
        if (!ec && *alive)
            finish_stop();
    });
}

void TelegramSender::finish_stop() {
    if (!stop_done_)
        return;
    while (!queue_.empty()) {
        Message m = std::move(queue_.front());
        queue_.pop_front();
        ++failed_;
        spdlog::error("telegram: {} not delivered: the daemon is stopping; its text follows",
                      m.what);
        log_text(spdlog::level::err, "undelivered | ", m.html);
    }
    retry_timer_.cancel();
    auto done = std::move(stop_done_);
    stop_done_ = nullptr;
    done();
}

void TelegramSender::on_health(const SourcesHealth& health) {
    health_ = health;
    check_outage();
}

void TelegramSender::check_outage() {
    const auto now = clock_.now();
    const auto& h = health_;
    if (h.enabled > 0 && h.healthy == 0) {
        const UtcTime since = h.since == UtcTime{} ? now : h.since;
        down_since_ = since;
        if (outage_sent_)
            return;
        const auto due = since + options_.outage_after;
        if (now >= due) {
            outage_sent_ = true;
            spdlog::warn("every flight source has been down since {}", format_iso8601(since));
            send(alerts::sources_down_html(h.enabled, since, now), "sources-down message");
            return;
        }
        outage_timer_.expires_after(due - now);
        outage_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
            if (!ec && *alive)
                check_outage();
        });
        return;
    }
    outage_timer_.cancel();
    if (h.healthy > 0 && outage_sent_) {
        outage_sent_ = false;
        spdlog::info("flight sources recovered ({} of {})", h.healthy, h.enabled);
        send(alerts::sources_recovered_html(h.healthy, h.enabled, down_since_.value_or(now), now),
             "sources-recovered message");
    }
    down_since_.reset();
}

json TelegramSender::status() const {
    json j = {{"configured", options_.configured()},
              {"queued", queue_.size()},
              {"delivered", delivered_},
              {"failed", failed_},
              {"sources_down_sent", outage_sent_}};
    j["last_error"] = last_error_.empty() ? json(nullptr) : json(last_error_);
    j["last_delivered"] = last_delivered_ ? json(format_iso8601(*last_delivered_)) : json(nullptr);
    return j;
}

}  // namespace zc::daemon
