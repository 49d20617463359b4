// The small value types of http_client.h: error names and header lookup.
#include <strings.h>

#include "net/http_client.h"

namespace zc::net {

std::string_view to_string(HttpError e) {
    switch (e) {
        case HttpError::kNone:
            return "none";
        case HttpError::kBadUrl:
            return "bad_url";
        case HttpError::kDns:
            return "dns";
        case HttpError::kConnect:
            return "connect";
        case HttpError::kTls:
            return "tls";
        case HttpError::kTimeout:
            return "timeout";
        case HttpError::kTooLarge:
            return "too_large";
        case HttpError::kProtocol:
            return "protocol";
        case HttpError::kReset:
            return "reset";
        case HttpError::kCancelled:
            return "cancelled";
    }
    return "unknown";
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (key.size() == name.size() && ::strncasecmp(key.data(), name.data(), name.size()) == 0)
            return value;
    }
    return std::nullopt;
}

}  // namespace zc::net
