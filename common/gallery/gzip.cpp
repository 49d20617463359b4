#include "gallery/gzip.h"

#include <zlib.h>

#include <limits>

namespace zc::gallery {

std::optional<std::string> gzip_compress(std::string_view data) {
    if (data.size() > std::numeric_limits<uInt>::max())
        return std::nullopt;
    z_stream zs{};
    // windowBits 15 + 16: a gzip wrapper instead of zlib's; memLevel 8 is zlib's default.
    if (::deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return std::nullopt;
    std::string out(::deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
    // zlib's API is not const-correct; deflate() only reads next_in.
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = ::deflate(&zs, Z_FINISH);
    const auto written = zs.total_out;
    ::deflateEnd(&zs);
    if (rc != Z_STREAM_END)
        return std::nullopt;
    out.resize(written);
    return out;
}

}  // namespace zc::gallery
