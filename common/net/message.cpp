#include "net/message.h"

#include <strings.h>

#include <algorithm>
#include <cctype>

#include "net/inflate.h"

namespace zc::net::detail {

namespace http = boost::beast::http;

namespace {

bool is_token(std::string_view s) {
    static constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) ||
               kExtra.find(c) != std::string_view::npos;
    });
}

bool is_field_value(std::string_view s) {
    return std::none_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\t') || u == 0x7f;
    });
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return std::string(s);
}

std::string host_header(const Url& url) {
    const bool v6 = url.host.find(':') != std::string::npos;
    std::string h = v6 ? "[" + url.host + "]" : url.host;
    const bool default_port =
        (url.scheme == "https" && url.port == "443") || (url.scheme == "http" && url.port == "80");
    if (!default_port)
        h += ":" + url.port;
    return h;
}

}  // namespace

std::string build_request(const HttpRequest& in, const Url& url, const HttpClientOptions& options,
                          BeastRequest& out) {
    if (!is_token(in.method))
        return "invalid request method";
    out = BeastRequest{};
    out.version(11);
    const auto verb = http::string_to_verb(in.method);
    if (verb == http::verb::unknown)
        out.method_string(in.method);
    else
        out.method(verb);
    out.target(url.target);
    out.set(http::field::host, host_header(url));
    bool user_agent = false;
    bool accept_encoding = false;
    for (std::size_t i = 0; i < in.headers.size(); ++i) {
        const auto& [name, value] = in.headers[i];
        if (!is_token(name) || !is_field_value(value))
            return "request header #" + std::to_string(i + 1) + " has an invalid name or value";
        // The client owns framing and the Host header; a caller's copy would contradict it.
        if (iequals(name, "host") || iequals(name, "content-length") ||
            iequals(name, "transfer-encoding"))
            continue;
        user_agent = user_agent || iequals(name, "user-agent");
        accept_encoding = accept_encoding || iequals(name, "accept-encoding");
        out.insert(name, value);
    }
    if (!user_agent && !options.user_agent.empty())
        out.set(http::field::user_agent, options.user_agent);
    if (!accept_encoding)
        out.set(http::field::accept_encoding, "gzip, deflate");
    if (options.max_idle_per_origin == 0)
        out.keep_alive(false);
    out.body() = in.body;
    out.prepare_payload();  // Content-Length when there is a body (and 0 for an empty POST)
    return {};
}

DecodeResult decode_response(BeastResponse&& in, const std::string& host, std::size_t max_body,
                             HttpResponse& out) {
    out.status = static_cast<int>(in.result_int());
    out.headers.clear();
    std::string encoding;
    for (const auto& field : in) {
        out.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
        if (field.name() == http::field::content_encoding)
            encoding = lower(trim(field.value()));
    }
    std::string body = std::move(in.body());
    if (encoding.empty() || encoding == "identity" || body.empty()) {
        out.body = std::move(body);
        return {};
    }
    Coding coding;
    if (encoding == "gzip" || encoding == "x-gzip")
        coding = Coding::kGzip;
    else if (encoding == "deflate")
        coding = Coding::kDeflate;
    else
        return {HttpError::kProtocol, "response from " + host +
                                          " uses an unsupported Content-Encoding '" +
                                          encoding.substr(0, 32) + "'"};
    out.body.clear();
    const auto r = inflate_body(body, coding, max_body, out.body);
    if (r.status == InflateStatus::kTooLarge) {
        out.body.clear();
        return {HttpError::kTooLarge, "response from " + host + " inflates to more than " +
                                          std::to_string(max_body) + " bytes"};
    }
    if (r.status == InflateStatus::kCorrupt) {
        out.body.clear();
        return {HttpError::kProtocol,
                "response from " + host + " has a corrupt " + encoding + " body: " + r.error};
    }
    return {};
}

}  // namespace zc::net::detail
