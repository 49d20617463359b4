#include "gallery_routes.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

#include "gallery/auth.h"
#include "gallery/form.h"
#include "gallery/image_type.h"
#include "gallery_assets.h"

namespace zc::daemon {

namespace http = boost::beast::http;
using nlohmann::json;

HttpReply json_error(unsigned status, const std::string& text) {
    HttpReply r;
    r.status = status;
    r.body = json{{"error", text}}.dump();
    return r;
}

HttpReply too_large_error(std::uint64_t limit) {
    auto r = json_error(413, fmt::format("File too large. Maximum size is {} MB", limit >> 20));
    r.close = true;  // the body stays unread
    return r;
}

namespace {

enum class Route { kPage, kAsset, kList, kUpload, kUpdate, kDelete, kImage, kNone };

struct Match {
    Route route = Route::kNone;
    std::string rest;  // kImage/kUpdate/kDelete: "gallery/YYYY/MM/name"; kAsset: the asset name
};

Match match(std::string_view path) {
    if (path == "/gallery" || path == "/gallery/")
        return {Route::kPage, {}};
    if (path == "/gallery/list")
        return {Route::kList, {}};
    if (path == "/gallery/upload")
        return {Route::kUpload, {}};
    if (path.starts_with("/gallery/delete/"))
        return {Route::kDelete, std::string(path.substr(16))};
    if (path.starts_with("/gallery/update/"))
        return {Route::kUpdate, std::string(path.substr(16))};
    // Only a path of the exact image shape is an image route: anything else under /gallery/
    // (say /gallery/../.env) is 404 for every method, never a 405 that hints at a route.
    const auto image = [](std::string_view rel) -> Match {
        if (!gallery::parse_client_path(rel))
            return {};
        return {Route::kImage, std::string(rel)};
    };
    if (path.starts_with("/static/gallery/"))
        return image(path.substr(8));
    if (path.starts_with("/gallery/"))
        return image(path.substr(1));
    if (find_asset(path))
        return {Route::kAsset, std::string(path)};
    return {};
}

const char* allowed_methods(Route r) {
    switch (r) {
        case Route::kUpload:
        case Route::kUpdate:
            return "POST";
        case Route::kDelete:
            return "DELETE";
        default:
            return "GET, HEAD";
    }
}

bool method_fits(Route r, http::verb v) {
    switch (r) {
        case Route::kUpload:
        case Route::kUpdate:
            return v == http::verb::post;
        case Route::kDelete:
            return v == http::verb::delete_;
        case Route::kNone:
            return true;
        default:
            return v == http::verb::get || v == http::verb::head;
    }
}

bool is_write(Route r) {
    return r == Route::kUpload || r == Route::kUpdate || r == Route::kDelete;
}

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find('?'));
}

std::optional<std::string_view> header(const RequestHeader& h, http::field f) {
    auto it = h.find(f);
    if (it == h.end())
        return std::nullopt;
    return std::string_view(it->value().data(), it->value().size());
}

