// Strict value parsing: the whole text must be a value of the option's type and range.
#include <catch2/catch.hpp>
#include <cmath>

#include "config/schema.h"
#include "config/value_parse.h"

using namespace zc::config;

TEST_CASE("booleans accept the usual spellings, case-insensitively") {
    for (const char* t : {"true", "TRUE", "1", "yes", "Yes", "on", "ON", " true "}) {
        CHECK(parse_bool(t) == std::optional<bool>(true));
    }
    for (const char* f : {"false", "False", "0", "no", "NO", "off", "Off"}) {
        CHECK(parse_bool(f) == std::optional<bool>(false));
    }
    for (const char* bad : {"", "2", "ture", "y", "enabled", "truee"}) {
        CHECK_FALSE(parse_bool(bad).has_value());
    }
}

TEST_CASE("integers and numbers must use the whole text") {
    CHECK(parse_int("4700") == std::optional<std::int64_t>(4700));
    CHECK(parse_int("+5") == std::optional<std::int64_t>(5));
    CHECK(parse_int("-3") == std::optional<std::int64_t>(-3));
    for (const char* bad : {"", "abc", "47x", "4700.0", "1e3", "0x10", "99999999999999999999"}) {
        CHECK_FALSE(parse_int(bad).has_value());
    }
    CHECK(parse_double("45.5") == std::optional<double>(45.5));
    CHECK(parse_double("-105.22") == std::optional<double>(-105.22));
    CHECK(parse_double("+1e2") == std::optional<double>(100.0));
    for (const char* bad : {"", "abc", "45,5", "45.5deg", "nan", "inf", "-inf", "1..2"}) {
        CHECK_FALSE(parse_double(bad).has_value());
    }
}

TEST_CASE("file modes and host:port") {
    CHECK(parse_file_mode("0660") == std::optional<unsigned>(0660));
    CHECK(parse_file_mode("600") == std::optional<unsigned>(0600));
    for (const char* bad : {"", "66", "0888", "1660", "07777", "rw-rw----"}) {
        CHECK_FALSE(parse_file_mode(bad).has_value());
    }
    auto hp = parse_host_port("0.0.0.0:8000");
    REQUIRE(hp);
    CHECK(hp->host == "0.0.0.0");
    CHECK(hp->port == 8000);
    auto v6 = parse_host_port("[::1]:8443");
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->port == 8443);
    for (const char* bad : {"", "8000", ":8000", "host:", "host:0", "host:65536", "::1:80",
                            "[::1]8000", "host:80x"}) {
        CHECK_FALSE(parse_host_port(bad).has_value());
    }
}

TEST_CASE("parse_value applies ranges, allowed values and unset rules") {
    const auto& lat = *find_option("observer.latitude");
    auto r = parse_value(lat, "95");
    CHECK(r.kind == ParseOutcome::Kind::Error);
    CHECK(r.problem == "latitude must be between -90 and 90");
    CHECK(parse_value(lat, "-90").kind == ParseOutcome::Kind::Ok);
    CHECK(parse_value(lat, "").kind == ParseOutcome::Kind::Unset);

    auto timeout = parse_value(*find_option("seestar.timeout"), "0");
    CHECK(timeout.kind == ParseOutcome::Kind::Error);
    CHECK(timeout.problem == "timeout must be greater than 0 and at most 600");

    auto level = parse_value(*find_option("log.level"), "WARN");
    REQUIRE(level.kind == ParseOutcome::Kind::Ok);
    CHECK(std::get<std::string>(level.value) == "warn");  // normalised to lower case
    auto bad_level = parse_value(*find_option("log.level"), "verbose");
    CHECK(bad_level.problem == "expected one of: trace, debug, info, warn, error, critical, off");

    // May-be-unset numbers: empty and the sentinel both mean NaN (unset).
    const auto& p = *find_option("astro.pressure_hpa");
    CHECK(std::isnan(std::get<double>(parse_value(p, "").value)));
    CHECK(std::isnan(std::get<double>(parse_value(p, "-1").value)));
    CHECK(std::get<double>(parse_value(p, "0").value) == 0.0);
    CHECK(parse_value(p, "-2").kind == ParseOutcome::Kind::Error);

    CHECK(parse_value(*find_option("control.socket_mode"), "0999").problem ==
          "expected octal permission bits such as 0660");
    CHECK(parse_value(*find_option("clock.start"), "yesterday").kind == ParseOutcome::Kind::Error);
    CHECK(parse_value(*find_option("clock.start"), "2026-06-21T12:00:00Z").kind ==
          ParseOutcome::Kind::Ok);
    CHECK(parse_value(*find_option("sources.local.url"), "localhost/data").kind ==
          ParseOutcome::Kind::Error);
    CHECK(parse_value(*find_option("sources.local.url"), "/run/readsb/aircraft.json").kind ==
          ParseOutcome::Kind::Ok);
}
