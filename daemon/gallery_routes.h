#pragma once
// The gallery's HTTP routes, independent of sockets: the session asks plan() once the headers
// are in (so auth failures and oversize bodies are answered before a byte of body is read), reads
// the body plan() asked for, and calls handle().
#include <algorithm>
#include <boost/beast/http/message.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "gallery/rate_limiter.h"
#include "gallery/store.h"
#include "http_reply.h"
#include "time/clock.h"

namespace zc::daemon {

using RequestHeader = boost::beast::http::request_header<>;

enum class BodyKind { kSmall, kUpload };

struct RoutePlan {
    std::optional<HttpReply> reject;  // answer this now, without reading the body
    BodyKind body = BodyKind::kSmall;
    std::uint64_t body_limit = 0;
};

class GalleryRouter {
  public:
    /// `token` is read on every write, so a reload that rotates it takes effect at once.
    GalleryRouter(gallery::Store& store, const Clock& clock, std::function<std::string()> token,
                  std::uint64_t max_upload_bytes);

    RoutePlan plan(const RequestHeader& h, const std::string& remote);
    /// The largest body any route accepts: the session's header parser rejects a
    /// Content-Length above it (Beast's body_limit error), and plan() then gives the answer.
    std::uint64_t max_body_limit() const { return std::max(kSmallBodyLimit, max_upload_); }
    /// `body` is the whole request body (for uploads: a mapping of the spooled file).
    HttpReply handle(const RequestHeader& h, std::string_view body, const std::string& remote);

    static constexpr std::uint64_t kSmallBodyLimit = 1 << 20;

  private:
    std::optional<HttpReply> authorize(const RequestHeader& h, const std::string& remote);
    HttpReply upload(const RequestHeader& h, std::string_view body);
    HttpReply update(const RequestHeader& h, std::string_view rel, std::string_view body);
    HttpReply remove(std::string_view rel);
    HttpReply image(const RequestHeader& h, std::string_view rel, bool head);
    HttpReply list(const RequestHeader& h, bool head);

    gallery::Store& store_;
    const Clock& clock_;
    std::function<std::string()> token_;
    std::uint64_t max_upload_;
    gallery::RateLimiter limiter_;
};

}  // namespace zc::daemon
