#pragma once
// The soak's helpers that act on their own: the mock flight feed with injectable misbehaviour,
// a watch stream that remembers each capture's last state, and slowloris HTTP clients.
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mock_http_server.h"
#include "protocol/client.h"
#include "soak_support.h"

namespace zc::soak {

using nlohmann::json;

// ---- the mock flight feed (readsb API shape, like adsb.lol) ----

class Feed {
  public:
    explicit Feed(std::string sample) : sample_(std::move(sample)) {
        server_.fallback([this](const test::MockRequest&) { return reply(); });
    }
    std::string base_url() const { return server_.url("/v2"); }
    unsigned short port() const { return server_.port(); }
    std::size_t requests() const { return server_.request_count(); }
    /// The next reply misbehaves in this way; false (nothing queued) while an earlier fault
    /// still waits for a request: the daemon polls every few seconds at best, and faults piled
    /// up would turn into one long outage and be counted as many.
    bool inject(const std::string& kind) {
        std::lock_guard lock(mu_);
        if (!pending_.empty())
            return false;
        pending_.push_back(kind);
        return true;
    }

  private:
    test::MockReply reply() {
        std::string kind;
        {
            std::lock_guard lock(mu_);
            if (!pending_.empty()) {
                kind = pending_.front();
                pending_.erase(pending_.begin());
            }
        }
        // A fresh "now" (ms, as adsb.lol sends it) so the fixes are current.
        auto doc = json::parse(sample_);
        const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
        doc["now"] = now_ms;
        auto r = test::MockReply::json(doc.dump());
        if (kind == "429") {
            r = test::MockReply::json(R"({"error":"rate limited"})", 429);
            r.headers.push_back({"Retry-After", "1"});
        } else if (kind == "500" || kind == "502" || kind == "503") {
            r = test::MockReply::text("upstream trouble", std::stoi(kind));
        } else if (kind == "garbage") {
            r.body = "{\"ac\":[{\"hex\":";  // cut JSON
        } else if (kind == "stall") {
            r.stall = true;
        } else if (kind == "reset") {
            r.cut_after_body_bytes = 10;
            r.reset = true;
        } else if (kind == "slow") {
            r.dribble_bytes = 64;
            r.dribble_interval = std::chrono::milliseconds(20);
        }
        return r;
    }

    std::string sample_;
    test::MockHttpServer server_;
    std::mutex mu_;
    std::vector<std::string> pending_;
};

// ---- captures, as the watch stream reports them ----

class CaptureWatch {
  public:
    explicit CaptureWatch(const std::string& socket) : client_(socket) {
        client_.send_all(R"({"id":1,"command":"watch","arguments":{"events":["capture"]}})"
                         "\n");
        thread_ = std::thread([this] { run(); });
    }
    ~CaptureWatch() {
        stop_ = true;
        ::shutdown(client_.fd(), SHUT_RDWR);
        thread_.join();
    }
    /// The last state the stream reported for each capture id.
    std::map<std::string, json> last() const {
        std::lock_guard lock(mu_);
        return last_;
    }
    std::size_t events() const { return events_; }

  private:
    void run() {
        while (!stop_) {
            std::optional<std::string> line;
            try {
                line = client_.read_line(std::chrono::milliseconds(500));
            } catch (const std::exception&) {
                continue;  // timeout
            }
            if (!line)
                break;
            const auto j = json::parse(*line, nullptr, false);
            if (!j.is_object() || j.value("event", "") != "capture")
                continue;
            ++events_;
            std::lock_guard lock(mu_);
            last_[j.value("id", "")] = j;
        }
    }
    protocol::ControlClient client_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<std::size_t> events_{0};
    mutable std::mutex mu_;
    std::map<std::string, json> last_;
};

// ---- slow HTTP clients ----

/// Connections that send a request header one byte at a time (slowloris). The daemon must cut
/// them off (15 s for a complete header) without any effect on other clients.
class Slowloris {
  public:
    explicit Slowloris(unsigned short port) : port_(port) {}
    void open(int n) {
        for (int i = 0; i < n; ++i) {
            auto s = connect_tcp(port_, 1s);
            if (s.valid())
                conns_.push_back({std::move(s), Steady::now(), 0});
        }
    }
    /// One more byte on every connection, at most once a second; gives up on a connection the
    /// daemon closed, and closes its own after 25 s.
    void tick() {
        static const std::string req =
            "GET /gallery/list HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
        for (auto& c : conns_) {
            if (!c.s.valid() || seconds_since(c.opened) < static_cast<double>(c.sent))
                continue;
            const char byte = req[c.sent % req.size()];
            if (::send(c.s.fd(), &byte, 1, MSG_NOSIGNAL | MSG_DONTWAIT) != 1) {
                ++cut_off_;
                c.s.close();
                continue;
            }
            ++c.sent;
            if (seconds_since(c.opened) > 25)
                c.s.close();
        }
        std::erase_if(conns_, [](const Conn& c) { return !c.s.valid(); });
    }
    void close_all() { conns_.clear(); }
    std::size_t open_now() const { return conns_.size(); }
    int cut_off() const { return cut_off_; }

  private:
    struct Conn {
        Socket s;
        Steady::time_point opened;
        std::size_t sent;
    };
    unsigned short port_;
    std::vector<Conn> conns_;
    int cut_off_ = 0;
};

}  // namespace zc::soak
