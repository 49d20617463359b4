#pragma once
// A small synchronous HTTP(S) client for the gallery tests (Beast), and helpers to start the
// daemon with the gallery on a free port.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "daemon_harness.h"

namespace zc::test {

namespace gnet = boost::asio;
namespace ghttp = boost::beast::http;

struct HttpResult {
    int status = 0;  // 0: no answer
    std::string body;
    std::map<std::string, std::string> headers;
    std::string header(const std::string& k) const {
        auto it = headers.find(k);
        return it == headers.end() ? "" : it->second;
    }
};

inline unsigned short free_port() {
    gnet::io_context io;
    gnet::ip::tcp::acceptor a(io, {gnet::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

template <class Stream>
HttpResult exchange(Stream& s, const std::string& method, const std::string& target,
                    const std::string& body, const std::map<std::string, std::string>& headers) {
    ghttp::request<ghttp::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(ghttp::field::host, "127.0.0.1");
    req.set(ghttp::field::connection, "close");
    for (const auto& [k, v] : headers)
        req.set(k, v);
    req.body() = body;
    if (!body.empty() || method == "POST" || method == "PUT")
        req.prepare_payload();
    HttpResult out;
    boost::system::error_code ec;
    ghttp::write(s, req, ec);
    if (ec)
        return out;
    boost::beast::flat_buffer buf;
    ghttp::response_parser<ghttp::string_body> p;
    p.body_limit(64u << 20);
    if (method == "HEAD")
        p.skip(true);
    ghttp::read(s, buf, p, ec);
    if (ec && !p.is_header_done())
        return out;
    out.status = static_cast<int>(p.get().result_int());
    out.body = p.get().body();
    for (const auto& f : p.get())
        out.headers[std::string(f.name_string())] = std::string(f.value());
    return out;
}

inline HttpResult http(unsigned short port, const std::string& method, const std::string& target,
                       const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {}) {
    gnet::io_context io;
    gnet::ip::tcp::socket s(io);
    boost::system::error_code ec;
    s.connect({gnet::ip::make_address("127.0.0.1"), port}, ec);
    if (ec)
        return {};
    return exchange(s, method, target, body, headers);
}

inline HttpResult https(unsigned short port, const std::string& method, const std::string& target,
                        const std::string& body = "",
                        const std::map<std::string, std::string>& headers = {}) {
    gnet::io_context io;
    gnet::ssl::context ctx(gnet::ssl::context::tls_client);
    ctx.set_verify_mode(gnet::ssl::verify_none);  // a throwaway self-signed certificate
    boost::beast::ssl_stream<gnet::ip::tcp::socket> s(io, ctx);
    boost::system::error_code ec;
    s.next_layer().connect({gnet::ip::make_address("127.0.0.1"), port}, ec);
    if (ec)
        return {};
    s.handshake(gnet::ssl::stream_base::client, ec);
    if (ec)
        return {};
    return exchange(s, method, target, body, headers);
}

inline bool wait_for_http(unsigned short port, std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        gnet::io_context io;
        gnet::ip::tcp::socket s(io);
        boost::system::error_code ec;
        s.connect({gnet::ip::make_address("127.0.0.1"), port}, ec);
        if (!ec)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

inline const std::string kBoundary = "----zcTestBoundary7MA4YWxk";

/// A multipart/form-data body: text fields, then (when file_name is set) the file part.
inline std::string multipart(const std::map<std::string, std::string>& fields,
                             const std::optional<std::string>& file_name = std::nullopt,
                             const std::string& data = "", const std::string& field = "file") {
    std::string b;
    for (const auto& [k, v] : fields)
        b += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" +
             v + "\r\n";
    if (file_name)
        b += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + field +
             "\"; filename=\"" + *file_name +
             "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + data + "\r\n";
    b += "--" + kBoundary + "--\r\n";
    return b;
}

inline std::map<std::string, std::string> form_headers(const std::string& token = "") {
    std::map<std::string, std::string> h{
        {"Content-Type", "multipart/form-data; boundary=" + kBoundary}};
    if (!token.empty())
        h["Authorization"] = "Bearer " + token;
    return h;
}

inline std::string png(const std::string& payload = "pixels") {
    return std::string("\x89PNG\r\n\x1a\n", 8) + payload;
}

inline const std::string kToken = "test-token-0123456789abcdefABCDEF";

/// A daemon with the gallery on a free port of 127.0.0.1.
struct GalleryDaemon {
    DaemonHarness h;
    unsigned short port = free_port();
    explicit GalleryDaemon(const std::string& token = kToken, std::vector<std::string> extra = {}) {
        start(token, std::move(extra));
    }
    void start(const std::string& token, std::vector<std::string> extra = {}) {
        extra.insert(extra.end(), {"--http.bind", "127.0.0.1:" + std::to_string(port)});
        if (!token.empty())
            extra.insert(extra.end(), {"--gallery.auth_token", token});
        h.start(extra);
        REQUIRE(wait_for_http(port, std::chrono::seconds(10)));
    }
    std::filesystem::path root() const { return h.dir() / "state" / "gallery"; }
    HttpResult upload(const std::string& name, const std::string& data,
                      const std::map<std::string, std::string>& fields = {},
                      const std::string& token = kToken) {
        return http(port, "POST", "/gallery/upload", multipart(fields, name, data),
                    form_headers(token));
    }
};

}  // namespace zc::test
