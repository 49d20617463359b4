#pragma once
// The gallery capability: the HTTP server (page, list, images, authenticated writes) and the
// control commands gallery-list/-add/-update/-delete, all over one Store under
// <paths.state_dir>/gallery.
#include <memory>

#include "http_server.h"
#include "service.h"

namespace zc::daemon {

class GalleryService final : public Service {
  public:
    explicit GalleryService(ServiceContext& ctx);
    ~GalleryService() override;
    std::string name() const override { return "gallery"; }
    void start() override;
    void stop(std::function<void()> done) override;
    ComponentStatus status() const override;

  private:
    void register_commands();

    ServiceContext& ctx_;
    std::shared_ptr<HttpShared> shared_;
    std::unique_ptr<HttpServer> server_;
    bool enabled_ = false;
    std::string bind_;
};

}  // namespace zc::daemon
