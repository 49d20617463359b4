#include "seestar/codec.h"

#include <limits>

namespace zc::seestar {

using nlohmann::json;

namespace {

std::string_view strip(std::string_view line) {
    constexpr std::string_view kBom = "\xEF\xBB\xBF";
    if (line.substr(0, kBom.size()) == kBom)
        line.remove_prefix(kBom.size());
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
        line.remove_suffix(1);
    return line;
}

}  // namespace

Message parse_message(std::string_view raw) {
    const auto line = strip(raw);
    if (line.empty())
        return ParseError{"empty line"};
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded())
        return ParseError{"not JSON"};
    if (!j.is_object())
        return ParseError{"not a JSON object"};
    if (auto it = j.find("Event"); it != j.end()) {
        if (!it->is_string())
            return ParseError{"field \"Event\" is not a string"};
        Event e;
        e.name = it->get<std::string>();
        e.fields = std::move(j);
        return e;
    }
    auto id = j.find("id");
    if (id == j.end())
        return ParseError{"neither \"Event\" nor \"id\""};
    if (!id->is_number_integer() && !id->is_string())
        return ParseError{"field \"id\" is neither an integer nor a string"};
    Reply r;
    r.id = *id;
    if (auto m = j.find("method"); m != j.end()) {
        if (!m->is_string())
            return ParseError{"field \"method\" is not a string"};
        r.method = m->get<std::string>();
    }
    if (auto c = j.find("code"); c != j.end() && !c->is_null()) {
        if (!c->is_number_integer())
            return ParseError{"field \"code\" is not an integer"};
        // A code outside int must not wrap (4294967296 would read as 0, success): it is a
        // failure whose code is unknown (found by fuzzing).
        const bool fits = c->is_number_unsigned()
                              ? c->get<std::uint64_t>() <=
                                    static_cast<std::uint64_t>(std::numeric_limits<int>::max())
                              : c->get<std::int64_t>() >= std::numeric_limits<int>::min() &&
                                    c->get<std::int64_t>() <= std::numeric_limits<int>::max();
        r.code = fits ? c->get<int>() : -1;
    }
    if (auto e = j.find("error"); e != j.end() && !e->is_null())
        r.error = e->is_string() ? e->get<std::string>() : e->dump();
    if (auto res = j.find("result"); res != j.end())
        r.result = *res;
    // An "error" without a code is still a failure; the code is unknown.
    if (r.code == 0 && !r.error.empty())
        r.code = -1;
    return r;
}

std::string encode_request(std::int64_t id, std::string_view method, const json& params) {
    json j = {{"id", id}, {"method", method}};
    if (!params.is_null())
        j["params"] = params;
    return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\r\n";
}

std::optional<std::int64_t> id_as_int(const json& id) {
    if (id.is_number_integer())
        return id.get<std::int64_t>();
    if (id.is_string()) {
        const auto& s = id.get_ref<const std::string&>();
        try {
            std::size_t used = 0;
            const auto v = std::stoll(s, &used);
            if (used == s.size())
                return v;
        } catch (const std::exception&) {
        }
    }
    return std::nullopt;
}

}  // namespace zc::seestar
