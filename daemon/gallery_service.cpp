#include "gallery_service.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "gallery/fs_util.h"

namespace zc::daemon {

using nlohmann::json;
using protocol::ArgSpec;
using protocol::ArgType;
using protocol::CommandSpec;
using protocol::Response;

namespace {

std::vector<ArgSpec> field_args() {
    return {
        ArgSpec{"flight_id", ArgType::kString, false, "flight number or callsign", {}},
        ArgSpec{"aircraft_type", ArgType::kString, false, "aircraft type, e.g. A320", {}},
        ArgSpec{"target", ArgType::kString, false, "sun or moon (or empty)", {"", "sun", "moon"}},
        ArgSpec{"caption", ArgType::kString, false, "free text", {}},
        ArgSpec{"equipment", ArgType::kString, false, "telescope/camera", {}},
        ArgSpec{"observer_lat", ArgType::kString, false, "latitude, degrees", {}},
        ArgSpec{"observer_lon", ArgType::kString, false, "longitude, degrees", {}},
    };
}

gallery::Fields fields_from(const json& args) {
    gallery::Fields f;
    for (const char* name : gallery::kMetadataFields)
        if (auto it = args.find(name); it != args.end() && it->is_string())
            f[name] = it->get<std::string>();
    return f;
}

Response from_result(const gallery::OpResult& r, std::string text) {
    if (!r.ok())
        return Response::error(r.error);
    return Response::success(std::move(text), r.data);
}

}  // namespace

GalleryService::GalleryService(ServiceContext& ctx) : ctx_(ctx) {
    const auto cfg = ctx_.config();
    enabled_ = cfg->get_bool("http.enabled");
    bind_ = cfg->get_string("http.bind");
    const auto root = cfg->get_path("paths.state_dir") / "gallery";
    // The contract's limit (the original's MAX_CONTENT_LENGTH): 16 MiB per upload request.
    constexpr std::uint64_t max_upload = 16u << 20;
    auto config = ctx_.config;
    shared_ = std::make_shared<HttpShared>(
        root, max_upload, ctx_.clock,
        [config] { return config()->get_string("gallery.auth_token"); },
        cfg->get_path("http.access_log"));
    shared_->limits.max_connections =
        static_cast<std::size_t>(cfg->get_int("http.max_connections"));
    register_commands();
}

GalleryService::~GalleryService() = default;

void GalleryService::start() {
    shared_->store.sweep();
    if (!enabled_) {
        spdlog::info("gallery: HTTP disabled (http.enabled = false); control commands only");
        return;
    }
    const auto cfg = ctx_.config();
    const auto& cert = cfg->get_string("http.tls_cert");
    const auto& key = cfg->get_string("http.tls_key");
    if (!cert.empty() && !key.empty())
        shared_->tls.emplace(make_tls_context(cert, key));
    server_ = std::make_unique<HttpServer>(ctx_.io, shared_);
    server_->listen(bind_);
    const bool writable = !cfg->get_string("gallery.auth_token").empty();
    spdlog::info("gallery: serving {}://{}/gallery ({}; {})", shared_->tls ? "https" : "http",
                 bind_, writable ? "writes need the token" : "read-only: no gallery.auth_token",
                 shared_->store.root().string());
    if (!shared_->tls && writable && bind_.rfind("127.", 0) != 0 && bind_.rfind("[::1]", 0) != 0)
        spdlog::warn(
            "gallery: the bearer token travels in clear text on the network; set "
            "http.tls_cert/http.tls_key or bind 127.0.0.1:8000 behind a TLS proxy");
}

void GalleryService::stop(std::function<void()> done) {
    if (server_)
        server_->stop();
    done();
}

ComponentStatus GalleryService::status() const {
    ComponentStatus s;
    s.state = server_ ? "running" : (enabled_ ? "stopped" : "disabled");
    s.detail = server_ ? fmt::format("{}{} {} connection(s)", shared_->tls ? "https " : "", bind_,
                                     shared_->sessions.size())
                       : "HTTP off";
    s.data = {
        {"connections", shared_->sessions.size()},
        {"requests", shared_->requests},
        {"rejected_connections", shared_->rejected_connections},
        {"list_builds", shared_->store.list_builds()},
        {"list_build_ms", static_cast<double>(shared_->store.last_build_time().count()) / 1e3}};
    return s;
}

void GalleryService::register_commands() {
    auto shared = shared_;
    ctx_.dispatcher.add(
        CommandSpec{"gallery-list", "the gallery's images and metadata, newest first", {}},
        [shared](const protocol::Request&, std::shared_ptr<protocol::Responder> r) {
            json images = json::array();
            for (const auto& e : shared->store.list())
                images.push_back(gallery::Store::to_json(e));
            const auto n = images.size();
            r->reply(Response::success(fmt::format("{} image(s)", n), {{"images", images}}));
        });

    auto add_args = field_args();
    add_args.insert(add_args.begin(), ArgSpec{"file",
                                              ArgType::kString,
                                              true,
                                              "absolute path of a PNG/JPEG/GIF the daemon can read",
                                              {}});
    ctx_.dispatcher.add(
        CommandSpec{"gallery-add", "file an image (copied into the gallery) with metadata",
                    add_args},
        [shared, &clock = ctx_.clock](const protocol::Request& req,
                                      std::shared_ptr<protocol::Responder> r) {
            const auto file = req.arguments["file"].get<std::string>();
            if (file.empty() || file.front() != '/') {
                r->reply(Response::error("file must be an absolute path"));
                return;
            }
            gallery::UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
            struct stat st {};
            if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
                r->reply(Response::error(fmt::format(
                    "cannot read {}: {}", file, fd ? "not a regular file" : std::strerror(errno))));
                return;
            }
            if (static_cast<std::uint64_t>(st.st_size) > shared->store.max_image_bytes()) {
                r->reply(Response::error("File too large"));
                return;
            }
            gallery::MappedFile map(fd.get(), static_cast<std::size_t>(st.st_size));
            if (!map.ok()) {
                r->reply(Response::error("cannot map " + file));
                return;
            }
            auto res = shared->store.add(file, map.view(), fields_from(req.arguments), clock.now());
            r->reply(from_result(res, res.ok() ? "added " + res.data.value("path", "") : ""));
        });

    auto update_args = field_args();
    update_args.insert(update_args.begin(),
                       ArgSpec{"path", ArgType::kString, true, "gallery/YYYY/MM/name.ext", {}});
    ctx_.dispatcher.add(
        CommandSpec{"gallery-update", "change an image's metadata (other fields are kept)",
                    update_args},
        [shared](const protocol::Request& req, std::shared_ptr<protocol::Responder> r) {
            const auto path = gallery::parse_client_path(req.arguments["path"].get<std::string>());
            if (!path) {
                r->reply(Response::error("Invalid file path"));
                return;
            }
            auto res = shared->store.update(*path, fields_from(req.arguments));
            r->reply(from_result(res, "updated " + path->relative()));
        });

    ctx_.dispatcher.add(
        CommandSpec{"gallery-delete",
                    "delete an image and its metadata",
                    {ArgSpec{"path", ArgType::kString, true, "gallery/YYYY/MM/name.ext", {}}}},
        [shared](const protocol::Request& req, std::shared_ptr<protocol::Responder> r) {
            const auto path = gallery::parse_client_path(req.arguments["path"].get<std::string>());
            if (!path) {
                r->reply(Response::error("Invalid file path"));
                return;
            }
            auto res = shared->store.remove(*path);
            r->reply(from_result(res, "deleted " + path->relative()));
        });
}

}  // namespace zc::daemon
