// Inputs the fuzzer (tests/fuzz/fuzz_seestar_codec.cpp) found, kept as tests; the raw inputs are
// in tests/fuzz/regressions/seestar_codec/.
#include <catch2/catch.hpp>

#include "seestar/codec.h"

using namespace zc::seestar;

TEST_CASE("a reply code outside int is a failure and never wraps to success") {
    for (const char* code : {"4294967296", "18446744073709551615", "-4294967296",
                             "9223372036854775807", "2147483648"}) {
        INFO(code);
        const auto m =
            parse_message(std::string("{\"id\":5,\"method\":\"get_view_state\",\"code\":") + code +
                          ",\"result\":null}\r\n");
        const auto* reply = std::get_if<Reply>(&m);
        REQUIRE(reply);
        CHECK(reply->code == -1);
        CHECK(id_as_int(reply->id) == 5);
    }
    const auto edge = parse_message("{\"id\":1,\"code\":2147483647}");
    REQUIRE(std::get_if<Reply>(&edge));
    CHECK(std::get<Reply>(edge).code == 2147483647);
    const auto low = parse_message("{\"id\":1,\"code\":-2147483648}");
    REQUIRE(std::get_if<Reply>(&low));
    CHECK(std::get<Reply>(low).code == -2147483647 - 1);
}
