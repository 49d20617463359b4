#pragma once
// The SBS-1 BaseStation feed of a local receiver (dump1090/readsb port 30003): a TCP push
// source for sub-second latency. Lines are assembled per ICAO into fixes (flights::
// SbsAssembler; the fix-time rule is documented there and in docs/flight-sources.md) and
// pushed in one batch per socket read. A lost or refused connection is retried with backoff
// (1 s doubling to 60 s); the backoff resets only after a connection delivered valid lines, so
// a port that accepts and hangs up at once is not hammered. A line longer than 4 KiB means the
// port speaks something else (Beast binary on 30005, say): that connection is dropped.
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "flight_source.h"
#include "flights/parse_sbs.h"
#include "flights/source_state.h"
#include "protocol/line_framer.h"

namespace zc::daemon {

struct SbsOptions {
    std::string host = "127.0.0.1";
    int port = 30003;
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds retry_initial{1000};
    std::chrono::milliseconds retry_max{60000};
    std::size_t max_line_bytes = 4096;
};

class SbsSource final : public FlightSource {
  public:
    SbsSource(SourceContext& ctx, SbsOptions options);
    ~SbsSource() override;

    std::string name() const override { return "sbs"; }
    bool is_push() const override { return true; }
    std::optional<UtcTime> next_allowed(UtcTime) const override { return std::nullopt; }
    void poll(const QueryArea& area, Done done) override;
    void start(Push on_fixes) override;
    void stop() override;
    nlohmann::json status(UtcTime now) const override;
    bool healthy() const override { return connected_; }

    bool connected() const { return connected_; }
    std::uint64_t lines() const { return lines_; }
    std::uint64_t fixes_pushed() const { return fixes_; }
    int connects() const { return connects_; }

  private:
    struct Link {
        explicit Link(boost::asio::io_context& io, std::size_t max_line)
            : resolver(io), socket(io), timer(io), framer(max_line) {}
        boost::asio::ip::tcp::resolver resolver;
        boost::asio::ip::tcp::socket socket;
        boost::asio::steady_timer timer;
        protocol::LineFramer framer;
        std::array<char, 16384> buf{};
        bool delivered = false;  // at least one valid line on this connection
    };
    void connect();
    void read(std::shared_ptr<Link> link);
    void lost(const std::shared_ptr<Link>& link, const std::string& kind, const std::string& why);
    void schedule_retry();
    bool current(const std::shared_ptr<Link>& link) const { return link == link_ && running_; }

    SourceContext& ctx_;
    SbsOptions opt_;
    Push push_;
    bool running_ = false;
    bool connected_ = false;
    bool last_delivered_ = false;
    std::shared_ptr<Link> link_;
    boost::asio::steady_timer retry_;
    std::chrono::milliseconds retry_delay_;
    std::optional<UtcTime> retry_at_;
    flights::SbsAssembler assembler_;
    flights::SourceState state_{"sbs"};
    UtcTime last_expire_{};
    std::uint64_t lines_ = 0;
    std::uint64_t fixes_ = 0;
    int connects_ = 0;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace zc::daemon
