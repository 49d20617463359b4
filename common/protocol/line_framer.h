#pragma once
// Splits a byte stream into lines with a hard cap on line length, so that one client cannot make
// the daemon buffer without bound. Bytes arrive in arbitrary pieces (partial lines, several
// lines per read).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace zc::protocol {

class LineFramer {
  public:
    explicit LineFramer(std::size_t max_line_bytes) : max_(max_line_bytes) {}

    void feed(std::string_view bytes) { buffer_.append(bytes); }

    /// The next complete line without its terminator ("\n" or "\r\n"), or nullopt when more
    /// bytes are needed. After overflowed() turns true, nothing more is returned.
    std::optional<std::string> next();

    /// True once a line longer than the cap was seen (complete or still arriving).
    bool overflowed() const { return overflowed_; }
    std::size_t buffered() const { return buffer_.size() - start_; }

  private:
    std::size_t max_;
    std::string buffer_;
    std::size_t start_ = 0;  // consumed prefix, compacted lazily
    bool overflowed_ = false;
};

}  // namespace zc::protocol