gallery::Fields known_fields(const std::map<std::string, std::string>& all) {
    gallery::Fields out;
    for (const char* f : gallery::kMetadataFields)
        if (auto it = all.find(f); it != all.end())
            out[f] = it->second;
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// Calls fn(element) for each comma-separated element of a header list, trimmed, empty ones
// skipped.
template <class Fn>
void for_each_element(std::string_view list, Fn fn) {
    while (!list.empty()) {
        const auto comma = list.find(',');
        const auto item = trim(list.substr(0, comma));
        if (!item.empty())
            fn(item);
        if (comma == std::string_view::npos)
            break;
        list.remove_prefix(comma + 1);
    }
}

// Accept-Encoding (RFC 9110 12.5.3): gzip when "gzip" (or "x-gzip", or "*" without an explicit
// gzip) is listed with a q-value above 0.
bool accepts_gzip(std::string_view accept_encoding) {
    std::optional<bool> gzip, star;
    for_each_element(accept_encoding, [&](std::string_view item) {
        const auto semi = item.find(';');
        const auto coding = trim(item.substr(0, semi));
        bool acceptable = true;
        if (semi != std::string_view::npos) {
            auto params = item.substr(semi + 1);
            while (!params.empty()) {
                const auto next = params.find(';');
                const auto param = trim(params.substr(0, next));
                if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=')
                    // "0", "0.", "0.0", "0.00", "0.000": not acceptable; anything else is.
                    acceptable = param.find_first_not_of("0.", 2) != std::string_view::npos ||
                                 param.size() == 2;
                if (next == std::string_view::npos)
                    break;
                params.remove_prefix(next + 1);
            }
        }
        if (iequals(coding, "gzip") || iequals(coding, "x-gzip"))
            gzip = acceptable;
        else if (coding == "*")
            star = acceptable;
    });
    return gzip.value_or(star.value_or(false));
}

// If-None-Match (RFC 9110 13.1.2): "*" or any listed tag equal to `etag` by the weak comparison.
bool none_match(std::string_view if_none_match, std::string_view etag) {
    bool hit = false;
    for_each_element(if_none_match, [&](std::string_view tag) {
        if (tag.starts_with("W/"))
            tag.remove_prefix(2);
        hit = hit || tag == "*" || tag == etag;
    });
    return hit;
}

std::string http_date(time_t t) {
    struct tm tm {};
    ::gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

// A single "bytes=a-b" range; nullopt for no range, multiple ranges or an unknown unit (the
// whole file is sent), {size, size} marks an unsatisfiable one.
std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_range(std::string_view v,
                                                                   std::uint64_t size) {
    if (!v.starts_with("bytes=") || v.find(',') != std::string_view::npos)
        return std::nullopt;
    v.remove_prefix(6);
    const auto dash = v.find('-');
    if (dash == std::string_view::npos)
        return std::nullopt;
    auto num = [](std::string_view s, std::uint64_t& out) {
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return ec == std::errc() && p == s.data() + s.size() && !s.empty();
    };
    std::uint64_t a = 0, b = 0;
    const auto first = v.substr(0, dash), last = v.substr(dash + 1);
    if (first.empty()) {
        if (!num(last, b) || b == 0)
            return std::make_pair(size, size);
        return std::make_pair(b >= size ? 0 : size - b, size - 1);
    }
    if (!num(first, a))
        return std::nullopt;
    if (last.empty())
        b = size - 1;
    else if (!num(last, b) || b < a)
        return std::nullopt;
    if (a >= size)
        return std::make_pair(size, size);
    return std::make_pair(a, std::min(b, size - 1));
}

}  // namespace

GalleryRouter::GalleryRouter(gallery::Store& store, const Clock& clock,
                             std::function<std::string()> token, std::uint64_t max_upload_bytes)
    : store_(store),
      clock_(clock),
      token_(std::move(token)),
      max_upload_(max_upload_bytes),
      limiter_(10, std::chrono::minutes(1)) {}

std::optional<HttpReply> GalleryRouter::authorize(const RequestHeader& h,
                                                  const std::string& remote) {
    const std::string token = token_();
    if (token.empty())
        return json_error(403, gallery::auth_error_text(gallery::AuthResult::kDisabled));
    const auto now = clock_.now();
    if (limiter_.blocked(remote, now)) {
        auto r = json_error(429, "Too many failed authorization attempts; try again later");
        r.headers.emplace_back("Retry-After", std::to_string(limiter_.retry_after_s(remote, now)));
        return r;
    }
    const auto result = gallery::check_bearer(header(h, http::field::authorization), token);
    if (result == gallery::AuthResult::kOk)
        return std::nullopt;
    limiter_.record_failure(remote, now);
    // The address only: never the header, which holds the (wrong, perhaps nearly right) token.
    spdlog::warn("gallery: failed authorization from {} ({})", remote,
                 gallery::auth_error_text(result));
    return json_error(401, gallery::auth_error_text(result));
}

RoutePlan GalleryRouter::plan(const RequestHeader& h, const std::string& remote) {
    RoutePlan p;
    p.body_limit = kSmallBodyLimit;
    const auto m = match(path_of(h.target()));
    auto reject = [&](HttpReply r) {
        r.close = true;  // the body stays unread
        p.reject = std::move(r);
        return std::move(p);
    };
    if (m.route == Route::kNone)
        return reject(json_error(404, "Not found"));
    if (!method_fits(m.route, h.method())) {
        auto r = json_error(405, "Method not allowed");
        r.headers.emplace_back("Allow", allowed_methods(m.route));
        return reject(std::move(r));
    }
    if (is_write(m.route))
        if (auto denied = authorize(h, remote))
            return reject(std::move(*denied));
    std::uint64_t length = 0;
    if (auto cl = header(h, http::field::content_length))
        std::from_chars(cl->data(), cl->data() + cl->size(), length);
    if (m.route == Route::kUpload) {
        p.body = BodyKind::kUpload;
        p.body_limit = max_upload_;
    }
    if (length > p.body_limit)
        return reject(too_large_error(p.body_limit));
    return p;
}

HttpReply GalleryRouter::handle(const RequestHeader& h, std::string_view body,
                                const std::string& /*remote*/) {
    const auto m = match(path_of(h.target()));
    const bool head = h.method() == http::verb::head;
    HttpReply r;
    switch (m.route) {
        case Route::kPage:
        case Route::kAsset: {
            const Asset* a = find_asset(m.route == Route::kPage ? "/gallery" : m.rest);
            r.content_type = a->content_type;
            r.body = std::string(a->body);
            r.headers.emplace_back("Cache-Control", "no-cache");
            if (m.route == Route::kPage)
                r.headers.emplace_back(
                    "Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; "
                    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
            break;
        }
        case Route::kList:
            return list(h, head);
        case Route::kUpload:
            return upload(h, body);
        case Route::kUpdate:
            return update(h, m.rest, body);
        case Route::kDelete:
            return remove(m.rest);
        case Route::kImage:
            return image(h, m.rest, head);
        case Route::kNone:
            return json_error(404, "Not found");
    }
    r.head_only = head;
    return r;
}

HttpReply GalleryRouter::upload(const RequestHeader& h, std::string_view body) {
    const auto ct = header(h, http::field::content_type).value_or("");
    const auto boundary = gallery::multipart_boundary(ct);
    if (!boundary)
        return json_error(400, "No file provided");
    auto parts = gallery::parse_multipart(body, *boundary);
    if (!parts)
        return json_error(400, "Malformed multipart body");
    const gallery::Part* file = nullptr;
    std::map<std::string, std::string> texts;
    for (const auto& part : *parts) {
        if (part.name == "file" && part.filename && !file)
            file = &part;
        else if (!part.filename)
            texts.insert_or_assign(part.name, std::string(part.data));
    }
    if (!file)
        return json_error(400, "No file provided");
    if (file->filename->empty())
        return json_error(400, "No file selected");
    auto res = store_.add(*file->filename, file->data, known_fields(texts), clock_.now());
    if (!res.ok())
        return json_error(static_cast<unsigned>(res.status), res.error);
    HttpReply r;
    r.body = json{{"success", true}, {"filename", res.data["filename"]}, {"path", res.data["path"]}}
                 .dump();
    return r;
}

HttpReply GalleryRouter::update(const RequestHeader& h, std::string_view rel,
                                std::string_view body) {
    const auto path = gallery::parse_client_path(rel);
    if (!path)
        return json_error(403, "Invalid file path");
    auto fields =
        gallery::parse_form_fields(header(h, http::field::content_type).value_or(""), body);
    if (!fields)
        return json_error(400, "Malformed request body");
    auto res = store_.update(*path, known_fields(*fields));
    if (!res.ok())
        return json_error(static_cast<unsigned>(res.status), res.error);
    HttpReply r;
    r.body = json{{"success", true}, {"metadata", res.data["metadata"]}}.dump();
    return r;
}

HttpReply GalleryRouter::remove(std::string_view rel) {
    const auto path = gallery::parse_client_path(rel);
    if (!path)
        return json_error(403, "Invalid file path");
    auto res = store_.remove(*path);
    if (!res.ok())
        return json_error(static_cast<unsigned>(res.status), res.error);
    HttpReply r;
    r.body = json{{"success", true}}.dump();
    return r;
}

HttpReply GalleryRouter::list(const RequestHeader& h, bool head) {
    const bool want_gzip = accepts_gzip(header(h, http::field::accept_encoding).value_or(""));
    const auto& cached = store_.list_body(want_gzip);
    const bool gzip = want_gzip && cached.gzip;
    const std::string& etag = gzip ? cached.gzip_etag : cached.etag;
    HttpReply r;
    // no-cache, not no-store: a browser may keep the listing but must ask (If-None-Match) first.
    r.headers.emplace_back("Cache-Control", "no-cache");
    r.headers.emplace_back("Vary", "Accept-Encoding");
    r.headers.emplace_back("ETag", etag);
    if (auto inm = header(h, http::field::if_none_match); inm && none_match(*inm, etag)) {
        r.status = 304;
        r.content_type.clear();
        return r;
    }
    if (gzip)
        r.headers.emplace_back("Content-Encoding", "gzip");
    r.shared_body = gzip ? cached.gzip : cached.json;
    r.head_only = head;
    return r;
}

HttpReply GalleryRouter::image(const RequestHeader& h, std::string_view rel, bool head) {
    const auto path = gallery::parse_client_path(rel);
    if (!path)
        return json_error(404, "Not found");
    struct stat st {};
    gallery::UniqueFd fd = store_.open_image(*path, &st);
    if (!fd)
        return json_error(404, "Not found");
    const auto size = static_cast<std::uint64_t>(st.st_size);
    const auto mtime_ns = static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1000000000ull +
                          static_cast<std::uint64_t>(st.st_mtim.tv_nsec);
    const std::string etag = fmt::format("\"{:x}-{:x}\"", size, mtime_ns);
    HttpReply r;
    r.content_type =
        gallery::content_type(*gallery::type_from_extension(gallery::extension_of(path->name)));
    r.headers.emplace_back("ETag", etag);
    r.headers.emplace_back("Last-Modified", http_date(st.st_mtim.tv_sec));
    r.headers.emplace_back("Accept-Ranges", "bytes");
    r.headers.emplace_back("Cache-Control", "public, max-age=3600");
    r.headers.emplace_back("Content-Security-Policy", "default-src 'none'");
    if (auto inm = header(h, http::field::if_none_match); inm && none_match(*inm, etag)) {
        r.status = 304;
        r.content_type.clear();
        return r;
    }
    r.head_only = head;
    if (auto range = header(h, http::field::range)) {
        if (auto rg = parse_range(*range, size)) {
            if (rg->first >= size) {
                auto e = json_error(416, "Range not satisfiable");
                e.headers.emplace_back("Content-Range", fmt::format("bytes */{}", size));
                return e;
            }
            const auto len = rg->second - rg->first + 1;
            r.status = 206;
            r.headers.emplace_back("Content-Range",
                                   fmt::format("bytes {}-{}/{}", rg->first, rg->second, size));
            r.body.resize(len);
            const auto n = ::pread(fd.get(), r.body.data(), len, static_cast<off_t>(rg->first));
            if (n < 0 || static_cast<std::uint64_t>(n) != len)
                return json_error(500, "read failed");
            return r;
        }
    }
    r.file = std::move(fd);
    r.file_size = size;
    return r;
}

}  // namespace zc::daemon
