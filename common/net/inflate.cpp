#include "net/inflate.h"

#include <zlib.h>

#include <algorithm>
#include <array>

namespace zc::net::detail {

namespace {

constexpr std::size_t kChunk = 64 * 1024;

class Inflater {
  public:
    explicit Inflater(int window_bits) { ok_ = ::inflateInit2(&zs_, window_bits) == Z_OK; }
    ~Inflater() {
        if (ok_)
            ::inflateEnd(&zs_);
    }
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;
    bool ok() const { return ok_; }
    z_stream& stream() { return zs_; }

  private:
    z_stream zs_{};
    bool ok_ = false;
};

InflateResult run(std::string_view in, int window_bits, bool multi_member, std::size_t max_out,
                  std::string& out) {
    Inflater inf(window_bits);
    if (!inf.ok())
        return {InflateStatus::kCorrupt, "zlib could not be initialised"};
    z_stream& zs = inf.stream();
    // zlib's API is not const-correct; it never writes through next_in.
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    std::size_t left = in.size();
    std::array<char, kChunk> buf{};
    const std::size_t start = out.size();
    for (;;) {
        const auto feed = static_cast<uInt>(std::min<std::size_t>(left, 1u << 30));
        zs.avail_in = feed;
        zs.next_out = reinterpret_cast<Bytef*>(buf.data());
        zs.avail_out = static_cast<uInt>(buf.size());
        const int rc = ::inflate(&zs, Z_NO_FLUSH);
        left -= feed - zs.avail_in;
        const std::size_t produced = buf.size() - zs.avail_out;
        if (out.size() - start + produced > max_out)
            return {InflateStatus::kTooLarge, {}};
        out.append(buf.data(), produced);
        if (rc == Z_STREAM_END) {
            if (left == 0)
                return {};
            if (!multi_member)
                return {InflateStatus::kCorrupt, "data after the end of the deflate stream"};
            if (::inflateReset(&zs) != Z_OK)
                return {InflateStatus::kCorrupt, "zlib reset failed"};
            continue;
        }
        if (rc == Z_BUF_ERROR && left == 0 && produced == 0)
            return {InflateStatus::kCorrupt, "compressed body is truncated"};
        if (rc != Z_OK && rc != Z_BUF_ERROR)
            return {InflateStatus::kCorrupt, zs.msg ? zs.msg : "invalid compressed data"};
    }
}

}  // namespace

InflateResult inflate_body(std::string_view in, Coding coding, std::size_t max_out,
                           std::string& out) {
    if (coding == Coding::kGzip)
        return run(in, 16 + MAX_WBITS, true, max_out, out);
    const std::size_t start = out.size();
    auto result = run(in, MAX_WBITS, false, max_out, out);
    if (result.status == InflateStatus::kCorrupt) {
        out.resize(start);
        result = run(in, -MAX_WBITS, false, max_out, out);  // raw deflate, no zlib header
    }
    return result;
}

}  // namespace zc::net::detail
