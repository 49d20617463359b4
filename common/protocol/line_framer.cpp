#include "protocol/line_framer.h"

namespace zc::protocol {

std::optional<std::string> LineFramer::next() {
    if (overflowed_)
        return std::nullopt;
    const auto nl = buffer_.find('\n', start_);
    if (nl == std::string::npos) {
        if (buffer_.size() - start_ > max_)
            overflowed_ = true;
        if (start_ > 0 && start_ == buffer_.size()) {
            buffer_.clear();
            start_ = 0;
        }
        return std::nullopt;
    }
    std::size_t end = nl;
    if (end > start_ && buffer_[end - 1] == '\r')
        --end;
    if (end - start_ > max_) {
        overflowed_ = true;
        return std::nullopt;
    }
    std::string line = buffer_.substr(start_, end - start_);
    start_ = nl + 1;
    // Compact once the consumed prefix dominates, keeping appends amortised O(1).
    if (start_ > 4096 && start_ * 2 > buffer_.size()) {
        buffer_.erase(0, start_);
        start_ = 0;
    }
    return line;
}

}  // namespace zc::protocol
