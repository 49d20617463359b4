// The docs list what the binaries really offer: every control command is specified in
// docs/control-api.md and every CLI command appears in docs/cli.md and the man page.
#include <catch2/catch.hpp>
#include <sstream>

#include "daemon_harness.h"

using namespace zc::test;

TEST_CASE("every control command is documented in docs/control-api.md") {
    DaemonHarness h;
    h.start();
    const auto doc = read_file(std::string(ZC_SOURCE_DIR) + "/docs/control-api.md");
    auto j = h.cli_json({"commands"});
    REQUIRE(j["arguments"]["commands"].size() >= 7);
    for (const auto& c : j["arguments"]["commands"]) {
        const std::string heading = "### `" + c["name"].get<std::string>() + "`";
        INFO(heading);
        CHECK(doc.find(heading) != std::string::npos);
        for (const auto& a : c["arguments"]) {
            INFO("argument " << a["name"]);
            CHECK(doc.find("| `" + a["name"].get<std::string>() + "` |") != std::string::npos);
        }
    }
}

TEST_CASE("every CLI command is in docs/cli.md and zipcatcher.1") {
    auto r = run(ZC_CLI_BIN, {"--help"}, {{"PATH", "/usr/bin:/bin"}});
    REQUIRE(r.exit_code == 0);
    const auto doc = read_file(std::string(ZC_SOURCE_DIR) + "/docs/cli.md");
    const auto man = read_file(std::string(ZC_SOURCE_DIR) + "/docs/man/zipcatcher.1");
    std::istringstream lines(r.out.substr(r.out.find("Commands:")));
    std::string line;
    std::getline(lines, line);
    int n = 0;
    while (std::getline(lines, line) && line.rfind("  ", 0) == 0) {
        std::istringstream words(line);
        std::string name;
        words >> name;
        INFO(name);
        CHECK(doc.find("| `" + name) != std::string::npos);
        const bool in_man = man.find(".B " + name) != std::string::npos ||
                            man.find("\"" + name + " ") != std::string::npos;
        CHECK(in_man);
        ++n;
    }
    CHECK(n >= 9);
}
