// Telegram alerts against a local HTTPS server standing in for the Bot API: the message as
// sent (HTML, escaped), 429 retry_after honoured, outage and recovery messages, and no alert
// lost while the server is down and comes back. The bot token never reaches the log.
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "alerts/telegram_message.h"
#include "mock_http_server.h"
#include "telegram_sender.h"
#include "temp_dir.h"
#include "test_ca.h"

using namespace zc;
using namespace zc::test;
using namespace std::chrono_literals;
using nlohmann::json;
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

const std::string kToken = "7312945:AAF-not-a-real-token_q9";
const std::string kPath = "/bot" + kToken + "/sendMessage";

std::string sample_ok() {
    std::ifstream in(std::string(ZC_SAMPLES_DIR) + "/telegram-sendmessage-response-ok.json");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Everything spdlog writes during a test.
struct LogCapture {
    LogCapture() {
        previous = spdlog::default_logger();
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text);
        auto logger = std::make_shared<spdlog::logger>("capture", sink);
        logger->set_level(spdlog::level::trace);
        spdlog::set_default_logger(logger);
    }
    ~LogCapture() { spdlog::set_default_logger(previous); }
    std::string str() const { return text.str(); }
    std::ostringstream text;
    std::shared_ptr<spdlog::logger> previous;
};

/// A TCP relay on a fixed port in front of the mock server, so that the server can go away
/// (connections refused... here: closed at once) and come back on the same address, as a
/// restarted Bot API endpoint would. TLS passes through untouched.
class Relay {
  public:
    explicit Relay(asio::io_context& io)
        : io_(io), acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        accept();
    }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    void backend(unsigned short port) {
        backend_ = port;
        if (port == 0)
            for (auto& w : pairs_)
                if (auto p = w.lock())
                    p->close();
    }

  private:
    struct Pair : std::enable_shared_from_this<Pair> {
        Pair(tcp::socket c, asio::io_context& io) : client(std::move(c)), server(io) {}
        tcp::socket client, server;
        std::array<char, 16384> up{}, down{};
        void close() {
            boost::system::error_code ec;
            client.close(ec);
            server.close(ec);
        }
    };
    static void pump(std::shared_ptr<Pair> p, tcp::socket& from, tcp::socket& to,
                     std::array<char, 16384>& buf) {
        from.async_read_some(asio::buffer(buf), [p, &from, &to, &buf](auto ec, std::size_t n) {
            if (ec)
                return p->close();
            asio::async_write(to, asio::buffer(buf.data(), n),
                              [p, &from, &to, &buf](auto ec2, std::size_t) {
                                  if (ec2)
                                      return p->close();
                                  pump(p, from, to, buf);
                              });
        });
    }
    void accept() {
        acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket s) {
            if (ec)
                return;
            if (backend_ == 0) {
                s.close();  // the server is down
            } else {
                auto p = std::make_shared<Pair>(std::move(s), io_);
                pairs_.push_back(p);
                p->server.async_connect(
                    tcp::endpoint(asio::ip::make_address("127.0.0.1"), backend_), [p](auto ec2) {
                        if (ec2)
                            return p->close();
                        pump(p, p->client, p->server, p->up);
                        pump(p, p->server, p->client, p->down);
                    });
            }
            accept();
        });
    }
    asio::io_context& io_;
    tcp::acceptor acceptor_;
    unsigned short backend_ = 0;
    std::vector<std::weak_ptr<Pair>> pairs_;
};

struct Rig {
    TempDir dir;
    TestPki pki{dir.path()};
    asio::io_context io;
    SystemClock clock;
    net::HttpClient http{io, [this] {
                             net::HttpClientOptions o;
                             o.extra_ca_file = pki.ca_file.string();
                             o.connect_timeout = 2000ms;
                             o.read_timeout = 3000ms;
                             return o;
                         }()};

    daemon::TelegramOptions options(const std::string& base) const {
        daemon::TelegramOptions o;
        o.bot_token = kToken;
        o.chat_id = "-1001234567";
        o.api_base = base;
        o.retry_initial = 50ms;
        o.retry_max = 300ms;
        o.max_attempts = 1000;
        return o;
    }
    bool wait(const std::function<bool()>& pred, std::chrono::milliseconds limit = 10s) {
        const auto until = std::chrono::steady_clock::now() + limit;
        while (!pred() && std::chrono::steady_clock::now() < until)
            run(5ms);
        return pred();
    }
    /// Runs the loop for `d` (also when it had run out of work before).
    void run(std::chrono::milliseconds d) {
        const auto until = std::chrono::steady_clock::now() + d;
        while (std::chrono::steady_clock::now() < until) {
            io.restart();
            const auto slice = std::min<std::chrono::steady_clock::duration>(
                5ms, until - std::chrono::steady_clock::now());
            if (io.run_for(slice) == 0 && io.stopped())
                std::this_thread::sleep_for(slice);  // out of work: do not spin
        }
    }
};

