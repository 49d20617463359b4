#pragma once
// A real ControlServer on a real Unix socket, with its io_context on a background thread, and a
// dispatcher of test commands. Tests talk to it over the socket like any client.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <future>
#include <thread>

#include "control_server.h"
#include "event_bus.h"
#include "protocol/client.h"
#include "temp_dir.h"

namespace zc::test {

class ControlFixture {
  public:
    explicit ControlFixture(daemon::ControlLimits limits = {})
        : clock_(UtcTime(std::chrono::seconds(1'780'000'000))), bus_(clock_) {
        using protocol::ArgSpec;
        using protocol::ArgType;
        dispatcher_.add({"echo", "echo text", {ArgSpec{"text", ArgType::kString, true, "", {}}}},
                        [](const protocol::Request& r, std::shared_ptr<protocol::Responder> out) {
                            out->reply(protocol::Response::success(
                                r.arguments["text"].get<std::string>(), r.arguments));
                        });
        // Replies after a delay, from a timer: an asynchronous handler.
        dispatcher_.add(
            {"later", "reply after ms", {ArgSpec{"ms", ArgType::kInteger, true, "", {}}}},
            [this](const protocol::Request& r, std::shared_ptr<protocol::Responder> out) {
                auto t = std::make_shared<boost::asio::steady_timer>(io_);
                t->expires_after(std::chrono::milliseconds(r.arguments["ms"].get<int>()));
                t->async_wait([t, out](const boost::system::error_code&) {
                    out->reply(protocol::Response::success("late"));
                });
            });
        dispatcher_.add(
            {"watch", "events", {ArgSpec{"events", ArgType::kStringList, false, "", {}}}, true},
            [](const protocol::Request& r, std::shared_ptr<protocol::Responder> out) {
                std::vector<std::string> ev;
                if (r.arguments.contains("events"))
                    ev = r.arguments["events"].get<std::vector<std::string>>();
                out->reply(protocol::Response::success("watching"));
                out->subscribe(ev);
            });
        server_ = std::make_unique<daemon::ControlServer>(io_, dispatcher_, bus_, limits);
        server_->listen(socket_path(), 0600, std::nullopt);
        thread_ = std::thread([this] {
            auto guard = boost::asio::make_work_guard(io_);
            io_.run();
        });
    }
    ~ControlFixture() {
        io_.stop();
        thread_.join();
        server_.reset();
    }

    std::string socket_path() const { return (dir_ / "c.sock").string(); }
    protocol::ControlClient connect() const { return protocol::ControlClient(socket_path()); }

    /// Runs f on the io thread and waits for its result.
    template <class F>
    auto on_io(F f) {
        std::packaged_task<decltype(f())()> task(std::move(f));
        auto fut = task.get_future();
        boost::asio::post(io_, [&task] { task(); });
        return fut.get();
    }

    daemon::ControlStats stats() {
        return on_io([this] { return server_->stats(); });
    }
    void publish(const std::string& name, nlohmann::json fields) {
        on_io([&] {
            bus_.publish(name, fields);
            return 0;
        });
    }
    void stop_server(std::chrono::milliseconds grace) {
        std::promise<void> done;
        boost::asio::post(io_, [&] { server_->stop(grace, [&] { done.set_value(); }); });
        done.get_future().get();
    }

  private:
    TempDir dir_;
    ManualClock clock_;
    boost::asio::io_context io_;
    daemon::EventBus bus_;
    protocol::Dispatcher dispatcher_;
    std::unique_ptr<daemon::ControlServer> server_;
    std::thread thread_;
};

inline nlohmann::json read_json(protocol::ControlClient& c,
                                std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto line = c.read_line(timeout);
    if (!line)
        throw std::runtime_error("connection closed");
    return nlohmann::json::parse(*line);
}

}  // namespace zc::test
