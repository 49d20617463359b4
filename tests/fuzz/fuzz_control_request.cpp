// The control socket's request path, as a session runs it: a byte stream cut into reads of
// fuzzer-chosen sizes, framed into lines (LineFramer, the daemon's 64 KiB cap), each line parsed
// (parse_request) and dispatched against argument specs of every type (validate_arguments).
// Properties: framed lines hold no '\n' and respect the cap; a parsed request survives
// to_line/parse_request unchanged; every reply serialises to one line that parse_response
// reads back with the request's id.
#include <memory>
#include <vector>

#include "fuzz_check.h"
#include "protocol/dispatcher.h"
#include "protocol/line_framer.h"
#include "protocol/message.h"

using namespace zc::protocol;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxLine = 64 * 1024;  // daemon/control_limits.h max_request_bytes

struct Recorder : Responder {
    std::vector<Response> replies;
    void reply(Response r) override { replies.push_back(std::move(r)); }
    void subscribe(std::vector<std::string>) override {}
};

const Dispatcher& dispatcher() {
    static const Dispatcher d = [] {
        Dispatcher out;
        auto echo = [](const Request& rq, std::shared_ptr<Responder> r) {
            r->reply(Response{rq.id, Result::kSuccess, "ok", rq.arguments});
        };
        out.add(CommandSpec{"status", "no arguments", {}, false}, echo);
        out.add(CommandSpec{"all-types",
                            "one argument of each type",
                            {{"text", ArgType::kString, true, "", {}},
                             {"count", ArgType::kInteger, false, "", {}},
                             {"ratio", ArgType::kNumber, false, "", {}},
                             {"flag", ArgType::kBoolean, false, "", {}},
                             {"object", ArgType::kObject, false, "", {}},
                             {"array", ArgType::kArray, false, "", {}},
                             {"names", ArgType::kStringList, false, "", {}},
                             {"target", ArgType::kString, false, "", {"sun", "moon"}}},
                            false},
                echo);
        out.add(
            CommandSpec{
                "watch", "streams", {{"events", ArgType::kStringList, false, "", {}}}, true},
            echo);
        out.add(CommandSpec{"throws", "handler fails", {}, false},
                [](const Request&, std::shared_ptr<Responder>) {
                    throw std::runtime_error("handler failure");
                });
        return out;
    }();
    return d;
}

void check_reply(const Response& reply, const json& id) {
    const auto line = to_line(reply);
    FUZZ_CHECK(!line.empty() && line.back() == '\n');
    FUZZ_CHECK(line.find('\n') == line.size() - 1);
    auto back = parse_response(std::string_view(line).substr(0, line.size() - 1));
    FUZZ_CHECK(std::holds_alternative<Response>(back));
    FUZZ_CHECK(std::get<Response>(back).result == reply.result);
    FUZZ_CHECK(std::get<Response>(back).id == id);
}

void handle_line(const std::string& line) {
    auto parsed = parse_request(line);
    if (auto* err = std::get_if<ParseError>(&parsed)) {
        // The session answers a bad line with an error reply carrying the id it could read.
        check_reply(Response{err->id, Result::kError, err->text, nullptr}, err->id);
        return;
    }
    const auto& request = std::get<Request>(parsed);
    FUZZ_CHECK(!request.command.empty());
    FUZZ_CHECK(request.arguments.is_object());

    const auto again_line = to_line(request);
    auto again = parse_request(std::string_view(again_line).substr(0, again_line.size() - 1));
    FUZZ_CHECK(std::holds_alternative<Request>(again));
    FUZZ_CHECK(std::get<Request>(again).command == request.command);
    FUZZ_CHECK(std::get<Request>(again).arguments == request.arguments);
    FUZZ_CHECK(std::get<Request>(again).id == request.id);

    auto recorder = std::make_shared<Recorder>();
    dispatcher().dispatch(request, recorder);
    FUZZ_CHECK(recorder->replies.size() == 1);
    check_reply(recorder->replies.front(), request.id);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    zc::fuzz::Reader in(zc::fuzz::as_text(data, size));
    // The first byte picks the read size (1..64 bytes, 0 = everything at once).
    const std::size_t chunk = in.byte() % 65;
    const auto stream = in.rest();
    LineFramer framer(kMaxLine);
    std::size_t fed = 0, min_used = 0, lines = 0;  // min_used: line bytes + one '\n' each
    while (fed < stream.size()) {
        const auto n = chunk == 0 ? stream.size() : std::min(chunk, stream.size() - fed);
        framer.feed(stream.substr(fed, n));
        fed += n;
        while (auto line = framer.next()) {
            FUZZ_CHECK(line->size() <= kMaxLine);
            FUZZ_CHECK(line->find('\n') == std::string::npos);
            min_used += line->size() + 1;
            ++lines;
            handle_line(*line);
        }
        if (framer.overflowed())
            return 0;  // the session replies with an error and closes
        // Every byte fed is in a line, its terminator ("\n" or "\r\n") or still buffered.
        const auto used = fed - framer.buffered();
        FUZZ_CHECK(min_used <= used && used <= min_used + lines);
    }
    return 0;
}
