// The list of capabilities zipcatcherd runs. Adding one is one line here plus its own files.
#include "flight_service.h"
#include "gallery_service.h"
#include "lifecycle_service.h"
#include "seestar_service.h"
#include "service.h"

namespace zc::daemon {

std::vector<ServiceFactory> service_factories() {
    return {
        // Capabilities register here, one line each.
        [](ServiceContext& ctx) { return std::make_unique<GalleryService>(ctx); },
        [](ServiceContext& ctx) { return std::make_unique<FlightService>(ctx); },
        [](ServiceContext& ctx) { return std::make_unique<SeestarService>(ctx); },
        [](ServiceContext& ctx) { return std::make_unique<LifecycleService>(ctx); },
    };
}

}  // namespace zc::daemon
