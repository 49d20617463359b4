#include "seestar/firmware.h"

#include <fmt/format.h>

namespace zc::seestar {

Generation generation(int v) {
    if (v <= 0)
        return Generation::kUnknown;
    if (v >= 2718)
        return Generation::kRsaAuth;
    if (v > 2582)
        return Generation::kVerifyMarker;
    return Generation::kLegacy;
}

const char* to_string(Generation g) {
    switch (g) {
        case Generation::kUnknown:
            return "unknown";
        case Generation::kLegacy:
            return "legacy";
        case Generation::kVerifyMarker:
            return "verify-marker";
        case Generation::kRsaAuth:
            return "rsa-auth";
    }
    return "unknown";
}

std::string version_string(int v) {
    if (v < 2000)
        return std::to_string(v);
    return fmt::format("{}.{:02}", (v - 2000) / 100, (v - 2000) % 100);
}

bool is_auth_method(std::string_view method) {
    return method == "get_verify_str" || method == "verify_client" || method == "pi_is_verified";
}

nlohmann::json shape_params(int v, std::string_view method, nlohmann::json params) {
    if (generation(v) != Generation::kVerifyMarker || is_auth_method(method))
        return params;
    if (params.is_null())
        return nlohmann::json::array({"verify"});
    if (params.is_object()) {
        // From 7.06 a "verify" key inside an object is rejected with 109.
        if (v < 2706)
            params["verify"] = true;
        return params;
    }
    if (params.is_array() && !params.empty())
        params.push_back("verify");  // flat, never [[...], "verify"] (107/108 on newer firmware)
    return params;
}

}  // namespace zc::seestar
