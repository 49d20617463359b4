#pragma once
// What each firmware generation expects of a client (reference §0.2, §2.2, §2.3). The version is
// `get_device_state.device.firmware_ver_int` = 2000 + major*100 + minor; 0 = not known yet.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace zc::seestar {

enum class Generation {
    kUnknown,       // not read yet
    kLegacy,        // < 5.83: plain requests
    kVerifyMarker,  // 5.83 .. 7.17: the legacy "verify" marker
    kRsaAuth,       // >= 7.18: RSA challenge-response on every connection
};

Generation generation(int firmware_ver_int);
const char* to_string(Generation g);
/// "7.06" from 2706.
std::string version_string(int firmware_ver_int);

inline bool needs_auth(int v) {
    return v >= 2718;
}
/// 7.75+ rejects nested arrays and list-shaped params where objects exist (107/108).
inline bool strict_params(int v) {
    return v >= 2775;
}

/// Whether a method is part of the authentication exchange (never decorated).
bool is_auth_method(std::string_view method);

/// The params to send for `method` on this firmware. Objects stay objects; the "verify" marker
/// is added only where that firmware wants it (inside objects below 7.06, as the last array
/// element or as ["verify"] for absent params from 5.83 to 7.17), and never from 7.18 on.
nlohmann::json shape_params(int firmware_ver_int, std::string_view method, nlohmann::json params);

}  // namespace zc::seestar
