#pragma once
// What every fuzz target shares: a check that turns a broken property into a libFuzzer finding
// (abort, with the property printed), and a small reader that splits the fuzzer's bytes into
// several inputs. An exception escaping LLVMFuzzerTestOneInput aborts too, which is intended:
// every parser fuzzed here documents that it never throws for bad input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(cond)                                                                     \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            std::fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                    \
        }                                                                                    \
    } while (false)

namespace zc::fuzz {

/// The fuzzer's bytes as text.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// Consumes the input front to back: a byte, or the text up to a separator byte. Used where a
/// target needs more than one input (a boundary and a body, a chunking pattern and a stream).
class Reader {
  public:
    explicit Reader(std::string_view text) : rest_(text) {}
    std::uint8_t byte() {
        if (rest_.empty())
            return 0;
        const auto b = static_cast<std::uint8_t>(rest_.front());
        rest_.remove_prefix(1);
        return b;
    }
    /// Up to (not including) the first `sep`, which is consumed; everything when there is none.
    std::string_view until(char sep) {
        const auto at = rest_.find(sep);
        const auto out = rest_.substr(0, at);
        rest_.remove_prefix(at == std::string_view::npos ? rest_.size() : at + 1);
        return out;
    }
    std::string_view rest() const { return rest_; }

  private:
    std::string_view rest_;
};

}  // namespace zc::fuzz
