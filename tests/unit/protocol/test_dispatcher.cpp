#include <catch2/catch.hpp>

#include "protocol/dispatcher.h"

using namespace zc::protocol;
using nlohmann::json;

namespace {

struct Capture : Responder {
    std::vector<Response> replies;
    std::vector<std::vector<std::string>> subscriptions;
    void reply(Response r) override { replies.push_back(std::move(r)); }
    void subscribe(std::vector<std::string> e) override { subscriptions.push_back(std::move(e)); }
};

Dispatcher make() {
    Dispatcher d;
    d.add(CommandSpec{"echo",
                      "echo",
                      {ArgSpec{"text", ArgType::kString, true, "what", {}},
                       ArgSpec{"level", ArgType::kString, false, "lvl", {"high", "low"}},
                       ArgSpec{"n", ArgType::kInteger, false, "count", {}}}},
          [](const Request& r, std::shared_ptr<Responder> out) {
              out->reply(Response::success(r.arguments["text"].get<std::string>()));
          });
    d.add(CommandSpec{"boom", "throws", {}},
          [](const Request&, std::shared_ptr<Responder>) { throw std::runtime_error("kaput"); });
    return d;
}

Response run(const Dispatcher& d, const std::string& cmd, json args) {
    auto c = std::make_shared<Capture>();
    d.dispatch(make_request(cmd, std::move(args), 1), c);
    REQUIRE(c->replies.size() == 1);
    return c->replies[0];
}

}  // namespace

TEST_CASE("dispatch calls the handler with valid arguments") {
    auto d = make();
    auto r = run(d, "echo", {{"text", "hi"}, {"level", "low"}, {"n", 3}});
    CHECK(r.result == Result::kSuccess);
    CHECK(r.text == "hi");
}

TEST_CASE("unknown commands get result 2") {
    auto r = run(make(), "nope", json::object());
    CHECK(r.result == Result::kUnsupported);
    CHECK(r.text == "unknown command \"nope\" (list-commands shows the supported ones)");
    CHECK(r.id == 1);
}

TEST_CASE("argument errors name the argument") {
    auto d = make();
    CHECK(run(d, "echo", json::object()).text == "command \"echo\" needs argument \"text\"");
    CHECK(run(d, "echo", {{"text", 5}}).text == "argument \"text\" must be string");
    CHECK(run(d, "echo", {{"text", "a"}, {"n", 1.5}}).text == "argument \"n\" must be integer");
    CHECK(run(d, "echo", {{"text", "a"}, {"level", "mid"}}).text ==
          "argument \"level\" must be one of: high, low");
    CHECK(run(d, "echo", {{"text", "a"}, {"lvl", "x"}}).text ==
          "command \"echo\" has no argument \"lvl\"");
    CHECK(run(d, "echo", {{"text", 5}}).result == Result::kError);
}

TEST_CASE("a handler that throws produces an error reply") {
    auto r = run(make(), "boom", json::object());
    CHECK(r.result == Result::kError);
    CHECK(r.text == "command \"boom\" failed: kaput");
}

TEST_CASE("registering a command twice is refused") {
    auto d = make();
    CHECK_THROWS_AS(d.add(CommandSpec{"echo", "", {}}, nullptr), std::logic_error);
}

TEST_CASE("specs are listed by name with their arguments") {
    auto specs = make().specs();
    REQUIRE(specs.size() == 2);
    CHECK(specs[0].name == "boom");
    auto j = to_json(specs[1]);
    CHECK(j["arguments"][1]["choices"] == json{"high", "low"});
    CHECK(j["arguments"][0]["required"] == true);
}
