#pragma once
// Delivers alerts through the Telegram Bot API (sendMessage, parse_mode HTML) over the shared
// HTTPS client, one message at a time and in order. A 429 waits parameters.retry_after;
// transport failures and 5xx retry with doubling backoff; a message that cannot be delivered
// is logged with the reason and its text, never dropped silently. The bot token is part of
// the URL path, so URLs are never logged and every logged text is scrubbed of the token.
//
// Without a token and chat id, alerts are written to the daemon log instead (spdlog info) —
// what the demo shows. It also turns PredictionHub source health into the "all flight sources
// down for 90 s" and "recovered" messages.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "net/http_client.h"
#include "prediction_hub.h"
#include "time/clock.h"

namespace zc::daemon {

struct TelegramOptions {
    std::string bot_token;  // secret
    std::string chat_id;
    std::string api_base = "https://api.telegram.org";
    Duration retry_initial = std::chrono::seconds(2);
    Duration retry_max = std::chrono::minutes(5);
    int max_attempts = 12;                     // failures (not 429s) before giving up
    Duration max_age = std::chrono::hours(1);  // an older undelivered message is given up
    std::size_t max_queue = 500;
    Duration outage_after = std::chrono::seconds(90);  // every source down this long: message
    bool configured() const { return !bot_token.empty() && !chat_id.empty(); }
};

class TelegramSender {
  public:
    TelegramSender(boost::asio::io_context& io, const Clock& clock, net::HttpClient& http,
                   TelegramOptions options);
    ~TelegramSender();
    TelegramSender(const TelegramSender&) = delete;
    TelegramSender& operator=(const TelegramSender&) = delete;

    /// Applies from the next attempt (a reload with a new token or chat).
    void set_options(TelegramOptions options);
    bool configured() const { return options_.configured(); }

    /// Called with every message handed to send() (the service publishes `alert` events).
    using Observer = std::function<void(const std::string& what, const std::string& html)>;
    void set_observer(Observer observer) { observer_ = std::move(observer); }

    /// Queues one HTML message; `what` names it in logs ("HIGH alert BAW12:sun"), no secrets.
    void send(std::string html, std::string what);
    /// Source health from the PredictionHub: outage and recovery messages.
    void on_health(const SourcesHealth& health);

    /// Gives the message in flight up to `grace` to finish, then logs every undelivered one
    /// and calls `done`.
    void stop(Duration grace, std::function<void()> done);

    std::size_t queued() const { return queue_.size(); }
    std::uint64_t delivered() const { return delivered_; }
    std::uint64_t failed() const { return failed_; }
    nlohmann::json status() const;

  private:
    struct Message {
        std::string html, what;
        UtcTime queued{};
        int attempts = 0;
        bool plain = false;  // Telegram could not parse the HTML: sent as plain text
    };
    void pump();
    void attempt();
    void on_result(net::HttpResult result);
    /// A transient failure of the head message: backoff, or give up after max_attempts.
    void retry_in(const std::string& why);
    void arm_retry(Duration wait);
    void finish_stop();
    void give_up(const std::string& why);
    void delivered_head();
    std::string scrub(std::string text) const;
    void check_outage();

    boost::asio::io_context& io_;
    const Clock& clock_;
    net::HttpClient& http_;
    TelegramOptions options_;
    boost::asio::steady_timer retry_timer_, outage_timer_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

    Observer observer_;
    std::deque<Message> queue_;
    bool in_flight_ = false;
    bool waiting_ = false;  // retry_timer_ armed
    bool stopping_ = false;
    std::function<void()> stop_done_;
    std::uint64_t delivered_ = 0, failed_ = 0;
    std::string last_error_;
    std::optional<UtcTime> last_delivered_;

    SourcesHealth health_;
    bool outage_sent_ = false;
    std::optional<UtcTime> down_since_;
};

}  // namespace zc::daemon
