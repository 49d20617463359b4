#pragma once
// `zipcatcher doctor`'s look at the running gallery: GET each path and note the status, over
// HTTP or HTTPS (the certificate is not verified: this asks our own server what it serves, it
// sends no secret).
#include <chrono>
#include <string>
#include <vector>

#include "security/checklist.h"

namespace zc::security {

struct ProbeTarget {
    std::string host;  // as in http.bind; 0.0.0.0 and :: are probed on 127.0.0.1 and ::1
    unsigned short port = 0;
    bool tls = false;
};

/// One connection per path (Connection: close). On failure to connect at all, returns an empty
/// list and sets `error`.
std::vector<Probe> probe_paths(const ProbeTarget& target, const std::vector<std::string>& paths,
                               std::chrono::milliseconds timeout, std::string& error);

}  // namespace zc::security
