#pragma once
// Parsing of the paths clients send (delete/update targets, image URLs). Nothing a client sends
// is ever joined onto a directory: it must match the exact shape the gallery creates,
// gallery/<YYYY>/<MM>/<name>, with a whitelist of characters, or it is refused. Percent-encoding,
// '..', absolute paths, NUL, backslashes and non-ASCII (unicode look-alikes) all fail the
// whitelist; symlinks are handled when the components are opened (store.cpp, O_NOFOLLOW).
#include <optional>
#include <string>
#include <string_view>

namespace zc::gallery {

struct GalleryPath {
    std::string year;   // "2026"
    std::string month;  // "02"
    std::string name;   // "20260201_110549_BAW1.png"
    /// "gallery/2026/02/name.png": the list's `path`, what delete and update take.
    std::string relative() const { return "gallery/" + year + "/" + month + "/" + name; }
    /// "static/gallery/2026/02/name.png": the list's `full_path`.
    std::string full() const { return "static/" + relative(); }
};

/// A file name the gallery could have created: 1..200 of [A-Za-z0-9._-], not starting with '.',
/// with an allowed image extension.
bool valid_image_name(std::string_view name);

/// "gallery/YYYY/MM/name" (a leading "static/" is accepted too, since that is the URL form).
std::optional<GalleryPath> parse_client_path(std::string_view raw);

}  // namespace zc::gallery
