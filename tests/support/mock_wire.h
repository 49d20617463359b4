#pragma once
// The bytes MockHttpServer puts on the wire, apart from the sending itself: the status line and
// header block, chunk framing and gzip.
#include <cstdint>
#include <string>
#include <string_view>

#include "mock_http_server.h"

namespace zc::test::detail {

/// Status line and headers up to and including the blank line. `body_length` is what goes
/// into Content-Length (unless chunked, or the reply sets that header itself).
std::string header_block(const MockReply& reply, std::uint64_t body_length, bool keep_alive);
/// The size line that opens a chunk of `size` bytes (the chunk ends with "\r\n").
std::string chunk_prefix(std::size_t size);
/// gzip (RFC 1952) of `data`.
std::string gzip(std::string_view data);

}  // namespace zc::test::detail
