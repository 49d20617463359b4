#include <catch2/catch.hpp>

#include "protocol/line_framer.h"

using zc::protocol::LineFramer;

TEST_CASE("a line split across many reads comes out whole") {
    LineFramer f(1024);
    f.feed("{\"comm");
    CHECK_FALSE(f.next());
    f.feed("and\":\"status\"");
    CHECK_FALSE(f.next());
    f.feed("}\n");
    auto line = f.next();
    REQUIRE(line);
    CHECK(*line == "{\"command\":\"status\"}");
    CHECK_FALSE(f.next());
}

TEST_CASE("several lines in one read come out one by one, CRLF accepted") {
    LineFramer f(1024);
    f.feed("a\nbb\r\n\nccc\npartial");
    CHECK(*f.next() == "a");
    CHECK(*f.next() == "bb");
    CHECK(*f.next() == "");
    CHECK(*f.next() == "ccc");
    CHECK_FALSE(f.next());
    CHECK(f.buffered() == 7);
    f.feed("\n");
    CHECK(*f.next() == "partial");
}

TEST_CASE("a line over the cap overflows, complete or still arriving") {
    SECTION("complete") {
        LineFramer f(8);
        f.feed("12345678\n123456789\nok\n");
        CHECK(*f.next() == "12345678");  // exactly the cap is fine
        CHECK_FALSE(f.next());
        CHECK(f.overflowed());
        CHECK_FALSE(f.next());  // nothing after an overflow
    }
    SECTION("still arriving, without a newline") {
        LineFramer f(8);
        f.feed("123456789");
        CHECK_FALSE(f.next());
        CHECK(f.overflowed());
    }
}

TEST_CASE("many small lines keep the buffer bounded") {
    LineFramer f(100);
    std::size_t got = 0;
    for (int i = 0; i < 100000; ++i) {
        f.feed("line " + std::to_string(i) + "\n");
        while (auto l = f.next())
            ++got;
        REQUIRE(f.buffered() < 100);
    }
    CHECK(got == 100000);
}
