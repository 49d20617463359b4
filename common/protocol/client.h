#pragma once
// A blocking client of zipcatcherd's control socket, used by the CLI, the tests and the
// benchmarks: one request at a time, or a stream of events for `watch`.
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "protocol/line_framer.h"
#include "protocol/message.h"

namespace zc::protocol {

/// The daemon cannot be reached; what() is the sentence to show the user.
struct Unreachable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class ControlClient {
  public:
    /// Throws Unreachable with a message that says why and what to do.
    explicit ControlClient(const std::string& socket_path);
    ~ControlClient();
    ControlClient(const ControlClient&) = delete;
    ControlClient& operator=(const ControlClient&) = delete;
    ControlClient(ControlClient&& other) noexcept
        : path_(std::move(other.path_)),
          fd_(std::exchange(other.fd_, -1)),
          next_id_(other.next_id_),
          framer_(std::move(other.framer_)) {}
    ControlClient& operator=(ControlClient&&) = delete;

    /// Sends one request and waits for its reply (matched by id). Throws std::runtime_error on a
    /// broken connection, a malformed reply or after `timeout`.
    Response call(const std::string& command,
                  const nlohmann::json& arguments = nlohmann::json::object(),
                  std::chrono::milliseconds timeout = std::chrono::seconds(30));

    /// Next line from the daemon; nullopt when it closed the connection.
    std::optional<std::string> read_line(std::optional<std::chrono::milliseconds> timeout);

    /// Raw bytes, for tests of framing and of malformed input.
    void send_all(const std::string& data);
    /// Half-close: the daemon sees EOF but may still reply.
    void shutdown_write();
    int fd() const { return fd_; }

  private:
    std::string path_;
    int fd_ = -1;
    int next_id_ = 1;
    LineFramer framer_;
};

}  // namespace zc::protocol
