#pragma once
// What a route hands back to the HTTP session: a status, headers and either a text body or an
// open file (images are sent from the descriptor that was opened safely, never by path again).
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gallery/unique_fd.h"

namespace zc::daemon {

struct HttpReply {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    /// When set, the body is this string, shared rather than copied (the cached listing).
    std::shared_ptr<const std::string> shared_body;
    std::vector<std::pair<std::string, std::string>> headers;
    gallery::UniqueFd file;  // when valid, the body is this whole file
    std::uint64_t file_size = 0;
    bool head_only = false;  // HEAD: headers (with the real Content-Length) but no body
    bool close = false;      // the request body was not read: the connection cannot be reused
};

/// {"error": text} with the status.
HttpReply json_error(unsigned status, const std::string& text);

/// The 413 for a request body over `limit` bytes, {"error": "File too large. Maximum size is
/// 16 MB"} for uploads (the original's MAX_CONTENT_LENGTH; its own 413 was an HTML page).
HttpReply too_large_error(std::uint64_t limit);

}  // namespace zc::daemon
