#pragma once
// The UDP `scan_iscope` datagram sent to <host>:4720 before each TCP (re)connect: ALP's "guest
// mode" intro (reference §2.1 step 1). Fire-and-forget: the connect never waits for it, and
// firmware 7.18+ does not answer; a reply that does come (serial number, model, current TCP
// client count) is shown in `scope-status` and helps explain a refused connection.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "seestar/discovery.h"

namespace zc::daemon {

using DiscoveryDone =
    std::function<void(std::optional<seestar::ScanReply> reply, const std::string& why)>;

/// Sends one datagram; `done` runs once, with the reply or why there is none (timeout,
/// unreachable, unreadable). Keeps itself alive until then.
void probe_discovery(boost::asio::io_context& io, const std::string& host, std::uint16_t port,
                     std::chrono::milliseconds timeout, DiscoveryDone done);

}  // namespace zc::daemon
