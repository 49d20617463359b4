#include "net/connection.h"

#include <poll.h>

namespace zc::net::detail {

Connection::Connection(boost::asio::io_context& io, std::shared_ptr<boost::asio::ssl::context> tls)
    : context_(std::move(tls)) {
    if (context_)
        tls_.emplace(io, *context_);
    else
        plain_.emplace(io);
}

void Connection::close() {
    boost::system::error_code ec;
    socket().close(ec);
}

bool Connection::still_usable() {
    auto& s = socket();
    if (!s.is_open() || buffer_.size() != 0)
        return false;
    // Any readiness of an idle socket means end of stream, a reset or unsolicited data; none
    // of these leaves a connection one can send a request on. A close that races with this
    // check is handled by the retry of a request on a reused connection.
    pollfd p{s.native_handle(), POLLIN | POLLRDHUP, 0};
    const int n = ::poll(&p, 1, 0);
    return n == 0;
}

}  // namespace zc::net::detail
