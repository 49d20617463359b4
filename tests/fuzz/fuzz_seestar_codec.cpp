// The Seestar port-4700 reader: every line of the input through parse_message, as the session's
// reader sees them (several messages per read, "\r\n" or bare "\n", BOMs, garbage between).
// Properties: never throws; a reply's id is an integer or a string, and id_as_int agrees with
// it; a reply whose JSON carries a non-zero "code" or an "error" is never read as a success; an
// event keeps its whole object; encode_request always yields one "\r\n"-terminated line whose
// method reads back.
#include <string>

#include "fuzz_check.h"
#include "seestar/codec.h"

using namespace zc::seestar;
using nlohmann::json;

namespace {

void check_line(std::string_view line) {
    const auto message = parse_message(line);
    if (const auto* reply = std::get_if<Reply>(&message)) {
        FUZZ_CHECK(reply->id.is_number_integer() || reply->id.is_string());
        if (reply->id.is_number_integer() && !reply->id.is_number_unsigned())
            FUZZ_CHECK(id_as_int(reply->id) == reply->id.get<std::int64_t>());
        // What the device said about success must survive: re-read the object independently.
        auto stripped = line;
        if (stripped.substr(0, 3) == "\xEF\xBB\xBF")
            stripped.remove_prefix(3);
        const auto j = json::parse(stripped, nullptr, false);
        FUZZ_CHECK(j.is_object());
        const auto code = j.find("code");
        const bool says_failure =
            (code != j.end() && code->is_number_integer() && *code != 0) ||
            (j.find("error") != j.end() && !j["error"].is_null() && j["error"] != "");
        if (says_failure)
            FUZZ_CHECK(reply->code != 0);
        if (reply->code == 0)
            FUZZ_CHECK(reply->error.empty());
    } else if (const auto* event = std::get_if<Event>(&message)) {
        FUZZ_CHECK(event->fields.is_object());
        FUZZ_CHECK(event->fields.contains("Event"));
        FUZZ_CHECK(event->fields["Event"] == event->name);
    } else {
        FUZZ_CHECK(!std::get<ParseError>(message).text.empty());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = zc::fuzz::as_text(data, size);
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto nl = text.find('\n', start);
        const auto end = nl == std::string_view::npos ? text.size() : nl;
        check_line(text.substr(start, end - start));
        if (nl == std::string_view::npos)
            break;
        start = nl + 1;
    }

    // The writer: any method text (and the input as params when it is JSON) gives one line.
    const auto method = text.substr(0, std::min<std::size_t>(text.size(), 40));
    const json params = json::parse(text, nullptr, false);
    const auto line = encode_request(static_cast<std::int64_t>(size), method,
                                     params.is_discarded() ? json(nullptr) : params);
    FUZZ_CHECK(line.size() >= 2 && line.substr(line.size() - 2) == "\r\n");
    FUZZ_CHECK(line.find('\n') == line.size() - 1);
    const auto back = json::parse(line, nullptr, false);
    FUZZ_CHECK(back.is_object() && back["id"] == static_cast<std::int64_t>(size));
    return 0;
}
