#pragma once
// The gallery page, its script and its style sheet, compiled into the daemon: no external CDN,
// nothing to install beside the binary, and the page always matches the API it talks to.
#include <string_view>

namespace zc::daemon {

struct Asset {
    std::string_view content_type;
    std::string_view body;
};

/// "/gallery" (the page), "/static/gallery.js", "/static/gallery.css"; nullptr otherwise.
const Asset* find_asset(std::string_view path);

}  // namespace zc::daemon
