#include "gallery/form.h"

#include <cctype>
#include <nlohmann/json.hpp>

namespace zc::gallery {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// Parameters of a header value: `form-data; name="file"; filename="a.png"`. Quoted strings may
// contain ';' and backslash escapes.
std::map<std::string, std::string> header_params(std::string_view v, std::string* first) {
    std::map<std::string, std::string> out;
    std::size_t i = 0;
    auto token_end = v.find(';');
    if (first)
        *first = lower(trim(v.substr(0, token_end)));
    if (token_end == std::string_view::npos)
        return out;
    i = token_end + 1;
    while (i < v.size()) {
        while (i < v.size() && (v[i] == ' ' || v[i] == '\t' || v[i] == ';'))
            ++i;
        const auto eq = v.find('=', i);
        if (eq == std::string_view::npos)
            break;
        std::string key = lower(trim(v.substr(i, eq - i)));
        i = eq + 1;
        std::string value;
        if (i < v.size() && v[i] == '"') {
            ++i;
            while (i < v.size() && v[i] != '"') {
                if (v[i] == '\\' && i + 1 < v.size())
                    ++i;
                value += v[i++];
            }
            ++i;  // closing quote
        } else {
            const auto semi = v.find(';', i);
            value =
                std::string(trim(v.substr(i, semi == std::string_view::npos ? semi : semi - i)));
            i = semi == std::string_view::npos ? v.size() : semi;
        }
        out.emplace(std::move(key), std::move(value));
    }
    return out;
}

int hex(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::optional<std::string> url_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%') {
            if (i + 2 >= s.size())
                return std::nullopt;
            const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
            if (hi < 0 || lo < 0)
                return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

bool fail(std::string* error, const char* text) {
    if (error)
        *error = text;
    return false;
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
    std::string type;
    auto params = header_params(content_type, &type);
    if (type != "multipart/form-data")
        return std::nullopt;
    auto it = params.find("boundary");
    // RFC 2046: 1..70 characters.
    if (it == params.end() || it->second.empty() || it->second.size() > 70)
        return std::nullopt;
    return it->second;
}

std::optional<std::vector<Part>> parse_multipart(std::string_view body, std::string_view boundary,
                                                 std::string* error, std::size_t max_parts) {
    const std::string delim = "--" + std::string(boundary);
    const std::string next_delim = "\r\n" + delim;
    std::vector<Part> parts;
    // The preamble (usually empty) ends at the first delimiter.
    std::size_t pos;
    if (body.starts_with(delim)) {
        pos = delim.size();
    } else {
        pos = body.find(next_delim);
        if (pos == std::string_view::npos) {
            fail(error, "no multipart boundary in the body");
            return std::nullopt;
        }
        pos += next_delim.size();
    }
    while (true) {
        if (body.substr(pos, 2) == "--")
            return parts;  // closing delimiter
        // Transport padding after the delimiter, then CRLF.
        while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t'))
            ++pos;
        if (body.substr(pos, 2) != "\r\n") {
            fail(error, "malformed multipart delimiter");
            return std::nullopt;
        }
        pos += 2;
        const auto headers_end = body.find("\r\n\r\n", pos);
        if (headers_end == std::string_view::npos || headers_end - pos > 8192) {
            fail(error, "malformed multipart part headers");
            return std::nullopt;
        }
        Part part;
        bool disposition = false;
        std::string_view headers = body.substr(pos, headers_end - pos);
        while (!headers.empty()) {
            const auto eol = headers.find("\r\n");
            const auto line = headers.substr(0, eol);
            headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
            const auto colon = line.find(':');
            if (colon == std::string_view::npos)
                continue;
            const auto key = lower(trim(line.substr(0, colon)));
            const auto value = trim(line.substr(colon + 1));
            if (key == "content-disposition") {
                std::string type;
                auto params = header_params(value, &type);
                if (type != "form-data")
                    continue;
                disposition = true;
                part.name = params["name"];
                if (auto f = params.find("filename"); f != params.end())
                    part.filename = f->second;
            } else if (key == "content-type") {
                part.content_type = std::string(value);
            }
        }
        const auto data_start = headers_end + 4;
        const auto data_end = body.find(next_delim, data_start);
        if (data_end == std::string_view::npos) {
            fail(error, "multipart body is truncated");
            return std::nullopt;
        }
        part.data = body.substr(data_start, data_end - data_start);
        if (disposition) {
            if (parts.size() >= max_parts) {
                fail(error, "too many multipart parts");
                return std::nullopt;
            }
            parts.push_back(std::move(part));
        }
        pos = data_end + next_delim.size();
    }
}

std::optional<std::map<std::string, std::string>> parse_urlencoded(std::string_view body) {
    std::map<std::string, std::string> out;
    while (!body.empty()) {
        const auto amp = body.find('&');
        const auto pair = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
        if (pair.empty())
            continue;
        const auto eq = pair.find('=');
        auto k = url_decode(pair.substr(0, eq));
        auto v =
            url_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
        if (!k || !v)
            return std::nullopt;
        out.insert_or_assign(std::move(*k), std::move(*v));
    }
    return out;
}

std::optional<std::map<std::string, std::string>> parse_form_fields(std::string_view content_type,
                                                                    std::string_view body) {
    std::string type;
    header_params(content_type, &type);
    if (type == "multipart/form-data") {
        auto boundary = multipart_boundary(content_type);
        if (!boundary)
            return std::nullopt;
        auto parts = parse_multipart(body, *boundary);
        if (!parts)
            return std::nullopt;
        std::map<std::string, std::string> out;
        for (const auto& p : *parts)
            if (!p.filename)
                out.insert_or_assign(p.name, std::string(p.data));
        return out;
    }
    if (type == "application/json") {
        auto j = nlohmann::json::parse(body, nullptr, false);
        if (!j.is_object())
            return std::nullopt;
        std::map<std::string, std::string> out;
        for (const auto& [k, v] : j.items()) {
            if (v.is_string())
                out[k] = v.get<std::string>();
            else if (v.is_number())
                out[k] = v.dump();
            else if (!v.is_null())
                return std::nullopt;
        }
        return out;
    }
    if (type == "application/x-www-form-urlencoded" || (type.empty() && body.empty()))
        return parse_urlencoded(body);
    return std::nullopt;
}

}  // namespace zc::gallery
