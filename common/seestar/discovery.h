#pragma once
// UDP discovery on port 4720 (reference §1.2): the `scan_iscope` datagram, and the reply the
// phone app expects. The reply's shape comes from app decompilation only and firmware 7.18+ was
// seen not to answer at all, so nothing may depend on it: the daemon sends the datagram as ALP's
// "guest mode" intro before each TCP connect and keeps what a reply says for `scope-status`.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace zc::seestar {

constexpr std::uint16_t kDiscoveryPort = 4720;

struct ScanReply {
    std::string sn;
    std::string model;          // "model", else "product_model"
    std::string product_model;  // e.g. "Seestar S50"
    std::string ssid;
    std::string bssid;
    std::optional<bool> is_verified;
    std::optional<int> tcp_client_num;  // current TCP clients (the device allows up to 8)
    nlohmann::json to_json() const;
};

/// The request datagram, `{"id":1,"method":"scan_iscope","params":""}` plus "\r\n".
std::string encode_scan_request(std::int64_t id = 1);

/// Parses a reply datagram (a BOM, trailing "\r\n" and missing fields are tolerated). nullopt
/// with `why` set when it is not a scan_iscope reply (not JSON, another method, no `result`
/// object, or a code other than 0).
std::optional<ScanReply> parse_scan_reply(std::string_view datagram, std::string* why = nullptr);

}  // namespace zc::seestar
