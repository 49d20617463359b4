// The config-file syntax Boost.Program_options accepts, read with line numbers.
#include <catch2/catch.hpp>
#include <sstream>

#include "config/ini_reader.h"

using namespace zc::config;

TEST_CASE("sections, keys, comments and whitespace") {
    const auto raw = parse_ini(
        "# leading comment\n"
        "top = 1\n"
        "[observer]\n"
        "  latitude   =   45.5   # trailing comment\n"
        "longitude=7\n"
        "\n"
        "[sources.aeroapi]\n"
        "api_key = abc\n"
        "[sources]\n"
        "opensky.enabled = false\n"
        "[ seestar ]\n"
        "host =\n"
        "quoted = \"a # b  \"\n"
        "escaped = \"say \\\"hi\\\" \\\\\"\n"
        "windows = yes\r\n");
    REQUIRE(raw.errors.empty());
    REQUIRE(raw.entries.size() == 9);
    CHECK(raw.entries[0].key == "top");
    CHECK(raw.entries[1].key == "observer.latitude");
    CHECK(raw.entries[1].value == "45.5");
    CHECK(raw.entries[1].line == 4);
    CHECK(raw.entries[2].key == "observer.longitude");
    CHECK(raw.entries[2].value == "7");
    CHECK(raw.entries[3].key == "sources.aeroapi.api_key");
    CHECK(raw.entries[4].key == "sources.opensky.enabled");
    CHECK(raw.entries[5].key == "seestar.host");
    CHECK(raw.entries[5].value.empty());
    CHECK(raw.entries[6].value == "a # b  ");
    CHECK(raw.entries[7].value == "say \"hi\" \\");
    CHECK(raw.entries[8].value == "yes");
    CHECK(raw.entries[8].line == 15);
}

TEST_CASE("'#' starts a comment anywhere in an unquoted value, as in Boost") {
    const auto raw = parse_ini("[x]\nkey = abc#def\n");
    REQUIRE(raw.entries.size() == 1);
    CHECK(raw.entries[0].value == "abc");
}

TEST_CASE("an equals sign inside a value is kept") {
    const auto raw = parse_ini("[x]\nurl = http://h/p?a=b\n");
    REQUIRE(raw.entries.size() == 1);
    CHECK(raw.entries[0].value == "http://h/p?a=b");
}
