#pragma once
// Conversion between the client's plain request/response structs and Beast messages: the
// request line and headers the client adds (Host, User-Agent, Accept-Encoding, Content-Length)
// and the response's header list and decoded body.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

#include "net/http_client.h"

namespace zc::net::detail {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

/// Fills `out`. Returns an error text (empty on success) when the method or a header could
/// break the request; the text names the header by position, never its value.
std::string build_request(const HttpRequest& in, const Url& url, const HttpClientOptions& options,
                          BeastRequest& out);

struct DecodeResult {
    HttpError error = HttpError::kNone;
    std::string message;
};

/// Moves status, headers (names lower-cased) and body into `out`, inflating gzip/deflate with
/// the output capped at `max_body`. `host` names the server in error texts.
DecodeResult decode_response(BeastResponse&& in, const std::string& host, std::size_t max_body,
                             HttpResponse& out);

}  // namespace zc::net::detail
