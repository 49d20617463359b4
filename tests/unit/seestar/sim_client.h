#pragma once
// The simulator on its own thread, and plain blocking clients (POSIX sockets with poll()
// timeouts) for its JSON-RPC, UDP discovery and Alpaca HTTP ports: what a test needs to talk to
// the simulator the way another program would.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "seestar_sim.h"

namespace zc::test {

struct SimThread {
    explicit SimThread(sim::SimOptions o, bool udp = false, bool alpaca = false)
        : guard(boost::asio::make_work_guard(io)), sim(io, std::move(o)) {
        port = sim.listen();
        if (udp)
            udp_port = sim.listen_discovery();
        if (alpaca) {
            http_port = sim.listen_alpaca();
            alpaca_udp_port = sim.listen_alpaca_discovery();
        }
        thread = std::thread([this] { io.run(); });
    }
    ~SimThread() {
        sim.stop();
        guard.reset();
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        io.stop();
        thread.join();
    }
    boost::asio::io_context io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard;
    sim::SeestarSim sim;
    std::uint16_t port = 0, udp_port = 0, http_port = 0, alpaca_udp_port = 0;
    std::thread thread;
};

inline sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/// Waits up to `seconds` for fd to be readable.
inline bool readable(int fd, double seconds) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(seconds * 1000)) == 1;
}

/// One JSON-line connection to port 4700.
class LineClient {
  public:
    explicit LineClient(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const auto a = loopback(port);
        connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~LineClient() { close(); }
    LineClient(const LineClient&) = delete;
    LineClient& operator=(const LineClient&) = delete;

    void close() {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = -1;
    }
    bool connected() const { return connected_; }
    void send_raw(const std::string& bytes) {
        if (::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) < 0)
            eof_ = true;
    }
    void send(const nlohmann::json& req) { send_raw(req.dump() + "\r\n"); }
    nlohmann::json call(const nlohmann::json& id, const std::string& method,
                        const nlohmann::json& params = nullptr, double seconds = 3) {
        nlohmann::json req = {{"id", id}, {"method", method}};
        if (!params.is_null())
            req["params"] = params;
        send(req);
        return reply(id, seconds).value_or(nlohmann::json());
    }
    /// The next message (reply or event), or nullopt after `seconds` or at EOF.
    std::optional<nlohmann::json> next(double seconds = 3) {
        const auto until = std::chrono::steady_clock::now() +
                           std::chrono::milliseconds(static_cast<int>(seconds * 1000));
        for (;;) {
            if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
                std::string line = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                if (!line.empty() && line.back() == '\r')
                    line.pop_back();
                if (line.rfind("\xEF\xBB\xBF", 0) == 0)
                    line.erase(0, 3);
                lines.push_back(line);
                auto j = nlohmann::json::parse(line, nullptr, false);
                if (j.is_discarded())
                    continue;
                messages.push_back(j);
                return j;
            }
            const double left =
                std::chrono::duration<double>(until - std::chrono::steady_clock::now()).count();
            if (eof_ || left <= 0 || !readable(fd_, left))
                return std::nullopt;
            char buf[65536];
            const auto n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) {
                eof_ = true;
                return std::nullopt;
            }
            bytes_ += static_cast<std::size_t>(n);
            buffer_.append(buf, static_cast<std::size_t>(n));
        }
    }
    /// The reply with this id (events and other replies are kept in `messages`).
    std::optional<nlohmann::json> reply(const nlohmann::json& id, double seconds = 3) {
        const auto until = std::chrono::steady_clock::now() +
                           std::chrono::milliseconds(static_cast<int>(seconds * 1000));
        for (;;) {
            const double left =
                std::chrono::duration<double>(until - std::chrono::steady_clock::now()).count();
            auto m = next(std::max(0.0, left));
            if (!m)
                return std::nullopt;
            if (m->contains("id") && (*m)["id"] == id && !m->contains("Event"))
                return m;
        }
    }
    /// Waits for an event by name (and state, when given).
    std::optional<nlohmann::json> event(const std::string& name, const std::string& state = "",
                                        double seconds = 3) {
        for (const auto& m : messages)
            if (m.value("Event", "") == name && (state.empty() || m.value("state", "") == state))
                return m;
        const auto until = std::chrono::steady_clock::now() +
                           std::chrono::milliseconds(static_cast<int>(seconds * 1000));
        for (;;) {
            const double left =
                std::chrono::duration<double>(until - std::chrono::steady_clock::now()).count();
            auto m = next(std::max(0.0, left));
            if (!m)
                return std::nullopt;
            if (m->value("Event", "") == name && (state.empty() || m->value("state", "") == state))
                return m;
        }
    }
    /// True when the peer closed the connection (within `seconds`) without sending anything.
    bool closed_silently(double seconds = 2) {
        next(seconds);
        return eof_ && bytes_ == 0;
    }
    bool eof() const { return eof_; }
    std::size_t bytes() const { return bytes_; }

    std::vector<std::string> lines;
    std::vector<nlohmann::json> messages;

  private:
    int fd_ = -1;
    bool connected_ = false;
    bool eof_ = false;
    std::size_t bytes_ = 0;
    std::string buffer_;
};

/// One datagram out, the reply (or nullopt after `seconds`).
inline std::optional<std::string> udp_exchange(std::uint16_t port, const std::string& datagram,
                                               double seconds = 1) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const auto a = loopback(port);
    ::sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<const sockaddr*>(&a),
             sizeof a);
    std::optional<std::string> out;
    if (readable(fd, seconds)) {
        char buf[4096];
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n > 0)
            out = std::string(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

struct HttpReply {
    int status = 0;
    std::string body;
    nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

/// One HTTP/1.1 request with Connection: close.
inline HttpReply http_request(std::uint16_t port, const std::string& verb, const std::string& path,
                              const std::string& form = "") {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const auto a = loopback(port);
    HttpReply r;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return r;
    }
    std::string req = verb + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (verb == "PUT")
        req += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
               std::to_string(form.size()) + "\r\n";
    req += "\r\n" + form;
    ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
    std::string all;
    char buf[8192];
    while (readable(fd, 3)) {
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            break;
        all.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    if (all.rfind("HTTP/1.1 ", 0) == 0)
        r.status = std::stoi(all.substr(9, 3));
    if (auto b = all.find("\r\n\r\n"); b != std::string::npos)
        r.body = all.substr(b + 4);
    return r;
}

}  // namespace zc::test
