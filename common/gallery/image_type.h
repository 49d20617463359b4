#pragma once
// What the gallery accepts: PNG, JPEG and GIF, recognised by extension AND by magic bytes, so a
// script renamed to .png is refused.
#include <optional>
#include <string>
#include <string_view>

namespace zc::gallery {

enum class ImageType { kPng, kJpeg, kGif };

/// The text after the last dot, lower-cased; empty when there is none.
std::string extension_of(std::string_view filename);
/// png, jpg, jpeg, gif (case-insensitive); nullopt otherwise.
std::optional<ImageType> type_from_extension(std::string_view ext);
/// True when `head` (the first bytes of the file) carries the signature of `type`.
bool magic_matches(ImageType type, std::string_view head);
const char* content_type(ImageType type);

/// The text of the 400 answer, as the original worded it.
inline constexpr const char* kInvalidTypeText = "Invalid file type. Allowed: png, jpg, jpeg, gif";

}  // namespace zc::gallery
