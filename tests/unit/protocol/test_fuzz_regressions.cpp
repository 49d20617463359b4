// Inputs the fuzzer (tests/fuzz/fuzz_control_request.cpp) found, kept as tests; the raw inputs
// are in tests/fuzz/regressions/control_request/.
#include <catch2/catch.hpp>

#include "protocol/message.h"

using namespace zc::protocol;

TEST_CASE("a number beyond a double is a malformed request and no exception") {
    // nlohmann throws out_of_range (not parse_error) for it; uncaught, one such line ended the
    // daemon.
    for (const char* line : {R"({"command":"status","id":1e3000})",
                             R"({"command":"status","arguments":{"x":-1e999}})"}) {
        INFO(line);
        std::variant<Request, ParseError> r;
        REQUIRE_NOTHROW(r = parse_request(line));
        CHECK(std::holds_alternative<ParseError>(r));
    }
    const auto r = parse_request(R"({"command":"status","id":1e3000})");
    REQUIRE(std::holds_alternative<ParseError>(r));
    const auto& e = std::get<ParseError>(r);
    CHECK(e.text == "malformed JSON: a number is out of range");
    CHECK(e.text.find("1e3000") == std::string::npos);  // the line is never echoed
    CHECK(std::holds_alternative<ParseError>(parse_response(R"({"result":0,"id":1e400})")));
}
