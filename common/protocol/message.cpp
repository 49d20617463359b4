#include "protocol/message.h"

namespace zc::protocol {

using nlohmann::json;

Response Response::success(std::string text, json arguments) {
    return Response{nullptr, Result::kSuccess, std::move(text), std::move(arguments)};
}
Response Response::error(std::string text) {
    return Response{nullptr, Result::kError, std::move(text), nullptr};
}
Response Response::empty(std::string text) {
    return Response{nullptr, Result::kEmpty, std::move(text), nullptr};
}

namespace {

const char* type_name(const json& j) {
    switch (j.type()) {
        case json::value_t::null:
            return "null";
        case json::value_t::boolean:
            return "a boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float:
            return "a number";
        case json::value_t::string:
            return "a string";
        case json::value_t::array:
            return "an array";
        case json::value_t::object:
            return "an object";
        default:
            return "an unsupported value";
    }
}

// Lines come from untrusted clients; the parse error's message carries only a byte offset and
// the token kind, never echoing the line itself.
std::variant<json, ParseError> parse_object(std::string_view line) {
    json j;
    try {
        j = json::parse(line.begin(), line.end());
    } catch (const json::parse_error& e) {
        std::string what = e.what();
        // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..."
        if (auto pos = what.find("] "); pos != std::string::npos)
            what.erase(0, pos + 2);
        // nlohmann appends "; last read: '<the bytes>'", which could carry a secret.
        if (auto pos = what.find("; last read"); pos != std::string::npos)
            what.erase(pos);
        return ParseError{"malformed JSON: " + what, nullptr};
    } catch (const json::exception&) {
        // A number beyond a double ("1e3000") is out_of_range, not a parse_error: uncaught, one
        // such line ended the daemon (found by fuzzing). Its text would quote the number.
        return ParseError{"malformed JSON: a number is out of range", nullptr};
    }
    if (!j.is_object())
        return ParseError{std::string("expected a JSON object, got ") + type_name(j), nullptr};
    return j;
}

}  // namespace

std::variant<Request, ParseError> parse_request(std::string_view line) {
    auto parsed = parse_object(line);
    if (auto* err = std::get_if<ParseError>(&parsed))
        return std::move(*err);
    json& j = std::get<json>(parsed);

    Request r;
    if (auto it = j.find("id"); it != j.end())
        r.id = *it;
    auto cmd = j.find("command");
    if (cmd == j.end())
        return ParseError{"missing \"command\"", r.id};
    if (!cmd->is_string())
        return ParseError{std::string("\"command\" must be a string, got ") + type_name(*cmd),
                          r.id};
    r.command = cmd->get<std::string>();
    if (r.command.empty())
        return ParseError{"\"command\" is empty", r.id};
    if (auto args = j.find("arguments"); args != j.end() && !args->is_null()) {
        if (!args->is_object())
            return ParseError{
                std::string("\"arguments\" must be an object, got ") + type_name(*args), r.id};
        r.arguments = std::move(*args);
    }
    for (const auto& [key, value] : j.items()) {
        if (key != "id" && key != "command" && key != "arguments")
            return ParseError{"unknown request field \"" + key + "\"", r.id};
    }
    return r;
}

Request make_request(std::string command, json arguments, json id) {
    return Request{std::move(id), std::move(command), std::move(arguments)};
}

std::string to_line(const json& object) {
    std::string s = object.dump(-1, ' ', false, json::error_handler_t::replace);
    s.push_back('\n');
    return s;
}

std::string to_line(const Request& request) {
    json j = {{"command", request.command}};
    if (!request.id.is_null())
        j["id"] = request.id;
    if (!request.arguments.empty())
        j["arguments"] = request.arguments;
    return to_line(j);
}

std::string to_line(const Response& response) {
    json j;
    j["id"] = response.id;
    j["result"] = static_cast<int>(response.result);
    j["text"] = response.text;
    if (!response.arguments.is_null())
        j["arguments"] = response.arguments;
    return to_line(j);
}

std::variant<Response, ParseError> parse_response(std::string_view line) {
    auto parsed = parse_object(line);
    if (auto* err = std::get_if<ParseError>(&parsed))
        return std::move(*err);
    json& j = std::get<json>(parsed);
    Response r;
    if (auto it = j.find("id"); it != j.end())
        r.id = *it;
    auto res = j.find("result");
    if (res == j.end() || !res->is_number_integer())
        return ParseError{"reply has no integer \"result\"", r.id};
    const int code = res->get<int>();
    if (code < 0 || code > 3)
        return ParseError{"reply has unknown result " + std::to_string(code), r.id};
    r.result = static_cast<Result>(code);
    if (auto it = j.find("text"); it != j.end() && it->is_string())
        r.text = it->get<std::string>();
    if (auto it = j.find("arguments"); it != j.end())
        r.arguments = *it;
    return r;
}

}  // namespace zc::protocol
