#include "http_session.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cerrno>
#include <memory>
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

// A response body read from an open descriptor in 64 KiB chunks. Beast's file_body reads 4 KiB
// at a time, which costs a read and a send per 4 KiB: 512 system calls for a 1 MiB image.
struct FdBody {
    static constexpr std::size_t kChunk = 64 * 1024;
    struct value_type {
        gallery::UniqueFd fd;
        std::uint64_t size = 0;
    };
    static std::uint64_t size(const value_type& v) { return v.size; }

    class writer {
      public:
        using const_buffers_type = asio::const_buffer;
        template <bool isRequest, class Fields>
        writer(const http::header<isRequest, Fields>&, const value_type& v) : v_(v) {}
        void init(error_code& ec) {
            buf_ = std::make_unique<char[]>(kChunk);
            ec = {};
        }
        boost::optional<std::pair<const_buffers_type, bool>> get(error_code& ec) {
            if (off_ >= v_.size) {
                ec = {};
                return boost::none;
            }
            const auto want =
                static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, v_.size - off_));
            ssize_t n;
            do
                n = ::pread(v_.fd.get(), buf_.get(), want, static_cast<off_t>(off_));
            while (n < 0 && errno == EINTR);
            if (n <= 0) {
                // Shrunk while being sent: end the connection rather than send a short body.
                ec = n < 0 ? error_code(errno, boost::system::system_category())
                           : error_code(http::error::short_read);
                return boost::none;
            }
            off_ += static_cast<std::uint64_t>(n);
            ec = {};
            return {{asio::const_buffer(buf_.get(), static_cast<std::size_t>(n)), off_ < v_.size}};
        }

      private:
        const value_type& v_;
        std::unique_ptr<char[]> buf_;
        std::uint64_t off_ = 0;
    };
};

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
        // Beast checks a Content-Length against this as the header completes (error::body_limit,
        // with every field parsed); the router then answers, auth first, 413 from the headers.
        // The per-route limit is set once the route is known.
        header_->body_limit(shared_->router.max_body_limit());
        lowest().expires_after(shared_->limits.header_timeout);
        http::async_read_header(
            stream_, buffer_, *header_,
            [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_header(ec); });
    }

    void on_header(error_code ec) {
        // A closed, reset or timed-out connection is no request: nothing to answer or log (a
        // load generator closing its connections would otherwise leave a 400 per connection).
        if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
            (ec && ec.category() != http::make_error_code(http::error::bad_target).category()))
            return close();
        if (ec == http::error::body_limit) {
            // A Content-Length over every route's limit. Beast checks it once every field is in
            // the message (it reports the error before marking the header done), so the router
            // answers as for any other oversize body: 401/403 first, else 413, body unread.
            return start_request(true);
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
        start_request(false);
    }

    void start_request(bool over_limit) {
        started_ = std::chrono::steady_clock::now();
        const auto& h = header_->get();
        method_ = std::string(h.method_string());
        target_ = std::string(h.target());
        keep_alive_ = h.keep_alive();
        auto plan = shared_->router.plan(h, remote_);
        if (plan.reject)
            return send(std::move(*plan.reject));
        if (over_limit)  // plan() has seen the same Content-Length: not reached in practice
            return send(too_large_error(shared_->router.max_body_limit()));
        if (header_->content_length().value_or(0) > 0 || header_->chunked()) {
            if (auto expect = h.find(http::field::expect);
                expect != h.end() && beast::iequals(expect->value(), "100-continue"))
                return send_continue(plan.body, plan.body_limit);
        }
        read_body(plan.body, plan.body_limit);
    }

    // curl and other clients hold a large body back for a second unless told to go on.
    void send_continue(BodyKind kind, std::uint64_t limit) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        lowest().expires_after(shared_->limits.write_timeout);
        asio::async_write(
            stream_, asio::buffer(kContinue.data(), kContinue.size()),
            [self = this->shared_from_this(), kind, limit](error_code ec, std::size_t) {
                if (ec)
                    return self->close();
                self->read_body(kind, limit);
            });
    }

    void read_body(BodyKind kind, std::uint64_t limit) {
        if (kind == BodyKind::kUpload)
            return read_upload(limit);
        small_.emplace(std::move(*header_));
        small_->body_limit(limit);
        lowest().expires_after(shared_->limits.body_timeout);
        http::async_read(stream_, buffer_, *small_,
                         [self = this->shared_from_this()](error_code e, std::size_t) {
                             self->on_small_body(e);
                         });
    }

    void on_small_body(error_code ec) {
        if (ec == http::error::body_limit)
            return send(too_large_error(GalleryRouter::kSmallBodyLimit));
        if (ec)
            return close();
        const auto& req = small_->get();
        send(shared_->router.handle(req, req.body(), remote_));
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
        upload_limit_ = limit;
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
        if (ec == http::error::body_limit)  // a chunked body that grew past the limit
            return send(too_large_error(upload_limit_));
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
        body_unread_ = r.close;
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
            fres_->body().fd = std::move(r.file);
            fres_->body().size = r.file_size;
            fres_->prepare_payload();
            bytes_ = r.file_size;
            http::async_write(stream_, *fres_,
                              [self = this->shared_from_this()](error_code e, std::size_t) {
                                  self->on_write(e);
                              });
            return;
        }
        if (r.shared_body && !r.head_only) {
            // Sent straight from the shared string: no per-request copy of a 361 KB listing.
            shared_body_ = std::move(r.shared_body);
            pres_.emplace();
            prepare(*pres_);
            pres_->body() = {shared_body_->data(), shared_body_->size()};
            pres_->prepare_payload();
            bytes_ = shared_body_->size();
            http::async_write(stream_, *pres_,
                              [self = this->shared_from_this()](error_code e, std::size_t) {
                                  self->on_write(e);
                              });
            return;
        }
        sres_.emplace();
        prepare(*sres_);
        if (r.head_only) {
            sres_->content_length(r.file          ? r.file_size
                                  : r.shared_body ? r.shared_body->size()
                                                  : r.body.size());
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
        pres_.reset();
        shared_body_.reset();
        if (ec)
            return close();
        if (close_after_)
            return body_unread_ ? linger() : close();
        read_header();
    }

    // A request answered without reading its body (413, 401, 404 ...): the client may still be
    // sending it. Closing now, with its bytes unread, makes the kernel send a reset, and a reset
    // can discard the answer before the client has read it (a browser then shows "connection
    // reset" instead of the JSON 413). So, as Apache and nginx do, end our side, then read and
    // drop what still comes, for a bounded time, before closing.
    void linger() {
        if constexpr (std::is_same_v<Stream, TlsStream>) {
            close();  // close_notify and a short wait for the peer's: TLS has no half-close
        } else {
            error_code ec;
            lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
            // One deadline for the whole drain: tcp_stream keeps it across reads.
            lowest().expires_after(shared_->limits.linger_timeout);
            drain();
        }
    }

    void drain() {
        if (!drain_buf_)
            drain_buf_ = std::make_unique<char[]>(kDrainChunk);
        lowest().async_read_some(asio::buffer(drain_buf_.get(), kDrainChunk),
                                 [self = this->shared_from_this()](error_code ec, std::size_t n) {
                                     self->drained_ += n;
                                     if (ec ||
                                         self->drained_ > self->shared_->limits.linger_bytes ||
                                         self->shared_->stopping)
                                         return self->lowest().close();
                                     self->drain();
                                 });
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
    std::optional<http::response<FdBody>> fres_;
    std::optional<http::response<http::span_body<const char>>> pres_;
    std::shared_ptr<const std::string> shared_body_;  // what pres_ points into
    std::string method_, target_;
    unsigned status_ = 0;
    std::uint64_t bytes_ = 0, upload_limit_ = 0;
    bool keep_alive_ = true, close_after_ = false, body_unread_ = false;
    static constexpr std::size_t kDrainChunk = 16 * 1024;
    std::unique_ptr<char[]> drain_buf_;
    std::uint64_t drained_ = 0;
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
    // Every response is written whole (header and body in one go), so Nagle's algorithm can only
    // hold back the last, partial segment of a large body until the client's delayed ACK comes.
    error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
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
