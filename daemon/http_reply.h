#pragma once
// What a route hands back to the HTTP session: a status, headers and either a text body or an
// open file (images are sent from the descriptor that was opened safely, never by path again).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gallery/unique_fd.h"

namespace zc::daemon {

struct HttpReply {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    gallery::UniqueFd file;  // when valid, the body is this whole file
    std::uint64_t file_size = 0;
    bool head_only = false;  // HEAD: headers (with the real Content-Length) but no body
    bool close = false;      // the request body was not read: the connection cannot be reused
};

/// {"error": text} with the status.
HttpReply json_error(unsigned status, const std::string& text);

}  // namespace zc::daemon