transit::Entry hostile_entry() {
    transit::Entry e;
    e.id = "4ca7b1:sun";
    auto& c = e.candidate;
    c.target = transit::Target::Sun;
    c.icao24 = "4ca7b1";
    c.key = "4ca7b1";
    c.callsign = "<EZY&12>";
    c.aircraft_type = "A320";
    c.level = transit::Level::High;
    c.closest_approach = SystemClock().now() + 42s;
    c.separation_deg = 0.08;
    c.separation_radii = 0.3;
    c.probability = 0.9;
    c.altitude_m = 10100;
    c.slant_range_m = 11800;
    e.capture = transit::CaptureState::Scheduled;
    return e;
}

std::vector<json> bodies(const MockHttpServer& s) {
    std::vector<json> out;
    for (const auto& r : s.requests())
        out.push_back(json::parse(r.body, nullptr, false));
    return out;
}

}  // namespace

TEST_CASE("telegram: the alert is posted as escaped HTML to sendMessage") {
    LogCapture log;
    Rig rig;
    MockHttpServer server(rig.pki.localhost);
    server.route(kPath, [](const MockRequest&) { return MockReply::json(sample_ok()); });
    daemon::TelegramSender sender(rig.io, rig.clock, rig.http, rig.options(server.url("")));
    const auto html =
        alerts::alert_html(hostile_entry(), transit::AlertKind::Level, rig.clock.now());
    sender.send(html, "alert HIGH 4ca7b1:sun");
    REQUIRE(rig.wait([&] { return sender.delivered() == 1; }));
    const auto reqs = server.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].method == "POST");
    CHECK(reqs[0].path == kPath);
    CHECK_THAT(reqs[0].header("content-type").value_or(""), Catch::Contains("application/json"));
    const auto body = json::parse(reqs[0].body);
    CHECK(body["chat_id"] == "-1001234567");
    CHECK(body["parse_mode"] == "HTML");
    const std::string text = body["text"];
    CHECK(text == html);
    CHECK_THAT(text, Catch::Contains("<b>&lt;EZY&amp;12&gt;</b>"));
    CHECK_THAT(text, Catch::Contains("HIGH"));
    CHECK_THAT(text, Catch::Contains("Capture: scheduled"));
    CHECK(sender.queued() == 0);
    CHECK(sender.failed() == 0);
    CHECK_THAT(log.str(), Catch::Contains("delivered"));
    CHECK(log.str().find(kToken) == std::string::npos);
    CHECK(log.str().find("/bot") == std::string::npos);
}

TEST_CASE("telegram: a 429 waits parameters.retry_after before the retry") {
    LogCapture log;
    Rig rig;
    MockHttpServer server(rig.pki.localhost);
    std::atomic<int> calls{0};
    server.route(kPath, [&](const MockRequest&) {
        if (calls++ == 0)
            return MockReply::json(R"({"ok":false,"error_code":429,"description":"Too Many )"
                                   R"(Requests: retry after 1","parameters":{"retry_after":1}})",
                                   429);
        return MockReply::json(sample_ok());
    });
    daemon::TelegramSender sender(rig.io, rig.clock, rig.http, rig.options(server.url("")));
    sender.send("<b>one</b>", "first");
    sender.send("<b>two</b>", "second");
    REQUIRE(rig.wait([&] { return sender.delivered() == 2; }));
    const auto reqs = server.requests();
    REQUIRE(reqs.size() == 3);
    const auto waited = reqs[1].arrived - reqs[0].arrived;
    CHECK(waited >= 1000ms);
    CHECK(waited < 2500ms);  // and not the long transient backoff either
    // The same message again, then the next one, in order.
    CHECK(bodies(server)[1]["text"] == "<b>one</b>");
    CHECK(bodies(server)[2]["text"] == "<b>two</b>");
    CHECK(sender.failed() == 0);
    CHECK_THAT(log.str(), Catch::Contains("rate-limited"));
    CHECK(log.str().find(kToken) == std::string::npos);
}

TEST_CASE("telegram: all sources down for 90 s sends one message and recovery another") {
    LogCapture log;
    Rig rig;
    MockHttpServer server(rig.pki.localhost);
    server.route(kPath, [](const MockRequest&) { return MockReply::json(sample_ok()); });
    daemon::TelegramSender sender(rig.io, rig.clock, rig.http, rig.options(server.url("")));
    const auto now = rig.clock.now();
    // Down since 89.7 s ago: nothing yet, the message comes when 90 s are reached.
    sender.on_health({3, 0, now - 89700ms});
    rig.run(100ms);
    CHECK(server.request_count() == 0);
    REQUIRE(rig.wait([&] { return sender.delivered() == 1; }, 3s));
    const auto down = bodies(server).at(0)["text"].get<std::string>();
    CHECK_THAT(down, Catch::Contains("All flight sources down"));
    CHECK_THAT(down, Catch::Contains("None of the 3 enabled"));
    // Still down, reported again: no second message.
    sender.on_health({3, 0, now - 89700ms});
    rig.run(300ms);
    CHECK(server.request_count() == 1);
    // One source back: the recovery message.
    sender.on_health({3, 1, rig.clock.now()});
    INFO(log.str());
    REQUIRE(rig.wait([&] { return sender.delivered() == 2; }));
    const auto up = bodies(server).at(1)["text"].get<std::string>();
    CHECK_THAT(up, Catch::Contains("Flight sources recovered"));
    CHECK_THAT(up, Catch::Contains("1 of 3"));
}

