#include "security/address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <cstring>

namespace zc::security {

namespace {

Reach classify_v4(std::uint32_t a) {  // host byte order
    auto in = [a](std::uint32_t net, int bits) {
        const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
        return (a & mask) == net;
    };
    if (a == 0)
        return Reach::kAll;
    if (in(0x7f000000, 8))
        return Reach::kLoopback;
    if (in(0x0a000000, 8) || in(0xac100000, 12) || in(0xc0a80000, 16) || in(0xa9fe0000, 16) ||
        in(0x64400000, 10))
        return Reach::kPrivate;
    return Reach::kPublic;
}

}  // namespace

Reach classify_host(std::string_view host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    const std::string h(host);
    in_addr v4{};
    if (::inet_pton(AF_INET, h.c_str(), &v4) == 1)
        return classify_v4(ntohl(v4.s_addr));
    in6_addr v6{};
    if (::inet_pton(AF_INET6, h.c_str(), &v6) == 1) {
        const auto* b = v6.s6_addr;
        static constexpr std::array<unsigned char, 16> zero{};
        static constexpr std::array<unsigned char, 12> mapped = {0, 0, 0, 0, 0,    0,
                                                                 0, 0, 0, 0, 0xff, 0xff};
        if (std::memcmp(b, zero.data(), 16) == 0)
            return Reach::kAll;
        if (std::memcmp(b, zero.data(), 15) == 0 && b[15] == 1)
            return Reach::kLoopback;
        if (std::memcmp(b, mapped.data(), 12) == 0)
            return classify_v4(static_cast<std::uint32_t>(b[12]) << 24 |
                               static_cast<std::uint32_t>(b[13]) << 16 |
                               static_cast<std::uint32_t>(b[14]) << 8 | b[15]);
        if ((b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80))
            return Reach::kPrivate;
        return Reach::kPublic;
    }
    std::string lower = h;
    for (auto& c : lower)
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (lower == "localhost" || lower == "localhost.")
        return Reach::kLoopback;
    if (lower == "*")
        return Reach::kAll;
    return Reach::kName;
}

std::string_view describe(Reach reach) {
    switch (reach) {
        case Reach::kLoopback:
            return "loopback (this machine only)";
        case Reach::kAll:
            return "all interfaces";
        case Reach::kPrivate:
            return "a private (LAN) address";
        case Reach::kPublic:
            return "a public address";
        case Reach::kName:
            return "a host name";
    }
    return "?";
}

}  // namespace zc::security
