#pragma once
// One HTTP/1.1 connection (plain or TLS): read the header, let the router decide, read the body
// it allows, answer, repeat while keep-alive holds.
#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "http_shared.h"

namespace zc::daemon {

/// Starts a session on an accepted socket (TLS when shared->tls is set).
void start_http_session(boost::asio::ip::tcp::socket socket, std::shared_ptr<HttpShared> shared);

}  // namespace zc::daemon