TEST_CASE("telegram: an outage shorter than 90 s sends nothing") {
    Rig rig;
    MockHttpServer server(rig.pki.localhost);
    server.route(kPath, [](const MockRequest&) { return MockReply::json(sample_ok()); });
    daemon::TelegramSender sender(rig.io, rig.clock, rig.http, rig.options(server.url("")));
    sender.on_health({2, 0, rig.clock.now() - 89500ms});
    rig.run(200ms);
    sender.on_health({2, 2, rig.clock.now()});  // back before the 90 s
    rig.run(700ms);
    CHECK(server.request_count() == 0);
}

TEST_CASE("telegram: no alert is lost while the Bot API restarts") {
    LogCapture log;
    Rig rig;
    Relay relay(rig.io);
    const std::string base = "https://localhost:" + std::to_string(relay.port());
    auto server = std::make_unique<MockHttpServer>(rig.pki.localhost);
    server->route(kPath, [](const MockRequest&) { return MockReply::json(sample_ok()); });
    relay.backend(server->port());
    daemon::TelegramSender sender(rig.io, rig.clock, rig.http, rig.options(base));
    sender.send("<b>before</b>", "before");
    REQUIRE(rig.wait([&] { return sender.delivered() == 1; }));

    // The server goes away (its kept-alive connection too)...
    relay.backend(0);
    server.reset();
    sender.send("<b>during 1</b>", "during 1");
    sender.send("<b>during 2 &amp; more</b>", "during 2");
    rig.run(1500ms);  // several failed attempts meanwhile
    CHECK(sender.delivered() == 1);
    CHECK(sender.queued() == 2);
    CHECK(sender.failed() == 0);

    // ...and comes back on the same address: both arrive, in order, once each.
    auto again = std::make_unique<MockHttpServer>(rig.pki.localhost);
    again->route(kPath, [](const MockRequest&) { return MockReply::json(sample_ok()); });
    relay.backend(again->port());
    REQUIRE(rig.wait([&] { return sender.delivered() == 3; }));
    const auto got = bodies(*again);
    REQUIRE(got.size() == 2);
    CHECK(got[0]["text"] == "<b>during 1</b>");
    CHECK(got[1]["text"] == "<b>during 2 &amp; more</b>");
    CHECK(sender.failed() == 0);
    CHECK_THAT(log.str(), Catch::Contains("not delivered yet"));
    CHECK(log.str().find(kToken) == std::string::npos);
}

TEST_CASE("telegram: a refused alert is logged with its text, never silently dropped") {
    LogCapture log;
    Rig rig;
    MockHttpServer server(rig.pki.localhost);
    server.route(kPath, [](const MockRequest&) {
        return MockReply::json(R"({"ok":false,"error_code":401,"description":"Unauthorized"})",
                               401);
    });
    daemon::TelegramSender sender(rig.io, rig.clock, rig.http, rig.options(server.url("")));
    sender.send("<b>lost &lt;cause&gt;</b>", "alert X");
    REQUIRE(rig.wait([&] { return sender.failed() == 1; }));
    CHECK(server.request_count() == 1);  // a 401 is not retried
    const auto text = log.str();
    CHECK_THAT(text, Catch::Contains("alert X NOT delivered"));
    CHECK_THAT(text, Catch::Contains("401"));
    CHECK_THAT(text, Catch::Contains("check telegram.bot_token"));
    CHECK_THAT(text, Catch::Contains("undelivered | lost <cause>"));
    CHECK(text.find(kToken) == std::string::npos);
}

TEST_CASE("telegram: without a token alerts go to the log") {
    LogCapture log;
    Rig rig;
    daemon::TelegramOptions o;  // nothing configured
    daemon::TelegramSender sender(rig.io, rig.clock, rig.http, o);
    std::vector<std::string> seen;
    sender.set_observer([&](const std::string& what, const std::string&) { seen.push_back(what); });
    sender.send("<b>HIGH</b>: &lt;X&gt;\nsecond line", "alert");
    CHECK(seen.size() == 1);
    CHECK_THAT(log.str(), Catch::Contains("alert | HIGH: <X>"));
    CHECK_THAT(log.str(), Catch::Contains("alert | second line"));
    CHECK(sender.queued() == 0);
}
