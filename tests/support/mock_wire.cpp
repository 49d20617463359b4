#include "mock_wire.h"

#include <strings.h>
#include <zlib.h>

#include <boost/beast/http/status.hpp>
#include <cstdio>
#include <stdexcept>

namespace zc::test {

std::optional<std::string> MockRequest::header(std::string_view name) const {
    for (const auto& [key, value] : headers)
        if (key.size() == name.size() && ::strncasecmp(key.data(), name.data(), key.size()) == 0)
            return value;
    return std::nullopt;
}

MockReply MockReply::text(std::string body, int status) {
    MockReply r;
    r.status = status;
    r.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
    r.body = std::move(body);
    return r;
}

MockReply MockReply::json(std::string body, int status) {
    MockReply r;
    r.status = status;
    r.headers = {{"Content-Type", "application/json"}};
    r.body = std::move(body);
    return r;
}

namespace detail {

namespace {

bool has_header(const MockReply& r, std::string_view name) {
    for (const auto& [key, value] : r.headers)
        if (key.size() == name.size() && ::strncasecmp(key.data(), name.data(), key.size()) == 0)
            return true;
    return false;
}

}  // namespace

std::string header_block(const MockReply& reply, std::uint64_t body_length, bool keep_alive) {
    const auto reason =
        boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(reply.status));
    std::string out =
        "HTTP/1.1 " + std::to_string(reply.status) + " " + std::string(reason) + "\r\n";
    for (const auto& [key, value] : reply.headers)
        out += key + ": " + value + "\r\n";
    if (reply.gzip && !has_header(reply, "content-encoding"))
        out += "Content-Encoding: gzip\r\n";
    if (reply.chunked && !has_header(reply, "transfer-encoding"))
        out += "Transfer-Encoding: chunked\r\n";
    else if (!reply.chunked && !has_header(reply, "content-length"))
        out += "Content-Length: " + std::to_string(body_length) + "\r\n";
    if (!keep_alive && !has_header(reply, "connection"))
        out += "Connection: close\r\n";
    return out + "\r\n";
}

std::string chunk_prefix(std::size_t size) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%zx\r\n", size);
    return buf;
}

std::string gzip(std::string_view data) {
    z_stream zs{};
    if (::deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 9,
                       Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2 failed");
    std::string out(::deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = ::deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    ::deflateEnd(&zs);
    if (rc != Z_STREAM_END)
        throw std::runtime_error("deflate failed");
    return out;
}

}  // namespace detail
}  // namespace zc::test
