#pragma once
// The control channel's messages: newline-delimited JSON, one object per line
// (docs/control-api.md).
//   request  {"id":…, "command":"status", "arguments":{…}}
//   response {"id":…, "result":0|1|2|3, "text":"…", "arguments":{…}}
//   event    {"event":"…", "time":"…", …}
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

namespace zc::protocol {

/// Kea's result codes.
enum class Result : int { kSuccess = 0, kError = 1, kUnsupported = 2, kEmpty = 3 };

struct Request {
    nlohmann::json id;  // echoed back as is; null when the client sent none
    std::string command;
    nlohmann::json arguments = nlohmann::json::object();
};

struct Response {
    nlohmann::json id;
    Result result = Result::kSuccess;
    std::string text;
    nlohmann::json arguments;  // omitted from the wire when null

    static Response success(std::string text, nlohmann::json arguments = nullptr);
    static Response error(std::string text);
    static Response empty(std::string text);
};

/// Why a line is not a valid request. The id is kept when it could be read, so that the
/// error reply can still be matched by the client.
struct ParseError {
    std::string text;
    nlohmann::json id;
};

std::variant<Request, ParseError> parse_request(std::string_view line);
Request make_request(std::string command, nlohmann::json arguments = nlohmann::json::object(),
                     nlohmann::json id = nullptr);

/// Serialized forms, each ending in '\n'. Invalid UTF-8 is replaced, never thrown.
std::string to_line(const Request& request);
std::string to_line(const Response& response);
std::string to_line(const nlohmann::json& object);

std::variant<Response, ParseError> parse_response(std::string_view line);

}  // namespace zc::protocol
