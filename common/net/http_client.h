#pragma once
// One asynchronous HTTP(S) client for every outbound call (flight sources, OpenSky OAuth,
// Telegram): Boost.Beast over Boost.Asio SSL. Certificates are always verified against the
// system store (plus `extra_ca_file` when set, for tests' throwaway CA) with SNI and host-name
// checking; there is no switch to turn verification off. Each request has a connect and a
// read deadline and a response size cap; idle connections are kept alive per host; gzip
// bodies are inflated. Runs on the io_context it is given; callbacks run there too.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zc::net {

struct Url {
    std::string scheme;  // "http" or "https"
    std::string host;    // without brackets for IPv6 literals
    std::string port;    // explicit or the scheme's default
    std::string target;  // path and query, at least "/"
    /// nullopt and `error` set when the text is not an absolute http(s) URL.
    static std::optional<Url> parse(std::string_view text, std::string* error = nullptr);
    std::string origin() const;  // scheme://host:port, the keep-alive pool key
};

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;  // sent with Content-Length when non-empty
    /// Overrides HttpClientOptions::read_timeout for this request.
    std::optional<std::chrono::milliseconds> timeout;
};

struct HttpResponse {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
    std::string body;                                          // inflated when it was gzip
    /// First header of that (case-insensitive) name, or nullopt.
    std::optional<std::string> header(std::string_view name) const;
};

enum class HttpError { kNone, kBadUrl, kDns, kConnect, kTls, kTimeout, kTooLarge, kProtocol, kReset, kCancelled };
std::string_view to_string(HttpError e);

struct HttpResult {
    HttpError error = HttpError::kNone;
    std::string message;  // human text for the error; never contains request headers
    HttpResponse response;
    bool ok() const { return error == HttpError::kNone; }  // transport ok; check status too
};

struct HttpClientOptions {
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds read_timeout{15000};
    std::size_t max_response_bytes = 8u << 20;
    std::string extra_ca_file;  // PEM; trusted in addition to the system store
    std::string user_agent = "zipcatcher";
    std::size_t max_idle_per_origin = 2;
    std::chrono::milliseconds idle_keepalive{60000};
};

class HttpClient {
  public:
    using Callback = std::function<void(HttpResult)>;
    HttpClient(boost::asio::io_context& io, HttpClientOptions options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    /// Starts the request; `done` is called exactly once, on the io_context, unless the
    /// client is destroyed first (then never).
    void request(HttpRequest request, Callback done);
    /// Fails every request in flight with kCancelled and closes idle connections.
    void cancel_all();
    std::size_t in_flight() const;

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace zc::net
