#pragma once
// The Seestar's port-4700 wire format: one JSON object per line ended by "\r\n" (a bare "\n" is
// accepted too). Requests are {id, method, params}; replies echo id and carry code (0 = OK;
// missing = 0), result or error; unsolicited events carry "Event" and no id.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace zc::seestar {

struct Reply {
    nlohmann::json id;  // as the device echoed it (int, or a string on some clients/proxies)
    std::string method;
    int code = 0;
    std::string error;      // empty when code == 0
    nlohmann::json result;  // null when absent
};

struct Event {
    std::string name;
    nlohmann::json fields;  // the whole object; every field is optional
};

/// Why a line was skipped; `text` names the field or the JSON problem.
struct ParseError {
    std::string text;
};

using Message = std::variant<Reply, Event, ParseError>;

/// Never throws. Strips a UTF-8 BOM and a trailing '\r'.
Message parse_message(std::string_view line);

/// One request line, terminator included. A null `params` is left out of the message.
std::string encode_request(std::int64_t id, std::string_view method,
                           const nlohmann::json& params = nullptr);

/// The reply's id as an integer: ints, and strings holding one, are accepted.
std::optional<std::int64_t> id_as_int(const nlohmann::json& id);

}  // namespace zc::seestar
