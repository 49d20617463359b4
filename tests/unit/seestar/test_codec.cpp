#include <catch2/catch.hpp>
#include <fstream>

#include "protocol/line_framer.h"
#include "seestar/codec.h"
#include "seestar/error_codes.h"
#include "seestar/firmware.h"
#include "seestar/target.h"

using namespace zc::seestar;
using nlohmann::json;

TEST_CASE("every line of the real fw 2.25 wire log parses, errors keep their codes") {
    std::ifstream in(std::string(ZC_SAMPLES_DIR) + "/seestar-jsonrpc-wire-log-fw2.25-raw.jsonl");
    REQUIRE(in);
    std::string line;
    int replies = 0, events = 0, requests = 0;
    std::vector<int> codes;
    while (std::getline(in, line)) {
        auto m = parse_message(line + "\r");
        REQUIRE_FALSE(std::holds_alternative<ParseError>(m));
        if (auto* r = std::get_if<Reply>(&m)) {
            if (r->method.empty() || line.find("jsonrpc") == std::string::npos) {
                ++requests;  // the client's own lines have an id too
                continue;
            }
            ++replies;
            if (r->code)
                codes.push_back(r->code);
        } else {
            ++events;
        }
    }
    CHECK(replies > 5);
    CHECK(events > 5);
    CHECK(requests > 5);
    CHECK(std::count(codes.begin(), codes.end(), 207) == 1);
    CHECK(std::count(codes.begin(), codes.end(), 203) == 1);
}

TEST_CASE("coalesced reads from the annotated log split into the same messages") {
    std::ifstream in(std::string(ZC_SAMPLES_DIR) +
                     "/seestar-jsonrpc-wire-log-fw2.25-annotated.jsonl");
    REQUIRE(in);
    std::string line, stream;
    int n = 0;
    while (std::getline(in, line)) {
        auto j = json::parse(line);
        if (j["dir"] == "scope_to_client") {
            stream += j["raw"].get<std::string>() + "\r\n";
            ++n;
        }
    }
    zc::protocol::LineFramer framer(1 << 20);
    // Feed in awkward pieces: TCP boundaries mean nothing.
    for (std::size_t i = 0; i < stream.size(); i += 37)
        framer.feed(std::string_view(stream).substr(i, 37));
    int parsed = 0;
    while (auto l = framer.next()) {
        CHECK_FALSE(std::holds_alternative<ParseError>(parse_message(*l)));
        ++parsed;
    }
    CHECK(parsed == n);
}

TEST_CASE("the real solar View object reads as the Sun") {
    std::ifstream in(std::string(ZC_SAMPLES_DIR) +
                     "/seestar-get-view-state-View-sun-mode-fw7.06.json");
    auto v = json::parse(in);
    CHECK(target_of_view_mode(v["mode"].get<std::string>()) == Target::kSun);
    CHECK(target_of_view_mode("lunar") == Target::kMoon);
    CHECK_FALSE(target_of_view_mode("star"));
}

TEST_CASE("malformed lines are reported with the field at fault") {
    auto text = [](std::string_view l) { return std::get<ParseError>(parse_message(l)).text; };
    CHECK(text("not json") == "not JSON");
    CHECK(text("[1,2]") == "not a JSON object");
    CHECK(text(R"({"Event":5})").find("\"Event\"") != std::string::npos);
    CHECK(text(R"({"id":1,"code":"x"})").find("\"code\"") != std::string::npos);
    CHECK(text(R"({"id":[1]})").find("\"id\"") != std::string::npos);
    CHECK(text(R"({"foo":1})").find("neither") != std::string::npos);
    // A BOM and bare \n are tolerated; a missing code counts as success; string ids match.
    auto m = parse_message("\xEF\xBB\xBF{\"id\":\"12\",\"method\":\"x\",\"result\":0}\n");
    REQUIRE(std::holds_alternative<Reply>(m));
    CHECK(std::get<Reply>(m).code == 0);
    CHECK(id_as_int(std::get<Reply>(m).id) == 12);
}

TEST_CASE("requests are one line ending in CRLF with params omitted when null") {
    CHECK(encode_request(7, "test_connection") == "{\"id\":7,\"method\":\"test_connection\"}\r\n");
    CHECK(encode_request(8, "pi_set_time", {{"year", 2026}}).find("\"params\":{\"year\":2026}") !=
          std::string::npos);
}

TEST_CASE("error codes map to messages") {
    CHECK(describe_code(203) == "equipment is moving (203)");
    CHECK(describe_code(109).find("verify") != std::string::npos);
    CHECK(describe_code(4242) == "error code 4242");
}

TEST_CASE("params are shaped per firmware generation") {
    CHECK(generation(2225) == Generation::kLegacy);
    CHECK(generation(2645) == Generation::kVerifyMarker);
    CHECK(generation(2718) == Generation::kRsaAuth);
    CHECK(version_string(2706) == "7.06");
    CHECK(shape_params(2225, "x", {{"a", 1}}) == json{{"a", 1}});
    CHECK(shape_params(2645, "x", {{"a", 1}}) == json{{"a", 1}, {"verify", true}});
    CHECK(shape_params(2706, "x", {{"a", 1}}) == json{{"a", 1}});  // 109 otherwise
    CHECK(shape_params(2645, "x", nullptr) == json::array({"verify"}));
    CHECK(shape_params(2645, "x", json::array({1, 2})) == json::array({1, 2, "verify"}));
    CHECK(shape_params(2645, "verify_client", {{"a", 1}}) == json{{"a", 1}});
    CHECK(shape_params(2775, "x", nullptr).is_null());
}
