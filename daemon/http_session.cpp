#include "http_session.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <limits>
#include <type_traits>

#include "gallery/fs_util.h"

namespace zc::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using beast::error_code;

namespace {

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
class Session final : public HttpSessionBase, public std::enable_shared_from_this<Session<Stream>> {
  public:
    template <class... Args>
    Session(std::shared_ptr<HttpShared> shared, std::string remote, Args&&... stream_args)
        : shared_(std::move(shared)),
          remote_(std::move(remote)),
          stream_(std::forward<Args>(stream_args)...) {}

    ~Session() override { shared_->sessions.erase(this); }

    void run() {
        shared_->sessions.emplace(this, this->weak_from_this());
        if constexpr (std::is_same_v<Stream, TlsStream>) {
            lowest().expires_after(shared_->limits.header_timeout);
            stream_.async_handshake(asio::ssl::stream_base::server,
                                    [self = this->shared_from_this()](error_code ec) {
                                        if (!ec)
                                            self->read_header();
                                    });
        } else {
            read_header();
        }
    }

    void shutdown_now() override {
        error_code ec;
        lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
        lowest().close();
    }

  private:
    beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

    void read_header() {
        if (shared_->stopping)
            return;
        small_.reset();
        upload_.reset();
        header_.emplace();
        header_->header_limit(static_cast<std::uint32_t>(shared_->limits.header_bytes));
        // The router decides the body limit per route once the headers are in (a 413 for an
        // oversize upload must come from there, not from Beast's default 8 MB check).
        header_->body_limit(std::numeric_limits<std::uint64_t>::max());
        lowest().expires_after(shared_->limits.header_timeout);
        http::async_read_header(
            stream_, buffer_, *header_,
            [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_header(ec); });
    }

    void on_header(error_code ec) {
        if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
            ec == asio::error::operation_aborted || ec == asio::error::eof) {
            return close();
        }
        if (ec) {
            // Malformed or oversized headers: answer once, then drop the connection.
            HttpReply r = json_error(
                ec == http::error::header_limit ? 431 : 400,
                ec == http::error::header_limit ? "Request header too large" : "Malformed request");
            r.close = true;
            method_ = "-";
            target_ = "-";
            started_ = std::chrono::steady_clock::now();
            return send(std::move(r));
        }
        started_ = std::chrono::steady_clock::now();
        const auto& h = header_->get();
        method_ = std::string(h.method_string());
        target_ = std::string(h.target());
        keep_alive_ = h.keep_alive();
        auto plan = shared_->router.plan(h, remote_);
        if (plan.reject)
            return send(std::move(*plan.reject));
        if (plan.body == BodyKind::kUpload)
            return read_upload(plan.body_limit);
        small_.emplace(std::move(*header_));
        small_->body_limit(plan.body_limit);
        lowest().expires_after(shared_->limits.body_timeout);
        http::async_read(stream_, buffer_, *small_,
                         [self = this->shared_from_this()](error_code e, std::size_t) {
                             self->on_small_body(e);
                         });
    }

    void on_small_body(error_code ec) {
        if (ec == http::error::body_limit)
            return send(too_large());
        if (ec)
            return close();
        const auto& req = small_->get();
        send(shared_->router.handle(req, req.body(), remote_));
    }

    HttpReply too_large() {
        auto r = json_error(413, "File too large");
        r.close = true;
        return r;
    }

    void read_upload(std::uint64_t limit) {
        // The body goes to an unlinked spool file, never to memory: 100 uploads of 16 MiB must
        // not need 1.6 GB of RAM on a Raspberry Pi.
        gallery::UniqueFd fd = shared_->store.create_spool();
        if (!fd) {
            spdlog::error("gallery: cannot create an upload spool file under {}",
                          shared_->store.root().string());
            auto r = json_error(500, "Cannot store the upload");
            r.close = true;
            return send(std::move(r));
        }
        upload_.emplace(std::move(*header_));
        upload_->body_limit(limit);
        beast::file_posix file;
        file.native_handle(fd.release());
        error_code ec;
        upload_->get().body().reset(std::move(file), ec);
        lowest().expires_after(shared_->limits.body_timeout);
        http::async_read(stream_, buffer_, *upload_,
                         [self = this->shared_from_this()](error_code e, std::size_t) {
                             self->on_upload_body(e);
                         });
    }

