#pragma once
// State every HTTP session shares. Held by shared_ptr from the sessions, so it outlives the
// service even while handlers of closed sessions are still queued on the io_context.
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <unordered_map>

#include "gallery/store.h"
#include "gallery_routes.h"
#include "http_access_log.h"

namespace zc::daemon {

struct HttpLimits {
    std::size_t header_bytes = 16 * 1024;
    /// For the whole request header (and the idle wait before it): a client that trickles
    /// bytes (slowloris) is cut off when it runs out, not when it goes quiet.
    std::chrono::seconds header_timeout{15};
    std::chrono::seconds body_timeout{120};  // 16 MiB at ~140 kB/s
    std::chrono::seconds write_timeout{60};
    std::size_t max_connections = 128;
    /// After an answer that left the request body unread: how long, and how much, the rest of
    /// the body is read and dropped so that the client gets to read the answer.
    std::chrono::seconds linger_timeout{5};
    std::uint64_t linger_bytes = 32u << 20;
};

class HttpSessionBase {
  public:
    virtual ~HttpSessionBase() = default;
    virtual void shutdown_now() = 0;
};

struct HttpShared {
    HttpShared(std::filesystem::path root, std::uint64_t max_upload, const Clock& clock,
               std::function<std::string()> token, const std::filesystem::path& access_log)
        : store(std::move(root), max_upload),
          router(store, clock, std::move(token), max_upload),
          log(access_log, clock) {}

    gallery::Store store;
    GalleryRouter router;
    AccessLog log;
    HttpLimits limits;
    std::optional<boost::asio::ssl::context> tls;
    std::unordered_map<const HttpSessionBase*, std::weak_ptr<HttpSessionBase>> sessions;
    std::uint64_t requests = 0, rejected_connections = 0;
    bool stopping = false;
};

}  // namespace zc::daemon
