// HttpClient: a thin handle on ClientCore (see client_core.h and exchange.h for the work).
#include "net/http_client.h"

#include "net/client_core.h"

namespace zc::net {

struct HttpClient::Impl : detail::ClientCore {
    using ClientCore::ClientCore;
};

HttpClient::HttpClient(boost::asio::io_context& io, HttpClientOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

HttpClient::~HttpClient() {
    impl_->shutdown();
}

void HttpClient::request(HttpRequest request, Callback done) {
    impl_->start(std::move(request), std::move(done));
}

void HttpClient::cancel_all() {
    impl_->cancel_all();
}

std::size_t HttpClient::in_flight() const {
    return impl_->in_flight();
}

}  // namespace zc::net
