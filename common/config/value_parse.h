#pragma once
// Strict text -> value conversion shared by every source. "Strict" means the whole text must be
// consumed: "45abc" is not 45, and "4700.0" is not a port.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "config/schema.h"

namespace zc::config {

using Value = std::variant<bool, std::int64_t, double, std::string>;

std::string_view trim(std::string_view text);

/// true/false, 1/0, yes/no, on/off; case-insensitive.
std::optional<bool> parse_bool(std::string_view text);
/// Decimal integer, optional leading + or -.
std::optional<std::int64_t> parse_int(std::string_view text);
/// Finite decimal number (no nan/inf), optional leading +.
std::optional<double> parse_double(std::string_view text);
/// Octal permission bits such as "0660" or "660" (at most 0777).
std::optional<unsigned> parse_file_mode(std::string_view text);

/// "host:port", "[v6addr]:port"; the host may not be empty, the port is 1..65535.
struct HostPort {
    std::string host;
    std::uint16_t port = 0;
};
std::optional<HostPort> parse_host_port(std::string_view text);

struct ParseOutcome {
    enum class Kind { Ok, Unset, Error };
    Kind kind = Kind::Ok;
    Value value;
    std::string problem;  // for Error: e.g. "expected an integer"; never contains the value
};

/// Converts text for one option and applies its range/allowed/format rules. Empty text gives
/// Kind::Unset for numbers, bools and computed paths (the caller decides whether that is allowed
/// from this source); for a may_be_unset number it gives Ok with NaN.
ParseOutcome parse_value(const OptionSpec& spec, std::string_view text);

/// How a value is written back as text (config show, docs, to_json of numbers is separate).
std::string format_value(const Value& value);

}  // namespace zc::config
