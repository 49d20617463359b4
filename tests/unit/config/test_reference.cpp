// docs/configuration.md and config/zipcatcher.conf are generated from the schema; these tests
// fail when they drift. To regenerate both after changing the schema:
//   build/tests/test_config "[.regenerate]"
#include <catch2/catch.hpp>
#include <cctype>
#include <fstream>
#include <sstream>

#include "config/config.h"
#include "config/reference.h"
#include "config/schema.h"
#include "test_util.h"

using namespace zc::config;

namespace {

const std::filesystem::path kDocs = std::filesystem::path(ZC_SOURCE_DIR) / "docs/configuration.md";
const std::filesystem::path kExample =
    std::filesystem::path(ZC_SOURCE_DIR) / "config/zipcatcher.conf";
const std::string kBegin = "<!-- BEGIN GENERATED: options (test_config \"[.regenerate]\") -->\n";
const std::string kEnd = "<!-- END GENERATED: options -->\n";
const std::string kEnvBegin = "<!-- BEGIN GENERATED: dotenv -->\n";
const std::string kEnvEnd = "<!-- END GENERATED: dotenv -->\n";

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The geoid grid default is a build option; the committed files show the Debian path.
std::string canonical(std::string text) {
    const std::string built = ZC_EGM96_GRID, standard = "/usr/share/proj/egm96_15.gtx";
    for (auto pos = text.find(built); built != standard && pos != std::string::npos;
         pos = text.find(built, pos + standard.size())) {
        text.replace(pos, built.size(), standard);
    }
    return text;
}

// Replaces (or checks) the text between two markers.
std::string between(const std::string& doc, const std::string& begin, const std::string& end) {
    const auto b = doc.find(begin);
    const auto e = doc.find(end);
    if (b == std::string::npos || e == std::string::npos || e < b) {
        return {};
    }
    return doc.substr(b + begin.size(), e - b - begin.size());
}

std::string replace_between(std::string doc, const std::string& begin, const std::string& end,
                            const std::string& body) {
    const auto b = doc.find(begin);
    const auto e = doc.find(end);
    REQUIRE(b != std::string::npos);
    REQUIRE(e != std::string::npos);
    doc.replace(b + begin.size(), e - b - begin.size(), body);
    return doc;
}

}  // namespace

TEST_CASE("docs/configuration.md documents every option, generated from the schema") {
    const auto doc = slurp(kDocs);
    REQUIRE_FALSE(doc.empty());
    for (const auto& spec : schema()) {
        INFO(spec.name);
        CHECK(doc.find("`" + spec.name + "`") != std::string::npos);
        for (const auto& alias : spec.env_aliases) {
            CHECK(doc.find("`" + alias + "`") != std::string::npos);
        }
    }
    CHECK(between(doc, kBegin, kEnd) == canonical(render_options_markdown()));
    CHECK(between(doc, kEnvBegin, kEnvEnd) == canonical(render_dotenv_markdown()));
}

TEST_CASE("config/zipcatcher.conf is the generated example with every option") {
    const auto text = slurp(kExample);
    CHECK(text == canonical(render_example_config()));
    for (const auto& spec : schema()) {
        const auto key = spec.name.substr(spec.name.rfind('.') + 1);
        const auto line = spec.default_text.empty()
                              ? "\n#" + key + " =\n"
                              : "\n#" + key + " = " + canonical(spec.default_text) + "\n";
        CHECK(text.find(line) != std::string::npos);
    }
}

TEST_CASE("the example loads, commented or uncommented, and gives the defaults") {
    test::TempDir dir;
    auto text = render_example_config();
    auto o = test::isolated(dir);
    o.config_file = dir.write("commented.conf", text);
    const auto plain = load(o);
    INFO(plain.report());
    REQUIRE(plain.ok());

    // Uncomment every "#key = value" line: the file must still be valid and change nothing.
    std::string active;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        const bool setting = line.size() > 1 && line[0] == '#' &&
                             std::islower(static_cast<unsigned char>(line[1])) &&
                             line.find(" =") != std::string::npos;
        active += (setting ? line.substr(1) : line) + "\n";
    }
    o.config_file = dir.write("active.conf", active);
    const auto r = load(o);
    INFO(r.report());
    REQUIRE(r.ok());
    for (const auto& s : r.config->settings()) {
        INFO(s.name);
        CHECK(r.config->display_value(s.name) == plain.config->display_value(s.name));
    }
    CHECK(r.config->setting("seestar.port").origin.source == Source::File);
}

TEST_CASE("every default parses under its own rules") {
    for (const auto& spec : schema()) {
        INFO(spec.name);
        const auto r = parse_value(spec, spec.default_text);
        CHECK(r.kind != ParseOutcome::Kind::Error);
        CHECK_FALSE(spec.description.empty());
        CHECK(spec.description.find('|') == std::string::npos);  // would break the table
        CHECK(spec.name.find('.') != std::string::npos);
        CHECK((spec.secret ? spec.type == Type::String : true));
    }
}

TEST_CASE("regenerate docs/configuration.md and config/zipcatcher.conf", "[.regenerate]") {
    auto doc = slurp(kDocs);
    doc = replace_between(doc, kBegin, kEnd, canonical(render_options_markdown()));
    doc = replace_between(doc, kEnvBegin, kEnvEnd, canonical(render_dotenv_markdown()));
    std::ofstream(kDocs, std::ios::binary | std::ios::trunc) << doc;
    std::ofstream(kExample, std::ios::binary | std::ios::trunc)
        << canonical(render_example_config());
    SUCCEED("regenerated");
}
