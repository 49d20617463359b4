// Boost.Program_options integration: every option is a --section.key flag.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "config/config.h"
#include "config/schema.h"
#include "test_util.h"

namespace po = boost::program_options;
using namespace zc::config;

TEST_CASE("every schema option is a command-line flag and round-trips into load()") {
    po::options_description desc;
    add_command_line_options(desc);
    for (const auto& spec : schema()) {
        CHECK(desc.find_nothrow(spec.name, false) != nullptr);
    }
    const char* argv[] = {"zipcatcherd", "--observer.latitude", "48.1", "--seestar.enabled",
                          "--log.level=debug"};
    po::variables_map vm;
    po::store(po::parse_command_line(5, argv, desc), vm);
    po::notify(vm);
    const auto values = command_line_values(vm);
    REQUIRE(values.size() == 3);
    CHECK(values[0] == std::pair<std::string, std::string>("observer.latitude", "48.1"));

    test::TempDir dir;
    auto o = test::isolated(dir);
    o.command_line = values;
    const auto r = load(o);
    REQUIRE(r.ok());
    CHECK(r.config->get_double("observer.latitude") == 48.1);
    CHECK(r.config->get_bool("seestar.enabled"));  // bare flag means true
    CHECK(r.config->get_string("log.level") == "debug");
}

TEST_CASE("typed getters refuse the wrong type and unknown names") {
    test::TempDir dir;
    const auto r = load(test::isolated(dir));
    REQUIRE(r.ok());
    const auto& c = *r.config;
    CHECK_THROWS_AS(c.get_int("observer.latitude"), std::logic_error);
    CHECK_THROWS_AS(c.get_bool("seestar.port"), std::logic_error);
    CHECK(c.get_double("seestar.port") == 4700.0);  // integers read as numbers
    CHECK_THROWS_AS(c.setting("no.such"), std::out_of_range);
    CHECK_THROWS_WITH(c.get_string("no.such"), Catch::Contains("no.such"));
    CHECK_FALSE(c.get_optional_double("observer.geoid_height").has_value());
    CHECK(std::isnan(c.get_double("observer.geoid_height")));
    CHECK(c.display_value("observer.geoid_height") == "(unset)");
    CHECK(c.to_json(false)["observer.geoid_height"].is_null());
    CHECK(c.settings().size() == schema().size());
    CHECK(c.settings().front().name == schema().front().name);
}

TEST_CASE("current_environment copies environ") {
    ::setenv("ZC_CONFIG_TEST_VARIABLE", "a=b", 1);
    const auto env = current_environment();
    ::unsetenv("ZC_CONFIG_TEST_VARIABLE");
    REQUIRE(env.count("ZC_CONFIG_TEST_VARIABLE") == 1);
    CHECK(env.at("ZC_CONFIG_TEST_VARIABLE") == "a=b");  // split at the first '='
}
