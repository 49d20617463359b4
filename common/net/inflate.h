#pragma once
// Inflates a gzip or deflate response body with a hard cap on the output, so a small
// compressed body that expands to gigabytes (a "gzip bomb") costs at most the cap in memory.
#include <cstddef>
#include <string>
#include <string_view>

namespace zc::net::detail {

enum class Coding { kGzip, kDeflate };

enum class InflateStatus { kOk, kTooLarge, kCorrupt };

struct InflateResult {
    InflateStatus status = InflateStatus::kOk;
    std::string error;  // what was wrong with the data, for kCorrupt
};

/// Appends the decoded bytes of `in` to `out`, stopping once more than `max_out` bytes would
/// be produced. gzip accepts concatenated members; deflate accepts the zlib wrapper that
/// RFC 9110 specifies and the raw stream some servers send instead.
InflateResult inflate_body(std::string_view in, Coding coding, std::size_t max_out,
                           std::string& out);

}  // namespace zc::net::detail