    void on_upload_body(error_code ec) {
        if (ec == http::error::body_limit)
            return send(too_large());
        if (ec)
            return close();
        auto& req = upload_->get();
        const int fd = req.body().file().native_handle();
        struct stat st {};
        if (::fstat(fd, &st) != 0)
            return send(json_error(500, "Cannot read the upload"));
        gallery::MappedFile map(fd, static_cast<std::size_t>(st.st_size));
        if (!map.ok())
            return send(json_error(500, "Cannot read the upload"));
        send(shared_->router.handle(req, map.view(), remote_));
    }

    void send(HttpReply r) {
        ++shared_->requests;
        status_ = r.status;
        close_after_ = r.close || !keep_alive_ || shared_->stopping;
        const auto prepare = [&](auto& res) {
            res.version(11);
            res.result(r.status);
            res.set(http::field::server, "zipcatcherd");
            if (!r.content_type.empty())
                res.set(http::field::content_type, r.content_type);
            res.set("X-Content-Type-Options", "nosniff");
            res.set("Referrer-Policy", "no-referrer");
            res.set("X-Frame-Options", "DENY");
            for (const auto& [k, v] : r.headers)
                res.set(k, v);
            res.keep_alive(!close_after_);
        };
        lowest().expires_after(shared_->limits.write_timeout);
        if (r.file && !r.head_only) {
            fres_.emplace();
            prepare(*fres_);
            beast::file_posix file;
            file.native_handle(r.file.release());
            error_code ec;
            fres_->body().reset(std::move(file), ec);
            fres_->prepare_payload();
            bytes_ = r.file_size;
            http::async_write(stream_, *fres_,
                              [self = this->shared_from_this()](error_code e, std::size_t) {
                                  self->on_write(e);
                              });
            return;
        }
        sres_.emplace();
        prepare(*sres_);
        if (r.head_only) {
            sres_->content_length(r.file ? r.file_size : r.body.size());
            bytes_ = 0;
        } else {
            bytes_ = r.body.size();
            sres_->body() = std::move(r.body);
            sres_->prepare_payload();
        }
        http::async_write(
            stream_, *sres_,
            [self = this->shared_from_this()](error_code e, std::size_t) { self->on_write(e); });
    }

    void on_write(error_code ec) {
        shared_->log.write(remote_, method_, target_, status_, bytes_,
                           std::chrono::steady_clock::now() - started_);
        sres_.reset();
        fres_.reset();
        if (ec || close_after_)
            return close();
        read_header();
    }

    void close() {
        if constexpr (std::is_same_v<Stream, TlsStream>) {
            lowest().expires_after(std::chrono::seconds(2));
            stream_.async_shutdown(
                [self = this->shared_from_this()](error_code) { self->lowest().close(); });
        } else {
            error_code ec;
            lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
            lowest().close();
        }
    }

    std::shared_ptr<HttpShared> shared_;
    std::string remote_;
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::empty_body>> header_;
    std::optional<http::request_parser<http::string_body>> small_;
    std::optional<http::request_parser<http::file_body>> upload_;
    std::optional<http::response<http::string_body>> sres_;
    std::optional<http::response<http::file_body>> fres_;
    std::string method_, target_;
    unsigned status_ = 0;
    std::uint64_t bytes_ = 0;
    bool keep_alive_ = true, close_after_ = false;
    std::chrono::steady_clock::time_point started_{};
};

std::string remote_of(const tcp::socket& s) {
    error_code ec;
    const auto ep = s.remote_endpoint(ec);
    if (ec)
        return "unknown";
    return ep.address().to_string();
}

}  // namespace

void start_http_session(tcp::socket socket, std::shared_ptr<HttpShared> shared) {
    auto remote = remote_of(socket);
    if (shared->tls) {
        auto& ctx = *shared->tls;
        auto s = std::make_shared<Session<TlsStream>>(std::move(shared), std::move(remote),
                                                      std::move(socket), ctx);
        s->run();
    } else {
        auto s = std::make_shared<Session<PlainStream>>(std::move(shared), std::move(remote),
                                                        std::move(socket));
        s->run();
    }
}

}  // namespace zc::daemon
