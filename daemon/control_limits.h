#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace zc::daemon {

/// The control socket's explicit limits (config section [control]).
struct ControlLimits {
    std::size_t max_request_bytes = 64 * 1024;  // longer line: error reply, connection closed
    std::size_t max_clients = 64;
    std::chrono::milliseconds idle_timeout{600'000};  // watchers are exempt
    std::size_t watch_queue = 1024;                   // events queued per subscriber before drops
    std::size_t max_pending_reply_bytes = 4 * 1024 * 1024;  // reading pauses above this
};

/// Counters across all sessions, for `status` and the benchmark.
struct ControlStats {
    std::size_t clients = 0;
    std::uint64_t connections = 0;
    std::uint64_t rejected = 0;
    std::uint64_t requests = 0;
    std::uint64_t events_dropped = 0;
};

}  // namespace zc::daemon
