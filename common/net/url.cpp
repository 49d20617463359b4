// Url::parse: absolute http(s) URLs only. Errors name the part that is wrong but never repeat
// the URL itself, whose path or query may hold a token (Telegram puts the bot token in the path).
#include <boost/asio/ip/address.hpp>
#include <cctype>

#include "net/http_client.h"

namespace zc::net {

namespace {

bool set_error(std::string* error, std::string text) {
    if (error)
        *error = std::move(text);
    return false;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Host names: letters, digits, '-', '.', '_' (the last is not legal in DNS host names but
// appears in real service names; it is harmless here).
bool valid_reg_name(std::string_view host) {
    if (host.empty() || host.size() > 253)
        return false;
    for (char c : host) {
        const auto u = static_cast<unsigned char>(c);
        if (!std::isalnum(u) && c != '-' && c != '.' && c != '_')
            return false;
    }
    return true;
}

// Bytes that may not appear in a request target (they would break the request line or let a
// caller inject headers): controls, space, DEL, and anything non-ASCII (percent-encode it).
bool valid_target(std::string_view target) {
    for (char c : target) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f)
            return false;
    }
    return true;
}

bool parse_port(std::string_view text, std::string& port, std::string* error) {
    if (text.empty() || text.size() > 5)
        return set_error(error, "port must be a number from 1 to 65535");
    unsigned value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return set_error(error, "port must be a number from 1 to 65535");
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535)
        return set_error(error, "port must be a number from 1 to 65535");
    port = std::to_string(value);
    return true;
}

// Splits "host[:port]" or "[v6][:port]" into host and port.
bool parse_authority(std::string_view auth, Url& url, std::string* error) {
    if (auth.find('@') != std::string_view::npos)
        return set_error(error, "credentials in the URL are not supported (use a header)");
    std::string_view host;
    std::string_view rest;
    if (!auth.empty() && auth.front() == '[') {
        const auto close = auth.find(']');
        if (close == std::string_view::npos)
            return set_error(error, "IPv6 address is missing its closing ']'");
        host = auth.substr(1, close - 1);
        rest = auth.substr(close + 1);
        boost::system::error_code ec;
        const auto addr = boost::asio::ip::make_address_v6(std::string(host), ec);
        if (ec || host.find('%') != std::string_view::npos)
            return set_error(error, "invalid IPv6 address in brackets");
        url.host = addr.to_string();
        if (!rest.empty() && rest.front() != ':')
            return set_error(error, "unexpected text after the IPv6 address");
    } else {
        const auto colon = auth.find(':');
        host = auth.substr(0, colon);
        rest = colon == std::string_view::npos ? std::string_view{} : auth.substr(colon);
        if (host.empty())
            return set_error(error, "host is empty");
        if (!valid_reg_name(host))
            return set_error(error, "host contains characters that are not allowed");
        url.host = lower(host);
    }
    if (!rest.empty()) {
        rest.remove_prefix(1);  // the ':'
        if (!rest.empty() && !parse_port(rest, url.port, error))
            return false;
    }
    return true;
}

}  // namespace

std::optional<Url> Url::parse(std::string_view text, std::string* error) {
    const auto sep = text.find("://");
    if (sep == std::string_view::npos) {
        set_error(error, "not an absolute URL (expected http:// or https://)");
        return std::nullopt;
    }
    Url url;
    url.scheme = lower(text.substr(0, sep));
    if (url.scheme != "http" && url.scheme != "https") {
        set_error(error,
                  "unsupported scheme '" + url.scheme.substr(0, 16) + "' (only http and https)");
        return std::nullopt;
    }
    url.port = url.scheme == "https" ? "443" : "80";
    std::string_view rest = text.substr(sep + 3);
    const auto fragment = rest.find('#');
    if (fragment != std::string_view::npos)
        rest = rest.substr(0, fragment);
    const auto path_start = rest.find_first_of("/?");
    const std::string_view auth = rest.substr(0, path_start);
    if (auth.empty()) {
        set_error(error, "host is empty");
        return std::nullopt;
    }
    if (!parse_authority(auth, url, error))
        return std::nullopt;
    std::string_view target =
        path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
    if (!valid_target(target)) {
        set_error(error, "path or query contains spaces, control or non-ASCII characters");
        return std::nullopt;
    }
    url.target =
        target.empty() || target.front() != '/' ? "/" + std::string(target) : std::string(target);
    return url;
}

std::string Url::origin() const {
    const bool v6 = host.find(':') != std::string::npos;
    return scheme + "://" + (v6 ? "[" + host + "]" : host) + ":" + port;
}

}  // namespace zc::net
