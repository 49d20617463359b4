#include "gallery/image_type.h"

#include <cctype>

namespace zc::gallery {

std::string extension_of(std::string_view filename) {
    const auto dot = filename.rfind('.');
    if (dot == std::string_view::npos)
        return {};
    std::string ext(filename.substr(dot + 1));
    for (auto& c : ext)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext;
}

std::optional<ImageType> type_from_extension(std::string_view ext) {
    std::string e(ext);
    for (auto& c : e)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (e == "png")
        return ImageType::kPng;
    if (e == "jpg" || e == "jpeg")
        return ImageType::kJpeg;
    if (e == "gif")
        return ImageType::kGif;
    return std::nullopt;
}

bool magic_matches(ImageType type, std::string_view head) {
    switch (type) {
        case ImageType::kPng:
            return head.starts_with(std::string_view("\x89PNG\r\n\x1a\n", 8));
        case ImageType::kJpeg:
            return head.starts_with(std::string_view("\xff\xd8\xff", 3));
        case ImageType::kGif:
            return head.starts_with("GIF87a") || head.starts_with("GIF89a");
    }
    return false;
}

const char* content_type(ImageType type) {
    switch (type) {
        case ImageType::kPng:
            return "image/png";
        case ImageType::kJpeg:
            return "image/jpeg";
        case ImageType::kGif:
            return "image/gif";
    }
    return "application/octet-stream";
}

}  // namespace zc::gallery
