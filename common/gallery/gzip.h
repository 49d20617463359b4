#pragma once
// Whole-buffer gzip (RFC 1952) for responses that are compressed once and sent many times, such
// as the cached gallery listing.
#include <optional>
#include <string>
#include <string_view>

namespace zc::gallery {

/// `data` gzip'ed at zlib level 6, with no file name and a zero mtime in the header, so equal
/// input gives equal output. nullopt when zlib fails (out of memory).
std::optional<std::string> gzip_compress(std::string_view data);

}  // namespace zc::gallery
