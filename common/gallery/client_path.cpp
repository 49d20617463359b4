#include "gallery/client_path.h"

#include <vector>

#include "gallery/image_type.h"

namespace zc::gallery {

namespace {

bool all_digits(std::string_view s) {
    for (char c : s)
        if (c < '0' || c > '9')
            return false;
    return !s.empty();
}

bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

}  // namespace

bool valid_image_name(std::string_view name) {
    if (name.empty() || name.size() > 200 || name.front() == '.')
        return false;
    for (char c : name)
        if (!name_char(c))
            return false;
    return type_from_extension(extension_of(name)).has_value();
}

std::optional<GalleryPath> parse_client_path(std::string_view raw) {
    if (raw.size() > 300)
        return std::nullopt;
    if (raw.starts_with("static/"))
        raw.remove_prefix(7);
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const auto slash = raw.find('/', start);
        parts.push_back(raw.substr(start, slash == std::string_view::npos ? slash : slash - start));
        if (slash == std::string_view::npos)
            break;
        start = slash + 1;
    }
    if (parts.size() != 4 || parts[0] != "gallery")
        return std::nullopt;
    if (parts[1].size() != 4 || !all_digits(parts[1]))
        return std::nullopt;
    if (parts[2].size() != 2 || !all_digits(parts[2]) || parts[2] < "01" || parts[2] > "12")
        return std::nullopt;
    if (!valid_image_name(parts[3]))
        return std::nullopt;
    return GalleryPath{std::string(parts[1]), std::string(parts[2]), std::string(parts[3])};
}

}  // namespace zc::gallery
