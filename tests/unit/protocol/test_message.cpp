#include <catch2/catch.hpp>

#include "protocol/message.h"

using namespace zc::protocol;
using nlohmann::json;

namespace {
Request ok(std::string_view line) {
    auto r = parse_request(line);
    REQUIRE(std::holds_alternative<Request>(r));
    return std::get<Request>(r);
}
ParseError bad(std::string_view line) {
    auto r = parse_request(line);
    REQUIRE(std::holds_alternative<ParseError>(r));
    return std::get<ParseError>(r);
}
}  // namespace

TEST_CASE("a full request parses with id, command and arguments") {
    auto r = ok(R"({"id":42,"command":"status","arguments":{"verbose":true}})");
    CHECK(r.id == 42);
    CHECK(r.command == "status");
    CHECK(r.arguments == json{{"verbose", true}});
}

TEST_CASE("id and arguments are optional and string ids are echoed as strings") {
    auto r = ok(R"({"command":"version"})");
    CHECK(r.id.is_null());
    CHECK(r.arguments == json::object());
    CHECK(ok(R"({"id":"abc","command":"x"})").id == "abc");
    CHECK(ok(R"({"command":"x","arguments":null})").arguments == json::object());
}

TEST_CASE("malformed requests name the problem") {
    CHECK_THAT(bad("{\"command\":").text, Catch::StartsWith("malformed JSON"));
    CHECK(bad("[1,2]").text == "expected a JSON object, got an array");
    CHECK(bad("42").text == "expected a JSON object, got a number");
    CHECK(bad(R"({"id":1})").text == "missing \"command\"");
    CHECK(bad(R"({"id":1})").id == 1);  // kept so the client can match the error
    CHECK(bad(R"({"command":5})").text == "\"command\" must be a string, got a number");
    CHECK(bad(R"({"command":""})").text == "\"command\" is empty");
    CHECK(bad(R"({"command":"x","arguments":[1]})").text ==
          "\"arguments\" must be an object, got an array");
    CHECK(bad(R"({"command":"x","argument":{}})").text == "unknown request field \"argument\"");
}

TEST_CASE("a parse error never echoes the client's bytes") {
    const std::string secret = "hunter2-very-secret";
    auto e = bad("{\"command\":\"x\", \"token\": \"" + secret);
    CHECK(e.text.find(secret) == std::string::npos);
}

TEST_CASE("responses round-trip through the wire form") {
    Response r{json(7), Result::kEmpty, "nothing", json{{"a", 1}}};
    const auto line = to_line(r);
    REQUIRE(line.back() == '\n');
    auto back = parse_response(line.substr(0, line.size() - 1));
    REQUIRE(std::holds_alternative<Response>(back));
    const auto& b = std::get<Response>(back);
    CHECK(b.id == 7);
    CHECK(b.result == Result::kEmpty);
    CHECK(b.text == "nothing");
    CHECK(b.arguments == json{{"a", 1}});
    // Arguments are left off when there are none.
    CHECK(to_line(Response::error("x")).find("arguments") == std::string::npos);
}

TEST_CASE("replies with an unknown result code are rejected") {
    auto r = parse_response(R"({"id":1,"result":9,"text":""})");
    REQUIRE(std::holds_alternative<ParseError>(r));
    CHECK(std::get<ParseError>(r).text == "reply has unknown result 9");
}

TEST_CASE("invalid UTF-8 in a reply is replaced, not thrown") {
    Response r = Response::error(std::string("bad \xff byte"));
    std::string line;
    REQUIRE_NOTHROW(line = to_line(r));
    CHECK(line.find("\xff") == std::string::npos);
}
