#include "net/client_core.h"

#include <boost/asio/post.hpp>
#include <vector>

#include "net/exchange.h"
#include "net/message.h"

namespace zc::net::detail {

ClientCore::ClientCore(boost::asio::io_context& io, HttpClientOptions options)
    : io_(io),
      options_(std::move(options)),
      tls_(make_client_tls_context(options_.extra_ca_file)),
      pool_(options_.max_idle_per_origin, options_.idle_keepalive) {}

void ClientCore::start(HttpRequest request, HttpClient::Callback done) {
    if (closed_)
        return;
    std::string why;
    auto url = Url::parse(request.url, &why);
    if (!url)
        return deliver(std::move(done), {HttpError::kBadUrl, "invalid URL: " + why, {}});
    BeastRequest message;
    if (auto err = build_request(request, *url, options_, message); !err.empty())
        return deliver(std::move(done),
                       {HttpError::kBadUrl, "request to " + url->host + " not sent: " + err, {}});
    if (url->scheme == "https" && !tls_.error.empty())
        return deliver(
            std::move(done),
            {HttpError::kTls, "request to " + url->host + " not sent: " + tls_.error, {}});
    const ExchangeLimits limits{options_.connect_timeout,
                                request.timeout.value_or(options_.read_timeout),
                                options_.max_response_bytes};
    auto idle = pool_.take(url->origin());
    auto ex = std::make_shared<Exchange>(weak_from_this(), io_, std::move(*url), std::move(message),
                                         limits, tls_.context, std::move(done));
    active_.emplace(ex.get(), ex);
    ex->start(std::move(idle));
}

void ClientCore::complete(Exchange* ex, HttpClient::Callback done, HttpResult result,
                          const std::string& origin, std::shared_ptr<Connection> keep) {
    active_.erase(ex);
    if (keep && !closed_)
        pool_.put(origin, std::move(keep));
    else if (keep)
        keep->close();
    deliver(std::move(done), std::move(result));
}

void ClientCore::deliver(HttpClient::Callback done, HttpResult result) {
    if (!done)
        return;
    // Always posted, never called inline: a callback may start the next request or destroy
    // the client, and neither may happen in the middle of our own bookkeeping.
    boost::asio::post(io_, [weak = weak_from_this(), done = std::move(done),
                            result = std::move(result)]() mutable {
        auto self = weak.lock();
        if (!self || self->closed_)
            return;
        done(std::move(result));
    });
}

void ClientCore::cancel_all() {
    std::vector<std::shared_ptr<Exchange>> all;
    all.reserve(active_.size());
    for (auto& [ptr, ex] : active_)
        all.push_back(ex);
    for (auto& ex : all)
        ex->cancel();
    pool_.clear();
}

void ClientCore::shutdown() {
    closed_ = true;
    auto all = std::move(active_);
    active_.clear();
    for (auto& [ptr, ex] : all)
        ex->abandon();
    pool_.clear();
}

}  // namespace zc::net::detail
