// Certificate verification: the wrong CA, the wrong name and a missing CA all fail with kTls
// before any request byte is sent; SNI and IP-address certificates; SSL_CERT_FILE.
#include <catch2/catch.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <cstdlib>

#include "mock_http_server.h"
#include "net_test_util.h"
#include "temp_dir.h"
#include "test_ca.h"

using namespace zc::net;
using namespace zc::net::test;
using zc::test::MockHttpServer;
using zc::test::MockReply;
using zc::test::MockRequest;

namespace {

void serve_secret(MockHttpServer& server) {
    server.route("/secret", [](const MockRequest&) { return MockReply::text("secret body"); });
}

HttpClientOptions trusting(const std::filesystem::path& ca) {
    HttpClientOptions o;
    o.extra_ca_file = ca.string();
    o.connect_timeout = std::chrono::seconds(5);
    return o;
}

// Sets an environment variable for one scope.
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name))
            old_ = old;
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (old_)
            ::setenv(name_, old_->c_str(), 1);
        else
            ::unsetenv(name_);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

  private:
    const char* name_;
    std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("A certificate from an untrusted CA fails with kTls and no body") {
    zc::test::TempDir dir;
    zc::test::TestPki pki(dir.path());
    MockHttpServer server(pki.other_ca_localhost);
    serve_secret(server);
    boost::asio::io_context io;
    HttpClient client(io, trusting(pki.ca_file));
    const auto r = fetch(client, io, get(server.url("/secret")));
    CHECK(r.error == HttpError::kTls);
    CHECK(r.message.find("localhost:" + std::to_string(server.port())) != std::string::npos);
    CHECK(r.message.find("certificate verification failed") != std::string::npos);
    CHECK(r.response.body.empty());
    CHECK(r.response.status == 0);
    CHECK(server.request_count() == 0);
}

TEST_CASE("Without the test CA the system store does not trust the test server") {
    zc::test::TempDir dir;
    zc::test::TestPki pki(dir.path());
    MockHttpServer server(pki.localhost);
    serve_secret(server);
    boost::asio::io_context io;
    HttpClient client(io, HttpClientOptions{});
    const auto r = fetch(client, io, get(server.url("/secret")));
    CHECK(r.error == HttpError::kTls);
    CHECK(server.request_count() == 0);
}

TEST_CASE("A certificate for another host name fails with kTls") {
    zc::test::TempDir dir;
    zc::test::TestPki pki(dir.path());
    MockHttpServer server(pki.wrong_host);
    serve_secret(server);
    boost::asio::io_context io;
    HttpClient client(io, trusting(pki.ca_file));
    const auto r = fetch(client, io, get(server.url("/secret")));
    CHECK(r.error == HttpError::kTls);
    CHECK(r.message.find("hostname mismatch") != std::string::npos);
    CHECK(r.response.body.empty());
    CHECK(server.request_count() == 0);

    // The same certificate is fine for the name it carries: proves the name made the
    // difference. 127.0.0.1 is not in it either.
    const auto by_ip = fetch(client, io, get(server.url_with_host("127.0.0.1", "/secret")));
    CHECK(by_ip.error == HttpError::kTls);
    CHECK(by_ip.message.find("IP address mismatch") != std::string::npos);
}

TEST_CASE("An IP address URL is checked against the certificate's IP entries without SNI") {
    zc::test::TempDir dir;
    zc::test::TestPki pki(dir.path());
    MockHttpServer server(pki.localhost);  // carries IP:127.0.0.1
    serve_secret(server);
    boost::asio::io_context io;
    HttpClient client(io, trusting(pki.ca_file));
    const auto r = fetch(client, io, get(server.url_with_host("127.0.0.1", "/secret")));
    REQUIRE(r.ok());
    CHECK(r.response.body == "secret body");
    REQUIRE(server.request_count() == 1);
    CHECK(server.requests()[0].tls_server_name.empty());  // RFC 6066: no IP literals in SNI
}

TEST_CASE("SSL_CERT_FILE replaces the system store") {
    zc::test::TempDir dir;
    zc::test::TestPki pki(dir.path());
    MockHttpServer server(pki.localhost);
    serve_secret(server);
    boost::asio::io_context io;
    ScopedEnv env("SSL_CERT_FILE", pki.ca_file.string());
    HttpClient client(io, HttpClientOptions{});  // no extra_ca_file
    const auto r = fetch(client, io, get(server.url("/secret")));
    REQUIRE(r.ok());
    CHECK(r.response.body == "secret body");
}

TEST_CASE("An unreadable extra CA file fails HTTPS requests and names the file") {
    zc::test::TempDir dir;
    MockHttpServer plain;
    serve_secret(plain);
    boost::asio::io_context io;
    HttpClient client(io, trusting(dir / "missing-ca.pem"));
    const auto r = fetch(client, io, get("https://localhost:1/secret"));
    CHECK(r.error == HttpError::kTls);
    CHECK(r.message.find("missing-ca.pem") != std::string::npos);
    // Plain HTTP does not need it.
    const auto p = fetch(client, io, get(plain.url("/secret")));
    REQUIRE(p.ok());
    CHECK(p.response.body == "secret body");
}

TEST_CASE("A TLS handshake that never completes is cut off by connect_timeout") {
    // A listening socket nobody accepts on: the kernel completes the TCP handshake, then the
    // ClientHello is never answered.
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor silent(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    HttpClientOptions o;
    o.connect_timeout = std::chrono::milliseconds(300);
    HttpClient client(io, o);
    const auto url = "https://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/";
    const auto r = fetch(client, io, get(url));
    CHECK(r.error == HttpError::kTimeout);
    CHECK(r.message.find("TLS handshake") != std::string::npos);
}

TEST_CASE("HTTPS to a plain HTTP server is kTls") {
    MockHttpServer plain;
    serve_secret(plain);
    boost::asio::io_context io;
    HttpClient client(io, HttpClientOptions{});
    const auto url = "https://127.0.0.1:" + std::to_string(plain.port()) + "/secret";
    const auto r = fetch(client, io, get(url));
    CHECK(r.error == HttpError::kTls);
    CHECK(r.response.body.empty());
}
