#pragma once
// Who can reach an address: the question behind "binding on all interfaces" and "telescope on a
// trusted network segment". Literals only; a host name is reported as such, never resolved here
// (a check must not hang on DNS).
#include <string>
#include <string_view>

namespace zc::security {

enum class Reach {
    kLoopback,  // 127.0.0.0/8, ::1, localhost: this machine only
    kAll,       // 0.0.0.0, ::, [::]: every interface
    kPrivate,   // RFC 1918, 100.64/10 (CGNAT), 169.254/16, fc00::/7, fe80::/10: a LAN
    kPublic,    // any other address literal
    kName,      // a host name other than localhost
};

/// The host part of http.bind / seestar.host: "0.0.0.0", "[::1]", "::", "192.168.1.5",
/// "pi.lan". Brackets around IPv6 are accepted; IPv4-mapped IPv6 is classified as IPv4.
Reach classify_host(std::string_view host);

std::string_view describe(Reach reach);  // "loopback", "all interfaces", "private (LAN)"...

}  // namespace zc::security
